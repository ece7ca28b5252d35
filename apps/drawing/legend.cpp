#include "apps/drawing/legend.h"

#include <algorithm>

#include "core/error.h"

namespace dae {
namespace {

constexpr double kSwatchLength = 28;
constexpr double kSwatchGap = 6;  // between a swatch and its label
constexpr double kKeyGap = 20;    // between one key's label and the next key's swatch
constexpr double kRowGap = 4;
constexpr double kMarkerRadius = 3.5;

const TextStyle& label_style() {
  static const TextStyle style{12, false, kInk, Align::Left, VAlign::Middle, false};
  return style;
}

struct Placed {
  double x, row;  // the key's left edge and its row (0-based)
};

// The keys' places, filling each row before starting the next.
std::vector<Placed> layout(Painter& painter, const std::vector<LegendKey>& keys, double width) {
  std::vector<Placed> places;
  double x = 0, row = 0;
  for (const LegendKey& key : keys) {
    const double key_width = kSwatchLength + kSwatchGap + painter.text_width(key.label, label_style());
    DAE_CHECK(key_width <= width, "legend: the key '" << key.label << "' (" << key_width
                                                      << " px) is wider than the legend's " << width << " px");
    if (x > 0 && x + key_width > width) {
      x = 0;
      ++row;
    }
    places.push_back({x, row});
    x += key_width + kKeyGap;
  }
  return places;
}

double row_height(Painter& painter) { return painter.line_height(label_style()) + kRowGap; }

}  // namespace

double legend_height(Painter& painter, const std::vector<LegendKey>& keys, double width) {
  if (keys.empty()) return 0;
  return (layout(painter, keys, width).back().row + 1) * row_height(painter) - kRowGap;
}

void draw_legend(Painter& painter, const std::vector<LegendKey>& keys, double x, double y, double width) {
  const std::vector<Placed> places = layout(painter, keys, width);
  const double line = painter.line_height(label_style());
  for (size_t i = 0; i < keys.size(); ++i) {
    const LegendKey& key = keys[i];
    const double left = x + places[i].x, middle = y + places[i].row * row_height(painter) + line / 2;
    if (key.line_width > 0)
      painter.line({left, middle}, {left + kSwatchLength, middle}, {key.color, key.line_width, key.dash, key.opacity});
    painter.marker({left + kSwatchLength / 2, middle}, key.marker, key.color, kMarkerRadius);
    painter.text(left + kSwatchLength + kSwatchGap, middle, key.label, label_style());
  }
}

}  // namespace dae
