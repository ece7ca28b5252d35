// Tests of the figures the program draws itself (apps/canvas, apps/line_chart, apps/digit_grid):
// pixels are checked exactly where the layout is documented (digit grid, text box, gray
// images), PNGs are decoded back with stb_image, and charts are checked for what a reader
// needs (every series visible, gaps left open, log axes straight) rather than pixel by pixel.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>

#include "apps/drawing/canvas.h"
#include "apps/drawing/digit_grid.h"
#include "apps/drawing/line_chart.h"
#include "core/error.h"

// Static linkage keeps this decoder private to the test, so it cannot clash with another copy.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>

namespace {

using dae::Canvas;
using dae::Rgb;

constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kBlack{0, 0, 0};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The bounding box of the pixels of one colour; empty (count 0) when there are none.
struct Box {
  int left = 1 << 30, top = 1 << 30, right = -1, bottom = -1;
  long count = 0;
};

Box pixels_of(const Canvas& canvas, Rgb color) {
  Box box;
  for (int y = 0; y < canvas.height(); ++y)
    for (int x = 0; x < canvas.width(); ++x)
      if (canvas.pixel(x, y) == color) {
        box.left = std::min(box.left, x);
        box.right = std::max(box.right, x);
        box.top = std::min(box.top, y);
        box.bottom = std::max(box.bottom, y);
        ++box.count;
      }
  return box;
}

// Pixels that are not white in a rectangle (clipped to the canvas).
long ink_in(const Canvas& canvas, int left, int top, int width, int height) {
  long count = 0;
  for (int y = std::max(top, 0); y < std::min(top + height, canvas.height()); ++y)
    for (int x = std::max(left, 0); x < std::min(left + width, canvas.width()); ++x)
      count += canvas.pixel(x, y) != kWhite;
  return count;
}

// The most pixels of `color` in any one row: a horizontal line across the plot gives hundreds,
// lone markers a handful.
int longest_row(const Canvas& canvas, Rgb color) {
  int best = 0;
  for (int y = 0; y < canvas.height(); ++y) {
    int count = 0;
    for (int x = 0; x < canvas.width(); ++x) count += canvas.pixel(x, y) == color;
    best = std::max(best, count);
  }
  return best;
}

Canvas noise_canvas(int width, int height, unsigned seed) {
  Canvas canvas(width, height, kBlack);
  std::mt19937 rng(seed);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      canvas.set_pixel(x, y, {uint8_t(rng()), uint8_t(rng()), uint8_t(rng())});
  return canvas;
}

void require_same_pixels(const Canvas& canvas, const unsigned char* decoded) {
  REQUIRE(std::equal(canvas.rgb().begin(), canvas.rgb().end(), decoded));
}

dae::Series series(std::vector<double> x, std::vector<double> y, Rgb color,
                   std::string label = "") {
  return {std::move(label), std::move(x), std::move(y), color};
}

}  // namespace

TEST_CASE("canvas clips writes and refuses reads outside it", "[drawing]") {
  Canvas canvas(7, 5, kWhite);
  REQUIRE(canvas.width() == 7);
  REQUIRE(canvas.height() == 5);
  REQUIRE(canvas.rgb().size() == 7 * 5 * 3);
  canvas.set_pixel(-1, 0, kBlack);
  canvas.set_pixel(7, 4, kBlack);
  REQUIRE(pixels_of(canvas, kBlack).count == 0);
  canvas.fill_rect(5, 3, 10, 10, kBlack);
  const Box box = pixels_of(canvas, kBlack);
  REQUIRE(box.count == 4);
  REQUIRE((box.left == 5 && box.top == 3 && box.right == 6 && box.bottom == 4));
  REQUIRE_THROWS_AS(canvas.pixel(7, 0), dae::Error);
  REQUIRE_THROWS_AS(canvas.pixel(0, -1), dae::Error);
  REQUIRE_THROWS_AS(Canvas(0, 3, kWhite), dae::Error);
}

TEST_CASE("lines reach both ends and are as thick as asked", "[drawing]") {
  Canvas canvas(40, 30, kWhite);
  canvas.draw_line(3, 4, 30, 20, kBlack);
  REQUIRE(canvas.pixel(3, 4) == kBlack);
  REQUIRE(canvas.pixel(30, 20) == kBlack);
  REQUIRE(pixels_of(canvas, kBlack).count == 28);  // one pixel per column of a shallow line

  Canvas thick(40, 30, kWhite);
  thick.draw_line(5, 10, 25, 10, kBlack, 3);
  const Box box = pixels_of(thick, kBlack);
  REQUIRE((box.left == 4 && box.right == 26 && box.top == 9 && box.bottom == 11));
  REQUIRE(box.count == 23 * 3);
}

