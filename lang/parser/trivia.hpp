// Whitespace and comments (`// ...`, `# ...`, `/* ... */`), shared by the X3 skipper, the
// depth pre-scan and the error reporter (which must find the token an error points at).
#pragma once

#include <cstddef>
#include <string_view>

namespace pm::lang::parser {

// The offset of the first character at or after `offset` that is not whitespace or inside a
// comment. An unterminated block comment runs to the end of the text (the pre-scan reports it).
std::size_t skip_trivia(std::string_view text, std::size_t offset);

// [A-Za-z][A-Za-z0-9_]*
inline bool is_identifier_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
inline bool is_identifier_char(char c) {
  return is_identifier_start(c) || (c >= '0' && c <= '9') || c == '_';
}

// The identifier starting at `offset`, or an empty view.
std::string_view identifier_at(std::string_view text, std::size_t offset);

// Block names, type names, `for`, `in`, `target`, `net` (LANGUAGE.md, Lexical).
bool is_reserved_word(std::string_view word);
bool is_block_name(std::string_view word);
bool is_type_name(std::string_view word);

}  // namespace pm::lang::parser
