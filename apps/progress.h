// A one-line progress display on a terminal (stderr): a label, a bar, done/total, the caller's
// figures, and the time elapsed and left (m:ss, or h:mm:ss past an hour). Redrawn at most
// five times a second, and never wider than the terminal, so it never wraps into a line per
// update; the parts that do not fit are left out (the bar shrinks first). When stderr is not a
// terminal (a log file, CI) it draws nothing and the commands' plain lines are the whole output.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace dae {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar() { clear(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // `details` is asked only when the line is redrawn (e.g. "loss 0.0123  412 img/s").
  void update(int64_t done, int64_t total, const std::function<std::string()>& details = {});
  void clear();
  double elapsed_seconds() const;

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// 42 -> "0:42", 725 -> "12:05", 3723 -> "1:02:03".
std::string format_clock(double seconds);

// The progress line for a terminal of `columns` columns: at most columns - 1 characters.
std::string progress_line(const std::string& label, int64_t done, int64_t total, const std::string& details,
                          double elapsed, int columns);

}  // namespace dae
