// Tests of apps/report_writer: base64 against RFC 4648's vectors, escaping, the exact Markdown
// of a small report, the same content in the HTML with the figure inline, and the files written.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "apps/report/report_writer.h"
#include "tests/test_support.h"

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

dae::Report small_report() {
  dae::Canvas canvas(3, 2, {255, 255, 255});
  canvas.set_pixel(1, 1, {255, 0, 0});
  dae::ReportTable table;
  table.header = {"model", "test MSE"};
  table.rows = {{"a|b", "0.5"}, {"c", "0.25"}};
  dae::Report report("A *title*");
  report.heading("Setup")
      .paragraph("Run `mnist_dae compare --out x` then read x_y <here> & there.")
      .bullets({"one", "two [2]"})
      .subheading("Table")
      .table(table)
      .figure("tiny.png", "A red dot", canvas)
      .preformatted("a < b");
  return report;
}

}  // namespace

TEST_CASE("base64: the RFC 4648 test vectors", "[report]") {
  auto encode = [](const std::string& text) { return dae::base64_encode(std::vector<uint8_t>(text.begin(), text.end())); };
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
      "\n![A red dot](tiny.png)\n\n*A red dot*\n"
      "\n```\na < b\n```\n";
  CHECK(small_report().markdown() == expected);
}

TEST_CASE("a report's HTML holds the same content, with the figure inline", "[report]") {
  const std::string html = small_report().html();
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  const char* const parts[] = {
      "<title>A *title*</title>",
      "<h2>Setup</h2>",
      "<p>Run <code>mnist_dae compare --out x</code> then read x_y &lt;here&gt; &amp; there.</p>",
      "<li>two [2]</li>",
      "<h3>Table</h3>",
      "<th>model</th><th class=\"num\">test MSE</th>",
      "<td>a|b</td><td class=\"num\">0.5</td>",
      // The PNG signature \x89PNG\r\n\x1a\n in base64 begins "iVBORw0KGgo".
      "<img src=\"data:image/png;base64,iVBORw0KGgo",
      "alt=\"A red dot\" width=\"3\" height=\"2\"",
      "<pre><code>a &lt; b</code></pre>",
  };
  for (const char* part : parts) CHECK_THAT(html, Catch::Contains(part));
  CHECK_THAT(html, Catch::EndsWith("</html>\n"));
  CHECK(html.find("tiny.png") == std::string::npos);  // nothing outside the page is referenced
}

TEST_CASE("a report is written as report.md, report.html and its figures", "[report]") {
  dae::test::TempDir dir;
  const dae::Report report = small_report();
  report.write(dir.file("out"));
  CHECK(read_text(dir.file("out/report.md")) == report.markdown());
  CHECK(read_text(dir.file("out/report.html")) == report.html());
  dae::Canvas canvas(3, 2, {255, 255, 255});
  canvas.set_pixel(1, 1, {255, 0, 0});
  const std::vector<uint8_t> png = dae::encode_png(canvas);
  CHECK(read_text(dir.file("out/tiny.png")) == std::string(png.begin(), png.end()));
}

TEST_CASE("a table row of the wrong length is refused", "[report]") {
  dae::ReportTable table;
  table.header = {"a", "b"};
  table.rows = {{"1", "2"}, {"3"}};
  dae::Report report("t");
  REQUIRE_ERROR(report.table(table), "row 1 has 1 cells for 2 columns");
}
