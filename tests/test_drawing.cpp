// Tests of the pictures (apps/drawing/): what they say is checked through the text boxes every
// picture records (titles, legend keys, tick labels, where they sit) and through their SVG's
// structure; what they show is checked on the PNG decoded back with stb_image, exactly where
// the drawing is exact (digit grids, gray images, the full-coverage core of a 2-px line) and by
// counting pixels elsewhere, never pixel by pixel against a stored image.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>
#include <set>

#include "apps/drawing/chart_axis.h"
#include "apps/drawing/digit_grid.h"
#include "apps/drawing/dot_chart.h"
#include "apps/drawing/line_chart.h"
#include "apps/drawing/painter.h"
#include "core/error.h"
#include "tests/picture_checks.h"
#include "tests/test_support.h"
#include "tests/xml_check.h"

// Static linkage keeps this decoder private to the test, so it cannot clash with another copy.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>

namespace {

using dae::Rgb;
using dae::test::has_text;
using dae::test::x_tick_labels;

constexpr Rgb kWhite{255, 255, 255};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
  Rgb at(int x, int y) const {
    const uint8_t* p = &rgb[(static_cast<size_t>(y) * width + x) * 3];
    return {p[0], p[1], p[2]};
  }
};

Image decode(const std::vector<uint8_t>& png) {
  Image image;
  int channels = 0;
  unsigned char* pixels =
      stbi_load_from_memory(png.data(), static_cast<int>(png.size()), &image.width, &image.height, &channels, 3);
  REQUIRE(pixels != nullptr);
  image.rgb.assign(pixels, pixels + static_cast<size_t>(image.width) * image.height * 3);
  stbi_image_free(pixels);
  return image;
}

Image decode(const dae::Picture& picture) { return decode(picture.png()); }

// The bounding box of the pixels that pass `keep`; count 0 when there are none.
struct Box {
  int left = 1 << 30, top = 1 << 30, right = -1, bottom = -1;
  long count = 0;
};

template <typename Keep>
Box pixels_where(const Image& image, Keep keep) {
  Box box;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x)
      if (keep(image.at(x, y))) {
        box.left = std::min(box.left, x);
        box.right = std::max(box.right, x);
        box.top = std::min(box.top, y);
        box.bottom = std::max(box.bottom, y);
        ++box.count;
      }
  return box;
}

Box pixels_of(const Image& image, Rgb color) {
  return pixels_where(image, [&](Rgb c) { return c == color; });
}

// The most pixels of exactly `color` in any one row: a 2-px horizontal line always covers one
// row fully (that row holds its exact colour), lone markers only a handful.
int longest_row(const Image& image, Rgb color) {
  int best = 0;
  for (int y = 0; y < image.height; ++y) {
    int count = 0;
    for (int x = 0; x < image.width; ++x) count += image.at(x, y) == color;
    best = std::max(best, count);
  }
  return best;
}

// Every text box lies inside the picture and no two overlap: a label is never clipped or
// written over another. (Half a pixel of slack: boxes that touch do not overlap.)
void require_readable_texts(const dae::Picture& picture) {
  const auto& texts = picture.texts();
  for (const dae::TextBox& box : texts) {
    INFO("'" << box.text << "' at " << box.left << ", " << box.top << " size " << box.width << "x" << box.height);
    REQUIRE(box.left >= 0);
    REQUIRE(box.top >= 0);
    REQUIRE(box.right() <= picture.width());
    REQUIRE(box.bottom() <= picture.height());
  }
  for (size_t i = 0; i < texts.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const dae::TextBox &a = texts[i], &b = texts[j];
      const bool apart = a.right() <= b.left + 0.5 || b.right() <= a.left + 0.5 || a.bottom() <= b.top + 0.5 ||
                         b.bottom() <= a.top + 0.5;
      INFO("'" << a.text << "' overlaps '" << b.text << "'");
      REQUIRE(apart);
    }
}

dae::Series series(std::vector<double> x, std::vector<double> y, Rgb color, std::string label = "") {
  dae::Series s;
  s.label = std::move(label);
  s.x = std::move(x);
  s.y = std::move(y);
  s.color = color;
  s.marker = dae::Marker::None;
  return s;
}

