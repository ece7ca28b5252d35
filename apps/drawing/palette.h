// The colours of every picture the program draws, named once: the page, the text, the grid
// lines, the noisy-input baseline, and the series palette.
#pragma once

#include <cstddef>

#include "apps/drawing/canvas.h"

namespace dae {

constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kInk{34, 34, 34};         // titles, labels, axes
constexpr Rgb kMutedInk{90, 90, 90};    // tick labels, messages
constexpr Rgb kGrid{228, 228, 228};
constexpr Rgb kMinorGrid{243, 243, 243};
constexpr Rgb kBaselineGray{127, 127, 127};  // the noisy input, drawn beside the models

// The index-th colour of a ten-colour palette that stays distinct on white (Tableau 10).
Rgb series_color(size_t index);

}  // namespace dae
