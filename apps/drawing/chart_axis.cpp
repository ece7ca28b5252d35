#include "apps/drawing/chart_axis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace dae {
namespace {

// Beyond this many decades a log axis's minor grid (2x..9x each decade) is too dense to help.
constexpr int kMaxMinorDecades = 4;

std::string format(const char* pattern, double value, int precision) {
  char text[64];
  std::snprintf(text, sizeof(text), pattern, precision, value);
  return text;
}

// Ticks are multiples of the step, so the step's decimals are exactly the ones they need.
std::string linear_tick_label(double value, double step) {
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  if (decimals > 6 || std::abs(value) >= 1e7) return format("%.*g", value, 4);
  // -0.0 would print as "-0".
  return format("%.*f", std::abs(value) < step / 2 ? 0.0 : value, decimals);
}

// Values 1, 2, 5, 10, 20, ... numbered by index: index 3e + k is {1, 2, 5}[k] * 10^e.
int decade_of(int index) { return static_cast<int>(std::floor(index / 3.0)); }
int mantissa_of(int index) {
  static const int kMantissas[] = {1, 2, 5};
  return kMantissas[index - 3 * decade_of(index)];
}
double one_two_five(int index) { return mantissa_of(index) * std::pow(10.0, decade_of(index)); }

// The slack counts a value that is a 1-2-5 value up to rounding (0.02) as that value.
int one_two_five_at_or_below(double v) {
  const int decade = static_cast<int>(std::floor(std::log10(v)));
  const double mantissa = v / std::pow(10.0, decade) * (1 + 1e-9);
  return 3 * decade + (mantissa >= 5 ? 2 : mantissa >= 2 ? 1 : 0);
}

// Plain numbers from 0.001 to 50000, "2e-5" style beyond.
std::string log_tick_label(int index) {
  const int decade = decade_of(index);
  if (decade >= -3 && decade <= 4) return format("%.*g", one_two_five(index), 6);
  return std::to_string(mantissa_of(index)) + "e" + std::to_string(decade);
}

}  // namespace

void Range::add(double v) {
  lo = std::min(lo, v);
  hi = std::max(hi, v);
}

double Axis::fraction(double v) const {
  if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  return (v - lo) / (hi - lo);
}

Axis linear_axis(Range range, int max_intervals, bool integers) {
  DAE_CHECK(!range.empty() && max_intervals >= 1, "linear_axis: an empty range or no intervals");
  double lo = range.lo, hi = range.hi;
  const double magnitude = std::max(std::abs(lo), std::abs(hi));
  if (hi - lo <= 1e-9 * magnitude) {
    const double pad = integers || magnitude == 0 ? 1.0 : 0.1 * magnitude;
    lo -= pad;
    hi += pad;
  }
  static const double kMultipliers[] = {1, 2, 5};
  double base = std::pow(10.0, std::floor(std::log10((hi - lo) / max_intervals)));
  if (integers) base = std::max(base, 1.0);
  double step = base, first = 0, last = 0;
  for (int k = 0;; ++k) {
    step = kMultipliers[k % 3] * base * std::pow(10.0, k / 3);
    // The 1e-9 slack keeps a bound that is a tick up to rounding (0.3 / 0.1) on that tick.
    first = std::floor(lo / step + 1e-9);
    last = std::ceil(hi / step - 1e-9);
    if (last - first <= max_intervals) break;
  }
  Axis axis;
  axis.lo = first * step;
  axis.hi = last * step;
  for (double i = first; i <= last; ++i) {
    axis.ticks.push_back(i * step);
    axis.labels.push_back(linear_tick_label(i * step, step));
  }
  return axis;
}

Axis log_axis(Range range, int max_intervals) {
  DAE_CHECK(!range.empty() && range.lo > 0 && max_intervals >= 1,
            "log_axis: needs a non-empty range of positive values, got [" << range.lo << ", " << range.hi << "]");
  // A value on a bound would sit on the plot's frame (an MSE of exactly 0.01 on the bottom
  // edge): the bounds lie strictly beyond the values, a 1-2-5 step out.
  int lo = one_two_five_at_or_below(range.lo);
  if (one_two_five(lo) >= range.lo * (1 - 1e-9)) --lo;
  int hi = one_two_five_at_or_below(range.hi) + 1;
  int stride = 1;
  if (hi - lo > max_intervals) {
    lo = 3 * static_cast<int>(std::floor(lo / 3.0));
    const int decades = static_cast<int>(std::ceil((hi - lo) / 3.0));
    stride = 3 * ((decades + max_intervals - 1) / max_intervals);
    hi = lo + stride * ((3 * decades + stride - 1) / stride);
  }
  Axis axis;
  axis.lo = one_two_five(lo);
  axis.hi = one_two_five(hi);
  axis.log = true;
  for (int i = lo; i <= hi; i += stride) {
    axis.ticks.push_back(one_two_five(i));
    axis.labels.push_back(log_tick_label(i));
  }
  if (decade_of(hi) - decade_of(lo) <= kMaxMinorDecades) {
    for (int decade = decade_of(lo); decade <= decade_of(hi); ++decade)
      for (int mantissa = 2; mantissa <= 9; ++mantissa) {
        const double value = mantissa * std::pow(10.0, decade);
        const bool labelled = std::any_of(axis.ticks.begin(), axis.ticks.end(),
                                          [&](double tick) { return std::abs(tick - value) <= 1e-9 * value; });
        if (value > axis.lo && value < axis.hi && !labelled) axis.minor_ticks.push_back(value);
      }
  }
  return axis;
}

}  // namespace dae
