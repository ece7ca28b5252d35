#include "apps/drawing/digit_grid.h"

#include <algorithm>
#include <cmath>

#include "apps/drawing/painter.h"
#include "core/error.h"

namespace dae {
namespace {

const TextStyle kTitleStyle{14, true, kInk, Align::Left, VAlign::Top, false};
const TextStyle kLabelStyle{12, false, kInk, Align::Left, VAlign::Middle, false};

// Total length of `count` cells of `cell` pixels with kDigitGridGap between neighbours.
int span(int count, int cell) { return count == 0 ? 0 : count * cell + (count - 1) * kDigitGridGap; }

// Text sizes are fractional; the digits must start on whole pixels.
int whole(double length) { return static_cast<int>(std::ceil(length)); }

}  // namespace

Picture draw_digit_grid(const std::vector<DigitRow>& rows, int scale, const std::string& title,
                        DigitGridLayout* layout_out) {
  DAE_CHECK(scale >= 1, "draw_digit_grid: scale must be >= 1, got " << scale);
  // Text is measured on a scratch picture: the real one's size depends on it.
  Picture scratch(1, 1);
  Painter measure(scratch);
  size_t columns = 0;
  double widest_label = 0;
  for (const DigitRow& row : rows) {
    columns = std::max(columns, row.images.size());
    widest_label = std::max(widest_label, measure.text_width(row.label, kLabelStyle));
    for (const float* image : row.images)
      DAE_CHECK(image != nullptr, "draw_digit_grid: row '" << row.label << "' has a null image");
  }
  DigitGridLayout layout;
  layout.cell = kDigitSide * scale;
  const int label_column = widest_label == 0 ? 0 : whole(widest_label) + kDigitGridLabelGap;
  const int title_block = title.empty() ? 0 : whole(measure.line_height(kTitleStyle)) + kDigitGridMargin;
  layout.digits_left = kDigitGridMargin + label_column;
  int y = kDigitGridMargin + title_block;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (r > 0) y += rows[r].starts_group ? kDigitGridGroupGap : kDigitGridGap;
    layout.row_tops.push_back(y);
    y += layout.cell;
  }
  layout.width = std::max(layout.digits_left + span(static_cast<int>(columns), layout.cell),
                          kDigitGridMargin + whole(measure.text_width(title, kTitleStyle))) +
                 kDigitGridMargin;
  layout.height = y + kDigitGridMargin;

  Picture picture(layout.width, layout.height);
  Painter painter(picture);
  if (!title.empty()) painter.text(kDigitGridMargin, kDigitGridMargin, title, kTitleStyle);
  for (size_t r = 0; r < rows.size(); ++r) {
    const int top = layout.row_tops[r];
    painter.text(kDigitGridMargin, top + layout.cell / 2.0, rows[r].label, kLabelStyle);
    for (size_t c = 0; c < rows[r].images.size(); ++c) {
      const int left = layout.digits_left + static_cast<int>(c) * (layout.cell + kDigitGridGap);
      painter.gray_image(left, top, rows[r].images[c], kDigitSide, kDigitSide, scale);
    }
  }
  if (layout_out) *layout_out = layout;
  return picture;
}

}  // namespace dae
