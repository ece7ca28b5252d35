#include "apps/drawing/digit_grid.h"

#include <algorithm>

#include "apps/drawing/palette.h"
#include "core/error.h"

namespace dae {
namespace {

// Labels are centred on the capitals, which span the top 7 of the font's 9 rows.
constexpr int kCapitalRows = 7;

// Total length of `count` cells of `cell` pixels with kDigitGridGap between neighbours.
int span(int count, int cell) {
  return count == 0 ? 0 : count * cell + (count - 1) * kDigitGridGap;
}

}  // namespace

Canvas draw_digit_grid(const std::vector<DigitRow>& rows, int scale, const std::string& title) {
  DAE_CHECK(scale >= 1, "draw_digit_grid: scale must be >= 1, got " << scale);
  size_t columns = 0;
  int widest_label = 0;
  for (const auto& row : rows) {
    columns = std::max(columns, row.images.size());
    widest_label = std::max(widest_label, Canvas::text_width(row.label, kDigitGridTextScale));
    for (const float* image : row.images)
      DAE_CHECK(image != nullptr, "draw_digit_grid: row '" << row.label << "' has a null image");
  }
  const int cell = kDigitSide * scale;
  const int label_column = widest_label == 0 ? 0 : widest_label + kDigitGridLabelGap;
  const int title_block =
      title.empty() ? 0 : Canvas::text_height(kDigitGridTextScale) + kDigitGridMargin;
  const int grid_width = label_column + span(static_cast<int>(columns), cell);
  const int width = 2 * kDigitGridMargin +
                    std::max(grid_width, Canvas::text_width(title, kDigitGridTextScale));
  const int height =
      2 * kDigitGridMargin + title_block + span(static_cast<int>(rows.size()), cell);

  Canvas canvas(width, height, kWhite);
  canvas.draw_text((width - Canvas::text_width(title, kDigitGridTextScale)) / 2, kDigitGridMargin,
                   title, kInk, kDigitGridTextScale);
  for (size_t r = 0; r < rows.size(); ++r) {
    const int top = kDigitGridMargin + title_block + static_cast<int>(r) * (cell + kDigitGridGap);
    canvas.draw_text(kDigitGridMargin, top + (cell - kCapitalRows * kDigitGridTextScale) / 2,
                     rows[r].label, kInk, kDigitGridTextScale);
    for (size_t c = 0; c < rows[r].images.size(); ++c) {
      const int left =
          kDigitGridMargin + label_column + static_cast<int>(c) * (cell + kDigitGridGap);
      canvas.draw_gray_image(left, top, rows[r].images[c], kDigitSide, kDigitSide, scale);
    }
  }
  return canvas;
}

}  // namespace dae
