// A labelled grid of 28x28 digits, e.g. clean / noisy input / each model's output, one row
// each. The digits are pixel-exact in the PNG: each value is a scale x scale block of exactly
// its gray, on whole pixels (nearest-neighbour upscaling, no smoothing). The title and row
// labels are text like the charts'.
#pragma once

#include <string>
#include <vector>

#include "apps/drawing/picture.h"

namespace dae {

struct DigitRow {
  std::string label;
  std::vector<const float*> images;  // each 28x28, row-major, values in [0, 1]
  bool starts_group = false;         // a wider gap above it (e.g. the test rows after the training rows)
};

constexpr int kDigitSide = 28;
constexpr int kDigitGridMargin = 12;
constexpr int kDigitGridGap = 2;        // between neighbouring digits
constexpr int kDigitGridGroupGap = 10;  // above a row that starts a group
constexpr int kDigitGridLabelGap = 12;  // between the widest label and the digits

// Where everything went, in whole pixels: the digit in row r, column c has its top-left
// corner at (digits_left + c * (cell + kDigitGridGap), row_tops[r]).
struct DigitGridLayout {
  int width = 0, height = 0;
  int digits_left = 0;
  std::vector<int> row_tops;
  int cell = 0;  // 28 * scale
};

// Cells are top-left aligned: a shorter row leaves the cells on its right blank. Throws on a
// null image pointer or a scale below 1.
Picture draw_digit_grid(const std::vector<DigitRow>& rows, int scale = 3, const std::string& title = "",
                        DigitGridLayout* layout = nullptr);

}  // namespace dae
