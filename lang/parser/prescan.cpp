#include "lang/parser/prescan.hpp"

#include <vector>

#include "lang/parser/trivia.hpp"

namespace pm::lang::parser {

std::optional<PrescanError> prescan(std::string_view text, int max_depth) {
  // Open brackets and `?` still waiting for their `:`, innermost last.
  std::vector<char> open;
  std::size_t offset = 0;
  while (offset < text.size()) {
    std::string_view rest = text.substr(offset);
    if (rest.substr(0, 2) == "/*") {
      std::size_t close = text.find("*/", offset + 2);
      if (close == std::string_view::npos) return PrescanError{offset, "unterminated block comment"};
      offset = close + 2;
      continue;
    }
    if (rest.substr(0, 2) == "//" || rest.front() == '#') {
      while (offset < text.size() && text[offset] != '\n') ++offset;
      continue;
    }
    char c = text[offset];
    switch (c) {
      case '(':
      case '[':
      case '{':
      case '?':
        open.push_back(c);
        if (open.size() > static_cast<std::size_t>(max_depth)) {
          return PrescanError{offset, "nesting deeper than " + std::to_string(max_depth) + " levels"};
        }
        break;
      case ':':
        if (!open.empty() && open.back() == '?') open.pop_back();
        break;
      case ')':
      case ']':
      case '}':
        // A `?` without its `:` inside the brackets is a syntax error the parser reports.
        while (!open.empty() && open.back() == '?') open.pop_back();
        if (!open.empty()) open.pop_back();
        break;
      default:
        break;
    }
    ++offset;
  }
  return std::nullopt;
}

}  // namespace pm::lang::parser
