#include "apps/drawing/dot_chart.h"

#include <algorithm>
#include <cmath>

#include "apps/drawing/chart_axis.h"
#include "apps/drawing/chart_frame.h"
#include "apps/drawing/legend.h"
#include "core/error.h"

namespace dae {
namespace {

constexpr int kMaxIntervals = 5;
constexpr double kRowHeight = 30;
constexpr double kPanelGap = 32;
constexpr double kLabelGap = 12;
constexpr double kDotRadius = 4;
// Rings are drawn larger, so that a dot on the same value shows inside its ring.
constexpr double kRingRadius = 7;
constexpr double kMinPanelWidth = 80;
constexpr double kEnds = 8;  // the axis's ends stand clear of the panel's edges by this much

const TextStyle kPanelTitle{12, true, kInk, Align::Left, VAlign::Top, false};
const TextStyle kRowLabel{12, false, kInk, Align::Left, VAlign::Middle, false};

void check_shapes(const std::vector<DotRow>& rows, const std::vector<DotSeries>& series,
                  const std::vector<DotPanel>& panels) {
  DAE_CHECK(!rows.empty() && !series.empty() && !panels.empty(), "draw_dot_chart: needs rows, series and panels, got "
                                                                     << rows.size() << ", " << series.size() << ", "
                                                                     << panels.size());
  for (const DotPanel& panel : panels) {
    DAE_CHECK(panel.values.size() == series.size(), "draw_dot_chart: panel '"
                                                        << panel.title << "' has " << panel.values.size()
                                                        << " series of values for " << series.size() << " series");
    for (const auto& values : panel.values)
      DAE_CHECK(values.size() == rows.size(), "draw_dot_chart: panel '" << panel.title << "' has " << values.size()
                                                                        << " values for " << rows.size() << " rows");
  }
}

}  // namespace

Picture draw_dot_chart(const std::vector<DotRow>& rows, const std::vector<DotSeries>& series,
                       const std::vector<DotPanel>& panels, const DotChartOptions& options) {
  check_shapes(rows, series, panels);
  Range range;
  for (const DotPanel& panel : panels)
    for (const auto& values : panel.values)
      for (double v : values)
        if (std::isfinite(v)) range.add(v);
  DAE_CHECK(!range.empty(), "draw_dot_chart: no finite value to draw");
  const Axis axis = linear_axis(range, kMaxIntervals);

  std::vector<LegendKey> keys;
  for (const DotSeries& s : series) keys.push_back({s.label, kMutedInk, Dash::Solid, 0, 1, s.marker});
  const double width = options.width;

  // The height depends on the text, so the text is measured on a scratch picture first.
  Picture scratch(1, 1);
  Painter measure(scratch);
  const double title_bottom =
      options.title.empty() ? kChartPad : kChartPad + measure.line_height(chart_title_style()) + kBlockGap;
  const double legend = legend_height(measure, keys, width - 2 * kChartPad) + kBlockGap;
  const double panel_title = measure.line_height(kPanelTitle) + kTickGap;
  const double ticks = kTickLength + kTickGap + measure.line_height(tick_label_style(Align::Left, VAlign::Top));
  const double name = options.x_label.empty() ? 0 : kTickGap + measure.line_height(axis_name_style());
  const double rows_top = title_bottom + legend + panel_title;
  const double rows_bottom = rows_top + kRowHeight * static_cast<double>(rows.size());
  const int height = static_cast<int>(std::ceil(rows_bottom + ticks + name + kChartPad));

  Picture picture(options.width, height);
  Painter painter(picture);
  draw_chart_title(painter, options.title, width);
  draw_legend(painter, keys, kChartPad, title_bottom, width - 2 * kChartPad);

  double widest = 0;
  for (const DotRow& row : rows) widest = std::max(widest, painter.text_width(row.label, kRowLabel));
  const double panels_left = kChartPad + widest + kLabelGap;
  const double panel_count = static_cast<double>(panels.size());
  const double panel_width = (width - kChartPad - panels_left - kPanelGap * (panel_count - 1)) / panel_count;
  DAE_CHECK(panel_width >= kMinPanelWidth,
            "draw_dot_chart: " << options.width << " px leave " << panel_width << " px per panel; make it wider");
  auto row_middle = [&](size_t r) { return rows_top + kRowHeight * (static_cast<double>(r) + 0.5); };
  for (size_t r = 0; r < rows.size(); ++r) painter.text(kChartPad, row_middle(r), rows[r].label, kRowLabel);

  for (size_t p = 0; p < panels.size(); ++p) {
    const double left = panels_left + static_cast<double>(p) * (panel_width + kPanelGap);
    const double right = left + panel_width;
    auto px = [&](double v) { return left + kEnds + axis.fraction(v) * (panel_width - 2 * kEnds); };
    painter.text(left, title_bottom + legend, panels[p].title, kPanelTitle);
    for (size_t r = 0; r < rows.size(); ++r) painter.hline(left, right, row_middle(r), {kMinorGrid});
    for (size_t i = 0; i < axis.ticks.size(); ++i) {
      const double x = px(axis.ticks[i]);
      painter.vline(x, rows_top, rows_bottom, {kGrid});
      painter.vline(x, rows_bottom, rows_bottom + kTickLength, {kAxisLine});
      painter.text(x, rows_bottom + kTickLength + kTickGap, axis.labels[i],
                   tick_label_style(Align::Center, VAlign::Top));
    }
    painter.hline(left, right, rows_bottom, {kAxisLine});
    for (size_t r = 0; r < rows.size(); ++r) {
      Range row_range;
      for (const auto& values : panels[p].values)
        if (std::isfinite(values[r])) row_range.add(values[r]);
      if (row_range.empty()) continue;
      const double y = row_middle(r);
      painter.line({px(row_range.lo), y}, {px(row_range.hi), y}, {rows[r].color, 2.5, Dash::Solid, 0.45});
      for (size_t s = 0; s < series.size(); ++s)
        if (std::isfinite(panels[p].values[s][r]))
          painter.marker({px(panels[p].values[s][r]), y}, series[s].marker, rows[r].color,
                         series[s].marker == Marker::Ring ? kRingRadius : kDotRadius);
    }
  }
  if (!options.x_label.empty()) {
    TextStyle style = axis_name_style();
    style.align = Align::Center;
    style.valign = VAlign::Bottom;
    painter.text((panels_left + width - kChartPad) / 2, height - kChartPad, options.x_label, style);
  }
  return picture;
}

}  // namespace dae
