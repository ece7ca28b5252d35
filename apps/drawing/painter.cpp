#include "apps/drawing/painter.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace dae {
namespace {

constexpr const char* kFontFamily = "DejaVu Sans";
constexpr double kHaloWidth = 3;
constexpr double kFullTurn = 2 * 3.14159265358979323846;

void set_color(cairo_t* cr, Rgb color, double opacity = 1) {
  cairo_set_source_rgba(cr, color.r / 255.0, color.g / 255.0, color.b / 255.0, opacity);
}

// A line of odd width covers whole pixels when its centre sits on a half pixel.
double snap(double coordinate, double width) {
  const bool odd = static_cast<long>(std::lround(width)) % 2 == 1;
  return odd ? std::floor(coordinate) + 0.5 : std::round(coordinate);
}

}  // namespace

Painter::Painter(Picture& picture) : picture_(picture), cr_(cairo_create(picture.recording_.get())) {
  cairo_font_options_t* options = cairo_font_options_create();
  // Unhinted metrics scale linearly with the size: the same advances on every surface.
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
  cairo_set_font_options(cr_, options);
  cairo_font_options_destroy(options);
}

Painter::~Painter() { cairo_destroy(cr_); }

void Painter::use_font(const TextStyle& style) {
  cairo_select_font_face(cr_, kFontFamily, CAIRO_FONT_SLANT_NORMAL,
                         style.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr_, style.size);
}

double Painter::text_width(const std::string& text, const TextStyle& style) {
  use_font(style);
  cairo_text_extents_t extents;
  cairo_text_extents(cr_, text.c_str(), &extents);
  return extents.x_advance;
}

double Painter::line_height(const TextStyle& style) {
  use_font(style);
  cairo_font_extents_t extents;
  cairo_font_extents(cr_, &extents);
  return extents.ascent + extents.descent;
}

TextBox Painter::text(double x, double y, const std::string& text, const TextStyle& style) {
  const double width = text_width(text, style);  // also selects the font
  cairo_font_extents_t font;
  cairo_font_extents(cr_, &font);
  cairo_text_extents_t capital;
  cairo_text_extents(cr_, "H", &capital);
  const double left = style.align == Align::Left ? x : style.align == Align::Center ? x - width / 2 : x - width;
  const double baseline = style.valign == VAlign::Top      ? y + font.ascent
                          : style.valign == VAlign::Middle ? y - capital.y_bearing / 2
                                                           : y - font.descent;
  cairo_move_to(cr_, left, baseline);
  if (style.halo) {
    cairo_text_path(cr_, text.c_str());
    set_color(cr_, kWhite);
    cairo_set_line_width(cr_, kHaloWidth);
    cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
    cairo_set_dash(cr_, nullptr, 0, 0);
    cairo_stroke_preserve(cr_);
    set_color(cr_, style.color);
    cairo_fill(cr_);
  } else {
    set_color(cr_, style.color);
    cairo_show_text(cr_, text.c_str());
  }
  const TextBox box{text, left, baseline - font.ascent, width, font.ascent + font.descent};
  picture_.texts_.push_back(box);
  return box;
}

void Painter::set_stroke(const Stroke& stroke) {
  DAE_CHECK(stroke.width > 0, "Painter: a stroke must have a positive width, got " << stroke.width);
  set_color(cr_, stroke.color, stroke.opacity);
  cairo_set_line_width(cr_, stroke.width);
  cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
  // Dashes scale with the width, so a thick dashed line still reads as dashed.
  const double w = stroke.width;
  const double dashed[] = {4 * w + 2, 3 * w + 1};
  const double dotted[] = {0, 2 * w + 1};
  switch (stroke.dash) {
    case Dash::Solid:
      cairo_set_dash(cr_, nullptr, 0, 0);
      cairo_set_line_cap(cr_, CAIRO_LINE_CAP_ROUND);
      break;
    case Dash::Dashed:
      cairo_set_dash(cr_, dashed, 2, 0);
      cairo_set_line_cap(cr_, CAIRO_LINE_CAP_BUTT);
      break;
    case Dash::Dotted:  // zero-length dashes with round caps are round dots
      cairo_set_dash(cr_, dotted, 2, 0);
      cairo_set_line_cap(cr_, CAIRO_LINE_CAP_ROUND);
      break;
  }
}

