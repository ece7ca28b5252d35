#include "apps/drawing/canvas.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"

// Static linkage keeps this copy of stb_image_write private to this file, so another file
// that also needs it cannot collide with it at link time.
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
// stb_easy_font is all static functions and tables: no implementation define needed.
#include <stb_easy_font.h>

namespace dae {
namespace {

// stb_easy_font emits quads of 4 vertices of 16 bytes (x, y, z floats, RGBA bytes); its
// busiest glyph takes 11 quads, so 16 per character never truncates.
constexpr int kVertexBytes = 16;
constexpr int kQuadBytes = 4 * kVertexBytes;
constexpr int kMaxQuadsPerChar = 16;
// Capitals span font rows 0-6, descenders (g, p, y) reach row 8.
constexpr int kGlyphHeight = 9;

// stb_easy_font indexes its tables with (c - 32) and has no guard of its own.
std::string printable_ascii(const std::string& text) {
  std::string result = text;
  for (char& c : result) {
    const auto code = static_cast<unsigned char>(c);
    if (code < 32 || code > 126) c = '?';
  }
  return result;
}

// The font's coordinates are whole font pixels, stored as floats.
int vertex_coordinate(const std::vector<char>& quads, int vertex, int axis) {
  float value;
  std::memcpy(&value, quads.data() + vertex * kVertexBytes + axis * sizeof(float), sizeof(float));
  return static_cast<int>(std::lround(value));
}

void append_bytes(void* context, void* data, int size) {
  auto* bytes = static_cast<std::vector<uint8_t>*>(context);
  const auto* begin = static_cast<const uint8_t*>(data);
  bytes->insert(bytes->end(), begin, begin + size);
}

}  // namespace

Canvas::Canvas(int width, int height, Rgb background) : width_(width), height_(height) {
  DAE_CHECK(width > 0 && height > 0,
            "Canvas: size must be positive, got " << width << "x" << height);
  rgb_.resize(static_cast<size_t>(width) * height * 3);
  fill_rect(0, 0, width, height, background);
}

Rgb Canvas::pixel(int x, int y) const {
  DAE_CHECK(x >= 0 && x < width_ && y >= 0 && y < height_,
            "Canvas::pixel: (" << x << ", " << y << ") outside " << width_ << "x" << height_);
  const uint8_t* p = &rgb_[(static_cast<size_t>(y) * width_ + x) * 3];
  return {p[0], p[1], p[2]};
}

void Canvas::set_pixel(int x, int y, Rgb color) {
  if (x < 0 || x >= width_ || y < 0 || y >= height_) return;
  uint8_t* p = &rgb_[(static_cast<size_t>(y) * width_ + x) * 3];
  p[0] = color.r;
  p[1] = color.g;
  p[2] = color.b;
}

void Canvas::fill_rect(int x, int y, int w, int h, Rgb color) {
  const int x_end = std::min(x + w, width_), y_end = std::min(y + h, height_);
  for (int row = std::max(y, 0); row < y_end; ++row)
    for (int col = std::max(x, 0); col < x_end; ++col) set_pixel(col, row, color);
}

void Canvas::draw_line(int x0, int y0, int x1, int y1, Rgb color, int thickness) {
  DAE_CHECK(thickness >= 1, "Canvas::draw_line: thickness must be >= 1, got " << thickness);
  const int offset = (thickness - 1) / 2;
  const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int step_x = x0 < x1 ? 1 : -1, step_y = y0 < y1 ? 1 : -1;
  int error = dx + dy;
  for (;;) {
    fill_rect(x0 - offset, y0 - offset, thickness, thickness, color);
    if (x0 == x1 && y0 == y1) break;
    const int twice_error = 2 * error;
    if (twice_error >= dy) {
      error += dy;
      x0 += step_x;
    }
    if (twice_error <= dx) {
      error += dx;
      y0 += step_y;
    }
  }
}

void Canvas::draw_text(int x, int y, const std::string& text, Rgb color, int scale) {
  DAE_CHECK(scale >= 1, "Canvas::draw_text: scale must be >= 1, got " << scale);
  std::string printable = printable_ascii(text);
  std::vector<char> quads(printable.size() * kMaxQuadsPerChar * kQuadBytes);
  const int count = stb_easy_font_print(0, 0, printable.data(), nullptr, quads.data(),
                                        static_cast<int>(quads.size()));
  // The quads are axis-aligned with integer corners: vertex 0 is the top-left, vertex 2 the
  // bottom-right, so each is exactly a rectangle of font pixels.
  for (int quad = 0; quad < count; ++quad) {
    const int left = vertex_coordinate(quads, 4 * quad, 0);
    const int top = vertex_coordinate(quads, 4 * quad, 1);
    const int right = vertex_coordinate(quads, 4 * quad + 2, 0);
    const int bottom = vertex_coordinate(quads, 4 * quad + 2, 1);
    fill_rect(x + left * scale, y + top * scale, (right - left) * scale, (bottom - top) * scale,
              color);
  }
}

int Canvas::text_width(const std::string& text, int scale) {
  std::string printable = printable_ascii(text);
  return stb_easy_font_width(printable.data()) * scale;
}

int Canvas::text_height(int scale) { return kGlyphHeight * scale; }

void Canvas::draw_gray_image(int x, int y, const float* values, int rows, int cols, int scale) {
  DAE_CHECK(rows >= 0 && cols >= 0 && scale >= 1,
            "Canvas::draw_gray_image: bad shape " << rows << "x" << cols << " scale " << scale);
  DAE_CHECK(values != nullptr || rows * cols == 0, "Canvas::draw_gray_image: values is null");
  for (int row = 0; row < rows; ++row) {
    for (int col = 0; col < cols; ++col) {
      const float value = values[row * cols + col];
      Rgb color{255, 0, 0};
      if (!std::isnan(value)) {
        const auto gray = static_cast<uint8_t>(std::lround(std::clamp(value, 0.0f, 1.0f) * 255));
        color = {gray, gray, gray};
      }
      fill_rect(x + col * scale, y + row * scale, scale, scale, color);
    }
  }
}

std::vector<uint8_t> encode_png(const Canvas& canvas) {
  std::vector<uint8_t> bytes;
  const int ok = stbi_write_png_to_func(append_bytes, &bytes, canvas.width(), canvas.height(), 3,
                                        canvas.rgb().data(), canvas.width() * 3);
  DAE_CHECK(ok, "encode_png: stb_image_write could not encode a " << canvas.width() << "x"
                                                                 << canvas.height() << " image");
  return bytes;
}

void write_png(const std::string& path, const Canvas& canvas) {
  const std::vector<uint8_t> bytes = encode_png(canvas);
  write_file_atomically(path, bytes.data(), bytes.size());
}

}  // namespace dae
