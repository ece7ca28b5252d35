#include "apps/drawing/chart_frame.h"

#include "core/error.h"

namespace dae {

namespace {

constexpr double kTitleSize = 15, kSmallestTitleSize = 11;

}  // namespace

TextStyle chart_title_style() { return {kTitleSize, true, kInk, Align::Left, VAlign::Top, false}; }

TextStyle axis_name_style() { return {12, false, kMutedInk, Align::Left, VAlign::Top, false}; }

TextStyle tick_label_style(Align align, VAlign valign) { return {11, false, kMutedInk, align, valign, false}; }

double draw_chart_title(Painter& painter, const std::string& title, double width) {
  if (title.empty()) return kChartPad;
  TextStyle style = chart_title_style();
  const double room = width - 2 * kChartPad;
  while (painter.text_width(title, style) > room && style.size > kSmallestTitleSize) style.size -= 1;
  DAE_CHECK(painter.text_width(title, style) <= room,
            "chart title '" << title << "' does not fit in " << width << " px; shorten it");
  return painter.text(kChartPad, kChartPad, title, style).bottom() + kBlockGap;
}

}  // namespace dae
