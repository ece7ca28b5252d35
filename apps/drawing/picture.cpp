#include "apps/drawing/picture.h"

#include <cairo-svg.h>
#include <cairo.h>

#include <map>
#include <string>

#include "core/atomic_file.h"
#include "core/error.h"

// Static linkage keeps this copy of stb_image_write private to this file, so another file
// that also needs it cannot collide with it at link time.
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

namespace dae {
namespace {

void check_status(cairo_status_t status, const char* what) {
  DAE_CHECK(status == CAIRO_STATUS_SUCCESS, what << ": cairo says " << cairo_status_to_string(status));
}

// Paints the recorded drawing onto `target` at one unit per target unit.
void replay(cairo_surface_t* recording, cairo_surface_t* target, const char* what) {
  cairo_t* cr = cairo_create(target);
  cairo_set_source_surface(cr, recording, 0, 0);
  cairo_paint(cr);
  const cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  check_status(status, what);
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void append_bytes(void* context, void* data, int size) {
  auto* bytes = static_cast<std::vector<uint8_t>*>(context);
  const auto* begin = static_cast<const uint8_t*>(data);
  bytes->insert(bytes->end(), begin, begin + size);
}

// The three forms in which cairo's SVG names its definitions (glyphs, clip paths, images,
// surfaces): where each is declared, and the two ways it is referred to.
constexpr const char* kIdForms[] = {" id=\"", "href=\"#", "url(#"};

// cairo numbers some ids from process-wide counters (surface931), so the same picture would
// not give the same SVG twice. Every id becomes prefix + its rank of first appearance.
std::string renumber_ids(const std::string& svg, const std::string& prefix) {
  std::map<std::string, std::string> names;
  const std::string declared = kIdForms[0];
  for (size_t at = svg.find(declared); at != std::string::npos; at = svg.find(declared, at + 1)) {
    const size_t begin = at + declared.size(), end = svg.find('"', begin);
    names.emplace(svg.substr(begin, end - begin), prefix + "i" + std::to_string(names.size()));
  }
  std::string out;
  size_t copied = 0;
  for (size_t at = 0; at < svg.size(); ++at) {
    for (const char* form : kIdForms) {
      const size_t length = std::char_traits<char>::length(form);
      if (svg.compare(at, length, form) != 0) continue;
      const size_t begin = at + length, end = svg.find_first_of("\")", begin);
      const auto name = names.find(svg.substr(begin, end - begin));
      if (name == names.end()) continue;
      out.append(svg, copied, begin - copied).append(name->second);
      copied = at = end;
      break;
    }
  }
  return out.append(svg, copied, std::string::npos);
}

}  // namespace

Picture::Picture(int width, int height) : width_(width), height_(height) {
  DAE_CHECK(width > 0 && height > 0, "Picture: size must be positive, got " << width << "x" << height);
  const cairo_rectangle_t extents{0, 0, static_cast<double>(width), static_cast<double>(height)};
  recording_.reset(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents), cairo_surface_destroy);
  check_status(cairo_surface_status(recording_.get()), "Picture: the recording surface");
  // An opaque white page, so that the SVG looks the same on a dark background and the PNG
  // needs no alpha channel.
  cairo_t* cr = cairo_create(recording_.get());
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_destroy(cr);
}

std::string Picture::svg() const {
  std::string document;
  cairo_surface_t* surface = cairo_svg_surface_create_for_stream(append_to_string, &document, width_, height_);
  // Pixels, not cairo's default points: a 800-unit picture is 800 CSS pixels wide.
  cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
  replay(recording_.get(), surface, "Picture::svg");
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  check_status(status, "Picture::svg");
  return renumber_ids(document, "");
}

std::string Picture::inline_svg(const std::string& id_prefix) const {
  const std::string document = svg();
  const size_t root = document.find("<svg");
  DAE_CHECK(root != std::string::npos, "Picture::inline_svg: cairo wrote no <svg> element");
  return renumber_ids(document.substr(root), id_prefix);
}

std::vector<uint8_t> Picture::png() const {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_, height_);
  check_status(cairo_surface_status(surface), "Picture::png: the image surface");
  replay(recording_.get(), surface, "Picture::png");
  cairo_surface_flush(surface);
  // RGB24 keeps each pixel as a native-endian 32-bit 0x00RRGGBB; stb_image_write wants bytes.
  const unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  std::vector<uint8_t> rgb(static_cast<size_t>(width_) * height_ * 3);
  for (int y = 0; y < height_; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    for (int x = 0; x < width_; ++x) {
      uint8_t* out = &rgb[(static_cast<size_t>(y) * width_ + x) * 3];
      out[0] = static_cast<uint8_t>(row[x] >> 16);
      out[1] = static_cast<uint8_t>(row[x] >> 8);
      out[2] = static_cast<uint8_t>(row[x]);
    }
  }
  cairo_surface_destroy(surface);
  std::vector<uint8_t> bytes;
  const int ok = stbi_write_png_to_func(append_bytes, &bytes, width_, height_, 3, rgb.data(), width_ * 3);
  DAE_CHECK(ok, "Picture::png: stb_image_write could not encode a " << width_ << "x" << height_ << " image");
  return bytes;
}

void write_png(const std::string& path, const Picture& picture) {
  const std::vector<uint8_t> bytes = picture.png();
  write_file_atomically(path, bytes.data(), bytes.size());
}

void write_svg(const std::string& path, const Picture& picture) { write_file_atomically(path, picture.svg()); }

}  // namespace dae