// A picture with some of everything cairo writes into an SVG: glyphs, lines, an image.
dae::Picture sampler() {
  dae::Picture picture(120, 60);
  dae::Painter painter(picture);
  painter.text(4, 4, "Loss 0.01", {});
  painter.line({4, 40}, {100, 50}, {dae::series_color(0), 2, dae::Dash::Dashed});
  const std::vector<float> digit(28 * 28, 0.5f);
  painter.gray_image(80, 4, digit.data(), 28, 28, 1);
  return picture;
}

}  // namespace

TEST_CASE("a picture is a white page of its size, as PNG and as SVG", "[drawing]") {
  const dae::Picture picture(37, 23);
  const Image image = decode(picture);
  CHECK(image.width == 37);
  CHECK(image.height == 23);
  CHECK(pixels_of(image, kWhite).count == 37 * 23);
  CHECK_FALSE(picture.holds_pixels());
  const std::string svg = picture.svg();
  CHECK_THAT(svg, Catch::StartsWith("<?xml"));
  CHECK_THAT(svg, Catch::Contains("width=\"37px\" height=\"23px\" viewBox=\"0 0 37 23\""));
  CHECK(dae::test::xml_problem(svg) == "");
  REQUIRE_ERROR(dae::Picture(0, 5), "size must be positive", "0x5");
}

TEST_CASE("an inline SVG has its ids prefixed and every reference resolved inside it", "[drawing]") {
  const dae::Picture picture = sampler();
  CHECK(picture.holds_pixels());
  const std::string svg = picture.inline_svg("fig-2-");
  CHECK_THAT(svg, Catch::StartsWith("<svg"));
  CHECK(dae::test::xml_problem(svg) == "");
  std::set<std::string> ids;
  const std::regex id("id=\"([^\"]*)\""), reference("(?:href=\"#|url\\(#)([^\")]*)");
  for (std::sregex_iterator it(svg.begin(), svg.end(), id), end; it != end; ++it) {
    INFO((*it)[1]);
    CHECK_THAT((*it)[1].str(), Catch::StartsWith("fig-2-"));
    ids.insert((*it)[1]);
  }
  int references = 0;
  for (std::sregex_iterator it(svg.begin(), svg.end(), reference), end; it != end; ++it, ++references) {
    INFO((*it)[1]);
    CHECK(ids.count((*it)[1]) == 1);
  }
  CHECK(references > 8);  // the glyphs of "Loss 0.01", the image
}

TEST_CASE("text measures the same at every size and is drawn inside its box", "[drawing]") {
  dae::Picture picture(260, 80);
  dae::Painter painter(picture);
  const dae::TextStyle small{12}, large{24};
  // Unhinted metrics scale exactly with the size (up to float rounding in cairo).
  CHECK(painter.text_width("Epoch 10", large) == Approx(2 * painter.text_width("Epoch 10", small)).epsilon(1e-4));
  CHECK(painter.text_width("Epoch 100", small) > painter.text_width("Epoch 10", small));
  CHECK(painter.text_width("", small) == 0);
  CHECK(painter.text_width("\xcf\x83\xc2\xb2", small) > 0);  // UTF-8 sigma, superscript two

  const dae::TextBox box = painter.text(11, 7, "Epoch 10 gy", {20, false, {0, 0, 0}});
  REQUIRE(picture.texts().size() == 1);
  CHECK(picture.texts()[0].text == "Epoch 10 gy");
  const Box ink = pixels_where(decode(picture), [](Rgb c) { return c != kWhite; });
  REQUIRE(ink.count > 0);
  CHECK(ink.left >= box.left - 1);
  CHECK(ink.left <= box.left + 3);  // the E's stem starts at the box's left edge
  CHECK(ink.right <= box.right() + 1);
  CHECK(ink.top >= box.top - 1);
  CHECK(ink.bottom <= box.bottom() + 1);

  // VAlign::Middle centres the capitals on y.
  dae::Picture centred(60, 60);
  dae::Painter centre_painter(centred);
  centre_painter.text(10, 30, "H", {30, false, {0, 0, 0}, dae::Align::Left, dae::VAlign::Middle});
  const Box h = pixels_where(decode(centred), [](Rgb c) { return c != kWhite; });
  CHECK(std::abs((h.top + h.bottom) / 2.0 - 30) <= 1.5);
}

