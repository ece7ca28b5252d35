#include "apps/progress.h"

#include <unistd.h>

#include <cstdio>

namespace dae {

ProgressBar::ProgressBar(std::string label, int64_t batch_size)
    : label_(std::move(label)),
      batch_size_(batch_size),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressBar::update(int64_t steps_done, int64_t steps_total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (steps_done < steps_total && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(steps_done * batch_size_) / elapsed : 0.0;
  const double left = steps_done > 0 ? elapsed * static_cast<double>(steps_total - steps_done) / static_cast<double>(steps_done) : 0.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * steps_done / (steps_total > 0 ? steps_total : 1));
  std::fprintf(stderr, "\r%s [%-*s] %lld/%lld  %.0f img/s  ETA %.0fs   ", label_.c_str(), kWidth,
               std::string(static_cast<size_t>(filled), '#').c_str(), static_cast<long long>(steps_done),
               static_cast<long long>(steps_total), rate, left);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r%*s\r", 100, "");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace dae
