// What a picture says, read from the text boxes it records (apps/drawing/picture.h): whether
// a label was drawn, and the x-axis tick labels of a chart.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "apps/drawing/picture.h"

namespace dae::test {

inline bool has_text(const Picture& picture, const std::string& text) {
  const auto& texts = picture.texts();
  return std::any_of(texts.begin(), texts.end(), [&](const TextBox& box) { return box.text == text; });
}

// The lowest row of numbers in the picture, left to right: a chart's x tick labels.
inline std::vector<std::string> x_tick_labels(const Picture& picture) {
  auto is_number = [](const std::string& text) {
    return !text.empty() && text.find_first_not_of("-0123456789.e") == std::string::npos;
  };
  std::vector<TextBox> row;
  for (const TextBox& box : picture.texts()) {
    if (!is_number(box.text)) continue;
    if (!row.empty() && box.top > row.front().top) row.clear();
    if (row.empty() || box.top == row.front().top) row.push_back(box);
  }
  std::sort(row.begin(), row.end(), [](const TextBox& a, const TextBox& b) { return a.left < b.left; });
  std::vector<std::string> labels;
  for (const TextBox& box : row) labels.push_back(box.text);
  return labels;
}

}  // namespace dae::test