TEST_CASE("gray images are pixel-exact blocks, clamped, with NaN in red", "[drawing]") {
  const float values[] = {0.0f, 0.5f, 1.0f, -3.0f, 7.0f, std::nanf("")};
  const int scale = 3;
  dae::Picture picture(20, 20);
  dae::Painter painter(picture);
  painter.gray_image(2, 4, values, 2, 3, scale);
  const Image image = decode(picture);
  const Rgb expected[] = {{0, 0, 0}, {128, 128, 128}, {255, 255, 255}, {0, 0, 0}, {255, 255, 255}, {255, 0, 0}};
  for (int row = 0; row < 2; ++row)
    for (int col = 0; col < 3; ++col)
      for (int dy = 0; dy < scale; ++dy)
        for (int dx = 0; dx < scale; ++dx)
          REQUIRE(image.at(2 + col * scale + dx, 4 + row * scale + dy) == expected[row * 3 + col]);
  // Not a pixel past the blocks: the page around them stays white.
  CHECK(pixels_where(image, [](Rgb c) { return c != kWhite; }).count == 2 * 3 * scale * scale - 2 * scale * scale);
  CHECK(image.at(1, 4) == kWhite);
  CHECK(image.at(2 + 3 * scale, 4) == kWhite);
  CHECK(image.at(2, 4 + 2 * scale) == kWhite);
  CHECK(picture.holds_pixels());
  REQUIRE_ERROR(painter.gray_image(0, 0, values, 2, 3, 0), "scale 0");
}

TEST_CASE("write_png and write_svg write whole files, and a failure names the path", "[drawing]") {
  dae::test::TempDir dir;
  const dae::Picture picture = sampler();
  dae::write_png(dir.file("p.png"), picture);
  dae::write_svg(dir.file("p.svg"), picture);
  const std::string png = dae::test::read_file(dir.file("p.png"));
  CHECK(decode(std::vector<uint8_t>(png.begin(), png.end())).width == 120);
  CHECK(dae::test::read_file(dir.file("p.svg")) == picture.svg());
  CHECK(dir.names() == std::vector<std::string>{"p.png", "p.svg"});
  const std::string missing = dir.file("no_such_dir/p.png");
  REQUIRE_THROWS_WITH(dae::write_png(missing, picture), Catch::Contains(missing));
}

TEST_CASE("axes: whole-number epochs, labels with the step's decimals, log decades", "[drawing]") {
  auto axis_labels = [](const dae::Axis& axis) { return axis.labels; };
  using Labels = std::vector<std::string>;
  // One epoch from the start of training: 0 and 1, no 0.5 between them.
  CHECK(axis_labels(dae::linear_axis({0, 1}, 8, true)) == Labels{"0", "1"});
  CHECK(axis_labels(dae::linear_axis({1, 1}, 8, true)) == Labels{"0", "1", "2"});
  CHECK(axis_labels(dae::linear_axis({0, 30}, 8, true)) == Labels{"0", "5", "10", "15", "20", "25", "30"});
  CHECK(axis_labels(dae::linear_axis({0, 0.5}, 8)) == Labels{"0.0", "0.1", "0.2", "0.3", "0.4", "0.5"});
  CHECK(axis_labels(dae::linear_axis({-0.3, 0.25}, 8)) == Labels{"-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"});

  const dae::Axis log = dae::log_axis({0.0123, 0.21}, 8);
  CHECK(log.log);
  CHECK(log.labels == Labels{"0.01", "0.02", "0.05", "0.1", "0.2", "0.5"});
  for (double minor : log.minor_ticks) {
    CHECK(minor > log.lo);
    CHECK(minor < log.hi);
    CHECK(std::find(log.ticks.begin(), log.ticks.end(), minor) == log.ticks.end());
  }
  // 0.03, 0.04, 0.06 ... 0.09, 0.3, 0.4: the 2x..9x inside the axis, less the labelled 2s and 5s.
  CHECK(log.minor_ticks.size() == 8);
  CHECK(log.fraction(log.lo) == Approx(0));
  CHECK(log.fraction(std::sqrt(log.lo * log.hi)) == Approx(0.5));
  // Twelve decades (and one step beyond each end): every second decade labelled, no minor grid.
  const dae::Axis wide = dae::log_axis({1e-9, 500}, 8);
  CHECK(wide.labels == Labels{"1e-10", "1e-8", "1e-6", "1e-4", "0.01", "1", "100", "10000"});
  CHECK(wide.minor_ticks.empty());
  REQUIRE_ERROR(dae::log_axis({0, 1}, 8), "positive");
}

