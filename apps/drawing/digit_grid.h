// A labelled grid of 28x28 digits, e.g. noisy input / reconstruction / clean, one row each.
#pragma once

#include <string>
#include <vector>

#include "apps/drawing/canvas.h"

namespace dae {

struct DigitRow {
  std::string label;
  std::vector<const float*> images;  // each 28x28, row-major, values in [0, 1]
};

// The layout, in pixels, so a caller can predict the picture's size:
//   width  = 2 * margin + label column + n * 28 * scale + (n - 1) * gap, where n is the most
//            images in any row and the label column is the widest label's
//            Canvas::text_width(label, kDigitGridTextScale) plus kDigitGridLabelGap (0 when
//            every label is empty); widened to the title's width plus 2 * margin if that is more.
//   height = 2 * margin + title block + r * 28 * scale + (r - 1) * gap for r rows, where the
//            title block is Canvas::text_height(kDigitGridTextScale) + margin (0 without title).
// Cells are top-left aligned: a shorter row leaves the cells on its right blank.
constexpr int kDigitSide = 28;
constexpr int kDigitGridMargin = 8;
constexpr int kDigitGridGap = 2;
constexpr int kDigitGridLabelGap = 12;
constexpr int kDigitGridTextScale = 2;

// Throws on a null image pointer or a scale below 1.
Canvas draw_digit_grid(const std::vector<DigitRow>& rows, int scale = 3,
                       const std::string& title = "");

}  // namespace dae
