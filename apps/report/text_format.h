// Numbers and lists as the report and the program's summaries write them. NaN (a figure not
// measured) is written "n/a" by every number format.
#pragma once

#include <string>
#include <vector>

namespace dae {

// A setting or noise level in its shortest form (printf %g): "0.1", "0.0002", "1e-08".
std::string format_number(double value);
// A fixed number of decimals: fixed(0.5, 2) = "0.50"; infinities as "inf" and "-inf".
std::string fixed(double value, int decimals);
// The same with a sign: "+0.50", "-1.20".
std::string signed_fixed(double value, int decimals);
// A count with thousands separators: 771425 -> "771,425".
std::string grouped(double value);
// A fraction as a percentage with two decimals: 0.9757 -> "97.57%".
std::string percent(double fraction);
// A difference of two fractions in percentage points: 0.0123 -> "+1.23 points".
std::string percentage_points(double fraction_difference);
// An MSE with six decimals, a PSNR with two and its unit: "0.007288", "21.37 dB".
std::string format_mse(double mse);
std::string format_db(double psnr);
// A size in MiB with one decimal: "812.3 MiB".
std::string format_bytes(double bytes);
// A shell command broken before its options (" --") into lines of at most `width` characters
// where it can be, each but the last ending in " \\": the same command, pasted into a shell.
std::string wrap_command(const std::string& command, size_t width);
// The parts with `separator` between them.
std::string join(const std::vector<std::string>& parts, const std::string& separator);

}  // namespace dae
