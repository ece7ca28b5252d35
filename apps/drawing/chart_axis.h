// The axes of the charts: "nice" ticks that enclose the data (multiples of a 1-2-5 step on a
// linear axis, the 1-2-5 values of each decade on a log axis) and their labels, written with
// exactly the decimals the step needs.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace dae {

// The span of the values seen so far; empty until the first add().
struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  bool empty() const { return lo > hi; }
  void add(double v);
};

struct Axis {
  double lo = 0, hi = 1;
  bool log = false;
  std::vector<double> ticks;  // labelled, from lo to hi
  std::vector<std::string> labels;
  std::vector<double> minor_ticks;  // unlabelled grid lines (log axes: 2x..9x of each decade)
  // Where v sits between the ends of the axis: 0 at lo, 1 at hi.
  double fraction(double v) const;
};

// Bounds widened to multiples of the first 1-2-5 step that spans the range in at most
// max_intervals intervals; with `integers` the step is at least 1 (epochs). A range of one
// value is padded by 10% of it (by 1 around 0, or for integers).
Axis linear_axis(Range range, int max_intervals, bool integers = false);
// Needs range.lo > 0. Ticks at the 1-2-5 values around the data (the bounds strictly beyond
// it, so that no value sits on the frame) while they fit in max_intervals; over wider ranges
// the bounds snap to decades and every n-th decade is a tick.
Axis log_axis(Range range, int max_intervals);

}  // namespace dae
