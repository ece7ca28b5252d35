#include "apps/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace dae {

namespace {

constexpr int kMaxBarWidth = 30, kMinBarWidth = 8;
constexpr auto kRedrawInterval = std::chrono::milliseconds(200);

int terminal_columns() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS"); columns && std::atoi(columns) > 0) return std::atoi(columns);
  return 80;
}

}  // namespace

std::string format_clock(double seconds) {
  const long total = std::lround(std::max(0.0, seconds));
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  else
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  return text;
}

std::string progress_line(const std::string& label, int64_t done, int64_t total, const std::string& details,
                          double elapsed, int columns) {
  const std::string count = std::to_string(done) + "/" + std::to_string(total);
  const double left = done > 0 ? elapsed * static_cast<double>(total - done) / static_cast<double>(done) : 0.0;
  const std::string clock = format_clock(elapsed) + " elapsed, " + (done > 0 ? format_clock(left) : "?") + " left";
  const size_t limit = static_cast<size_t>(std::max(columns - 1, 1));
  // The parts in the order they are given up when the line does not fit.
  for (const auto& [with_details, with_clock] : {std::pair{true, true}, {false, true}, {false, false}}) {
    std::string tail = "] " + count;
    if (with_details && !details.empty()) tail += "  " + details;
    if (with_clock) tail += "  " + clock;
    const size_t fixed = label.size() + 2 + tail.size();  // "label [" + bar + tail
    if (fixed + kMinBarWidth > limit) continue;
    const int width = static_cast<int>(std::min<size_t>(kMaxBarWidth, limit - fixed));
    const int filled = total > 0 ? static_cast<int>(width * std::min(done, total) / total) : 0;
    return label + " [" + std::string(static_cast<size_t>(filled), '#') +
           std::string(static_cast<size_t>(width - filled), '.') + tail;
  }
  return (label + " " + count).substr(0, limit);
}

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - kRedrawInterval) {}

double ProgressBar::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressBar::update(int64_t done, int64_t total, const std::function<std::string()>& details) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  const std::string line =
      progress_line(label_, done, total, details ? details() : "", elapsed_seconds(), terminal_columns());
  std::fprintf(stderr, "\r\033[K%s", line.c_str());  // \033[K: erase the rest of the line
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace dae
