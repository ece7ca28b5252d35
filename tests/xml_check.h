// A small XML well-formedness check for the SVG the pictures are written as: every element
// closed in order, attributes quoted, one root. (Enough to catch a truncated or spliced SVG;
// it does not validate against the SVG schema.)
#pragma once

#include <cctype>
#include <string>
#include <vector>

namespace dae::test {

// "" when `xml` is well formed, else what is wrong and where.
inline std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  int roots = 0;
  size_t at = 0;
  while ((at = xml.find('<', at)) != std::string::npos) {
    const std::string where = " at offset " + std::to_string(at);
    if (xml.compare(at, 2, "<?") == 0 || xml.compare(at, 4, "<!--") == 0) {
      const size_t end = xml.find(xml[at + 1] == '?' ? "?>" : "-->", at);
      if (end == std::string::npos) return "an unterminated declaration or comment" + where;
      at = end + 1;
      continue;
    }
    const size_t end = xml.find('>', at);
    if (end == std::string::npos) return "an unterminated tag" + where;
    const std::string tag = xml.substr(at + 1, end - at - 1);
    at = end + 1;
    if (!tag.empty() && tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "</" + tag.substr(1) + "> closes nothing open" + where;
      open.pop_back();
      continue;
    }
    size_t name_end = 0;
    while (name_end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[name_end])) && tag[name_end] != '/')
      ++name_end;
    if (name_end == 0) return "a tag without a name" + where;
    // Attributes: name="value" pairs; a '>' inside a value would have ended the tag early.
    int quotes = 0;
    for (char c : tag) quotes += c == '"';
    if (quotes % 2 != 0) return "an unbalanced quote in <" + tag.substr(0, name_end) + ">" + where;
    if (open.empty()) ++roots;
    if (tag.back() != '/') open.push_back(tag.substr(0, name_end));
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  if (roots != 1) return std::to_string(roots) + " root elements";
  return "";
}

}  // namespace dae::test