TEST_CASE("text ink fills the box that text_width and text_height describe", "[drawing]") {
  for (int scale : {1, 3}) {
    CAPTURE(scale);
    Canvas canvas(200, 60, kWhite);
    const std::string text = "Epoch 10";
    const int x = 11, y = 7;
    canvas.draw_text(x, y, text, kBlack, scale);
    const Box ink = pixels_of(canvas, kBlack);
    REQUIRE(ink.count > 0);
    REQUIRE(ink.left == x);
    REQUIRE(ink.top == y);
    REQUIRE(ink.bottom == y + Canvas::text_height(scale) - 1);  // the descender of 'p'
    // The advance includes the space after the last glyph: ink ends at most 2 font pixels before.
    REQUIRE(ink.right < x + Canvas::text_width(text, scale));
    REQUIRE(ink.right >= x + Canvas::text_width(text, scale) - 2 * scale - 1);
  }
  REQUIRE(Canvas::text_width("abc", 3) == 3 * Canvas::text_width("abc"));
  REQUIRE(Canvas::text_width("abcd") > Canvas::text_width("abc"));
  REQUIRE(Canvas::text_width("") == 0);
}

TEST_CASE("text outside printable ASCII is drawn as question marks", "[drawing]") {
  Canvas accented(80, 20, kWhite), marks(80, 20, kWhite);
  accented.draw_text(2, 2, "\xc3\xa9\t", kBlack);  // UTF-8 e-acute and a tab
  marks.draw_text(2, 2, "???", kBlack);
  REQUIRE(pixels_of(marks, kBlack).count > 0);
  REQUIRE(accented.rgb() == marks.rgb());
  REQUIRE(Canvas::text_width("\xc3\xa9\t") == Canvas::text_width("???"));
}

TEST_CASE("gray images are upscaled blocks, clamped, with NaN in red", "[drawing]") {
  const float values[] = {0.0f, 0.5f, 1.0f, -3.0f, 7.0f, std::nanf("")};
  const int scale = 3;
  Canvas canvas(20, 20, {10, 200, 30});
  canvas.draw_gray_image(2, 4, values, 2, 3, scale);
  const Rgb expected[] = {{0, 0, 0},       {128, 128, 128}, {255, 255, 255},
                          {0, 0, 0},       {255, 255, 255}, {255, 0, 0}};
  for (int row = 0; row < 2; ++row)
    for (int col = 0; col < 3; ++col)
      for (int dy = 0; dy < scale; ++dy)
        for (int dx = 0; dx < scale; ++dx)
          REQUIRE(canvas.pixel(2 + col * scale + dx, 4 + row * scale + dy) ==
                  expected[row * 3 + col]);
  REQUIRE(canvas.pixel(1, 4) == Rgb{10, 200, 30});
  REQUIRE(canvas.pixel(2 + 3 * scale, 4) == Rgb{10, 200, 30});
  REQUIRE(canvas.pixel(2, 4 + 2 * scale) == Rgb{10, 200, 30});
}

TEST_CASE("encode_png round-trips through stb_image", "[drawing]") {
  const Canvas canvas = noise_canvas(37, 23, 1);
  const std::vector<uint8_t> png = dae::encode_png(canvas);
  REQUIRE(png.size() > 8);
  int width = 0, height = 0, channels = 0;
  unsigned char* decoded = stbi_load_from_memory(png.data(), static_cast<int>(png.size()), &width,
                                                 &height, &channels, 3);
  REQUIRE(decoded != nullptr);
  CHECK(width == 37);
  CHECK(height == 23);
  CHECK(channels == 3);
  require_same_pixels(canvas, decoded);
  stbi_image_free(decoded);
}

TEST_CASE("write_png writes a PNG file, and a failure names the path", "[drawing]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("dae_drawing_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "picture.png").string();
  const Canvas canvas = noise_canvas(19, 31, 2);
  dae::write_png(path, canvas);

  std::ifstream file(path, std::ios::binary);
  const std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(file), {}};
  int width = 0, height = 0, channels = 0;
  unsigned char* decoded = stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()),
                                                 &width, &height, &channels, 3);
  REQUIRE(decoded != nullptr);
  CHECK(width == 19);
  CHECK(height == 31);
  require_same_pixels(canvas, decoded);
  stbi_image_free(decoded);
  REQUIRE(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);

  const std::string missing = (dir / "no_such_dir" / "picture.png").string();
  REQUIRE_THROWS_WITH(dae::write_png(missing, canvas), Catch::Contains(missing));
  fs::remove_all(dir);
}

