#include "apps/report/text_format.h"

#include <cmath>
#include <cstdio>

namespace dae {

namespace {

constexpr const char* kNotMeasuredText = "n/a";

}  // namespace

std::string format_number(double value) {
  if (std::isnan(value)) return kNotMeasuredText;
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return kNotMeasuredText;
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string signed_fixed(double value, int decimals) { return (value >= 0 ? "+" : "") + fixed(value, decimals); }

std::string grouped(double value) {
  if (std::isnan(value)) return kNotMeasuredText;
  const std::string digits = fixed(std::abs(value), 0);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (value < 0 ? "-" : "") + out;
}

std::string percent(double fraction) { return fixed(100 * fraction, 2) + "%"; }

std::string percentage_points(double fraction_difference) {
  return signed_fixed(100 * fraction_difference, 2) + " points";
}

std::string format_mse(double mse) { return fixed(mse, 6); }

std::string format_db(double psnr) { return fixed(psnr, 2) + " dB"; }

std::string format_bytes(double bytes) { return fixed(bytes / (1024.0 * 1024.0), 1) + " MiB"; }

std::string wrap_command(const std::string& command, size_t width) {
  std::vector<std::string> lines = {""};
  for (size_t at = 0; at < command.size();) {
    const size_t option = command.find(" --", at + 1);
    const size_t next = option == std::string::npos ? command.size() : option;
    const std::string piece = command.substr(at, next - at);  // the program, or " --option value"
    // + 2: the " \\" that ends every line but the last.
    if (!lines.back().empty() && lines.back().size() + piece.size() + 2 > width) {
      lines.push_back("  " + piece.substr(1));
    } else {
      lines.back() += piece;
    }
    at = next;
  }
  return join(lines, " \\\n");
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

}  // namespace dae
