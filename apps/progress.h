// The progress bar of an epoch, on a terminal only (stderr): steps, images/s and the time
// left. Redrawn at most five times a second; when stderr is not a terminal (a log file, CI)
// it stays silent and the per-epoch lines are the whole output.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace dae {

class ProgressBar {
 public:
  ProgressBar(std::string label, int64_t batch_size);
  void update(int64_t steps_done, int64_t steps_total);
  void clear();

 private:
  std::string label_;
  int64_t batch_size_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace dae
