#include "apps/drawing/line_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/error.h"

namespace dae {
namespace {

constexpr int kTitleScale = 3;
constexpr int kTextScale = 2;
// Digits span the top 7 of the font's 9 rows: tick labels are centred on that.
constexpr int kDigitRows = 7;
constexpr int kPad = 16;         // around the chart and between its blocks
constexpr int kTickLength = 5;
constexpr int kTickGap = 6;      // between a tick and its label
constexpr int kMaxIntervals = 8; // at most 9 labelled ticks per axis
constexpr int kMinPlotSize = 60;
constexpr int kLineThickness = 2;
constexpr int kMarkerRadius = 4;
constexpr double kDashOn = 9, kDashOff = 6;
constexpr int kSwatchLength = 36;

// Beyond this many decades a log axis's minor grid (2x..9x each decade) is too dense to help.
constexpr int kMaxMinorDecades = 4;

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  bool empty() const { return lo > hi; }
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

struct Axis {
  double lo, hi;
  bool log;
  std::vector<double> ticks;
  std::vector<std::string> labels;
  std::vector<double> minor_ticks;  // unlabelled grid lines, log axes only
  // Where v sits between the ends of the axis, 0 at lo and 1 at hi.
  double fraction(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
};

std::string format(const char* pattern, double value, int precision) {
  char text[64];
  std::snprintf(text, sizeof(text), pattern, precision, value);
  return text;
}

// Ticks are multiples of the step, so the step's decimals are exactly the ones they need.
std::string linear_tick_label(double value, double step) {
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  if (decimals > 6 || std::abs(value) >= 1e7) return format("%.*g", value, 4);
  return format("%.*f", value, decimals);
}

// Bounds widened to multiples of the first 1-2-5 step that spans the range in at most
// kMaxIntervals intervals. A constant range is padded by 10% of its value (or 1 around 0).
Axis linear_axis(Range range) {
  double lo = range.lo, hi = range.hi;
  const double magnitude = std::max(std::abs(lo), std::abs(hi));
  if (hi - lo <= 1e-9 * magnitude) {
    const double pad = magnitude > 0 ? 0.1 * magnitude : 1.0;
    lo -= pad;
    hi += pad;
  }
  static const double kMultipliers[] = {1, 2, 5};
  const double base = std::pow(10.0, std::floor(std::log10((hi - lo) / kMaxIntervals)));
  double step = base, first = 0, last = 0;
  for (int k = 0;; ++k) {
    step = kMultipliers[k % 3] * base * std::pow(10.0, k / 3);
    // The 1e-9 slack keeps a bound that is a tick up to rounding (0.3 / 0.1) on that tick.
    first = std::floor(lo / step + 1e-9);
    last = std::ceil(hi / step - 1e-9);
    if (last - first <= kMaxIntervals) break;
  }
  Axis axis{first * step, last * step, false, {}, {}, {}};
  for (double i = first; i <= last; ++i) {
    axis.ticks.push_back(i * step);
    axis.labels.push_back(linear_tick_label(i * step, step));
  }
  return axis;
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

// Bounds on the 1-2-5 values around the data, all of them ticks when they fit in
// kMaxIntervals; over wider ranges the bounds snap to decades and every n-th decade is a tick.
Axis log_axis(Range range) {
  int lo = one_two_five_at_or_below(range.lo);
  int hi = one_two_five_at_or_below(range.hi);
  if (one_two_five(hi) < range.hi * (1 - 1e-9)) ++hi;
  if (lo == hi) {
    --lo;
    ++hi;
  }
  int stride = 1;
  if (hi - lo > kMaxIntervals) {
    lo = 3 * static_cast<int>(std::floor(lo / 3.0));
    const int decades = static_cast<int>(std::ceil((hi - lo) / 3.0));
    stride = 3 * ((decades + kMaxIntervals - 1) / kMaxIntervals);
    hi = lo + stride * ((3 * decades + stride - 1) / stride);
  }
  Axis axis{one_two_five(lo), one_two_five(hi), true, {}, {}, {}};
  for (int i = lo; i <= hi; i += stride) {
    axis.ticks.push_back(one_two_five(i));
    axis.labels.push_back(log_tick_label(i));
  }
  if (decade_of(hi) - decade_of(lo) <= kMaxMinorDecades) {
    for (int decade = decade_of(lo); decade <= decade_of(hi); ++decade)
      for (int mantissa = 2; mantissa <= 9; ++mantissa) {
        const double value = mantissa * std::pow(10.0, decade);
        if (value > axis.lo && value < axis.hi) axis.minor_ticks.push_back(value);
      }
  }
  return axis;
}

struct PlotArea {
  int left, top, width, height;
  const Axis& x_axis;
  const Axis& y_axis;
  double px(double x) const { return left + x_axis.fraction(x) * (width - 1); }
  double py(double y) const { return top + (1 - y_axis.fraction(y)) * (height - 1); }
};

struct Point {
  double x, y;
};

int to_pixel(double coordinate) { return static_cast<int>(std::lround(coordinate)); }

Point between(Point a, Point b, double t) { return {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)}; }

void draw_segment(Canvas& canvas, Point a, Point b, Rgb color) {
  canvas.draw_line(to_pixel(a.x), to_pixel(a.y), to_pixel(b.x), to_pixel(b.y), color,
                   kLineThickness);
}

int widest(const std::vector<std::string>& texts, int scale) {
  int width = 0;
  for (const auto& text : texts) width = std::max(width, Canvas::text_width(text, scale));
  return width;
}

// The dash pattern runs on across the corners of the polyline, so short segments (many
// epochs) still show dashes instead of a solid line made of dash starts.
void draw_polyline(Canvas& canvas, const std::vector<Point>& points, Rgb color, bool dashed) {
  double phase = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    const Point a = points[i - 1], b = points[i];
    if (!dashed) {
      draw_segment(canvas, a, b, color);
      continue;
    }
    const double length = std::hypot(b.x - a.x, b.y - a.y);
    for (double at = 0; at < length;) {
      const bool on = phase < kDashOn;
      const double end = std::min(length, at + (on ? kDashOn : kDashOn + kDashOff) - phase);
      if (on) draw_segment(canvas, between(a, b, at / length), between(a, b, end / length), color);
      phase = std::fmod(phase + end - at, kDashOn + kDashOff);
      at = end;
    }
  }
}

void draw_marker(Canvas& canvas, Point center, Rgb color) {
  const int cx = to_pixel(center.x), cy = to_pixel(center.y), r = kMarkerRadius;
  for (int dy = -r; dy <= r; ++dy)
    for (int dx = -r; dx <= r; ++dx)
      if (dx * dx + dy * dy <= r * r + r) canvas.set_pixel(cx + dx, cy + dy, color);
}

// Runs of consecutive finite points: a NaN or infinity ends one run and starts the next.
void draw_series(Canvas& canvas, const PlotArea& plot, const Series& series) {
  std::vector<Point> run;
  auto flush = [&] {
    draw_polyline(canvas, run, series.color, series.dashed);
    for (const Point& p : run) draw_marker(canvas, p, series.color);
    run.clear();
  };
  for (size_t i = 0; i < series.x.size(); ++i) {
    if (std::isfinite(series.x[i]) && std::isfinite(series.y[i])) {
      run.push_back({plot.px(series.x[i]), plot.py(series.y[i])});
    } else {
      flush();
    }
  }
  flush();
}

void draw_axes(Canvas& canvas, const PlotArea& plot) {
  const int right = plot.left + plot.width - 1, bottom = plot.top + plot.height - 1;
  const int label_height = kDigitRows * kTextScale;
  for (double tick : plot.y_axis.minor_ticks) {
    const int y = to_pixel(plot.py(tick));
    canvas.draw_line(plot.left, y, right, y, kMinorGrid);
  }
  for (size_t i = 0; i < plot.x_axis.ticks.size(); ++i) {
    const int x = to_pixel(plot.px(plot.x_axis.ticks[i]));
    const std::string& label = plot.x_axis.labels[i];
    canvas.draw_line(x, plot.top, x, bottom, kGrid);
    canvas.draw_line(x, bottom, x, bottom + kTickLength, kInk);
    canvas.draw_text(x - Canvas::text_width(label, kTextScale) / 2,
                     bottom + kTickLength + kTickGap, label, kInk, kTextScale);
  }
  for (size_t i = 0; i < plot.y_axis.ticks.size(); ++i) {
    const int y = to_pixel(plot.py(plot.y_axis.ticks[i]));
    const std::string& label = plot.y_axis.labels[i];
    canvas.draw_line(plot.left, y, right, y, kGrid);
    canvas.draw_line(plot.left - kTickLength, y, plot.left, y, kInk);
    canvas.draw_text(plot.left - kTickLength - kTickGap - Canvas::text_width(label, kTextScale),
                     y - label_height / 2, label, kInk, kTextScale);
  }
  canvas.draw_line(plot.left, plot.top, right, plot.top, kInk);
  canvas.draw_line(plot.left, bottom, right, bottom, kInk);
  canvas.draw_line(plot.left, plot.top, plot.left, bottom, kInk);
  canvas.draw_line(right, plot.top, right, bottom, kInk);
}

std::vector<const Series*> legend_entries(const std::vector<Series>& series) {
  std::vector<const Series*> entries;
  for (const auto& s : series)
    if (!s.label.empty()) entries.push_back(&s);
  return entries;
}

int legend_row_height() { return Canvas::text_height(kTextScale) + 10; }

int legend_width(const std::vector<const Series*>& entries) {
  if (entries.empty()) return 0;
  std::vector<std::string> labels;
  for (const Series* s : entries) labels.push_back(s->label);
  return kSwatchLength + kTickGap + widest(labels, kTextScale);
}

void draw_legend(Canvas& canvas, int x, int y, const std::vector<const Series*>& entries) {
  for (const Series* s : entries) {
    const double middle = y + kDigitRows * kTextScale / 2.0;
    draw_polyline(canvas, {{double(x), middle}, {double(x + kSwatchLength), middle}}, s->color,
                  s->dashed);
    draw_marker(canvas, {x + kSwatchLength / 2.0, middle}, s->color);
    canvas.draw_text(x + kSwatchLength + kTickGap, y, s->label, kInk, kTextScale);
    y += legend_row_height();
  }
}

}  // namespace

Canvas draw_line_chart(const std::vector<Series>& series, const ChartOptions& options) {
  Range x_range, y_range;
  for (const auto& s : series) {
    DAE_CHECK(s.x.size() == s.y.size(), "draw_line_chart: series '" << s.label << "' has "
                                            << s.x.size() << " x values but " << s.y.size()
                                            << " y values");
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      DAE_CHECK(!options.log_y || s.y[i] > 0,
                "draw_line_chart: log_y needs y > 0, but series '"
                    << s.label << "' has y = " << s.y[i] << " at x = " << s.x[i]
                    << "; draw it on a linear axis");
      x_range.add(s.x[i]);
      y_range.add(s.y[i]);
    }
  }
  const bool has_data = !x_range.empty();
  const Axis x_axis = linear_axis(has_data ? x_range : Range{0, 1});
  const Axis y_axis = options.log_y ? log_axis(has_data ? y_range : Range{1, 10})
                                    : linear_axis(has_data ? y_range : Range{0, 1});
  const auto entries = legend_entries(series);

