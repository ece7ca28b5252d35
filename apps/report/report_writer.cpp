#include "apps/report/report_writer.h"

#include <cctype>
#include <sstream>

#include "apps/report/output_dir.h"

#include "core/atomic_file.h"
#include "core/error.h"

namespace dae {

namespace {

// Plain text with `code` spans, rendered by `plain` outside the spans and `code` inside them.
// An unmatched backtick is kept as text.
template <typename Plain, typename Code>
std::string render_inline(const std::string& text, Plain plain, Code code) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find('`', at);
    const size_t close = open == std::string::npos ? std::string::npos : text.find('`', open + 1);
    if (close == std::string::npos) {
      out += plain(text.substr(at));
      break;
    }
    out += plain(text.substr(at, open - at)) + code(text.substr(open + 1, close - open - 1));
    at = close + 1;
  }
  return out;
}

// Backslash-escapes the characters that would start emphasis, links, HTML or (in a table cell)
// a new column.
std::string markdown_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '*' || c == '_' || c == '[' || c == ']' || c == '<' || c == '>' || c == '|' || c == '#')
      out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_inline(const std::string& text) {
  return render_inline(text, markdown_text, [](const std::string& code) { return "`" + code + "`"; });
}

std::string html_inline(const std::string& text) {
  return render_inline(text, html_escape,
                       [](const std::string& code) { return "<code>" + html_escape(code) + "</code>"; });
}

// A heading's id, so that a section can be linked to: "Time per stage" -> "time-per-stage".
std::string anchor(const std::string& heading) {
  std::string id;
  for (char c : heading) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!id.empty() && id.back() != '-') {
      id += '-';
    }
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id;
}

bool right_aligned(const ReportTable& table, size_t column) {
  if (table.right_aligned.empty()) return column > 0;
  return column < table.right_aligned.size() && table.right_aligned[column];
}

constexpr const char* kStyle =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:70rem;margin:2rem auto;"
    "padding:0 1rem;color:#222;line-height:1.45}"
    "table{border-collapse:collapse;margin:1rem 0}"
    "th,td{border:1px solid #ccc;padding:.3rem .6rem}th{background:#f3f3f3}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}"
    "code,pre{font-family:ui-monospace,monospace;background:#f6f6f6}"
    "pre{padding:.6rem;white-space:pre-wrap;overflow-wrap:anywhere}"
    "figure{margin:1.2rem 0}figure svg,figure img{display:block;max-width:100%;height:auto}"
    "img.pixels{image-rendering:pixelated}figcaption{color:#555;margin-top:.3rem}";

}  // namespace

Report::Report(std::string title) : title_(std::move(title)) {}

Report& Report::add(Block block) {
  blocks_.push_back(std::move(block));
  return *this;
}

Report& Report::heading(const std::string& text) { return add({Kind::Heading, text, {}, {}, {}, {}}); }
Report& Report::subheading(const std::string& text) { return add({Kind::Subheading, text, {}, {}, {}, {}}); }
Report& Report::paragraph(const std::string& text) { return add({Kind::Paragraph, text, {}, {}, {}, {}}); }
Report& Report::bullets(const std::vector<std::string>& items) { return add({Kind::Bullets, {}, items, {}, {}, {}}); }
Report& Report::preformatted(const std::string& text) { return add({Kind::Preformatted, text, {}, {}, {}, {}}); }

Report& Report::table(const ReportTable& table) {
  DAE_CHECK(!table.header.empty(), "report table: no columns");
  for (size_t r = 0; r < table.rows.size(); ++r)
    DAE_CHECK(table.rows[r].size() == table.header.size(),
              "report table '" << table.header[0] << "': row " << r << " has " << table.rows[r].size() << " cells for "
                               << table.header.size() << " columns");
  return add({Kind::Table, {}, {}, table, {}, {}});
}

Report& Report::figure(const std::string& name, const std::string& caption, const Picture& picture) {
  return add({Kind::Figure, caption, {}, {}, name, std::make_shared<const Picture>(picture)});
}