TEST_CASE("a line chart shows every series at the size asked", "[drawing]") {
  std::vector<dae::Series> curves;
  for (int i = 0; i < 4; ++i) {
    dae::Series s = series({}, {}, dae::series_color(i));  // unlabelled: no legend swatch
    for (int epoch = 1; epoch <= 10; ++epoch) {
      s.x.push_back(epoch);
      s.y.push_back(0.01 + 0.05 * std::exp(-0.3 * epoch) + 0.004 * i);
    }
    s.dashed = i % 2 == 1;
    curves.push_back(s);
  }
  dae::ChartOptions options{"Loss by epoch", "epoch", "MSE loss", 640, 400};
  for (bool log_y : {false, true}) {
    CAPTURE(log_y);
    options.log_y = log_y;
    const Canvas chart = dae::draw_line_chart(curves, options);
    REQUIRE(chart.width() == 640);
    REQUIRE(chart.height() == 400);
    for (int i = 0; i < 4; ++i) REQUIRE(pixels_of(chart, dae::series_color(i)).count > 100);
    REQUIRE(ink_in(chart, 0, 0, 640, 400) > 640 * 400 / 20);
    REQUIRE(ink_in(chart, 0, 0, 640, 40) > 0);  // the title, above everything else
  }
}

TEST_CASE("the legend shows labelled series only", "[drawing]") {
  const Rgb red{214, 39, 40};
  const auto unlabelled = dae::draw_line_chart({series({0}, {1}, red)}, {});
  const auto labelled = dae::draw_line_chart({series({0}, {1}, red, "single")}, {});
  REQUIRE(pixels_of(labelled, red).count > pixels_of(unlabelled, red).count);
  // The legend sits to the right of the plot, which is narrower to make room for it.
  REQUIRE(pixels_of(labelled, red).right > pixels_of(unlabelled, red).right);
}

TEST_CASE("a non-finite value breaks the line instead of being drawn", "[drawing]") {
  const Rgb blue = dae::series_color(0);
  const auto joined = dae::draw_line_chart({series({0, 1, 2}, {5, 5, 5}, blue)}, {});
  const auto broken = dae::draw_line_chart(
      {series({0, 1, 2, 3, 4}, {5, kNaN, 5, kInf, 5}, blue), series({kNaN}, {1}, blue)}, {});
  REQUIRE(longest_row(joined, blue) > 300);
  REQUIRE(longest_row(broken, blue) > 0);
  REQUIRE(longest_row(broken, blue) < 40);  // three lone markers
}

TEST_CASE("a dashed series leaves gaps in its line", "[drawing]") {
  const Rgb green = dae::series_color(2);
  dae::Series flat = series({0, 10}, {1, 2}, green);
  flat.y = {1, 1};
  const int solid = longest_row(dae::draw_line_chart({flat}, {}), green);
  flat.dashed = true;
  const int dashed = longest_row(dae::draw_line_chart({flat}, {}), green);
  REQUIRE(dashed < solid * 8 / 10);
  REQUIRE(dashed > solid * 4 / 10);
}

TEST_CASE("a log axis draws a geometric series as a straight line", "[drawing]") {
  const Rgb purple = dae::series_color(4);
  dae::ChartOptions options;
  // Where the line crosses the middle column, against the middle of its bounding box.
  auto bend = [&](const Canvas& chart) {
    const Box box = pixels_of(chart, purple);
    const int x = (box.left + box.right) / 2;
    double sum = 0;
    int count = 0;
    for (int y = 0; y < chart.height(); ++y)
      if (chart.pixel(x, y) == purple) sum += y, ++count;
    REQUIRE(count > 0);
    return std::abs(sum / count - (box.top + box.bottom) / 2.0);
  };
  const dae::Series geometric = series({0, 1, 2}, {0.001, 0.1, 10}, purple);
  options.log_y = true;
  REQUIRE(bend(dae::draw_line_chart({geometric}, options)) < 3);
  options.log_y = false;
  REQUIRE(bend(dae::draw_line_chart({geometric}, options)) > 50);
}

TEST_CASE("line charts survive degenerate data", "[drawing]") {
  const Rgb orange = dae::series_color(1);
  const dae::ChartOptions log_options{"", "", "", 800, 500, true};
  const std::vector<std::vector<dae::Series>> cases = {
      {},
      {series({}, {}, orange)},
      {series({kNaN, kInf}, {1, kNaN}, orange)},
      {series({3}, {0.25}, orange)},
      {series({0, 1, 2}, {0.05, 0.05, 0.05}, orange)},
      {series({0, 1, 2}, {0, 0, 0}, orange)},
      {series({-5, 5}, {-1e-3, 2e-3}, orange)},
  };
  // Unlabelled, so any orange pixel is data: the first three cases have no finite point.
  for (size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i);
    const Canvas chart = dae::draw_line_chart(cases[i], {"Degenerate", "x", "y"});
    REQUIRE(chart.width() == 800);
    REQUIRE(ink_in(chart, 0, 0, 800, 500) > 0);
    REQUIRE((pixels_of(chart, orange).count > 0) == (i >= 3));
  }
  REQUIRE(pixels_of(dae::draw_line_chart(cases[3], log_options), orange).count > 0);
  REQUIRE(pixels_of(dae::draw_line_chart(cases[4], log_options), orange).count > 0);
}

