// The colours of every picture the program draws, named once: the page, the text, the grid
// lines, the noisy-input baseline, and the series palette.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dae {

struct Rgb {
  uint8_t r, g, b;
};

inline bool operator==(Rgb a, Rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }
inline bool operator!=(Rgb a, Rgb b) { return !(a == b); }

constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kInk{34, 34, 34};       // titles, labels, axes
constexpr Rgb kMutedInk{96, 96, 96};  // tick labels, axis names, notes
constexpr Rgb kGrid{226, 226, 226};
constexpr Rgb kMinorGrid{242, 242, 242};
constexpr Rgb kBaselineGray{120, 120, 120};  // the noisy input and raw pixels, drawn beside the models

// The index-th colour of a ten-colour palette that stays distinct on white (Tableau 10).
Rgb series_color(size_t index);

}  // namespace dae
