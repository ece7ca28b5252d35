// An RGB8 picture the program draws its own figures on (charts, digit grids), and its PNG
// encoding. Coordinates are pixels, x to the right and y down from the top-left corner.
// Every drawing call clips to the canvas, so callers may draw partly outside it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dae {

struct Rgb {
  uint8_t r, g, b;
};

inline bool operator==(Rgb a, Rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }
inline bool operator!=(Rgb a, Rgb b) { return !(a == b); }

class Canvas {
 public:
  Canvas(int width, int height, Rgb background);

  int width() const { return width_; }
  int height() const { return height_; }
  // Throws when (x, y) lies outside the canvas: reading is never clipped.
  Rgb pixel(int x, int y) const;
  void set_pixel(int x, int y, Rgb color);
  void fill_rect(int x, int y, int w, int h, Rgb color);
  // Square brush of side `thickness`, centred on the ideal line (Bresenham).
  void draw_line(int x0, int y0, int x1, int y1, Rgb color, int thickness = 1);

  // One line of text in stb_easy_font's pixel font, each font pixel drawn as a scale x scale
  // block. (x, y) is the top-left corner of the text box; capitals are 7 font pixels tall and
  // descenders reach 9 (text_height). Characters outside printable ASCII are drawn as '?'.
  void draw_text(int x, int y, const std::string& text, Rgb color, int scale = 1);
  // The advance of the whole string: the ink ends at most 2 font pixels before it.
  static int text_width(const std::string& text, int scale = 1);
  static int text_height(int scale = 1);

  // A rows x cols gray image (row-major, 0 = black, 1 = white, values clamped to [0, 1]), each
  // value drawn as a scale x scale block. NaN is drawn red so a diverged model is visible.
  void draw_gray_image(int x, int y, const float* values, int rows, int cols, int scale);

  // Row-major pixels, 3 bytes (r, g, b) each.
  const std::vector<uint8_t>& rgb() const { return rgb_; }

 private:
  int width_, height_;
  std::vector<uint8_t> rgb_;
};

// The PNG file's bytes, e.g. to embed an image in an HTML report as base64.
std::vector<uint8_t> encode_png(const Canvas& canvas);
// Written atomically (temporary file, then rename): a reader never sees half a picture.
void write_png(const std::string& path, const Canvas& canvas);

}  // namespace dae
