// Line charts: the loss curves by epoch (or by logged step) and the PSNR-by-noise comparison.
//
//   Title                                    bold, top left
//   legend keys, wrapped into rows           one per labelled series
//   y-axis name (", log scale" on a log axis)
//   plot: grid, reference lines with their labels, the series (clipped to the plot)
//   x tick labels, x-axis name
#pragma once

#include <string>
#include <vector>

#include "apps/drawing/painter.h"
#include "apps/drawing/picture.h"

namespace dae {

// Points are joined in the order given. A point whose x or y is NaN or infinite is skipped,
// and the line breaks there rather than bridging the gap. A series with an empty label is
// drawn but left out of the legend; one without points is a legend key only (e.g. "dashed:
// test loss" beside one coloured key per model).
struct Series {
  std::string label;
  std::vector<double> x, y;
  Rgb color;
  Dash dash = Dash::Solid;
  double width = 2;
  double opacity = 1;
  Marker marker = Marker::Dot;
};

// A gray dotted line across the plot at a value that is not a series (the noisy input's
// MSE; the noise a model was trained at), labelled where it ends. Its value is always shown:
// the axis widens to take it in.
struct ReferenceLine {
  double value;
  std::string label;
  bool vertical = false;  // at x = value, else at y = value
};

struct ChartOptions {
  std::string title, x_label, y_label;
  int width = 800, height = 480;
  // Needs every finite y to be positive: a non-positive one throws (naming the series), since
  // dropping or clamping it would draw a curve the data does not have.
  bool log_y = false;
  bool integer_x = false;    // x ticks on whole numbers only (epochs)
  bool x_from_zero = false;  // the x axis starts at 0 whatever the data (training starts there)
  std::vector<ReferenceLine> references;
};

// Axes end on "nice" ticks (apps/drawing/chart_axis.h) that enclose the data; a chart with no
// finite point says "no data". Throws when a series has x and y of different lengths, or when
// the picture is too small to leave room for the plot after its labels and legend.
Picture draw_line_chart(const std::vector<Series>& series, const ChartOptions& options);

}  // namespace dae
