#include "lang/parser/trivia.hpp"

#include <array>

namespace pm::lang::parser {

std::size_t skip_trivia(std::string_view text, std::size_t offset) {
  while (offset < text.size()) {
    char c = text[offset];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++offset;
    } else if (c == '#' || text.substr(offset, 2) == "//") {
      while (offset < text.size() && text[offset] != '\n') ++offset;
    } else if (text.substr(offset, 2) == "/*") {
      std::size_t close = text.find("*/", offset + 2);
      offset = close == std::string_view::npos ? text.size() : close + 2;
    } else {
      break;
    }
  }
  return offset;
}

std::string_view identifier_at(std::string_view text, std::size_t offset) {
  if (offset >= text.size() || !is_identifier_start(text[offset])) return {};
  std::size_t end = offset + 1;
  while (end < text.size() && is_identifier_char(text[end])) ++end;
  return text.substr(offset, end - offset);
}

namespace {
constexpr std::array<std::string_view, 6> kBlockNames = {"data", "param", "latent",
                                                         "model", "guide", "generated"};
constexpr std::array<std::string_view, 13> kTypeNames = {
    "int",     "real",    "vector",           "row_vector",           "matrix",
    "simplex", "ordered", "positive_ordered", "cholesky_factor_corr", "cholesky_factor_cov",
    "corr_matrix", "cov_matrix", "array"};
constexpr std::array<std::string_view, 4> kOtherReserved = {"for", "in", "target", "net"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& words, std::string_view word) {
  for (std::string_view candidate : words) {
    if (candidate == word) return true;
  }
  return false;
}
}  // namespace

bool is_block_name(std::string_view word) { return contains(kBlockNames, word); }
bool is_type_name(std::string_view word) { return contains(kTypeNames, word); }
bool is_reserved_word(std::string_view word) {
  return is_block_name(word) || is_type_name(word) || contains(kOtherReserved, word);
}

}  // namespace pm::lang::parser