  // Margins are sized from the text they hold, so no label is ever clipped.
  const int text_height = Canvas::text_height(kTextScale);
  // A title too long for the large font falls back to the labels' size before it is clipped.
  const int title_scale =
      Canvas::text_width(options.title, kTitleScale) <= options.width - 2 * kPad ? kTitleScale
                                                                                  : kTextScale;
  const int title_height = options.title.empty() ? 0 : Canvas::text_height(title_scale) + kPad;
  const int y_label_height = options.y_label.empty() ? 0 : text_height + kTickGap;
  const int left = kPad + widest(y_axis.labels, kTextScale) + kTickGap + kTickLength;
  const int top = kPad + title_height + y_label_height + text_height / 2;
  const int bottom = kTickLength + kTickGap + text_height +
                     (options.x_label.empty() ? 0 : kTickGap + text_height) + kPad;
  const int overhang = Canvas::text_width(x_axis.labels.back(), kTextScale) / 2;
  const int right = entries.empty() ? std::max(kPad, overhang + kTickGap)
                                    : 2 * kPad + legend_width(entries);
  const PlotArea plot{left, top, options.width - left - right, options.height - top - bottom,
                      x_axis, y_axis};
  DAE_CHECK(plot.width >= kMinPlotSize && plot.height >= kMinPlotSize,
            "draw_line_chart: a " << options.width << "x" << options.height << " chart leaves a "
                                  << plot.width << "x" << plot.height
                                  << " plot after its labels; make it larger");

  Canvas canvas(options.width, options.height, kWhite);
  canvas.draw_text((options.width - Canvas::text_width(options.title, title_scale)) / 2, kPad,
                   options.title, kInk, title_scale);
  canvas.draw_text(kPad, top - text_height / 2 - y_label_height, options.y_label, kMutedInk,
                   kTextScale);
  canvas.draw_text(left + (plot.width - Canvas::text_width(options.x_label, kTextScale)) / 2,
                   options.height - kPad - text_height, options.x_label, kMutedInk, kTextScale);
  draw_axes(canvas, plot);
  for (const auto& s : series) draw_series(canvas, plot, s);
  if (!has_data) {
    const std::string message = "no data";
    canvas.draw_text(left + (plot.width - Canvas::text_width(message, kTextScale)) / 2,
                     top + (plot.height - text_height) / 2, message, kMutedInk, kTextScale);
  }
  draw_legend(canvas, left + plot.width + kPad, top, entries);
  return canvas;
}

}  // namespace dae