void Painter::line(Point from, Point to, const Stroke& stroke) { polyline({from, to}, stroke); }

void Painter::polyline(const std::vector<Point>& points, const Stroke& stroke) {
  if (points.size() < 2) return;
  set_stroke(stroke);
  cairo_move_to(cr_, points[0].x, points[0].y);
  for (size_t i = 1; i < points.size(); ++i) cairo_line_to(cr_, points[i].x, points[i].y);
  cairo_stroke(cr_);
}

void Painter::hline(double x0, double x1, double y, const Stroke& stroke) {
  set_stroke(stroke);
  // A solid line ends exactly at x0 and x1; dots keep their round caps (they are the dots).
  if (stroke.dash != Dash::Dotted) cairo_set_line_cap(cr_, CAIRO_LINE_CAP_BUTT);
  const double at = snap(y, stroke.width);
  cairo_move_to(cr_, std::round(x0), at);
  cairo_line_to(cr_, std::round(x1), at);
  cairo_stroke(cr_);
}

void Painter::vline(double x, double y0, double y1, const Stroke& stroke) {
  set_stroke(stroke);
  if (stroke.dash != Dash::Dotted) cairo_set_line_cap(cr_, CAIRO_LINE_CAP_BUTT);
  const double at = snap(x, stroke.width);
  cairo_move_to(cr_, at, std::round(y0));
  cairo_line_to(cr_, at, std::round(y1));
  cairo_stroke(cr_);
}

void Painter::marker(Point at, Marker marker, Rgb color, double radius) {
  // An arc joins the current point (e.g. where the last text ended) unless the path is new.
  cairo_new_path(cr_);
  cairo_set_dash(cr_, nullptr, 0, 0);
  switch (marker) {
    case Marker::None: return;
    case Marker::Dot:
      cairo_arc(cr_, at.x, at.y, radius, 0, kFullTurn);
      set_color(cr_, color);
      cairo_fill(cr_);
      return;
    case Marker::Ring: {
      const double line = std::clamp(radius / 2.5, 1.0, 2.0);
      cairo_arc(cr_, at.x, at.y, radius - line / 2, 0, kFullTurn);
      set_color(cr_, kWhite);
      cairo_fill_preserve(cr_);
      set_color(cr_, color);
      cairo_set_line_width(cr_, line);
      cairo_stroke(cr_);
      return;
    }
    case Marker::Square:
      cairo_rectangle(cr_, at.x - radius, at.y - radius, 2 * radius, 2 * radius);
      set_color(cr_, color);
      cairo_fill(cr_);
      return;
  }
}

void Painter::gray_image(int x, int y, const float* values, int rows, int cols, int scale) {
  DAE_CHECK(rows > 0 && cols > 0 && scale >= 1,
            "Painter::gray_image: bad shape " << rows << "x" << cols << " scale " << scale);
  DAE_CHECK(values != nullptr, "Painter::gray_image: values is null");
  cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, cols, rows);
  unsigned char* data = cairo_image_surface_get_data(image);
  const int stride = cairo_image_surface_get_stride(image);
  for (int row = 0; row < rows; ++row) {
    auto* out = reinterpret_cast<uint32_t*>(data + static_cast<size_t>(row) * stride);
    for (int col = 0; col < cols; ++col) {
      const float value = values[row * cols + col];
      uint32_t pixel = 0xFF0000;  // NaN: red
      if (!std::isnan(value)) {
        const auto gray = static_cast<uint32_t>(std::lround(std::clamp(value, 0.0f, 1.0f) * 255));
        pixel = gray << 16 | gray << 8 | gray;
      }
      out[col] = pixel;
    }
  }
  cairo_surface_mark_dirty(image);
  cairo_save(cr_);
  cairo_translate(cr_, x, y);
  cairo_scale(cr_, scale, scale);
  cairo_set_source_surface(cr_, image, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr_), CAIRO_FILTER_NEAREST);
  cairo_rectangle(cr_, 0, 0, cols, rows);
  cairo_fill(cr_);
  cairo_restore(cr_);
  cairo_surface_destroy(image);
  picture_.holds_pixels_ = true;
}

}  // namespace dae