TEST_CASE("line charts refuse what they cannot draw", "[drawing]") {
  const Rgb blue = dae::series_color(0);
  dae::ChartOptions options;
  options.log_y = true;
  REQUIRE_THROWS_WITH(dae::draw_line_chart({series({0, 1}, {1, 0}, blue, "psnr")}, options),
                      Catch::Contains("psnr") && Catch::Contains("log_y"));
  REQUIRE_THROWS_AS(dae::draw_line_chart({series({0, 1}, {1}, blue)}, {}), dae::Error);
  REQUIRE_THROWS_AS(dae::draw_line_chart({series({0, 1}, {1, 2}, blue)}, {"", "", "", 60, 40}),
                    dae::Error);
}

TEST_CASE("the series palette has ten distinct colours, then repeats", "[drawing]") {
  for (size_t i = 0; i < 10; ++i) {
    for (size_t j = 0; j < i; ++j) REQUIRE(dae::series_color(i) != dae::series_color(j));
    REQUIRE(dae::series_color(i) != kWhite);
    REQUIRE(dae::series_color(i + 10) == dae::series_color(i));
  }
}

TEST_CASE("a digit grid has the documented size and upscaled cells", "[drawing]") {
  std::vector<std::vector<float>> images(3, std::vector<float>(28 * 28));
  for (size_t i = 0; i < images.size(); ++i)
    for (int p = 0; p < 28 * 28; ++p) images[i][p] = float((p * 7 + i * 13) % 256) / 255;
  const std::vector<dae::DigitRow> rows = {
      {"noisy", {images[0].data(), images[1].data(), images[2].data()}},
      {"output", {images[1].data()}},
      {"clean", {images[2].data(), images[0].data()}},
  };
  const int scale = 2, cell = 28 * scale, margin = dae::kDigitGridMargin, gap = dae::kDigitGridGap;
  const int label_column =
      Canvas::text_width("output", dae::kDigitGridTextScale) + dae::kDigitGridLabelGap;
  const int title_block = Canvas::text_height(dae::kDigitGridTextScale) + margin;

  const Canvas grid = dae::draw_digit_grid(rows, scale, "Reconstructions");
  REQUIRE(grid.width() == 2 * margin + label_column + 3 * cell + 2 * gap);
  REQUIRE(grid.height() == 2 * margin + title_block + 3 * cell + 2 * gap);

  // Row 2, column 1 holds images[0]: every pixel is its value, scaled up.
  const int left = margin + label_column + 1 * (cell + gap);
  const int top = margin + title_block + 2 * (cell + gap);
  for (int y = 0; y < cell; ++y)
    for (int x = 0; x < cell; ++x) {
      const auto gray = uint8_t(std::lround(images[0][(y / scale) * 28 + x / scale] * 255));
      REQUIRE(grid.pixel(left + x, top + y) == Rgb{gray, gray, gray});
    }
  // The gap after that cell, and the missing cell of the short row, are background.
  REQUIRE(grid.pixel(left + cell, top) == kWhite);
  REQUIRE(grid.pixel(left + cell + gap, top + cell / 2) == kWhite);
  REQUIRE(ink_in(grid, margin, margin + title_block, label_column, cell) > 0);  // "noisy"
  REQUIRE(ink_in(grid, 0, 0, grid.width(), margin + title_block) > 0);        // the title

  const Canvas bare = dae::draw_digit_grid({{"", {images[0].data()}}}, 1);
  REQUIRE(bare.width() == 2 * margin + 28);
  REQUIRE(bare.height() == 2 * margin + 28);
  REQUIRE(bare.pixel(margin, margin) == Rgb{0, 0, 0});
}

TEST_CASE("a digit grid refuses null images and a zero scale", "[drawing]") {
  const std::vector<float> image(28 * 28, 0.5f);
  REQUIRE_THROWS_AS(dae::draw_digit_grid({{"x", {image.data(), nullptr}}}), dae::Error);
  REQUIRE_THROWS_AS(dae::draw_digit_grid({{"x", {image.data()}}}, 0), dae::Error);
}
