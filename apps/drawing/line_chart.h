// Line charts drawn on a Canvas: the loss curves by epoch and the PSNR-by-noise comparisons.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "apps/drawing/canvas.h"
#include "apps/drawing/palette.h"

namespace dae {

// Points are joined in the order given. A point whose x or y is NaN or infinite is skipped,
// and the line breaks there rather than bridging the gap. A series with an empty label is
// drawn but left out of the legend.
struct Series {
  std::string label;
  std::vector<double> x, y;
  Rgb color;
  bool dashed = false;
};

struct ChartOptions {
  std::string title, x_label, y_label;
  int width = 800, height = 500;
  // Needs every finite y to be positive: a non-positive one throws (naming the series),
  // since dropping or clamping it would draw a curve the data does not have.
  bool log_y = false;
};

// Axes end on "nice" ticks (1-2-5 steps, or decades on a log axis) that enclose the data; a
// constant series gets a padded range, and a chart with no finite point says "no data".
// Throws when a series has x and y of different lengths, or when the canvas is too small to
// leave room for the plot after the margins the labels need.
Canvas draw_line_chart(const std::vector<Series>& series, const ChartOptions& options);

}  // namespace dae
