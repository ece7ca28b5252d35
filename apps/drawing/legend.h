// A chart's legend: one key per entry (a short swatch drawn in the entry's style, then its
// label), laid out left to right in rows that wrap within the width given, so that a legend
// always fits its chart, however many entries it has.
#pragma once

#include <string>
#include <vector>

#include "apps/drawing/painter.h"

namespace dae {

struct LegendKey {
  std::string label;
  Rgb color;
  Dash dash = Dash::Solid;
  double line_width = 2;  // 0: no line, the marker alone
  double opacity = 1;
  Marker marker = Marker::None;
};

// The height the keys take in `width` (0 without keys). Throws when one key alone is wider.
double legend_height(Painter& painter, const std::vector<LegendKey>& keys, double width);
// Draws them with the top-left corner at (x, y).
void draw_legend(Painter& painter, const std::vector<LegendKey>& keys, double x, double y, double width);

}  // namespace dae
