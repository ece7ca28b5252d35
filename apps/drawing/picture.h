// A picture drawn once with cairo (through a Painter, apps/drawing/painter.h) and written two
// ways from that one drawing, which cairo records and replays onto each output:
//   SVG  vector, crisp at any zoom; its text is glyph outlines, so it looks the same on every
//        machine whatever fonts the viewer has
//   PNG  cairo's image surface, one pixel per unit, encoded by stb_image_write
// Units are CSS pixels, x to the right and y down from the top-left corner.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// cairo_surface_t, declared here so that users of pictures need no cairo header.
struct _cairo_surface;

namespace dae {

// A line of text a Painter drew, and its box (the font's full line height): tests and layout
// checks read these, since the SVG holds the glyphs as paths, not as text.
struct TextBox {
  std::string text;
  double left, top, width, height;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

class Picture {
 public:
  // Throws when the size is not positive.
  Picture(int width, int height);

  int width() const { return width_; }
  int height() const { return height_; }
  const std::vector<TextBox>& texts() const { return texts_; }
  // True once a raster image was drawn (digit grids). Such a picture is best shown as its PNG:
  // a browser smooths the pixels of an image scaled inside an SVG.
  bool holds_pixels() const { return holds_pixels_; }

  // A standalone SVG document.
  std::string svg() const;
  // The same <svg> element without the XML declaration and with every id (glyphs, clip paths,
  // images) prefixed by `id_prefix`, so that several pictures can sit inline in one HTML page.
  std::string inline_svg(const std::string& id_prefix) const;
  std::vector<uint8_t> png() const;

 private:
  friend class Painter;

  int width_, height_;
  std::shared_ptr<_cairo_surface> recording_;
  std::vector<TextBox> texts_;
  bool holds_pixels_ = false;
};

// Written atomically (temporary file, then rename): a reader never sees half a picture.
void write_png(const std::string& path, const Picture& picture);
void write_svg(const std::string& path, const Picture& picture);

}  // namespace dae
