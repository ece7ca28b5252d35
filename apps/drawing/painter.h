// The drawing operations every picture is made of (text, lines, markers, gray images), done by cairo on a Picture's recording. Text is DejaVu Sans with hinting off, so
// that a label measures the same in the SVG and the PNG and the layout computed from
// text_width holds in both. Lines are anti-aliased; hline/vline snap a thin axis-aligned line
// to the pixel grid so that it stays one pixel wide in the PNG.
#pragma once

#include <string>
#include <vector>

#include "apps/drawing/palette.h"
#include "apps/drawing/picture.h"

struct _cairo;  // cairo_t

namespace dae {

enum class Align { Left, Center, Right };   // where x is on the text's box
enum class VAlign { Top, Middle, Bottom };  // where y is: Middle is the middle of the capitals

struct TextStyle {
  double size = 12;
  bool bold = false;
  Rgb color = kInk;
  Align align = Align::Left;
  VAlign valign = VAlign::Top;
  bool halo = false;  // a white outline under the glyphs, for a label drawn over lines
};

enum class Dash { Solid, Dashed, Dotted };

struct Stroke {
  Rgb color = kInk;
  double width = 1;
  Dash dash = Dash::Solid;
  double opacity = 1;
};

enum class Marker { None, Dot, Ring, Square };

struct Point {
  double x, y;
};

class Painter {
 public:
  explicit Painter(Picture& picture);
  ~Painter();
  Painter(const Painter&) = delete;
  Painter& operator=(const Painter&) = delete;

  // The advance of one line of text, and the height of its box (the font's ascent + descent).
  double text_width(const std::string& text, const TextStyle& style);
  double line_height(const TextStyle& style);
  // Draws one line of UTF-8 text and records its box in the picture's texts().
  TextBox text(double x, double y, const std::string& text, const TextStyle& style);

  void line(Point from, Point to, const Stroke& stroke);
  // One path, so a dash pattern runs on across the corners.
  void polyline(const std::vector<Point>& points, const Stroke& stroke);
  void hline(double x0, double x1, double y, const Stroke& stroke);
  void vline(double x, double y0, double y1, const Stroke& stroke);
  // Centred on `at`; `radius` is the dot's (a ring's outer edge, half a square's side).
  void marker(Point at, Marker marker, Rgb color, double radius);

  // A rows x cols gray image (row-major, 0 = black, 1 = white, values clamped to [0, 1]) with
  // its top-left corner at the whole pixel (x, y), each value a scale x scale block of exactly
  // its gray (nearest-neighbour upscaling). NaN is drawn red so a diverged model is visible.
  void gray_image(int x, int y, const float* values, int rows, int cols, int scale);

 private:
  void use_font(const TextStyle& style);
  void set_stroke(const Stroke& stroke);

  Picture& picture_;
  _cairo* cr_;
};

}  // namespace dae