TEST_CASE("a line chart says what it shows, and every label can be read", "[drawing]") {
  std::vector<dae::Series> curves;
  for (int i = 0; i < 3; ++i) {
    dae::Series s = series({}, {}, dae::series_color(i), "model " + std::to_string(i));
    for (int epoch = 1; epoch <= 4; ++epoch) {
      s.x.push_back(epoch);
      s.y.push_back(0.01 + 0.05 * std::exp(-0.7 * epoch) + 0.004 * i);
    }
    s.marker = dae::Marker::Dot;
    curves.push_back(s);
  }
  dae::ChartOptions options;
  options.title = "MSE by epoch";
  options.x_label = "epoch";
  options.y_label = "MSE";
  options.log_y = true;
  options.integer_x = true;
  options.x_from_zero = true;
  options.references = {{0.004, "noisy input, no denoising: MSE 0.004"}};
  const dae::Picture chart = dae::draw_line_chart(curves, options);
  CHECK(chart.width() == 800);
  CHECK(chart.height() == 480);
  for (const char* text : {"MSE by epoch", "MSE, log scale", "epoch", "model 0", "model 1", "model 2",
                           "noisy input, no denoising: MSE 0.004", "0", "1", "4", "0.005"}) {
    INFO(text);
    CHECK(has_text(chart, text));
  }
  // The reference line's value is on the axis: 0.002 is the tick below it.
  CHECK(has_text(chart, "0.002"));
  // Whole epochs only on the x axis.
  CHECK(x_tick_labels(chart) == std::vector<std::string>{"0", "1", "2", "3", "4"});
  require_readable_texts(chart);
  const Image image = decode(chart);
  for (int i = 0; i < 3; ++i) CHECK(pixels_of(image, dae::series_color(i)).count > 100);
  CHECK(dae::test::xml_problem(chart.svg()) == "");
}

TEST_CASE("the legend wraps into rows that fit, however many keys", "[drawing]") {
  std::vector<dae::Series> many;
  for (int i = 0; i < 12; ++i)
    many.push_back(
        series({0, 1}, {1.0 * i, 2.0 * i}, dae::series_color(i), "a long legend label number " + std::to_string(i)));
  dae::ChartOptions options;
  options.width = 500;
  options.height = 520;
  const dae::Picture chart = dae::draw_line_chart(many, options);
  for (int i = 0; i < 12; ++i) CHECK(has_text(chart, "a long legend label number " + std::to_string(i)));
  require_readable_texts(chart);
  // Keys on several rows: they do not all share one top.
  std::set<double> rows;
  for (const dae::TextBox& box : chart.texts())
    if (box.text.rfind("a long legend", 0) == 0) rows.insert(box.top);
  CHECK(rows.size() >= 4);
  REQUIRE_ERROR(dae::draw_line_chart({series({0}, {1}, dae::series_color(0), std::string(200, 'x'))}, options),
                "legend", "wider");
}

TEST_CASE("a non-finite value breaks the line instead of being drawn", "[drawing]") {
  const Rgb blue = dae::series_color(0);
  const Image joined = decode(dae::draw_line_chart({series({0, 1, 2}, {5, 5, 5}, blue)}, {}));
  dae::Series gappy = series({0, 1, 2, 3, 4}, {5, kNaN, 5, kInf, 5}, blue);
  gappy.marker = dae::Marker::Dot;
  const Image broken = decode(dae::draw_line_chart({gappy, series({kNaN}, {1}, blue)}, {}));
  CHECK(longest_row(joined, blue) > 300);
  CHECK(longest_row(broken, blue) > 0);
  CHECK(longest_row(broken, blue) < 40);  // three lone markers
}

TEST_CASE("a dashed series leaves gaps in its line", "[drawing]") {
  const Rgb green = dae::series_color(2);
  dae::Series flat = series({0, 10}, {1, 1}, green);
  const int solid = longest_row(decode(dae::draw_line_chart({flat}, {})), green);
  flat.dash = dae::Dash::Dashed;
  const int dashed = longest_row(decode(dae::draw_line_chart({flat}, {})), green);
  CHECK(dashed < solid * 8 / 10);
  CHECK(dashed > solid * 4 / 10);
}

