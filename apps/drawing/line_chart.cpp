#include "apps/drawing/line_chart.h"

#include <algorithm>
#include <cmath>

#include "apps/drawing/chart_axis.h"
#include "apps/drawing/chart_frame.h"
#include "apps/drawing/legend.h"
#include "core/error.h"

namespace dae {
namespace {

constexpr int kMaxIntervals = 8;  // at most 9 labelled ticks per axis
constexpr double kMinPlotSize = 60;
constexpr double kLabelInset = 4;  // a reference line's label from the plot's edge and its line

struct PlotArea {
  double left, top, right, bottom;
  const Axis& x_axis;
  const Axis& y_axis;
  double px(double x) const { return left + x_axis.fraction(x) * (right - left); }
  double py(double y) const { return bottom - y_axis.fraction(y) * (bottom - top); }
};

bool finite_point(const Series& s, size_t i) { return std::isfinite(s.x[i]) && std::isfinite(s.y[i]); }

std::vector<LegendKey> legend_keys(const std::vector<Series>& series) {
  std::vector<LegendKey> keys;
  for (const Series& s : series)
    if (!s.label.empty()) keys.push_back({s.label, s.color, s.dash, s.width, s.opacity, s.marker});
  return keys;
}

double widest(Painter& painter, const std::vector<std::string>& texts, const TextStyle& style) {
  double width = 0;
  for (const auto& text : texts) width = std::max(width, painter.text_width(text, style));
  return width;
}

void draw_grid_and_ticks(Painter& painter, const PlotArea& plot) {
  for (double tick : plot.y_axis.minor_ticks) painter.hline(plot.left, plot.right, plot.py(tick), {kMinorGrid});
  for (size_t i = 0; i < plot.y_axis.ticks.size(); ++i) {
    const double y = plot.py(plot.y_axis.ticks[i]);
    painter.hline(plot.left, plot.right, y, {kGrid});
    painter.hline(plot.left - kTickLength, plot.left, y, {kAxisLine});
    painter.text(plot.left - kTickLength - kTickGap, y, plot.y_axis.labels[i],
                 tick_label_style(Align::Right, VAlign::Middle));
  }
  for (size_t i = 0; i < plot.x_axis.ticks.size(); ++i) {
    const double x = plot.px(plot.x_axis.ticks[i]);
    painter.vline(x, plot.top, plot.bottom, {kGrid});
    painter.vline(x, plot.bottom, plot.bottom + kTickLength, {kAxisLine});
    painter.text(x, plot.bottom + kTickLength + kTickGap, plot.x_axis.labels[i],
                 tick_label_style(Align::Center, VAlign::Top));
  }
  painter.vline(plot.left, plot.top, plot.bottom, {kAxisLine});
  painter.hline(plot.left, plot.right, plot.bottom, {kAxisLine});
}

const Stroke kReferenceStroke{kBaselineGray, 1.5, Dash::Dotted, 1};

void draw_reference_line(Painter& painter, const PlotArea& plot, const ReferenceLine& line) {
  if (line.vertical) {
    painter.vline(plot.px(line.value), plot.top, plot.bottom, kReferenceStroke);
  } else {
    painter.hline(plot.left, plot.right, plot.py(line.value), kReferenceStroke);
  }
}

// Over the series, with a halo, so that it stays readable where a curve crosses it.
void draw_reference_label(Painter& painter, const PlotArea& plot, const ReferenceLine& line) {
  TextStyle style{11, false, kMutedInk, Align::Right, VAlign::Bottom, true};
  if (line.vertical) {
    const double x = plot.px(line.value);
    const bool fits_right = x + kLabelInset + painter.text_width(line.label, style) <= plot.right;
    style.align = fits_right ? Align::Left : Align::Right;
    style.valign = VAlign::Top;
    painter.text(fits_right ? x + kLabelInset : x - kLabelInset, plot.top + kLabelInset, line.label, style);
  } else {
    painter.text(plot.right - kLabelInset, plot.py(line.value) - kLabelInset / 2, line.label, style);
  }
}

// Runs of consecutive finite points: a NaN or infinity ends one run and starts the next.
void draw_series(Painter& painter, const PlotArea& plot, const Series& series) {
  std::vector<Point> run;
  auto flush = [&] {
    painter.polyline(run, {series.color, series.width, series.dash, series.opacity});
    for (const Point& p : run) painter.marker(p, series.marker, series.color, kChartMarkerRadius);
    run.clear();
  };
  for (size_t i = 0; i < series.x.size(); ++i) {
    if (finite_point(series, i)) {
      run.push_back({plot.px(series.x[i]), plot.py(series.y[i])});
    } else {
      flush();
    }
  }
  flush();
}

}  // namespace

Picture draw_line_chart(const std::vector<Series>& series, const ChartOptions& options) {
  Range x_range, y_range;
  for (const Series& s : series) {
    DAE_CHECK(s.x.size() == s.y.size(), "draw_line_chart: series '" << s.label << "' has " << s.x.size()
                                                                    << " x values but " << s.y.size() << " y values");
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!finite_point(s, i)) continue;
      DAE_CHECK(!options.log_y || s.y[i] > 0, "draw_line_chart: log_y needs y > 0, but series '"
                                                  << s.label << "' has y = " << s.y[i] << " at x = " << s.x[i]
                                                  << "; draw it on a linear axis");
      x_range.add(s.x[i]);
      y_range.add(s.y[i]);
    }
  }
  const bool has_data = !x_range.empty();
  for (const ReferenceLine& line : options.references) (line.vertical ? x_range : y_range).add(line.value);
  if (options.x_from_zero) x_range.add(0);
  const Axis x_axis = linear_axis(x_range.empty() ? Range{0, 1} : x_range, kMaxIntervals, options.integer_x);
  const Axis y_axis = options.log_y ? log_axis(y_range.empty() ? Range{1, 10} : y_range, kMaxIntervals)
                                    : linear_axis(y_range.empty() ? Range{0, 1} : y_range, kMaxIntervals);

  Picture picture(options.width, options.height);
  Painter painter(picture);
  const double width = options.width, height = options.height;
  double top = draw_chart_title(painter, options.title, width);
  const std::vector<LegendKey> keys = legend_keys(series);
  if (!keys.empty()) {
    draw_legend(painter, keys, kChartPad, top, width - 2 * kChartPad);
    top += legend_height(painter, keys, width - 2 * kChartPad) + kBlockGap;
  }
  const std::string y_name =
      options.y_label + (options.log_y ? (options.y_label.empty() ? "log scale" : ", log scale") : "");
  if (!y_name.empty()) top = painter.text(kChartPad, top, y_name, axis_name_style()).bottom() + kTickGap;

  // Margins are sized from the text they hold, so no label is ever clipped.
  const TextStyle tick_style = tick_label_style(Align::Left, VAlign::Top);
  const double tick_height = painter.line_height(tick_style);
  const double name_height = options.x_label.empty() ? 0 : painter.line_height(axis_name_style()) + kTickGap;
  const double left = kChartPad + widest(painter, y_axis.labels, tick_style) + kTickGap + kTickLength;
  const double right = width - kChartPad - painter.text_width(x_axis.labels.back(), tick_style) / 2;
  const double bottom = height - kChartPad - name_height - tick_height - kTickGap - kTickLength;
  const PlotArea plot{left, top + tick_height / 2, right, bottom, x_axis, y_axis};
  DAE_CHECK(plot.right - plot.left >= kMinPlotSize && plot.bottom - plot.top >= kMinPlotSize,
            "draw_line_chart: a " << options.width << "x" << options.height << " chart leaves a "
                                  << plot.right - plot.left << "x" << plot.bottom - plot.top
                                  << " plot after its labels and legend; make it larger");

  draw_grid_and_ticks(painter, plot);
  if (!options.x_label.empty()) {
    TextStyle name = axis_name_style();
    name.align = Align::Center;
    name.valign = VAlign::Bottom;
    painter.text((plot.left + plot.right) / 2, height - kChartPad, options.x_label, name);
  }
  for (const ReferenceLine& line : options.references) draw_reference_line(painter, plot, line);
  for (const Series& s : series) draw_series(painter, plot, s);
  for (const ReferenceLine& line : options.references) draw_reference_label(painter, plot, line);
  if (!has_data) {
    painter.text((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, "no data",
                 {12, false, kMutedInk, Align::Center, VAlign::Middle, false});
  }
  return picture;
}

}  // namespace dae
