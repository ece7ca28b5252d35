// Tests of apps/report/report_writer: base64 against RFC 4648's vectors, escaping, the exact Markdown
// of a small report, the same content in the HTML with the figures inline (a chart as SVG, a
// picture of pixels as PNG), and the files written.
#include <catch2/catch.hpp>

#include <filesystem>

#include "apps/drawing/painter.h"
#include "apps/report/report_writer.h"
#include "tests/test_support.h"
#include "tests/xml_check.h"

namespace {

// A chart-like picture: lines and text only.
dae::Picture tiny_chart() {
  dae::Picture picture(30, 20);
  dae::Painter painter(picture);
  painter.line({2, 18}, {28, 2}, {{255, 0, 0}, 2});
  painter.text(2, 2, "A", {8});
  return picture;
}

// A picture holding pixels.
dae::Picture tiny_digit() {
  const std::vector<float> digit(28 * 28, 0.25f);
  dae::Picture picture(28, 28);
  dae::Painter(picture).gray_image(0, 0, digit.data(), 28, 28, 1);
  return picture;
}

dae::Report small_report() {
  dae::ReportTable table;
  table.header = {"model", "test MSE"};
  table.rows = {{"a|b", "0.5"}, {"c", "0.25"}};
  dae::Report report("A *title*");
  report.heading("Setup")
      .paragraph("Run `mnist_dae compare --out x` then read x_y <here> & there.")
      .bullets({"one", "two [2]"})
      .subheading("Table")
      .table(table)
      .figure("tiny", "A red line", tiny_chart())
      .figure("digit", "A gray digit", tiny_digit())
      .preformatted("a < b");
  return report;
}

}  // namespace

TEST_CASE("base64: the RFC 4648 test vectors", "[report]") {
  auto encode = [](const std::string& text) {
    return dae::base64_encode(std::vector<uint8_t>(text.begin(), text.end()));
  };
  CHECK(encode("") == "");
  CHECK(encode("f") == "Zg==");
  CHECK(encode("fo") == "Zm8=");
  CHECK(encode("foo") == "Zm9v");
  CHECK(encode("foob") == "Zm9vYg==");
  CHECK(encode("fooba") == "Zm9vYmE=");
  CHECK(encode("foobar") == "Zm9vYmFy");
  CHECK(dae::base64_encode({0xFF, 0xFE, 0x00}) == "//4A");
}

TEST_CASE("html_escape replaces the five special characters", "[report]") {
  CHECK(dae::html_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  CHECK(dae::html_escape("plain") == "plain");
}

TEST_CASE("a report's Markdown, block by block", "[report]") {
  const std::string expected =
      "# A \\*title\\*\n"
      "\n## Setup\n"
      "\nRun `mnist_dae compare --out x` then read x\\_y \\<here\\> & there.\n"
      "\n- one\n- two \\[2\\]\n"
      "\n### Table\n"
      "\n| model | test MSE |\n|---|---:|\n| a\\|b | 0.5 |\n| c | 0.25 |\n"
      "\n![A red line](tiny.png)\n\n*A red line*\n"
      "\n![A gray digit](digit.png)\n\n*A gray digit*\n"
      "\n```\na < b\n```\n";
  CHECK(small_report().markdown() == expected);
}

TEST_CASE("a report's HTML holds the same content, the chart as SVG and the pixels as PNG", "[report]") {
  const std::string html = small_report().html();
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  const char* const parts[] = {
      "<title>A *title*</title>",
      "<h2 id=\"setup\">Setup</h2>",
      "<p>Run <code>mnist_dae compare --out x</code> then read x_y &lt;here&gt; &amp; there.</p>",
      "<li>two [2]</li>",
      "<h3>Table</h3>",
      "<th>model</th><th class=\"num\">test MSE</th>",
      "<td>a|b</td><td class=\"num\">0.5</td>",
      "<figure id=\"tiny\"><div role=\"img\" aria-label=\"A red line\"><svg",
      "<figcaption>A red line</figcaption>",
      // The PNG signature \x89PNG\r\n\x1a\n in base64 begins "iVBORw0KGgo".
      "<figure id=\"digit\"><img class=\"pixels\" src=\"data:image/png;base64,iVBORw0KGgo",
      "alt=\"A gray digit\" width=\"28\" height=\"28\"",
      "<pre><code>a &lt; b</code></pre>",
  };
  for (const char* part : parts) CHECK_THAT(html, Catch::Contains(part));
  CHECK_THAT(html, Catch::EndsWith("</html>\n"));
  // The chart's SVG is whole, and its ids carry the figure's name.
  const size_t svg = html.find("<svg"), svg_end = html.find("</svg>") + 6;
  CHECK(dae::test::xml_problem(html.substr(svg, svg_end - svg)) == "");
  CHECK_THAT(html, Catch::Contains("id=\"tiny-"));
  CHECK(html.find("tiny.png") == std::string::npos);  // nothing outside the page is referenced
  CHECK(html.find("<?xml") == std::string::npos);
}

TEST_CASE("a report is written as report.md, report.html and its figures", "[report]") {
  dae::test::TempDir dir;
  const dae::Report report = small_report();
  report.write(dir.file("out"));
  CHECK(dae::test::read_file(dir.file("out/report.md")) == report.markdown());
  CHECK(dae::test::read_file(dir.file("out/report.html")) == report.html());
  const std::vector<uint8_t> chart = tiny_chart().png(), digit = tiny_digit().png();
  CHECK(dae::test::read_file(dir.file("out/tiny.png")) == std::string(chart.begin(), chart.end()));
  CHECK(dae::test::read_file(dir.file("out/tiny.svg")) == tiny_chart().svg());
  CHECK(dae::test::read_file(dir.file("out/digit.png")) == std::string(digit.begin(), digit.end()));
  // A picture of pixels has no SVG: the PNG is the exact one.
  CHECK_FALSE(std::filesystem::exists(dir.file("out/digit.svg")));
}

TEST_CASE("a table row of the wrong length is refused", "[report]") {
  dae::ReportTable table;
  table.header = {"a", "b"};
  table.rows = {{"1", "2"}, {"3"}};
  dae::Report report("t");
  REQUIRE_ERROR(report.table(table), "row 1 has 1 cells for 2 columns");
}