std::string Report::markdown() const {
  std::ostringstream out;
  out << "# " << markdown_inline(title_) << "\n";
  for (const Block& b : blocks_) {
    out << "\n";
    switch (b.kind) {
      case Kind::Heading: out << "## " << markdown_inline(b.text) << "\n"; break;
      case Kind::Subheading: out << "### " << markdown_inline(b.text) << "\n"; break;
      case Kind::Paragraph: out << markdown_inline(b.text) << "\n"; break;
      case Kind::Bullets:
        for (const auto& item : b.items) out << "- " << markdown_inline(item) << "\n";
        break;
      case Kind::Table: {
        const ReportTable& t = b.table;
        for (const auto& cell : t.header) out << "| " << markdown_inline(cell) << " ";
        out << "|\n";
        for (size_t c = 0; c < t.header.size(); ++c) out << (right_aligned(t, c) ? "|---:" : "|---");
        out << "|\n";
        for (const auto& row : t.rows) {
          for (const auto& cell : row) out << "| " << markdown_inline(cell) << " ";
          out << "|\n";
        }
        break;
      }
      case Kind::Figure:
        out << "![" << markdown_text(b.text) << "](" << b.name << ".png)\n\n*" << markdown_inline(b.text) << "*\n";
        break;
      case Kind::Preformatted: out << "```\n" << b.text << "\n```\n"; break;
    }
  }
  return out.str();
}

std::string Report::html() const {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << html_escape(title_)
      << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<h1>" << html_inline(title_) << "</h1>\n";
  for (const Block& b : blocks_) {
    switch (b.kind) {
      case Kind::Heading: out << "<h2 id=\"" << anchor(b.text) << "\">" << html_inline(b.text) << "</h2>\n"; break;
      case Kind::Subheading: out << "<h3>" << html_inline(b.text) << "</h3>\n"; break;
      case Kind::Paragraph: out << "<p>" << html_inline(b.text) << "</p>\n"; break;
      case Kind::Bullets:
        out << "<ul>\n";
        for (const auto& item : b.items) out << "<li>" << html_inline(item) << "</li>\n";
        out << "</ul>\n";
        break;
      case Kind::Table: {
        const ReportTable& t = b.table;
        auto cell = [&](const char* tag, size_t c, const std::string& text) {
          out << "<" << tag << (right_aligned(t, c) ? " class=\"num\">" : ">") << html_inline(text) << "</" << tag
              << ">";
        };
        out << "<table>\n<thead><tr>";
        for (size_t c = 0; c < t.header.size(); ++c) cell("th", c, t.header[c]);
        out << "</tr></thead>\n<tbody>\n";
        for (const auto& row : t.rows) {
          out << "<tr>";
          for (size_t c = 0; c < row.size(); ++c) cell("td", c, row[c]);
          out << "</tr>\n";
        }
        out << "</tbody>\n</table>\n";
        break;
      }
      case Kind::Figure: {
        const Picture& picture = *b.picture;
        out << "<figure id=\"" << html_escape(b.name) << "\">";
        if (picture.holds_pixels()) {
          out << "<img class=\"pixels\" src=\"data:image/png;base64," << base64_encode(picture.png()) << "\" alt=\""
              << html_escape(b.text) << "\" width=\"" << picture.width() << "\" height=\"" << picture.height() << "\">";
        } else {
          out << "<div role=\"img\" aria-label=\"" << html_escape(b.text) << "\">" << picture.inline_svg(b.name + "-")
              << "</div>";
        }
        out << "<figcaption>" << html_inline(b.text) << "</figcaption></figure>\n";
        break;
      }
      case Kind::Preformatted: out << "<pre><code>" << html_escape(b.text) << "</code></pre>\n"; break;
    }
  }
  out << "</body>\n</html>\n";
  return out.str();
}

void Report::write(const std::string& dir) const {
  prepare_output_dir(dir);
  for (const Block& b : blocks_) {
    if (b.kind != Kind::Figure) continue;
    write_png(dir + "/" + b.name + ".png", *b.picture);
    if (!b.picture->holds_pixels()) write_svg(dir + "/" + b.name + ".svg", *b.picture);
  }
  write_file_atomically(dir + "/report.md", markdown());
  write_file_atomically(dir + "/report.html", html());
}

std::string base64_encode(const std::vector<uint8_t>& bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t left = bytes.size() - i;
    const uint32_t group = uint32_t{bytes[i]} << 16 | (left > 1 ? uint32_t{bytes[i + 1]} << 8 : 0) |
                           (left > 2 ? uint32_t{bytes[i + 2]} : 0);
    out += kAlphabet[group >> 18 & 63];
    out += kAlphabet[group >> 12 & 63];
    out += left > 1 ? kAlphabet[group >> 6 & 63] : '=';
    out += left > 2 ? kAlphabet[group & 63] : '=';
  }
  return out;
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace dae
