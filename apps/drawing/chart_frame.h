// What every chart shares: the margins, the text styles of titles, axis names and tick
// labels, and the title itself, so that the line charts and the dot charts look alike.
#pragma once

#include <string>

#include "apps/drawing/painter.h"

namespace dae {

constexpr double kChartPad = 16;  // around the chart
constexpr double kBlockGap = 10;  // between the title, the legend and the plot
constexpr double kTickLength = 4;
constexpr double kTickGap = 5;  // between a tick and its label
constexpr double kChartMarkerRadius = 3.5;
constexpr Rgb kAxisLine{160, 160, 160};

TextStyle chart_title_style();
TextStyle axis_name_style();
TextStyle tick_label_style(Align align, VAlign valign);

// The title at the top left; one too long for the width is drawn smaller before it is
// refused. Returns the y where the next block starts: below the title and kBlockGap, or
// kChartPad when there is no title.
double draw_chart_title(Painter& painter, const std::string& title, double width);

}  // namespace dae
