// A report built as a list of blocks (headings, paragraphs, bullet lists, tables, figures,
// preformatted text) and written twice from the same blocks:
//   report.md    GitHub-flavoured Markdown; each figure a PNG file beside it
//   report.html  one self-contained page: each chart inline as SVG (crisp at any zoom), each
//                picture of pixels (digit grids) inline as its PNG, drawn without smoothing
// Text is plain: each writer escapes what its format needs. The one markup is `backticks`,
// which mark code (a command, a file name) in both.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "apps/drawing/picture.h"

namespace dae {

struct ReportTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each with header.size() cells
  // Columns drawn right-aligned (numbers); when empty, every column but the first.
  std::vector<bool> right_aligned;
};

class Report {
 public:
  explicit Report(std::string title);

  Report& heading(const std::string& text);     // a section (##)
  Report& subheading(const std::string& text);  // (###)
  Report& paragraph(const std::string& text);
  Report& bullets(const std::vector<std::string>& items);
  // Throws when a row's length differs from the header's.
  Report& table(const ReportTable& table);
  // `name` names the files beside report.md, e.g. "loss": loss.png, and loss.svg for a
  // picture that holds no pixels (a chart). The caption is also the figure's accessible name.
  Report& figure(const std::string& name, const std::string& caption, const Picture& picture);
  Report& preformatted(const std::string& text);

  std::string markdown() const;
  std::string html() const;
  // Writes report.md, report.html and each figure's PNG (and SVG) into `dir` (created when
  // missing), each file atomically.
  void write(const std::string& dir) const;

 private:
  enum class Kind { Heading, Subheading, Paragraph, Bullets, Table, Figure, Preformatted };
  struct Block {
    Kind kind;
    std::string text;                // heading, paragraph, preformatted text; a figure's caption
    std::vector<std::string> items;  // bullets
    ReportTable table;
    std::string name;  // figure
    std::shared_ptr<const Picture> picture;
  };
  Report& add(Block block);

  std::string title_;
  std::vector<Block> blocks_;
};

// RFC 4648 base64, with padding.
std::string base64_encode(const std::vector<uint8_t>& bytes);
// &, <, >, " and ' as character references.
std::string html_escape(const std::string& text);

}  // namespace dae