TEST_CASE("a log axis draws a geometric series as a straight line", "[drawing]") {
  const Rgb purple = dae::series_color(4);
  // Where the line crosses the middle column, against the middle of its bounding box.
  auto bend = [&](const dae::Picture& chart) {
    const Image image = decode(chart);
    auto close = [&](Rgb c) {
      return std::abs(c.r - purple.r) + std::abs(c.g - purple.g) + std::abs(c.b - purple.b) < 60;
    };
    const Box box = pixels_where(image, close);
    const int x = (box.left + box.right) / 2;
    double sum = 0;
    int count = 0;
    for (int y = 0; y < image.height; ++y)
      if (close(image.at(x, y))) sum += y, ++count;
    REQUIRE(count > 0);
    return std::abs(sum / count - (box.top + box.bottom) / 2.0);
  };
  const dae::Series geometric = series({0, 1, 2}, {0.001, 0.1, 10}, purple);
  dae::ChartOptions options;
  options.log_y = true;
  CHECK(bend(dae::draw_line_chart({geometric}, options)) < 3);
  options.log_y = false;
  CHECK(bend(dae::draw_line_chart({geometric}, options)) > 50);
}

TEST_CASE("line charts survive degenerate data", "[drawing]") {
  const Rgb orange = dae::series_color(1);
  // With markers, so that a lone point shows.
  auto dots = [&](std::vector<double> x, std::vector<double> y) {
    dae::Series s = series(std::move(x), std::move(y), orange);
    s.marker = dae::Marker::Dot;
    return s;
  };
  const std::vector<std::vector<dae::Series>> cases = {
      {},
      {dots({}, {})},
      {dots({kNaN, kInf}, {1, kNaN})},
      {dots({3}, {0.25})},
      {dots({0, 1, 2}, {0.05, 0.05, 0.05})},
      {dots({0, 1, 2}, {0, 0, 0})},
      {dots({-5, 5}, {-1e-3, 2e-3})},
  };
  dae::ChartOptions options;
  options.title = "Degenerate";
  for (size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i);
    const dae::Picture chart = dae::draw_line_chart(cases[i], options);
    CHECK(chart.width() == 800);
    // The first three cases have no finite point.
    CHECK(has_text(chart, "no data") == (i < 3));
    CHECK((pixels_of(decode(chart), orange).count > 0) == (i >= 3));
    require_readable_texts(chart);
  }
  options.log_y = true;
  CHECK(pixels_of(decode(dae::draw_line_chart(cases[3], options)), orange).count > 0);
  CHECK(pixels_of(decode(dae::draw_line_chart(cases[4], options)), orange).count > 0);
}

TEST_CASE("line charts refuse what they cannot draw", "[drawing]") {
  const Rgb blue = dae::series_color(0);
  dae::ChartOptions options;
  options.log_y = true;
  REQUIRE_ERROR(dae::draw_line_chart({series({0, 1}, {1, 0}, blue, "psnr")}, options), "psnr", "log_y");
  REQUIRE_ERROR(dae::draw_line_chart({series({0, 1}, {1}, blue)}, {}), "2 x values but 1 y values");
  options.log_y = false;
  options.width = 60;
  options.height = 40;
  REQUIRE_ERROR(dae::draw_line_chart({series({0, 1}, {1, 2}, blue)}, options), "make it larger");
}

TEST_CASE("a dot chart names its rows, panels and markers, and draws each row in its colour", "[drawing]") {
  const std::vector<dae::DotRow> rows = {{"raw pixels", dae::kBaselineGray},
                                         {"linear code", dae::series_color(0)},
                                         {"conv code", dae::series_color(2)}};
  const std::vector<dae::DotSeries> marks = {{"untrained", dae::Marker::Ring}, {"trained", dae::Marker::Dot}};
  const dae::DotPanel probe{"linear probe", {{kNaN, 85, 96}, {90, 87, 95.5}}};
  const dae::DotPanel knn{"5-NN", {{kNaN, 83, 91}, {88, 88, 89}}};
  dae::DotChartOptions options;
  options.title = "Test accuracy";
  options.x_label = "test accuracy (%)";
  const dae::Picture chart = dae::draw_dot_chart(rows, marks, {probe, knn}, options);
  for (const char* text : {"Test accuracy", "test accuracy (%)", "raw pixels", "linear code", "conv code", "untrained",
                           "trained", "linear probe", "5-NN", "85", "95"}) {
    INFO(text);
    CHECK(has_text(chart, text));
  }
  require_readable_texts(chart);
  const Image image = decode(chart);
  CHECK(pixels_of(image, dae::series_color(0)).count > 20);
  CHECK(pixels_of(image, dae::series_color(2)).count > 20);
  // A fourth row makes it taller, not more crowded.
  std::vector<dae::DotRow> more = rows;
  more.push_back({"mlp code", dae::series_color(1)});
  dae::DotPanel longer = probe;
  for (auto& values : longer.values) values.push_back(88);
  CHECK(dae::draw_dot_chart(more, marks, {longer}, options).height() > chart.height());

  REQUIRE_ERROR(dae::draw_dot_chart(rows, marks, {dae::DotPanel{"p", {{1, 2}, {3, 4}}}}, options),
                "2 values for 3 rows");
  REQUIRE_ERROR(dae::draw_dot_chart(rows, marks, {dae::DotPanel{"p", {{1, 2, 3}}}}, options),
                "1 series of values for 2");
  REQUIRE_ERROR(dae::draw_dot_chart(rows, marks, {dae::DotPanel{"p", {{kNaN, kNaN, kNaN}, {kNaN, kNaN, kNaN}}}},
                                    options),
                "no finite value");
}

