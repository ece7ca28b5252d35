// A dot chart (Cleveland's): one row per category, one dot per value on a shared x axis, in
// side-by-side panels that share the rows (e.g. two classifiers scored on the same features).
// Each row has its colour, each series its marker (named in the legend); a faint line joins
// a row's dots, so that a change (untrained -> trained) reads as a segment. Markers are drawn
// in series order and rings larger than dots, so that equal values show as a dot in a ring.
//
//   Title
//   legend: one key per series, its marker in gray
//                 panel title          panel title
//   row label     o------*             o---*
//   row label        o--*                o*
//                 x ticks              x ticks
//                          x-axis name
#pragma once

#include <string>
#include <vector>

#include "apps/drawing/painter.h"
#include "apps/drawing/picture.h"

namespace dae {

struct DotRow {
  std::string label;
  Rgb color;
};

struct DotSeries {
  std::string label;
  Marker marker;
};

struct DotPanel {
  std::string title;
  std::vector<std::vector<double>> values;  // [series][row]; NaN: no dot there
};

struct DotChartOptions {
  std::string title, x_label;
  int width = 800;
};

// The height follows from the rows. All panels share one axis, so that their dots compare.
// Throws when a panel's values do not match the series and rows, when no value is finite,
// or when the width leaves no room for the panels.
Picture draw_dot_chart(const std::vector<DotRow>& rows, const std::vector<DotSeries>& series,
                       const std::vector<DotPanel>& panels, const DotChartOptions& options);

}  // namespace dae