TEST_CASE("the series palette has ten distinct colours, then repeats", "[drawing]") {
  for (size_t i = 0; i < 10; ++i) {
    for (size_t j = 0; j < i; ++j) REQUIRE(dae::series_color(i) != dae::series_color(j));
    REQUIRE(dae::series_color(i) != kWhite);
    REQUIRE(dae::series_color(i + 10) == dae::series_color(i));
  }
}

TEST_CASE("a digit grid keeps every digit pixel-exact, with its labels and title", "[drawing]") {
  std::vector<std::vector<float>> images(3, std::vector<float>(28 * 28));
  for (size_t i = 0; i < images.size(); ++i)
    for (int p = 0; p < 28 * 28; ++p) images[i][p] = float((p * 7 + i * 13) % 256) / 255;
  const std::vector<dae::DigitRow> rows = {
      {"noisy", {images[0].data(), images[1].data(), images[2].data()}, false},
      {"output", {images[1].data()}, false},
      {"clean", {images[2].data(), images[0].data()}, true},
  };
  const int scale = 2, cell = 28 * scale, gap = dae::kDigitGridGap, margin = dae::kDigitGridMargin;
  dae::DigitGridLayout layout;
  const dae::Picture grid = dae::draw_digit_grid(rows, scale, "Reconstructions", &layout);
  CHECK(grid.width() == layout.width);
  CHECK(grid.height() == layout.height);
  CHECK(layout.cell == cell);
  CHECK(layout.width == layout.digits_left + 3 * cell + 2 * gap + margin);
  REQUIRE(layout.row_tops.size() == 3);
  CHECK(layout.row_tops[1] - layout.row_tops[0] == cell + gap);
  CHECK(layout.row_tops[2] - layout.row_tops[1] == cell + dae::kDigitGridGroupGap);
  CHECK(layout.height == layout.row_tops[2] + cell + margin);
  for (const char* text : {"Reconstructions", "noisy", "output", "clean"}) CHECK(has_text(grid, text));
  require_readable_texts(grid);
  CHECK(grid.holds_pixels());

  // Row 2, column 1 holds images[0]: every pixel is its value, as a scale x scale block.
  const Image image = decode(grid);
  const int left = layout.digits_left + (cell + gap), top = layout.row_tops[2];
  for (int y = 0; y < cell; ++y)
    for (int x = 0; x < cell; ++x) {
      const auto gray = uint8_t(std::lround(images[0][(y / scale) * 28 + x / scale] * 255));
      REQUIRE(image.at(left + x, top + y) == Rgb{gray, gray, gray});
    }
  // The gap after that cell, and the missing cell of the short row, are background.
  CHECK(image.at(left + cell, top) == kWhite);
  CHECK(image.at(left + cell + gap, top + cell / 2) == kWhite);
  // Labels sit left of the digits.
  for (const dae::TextBox& box : grid.texts())
    if (box.text != "Reconstructions") CHECK(box.right() <= layout.digits_left);

  const dae::Picture bare = dae::draw_digit_grid({{"", {images[0].data()}, false}}, 1);
  CHECK(bare.width() == 2 * margin + 28);
  CHECK(bare.height() == 2 * margin + 28);
  CHECK(decode(bare).at(margin, margin) == Rgb{0, 0, 0});
}

TEST_CASE("a digit grid refuses null images and a zero scale", "[drawing]") {
  const std::vector<float> image(28 * 28, 0.5f);
  REQUIRE_ERROR(dae::draw_digit_grid({{"x", {image.data(), nullptr}, false}}), "row 'x' has a null image");
  REQUIRE_ERROR(dae::draw_digit_grid({{"x", {image.data()}, false}}, 0), "scale must be >= 1");
}
