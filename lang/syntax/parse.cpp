// parse_program / parse_expression: pre-scan, X3 parse, conversion, and the rendering of the
// first syntax error as a located diagnostic.
#include "lang/syntax/parse.hpp"

#include "lang/parser/convert.hpp"
#include "lang/parser/prescan.hpp"
#include "lang/parser/rules.hpp"

namespace pm::lang {

namespace {

namespace x3 = boost::spirit::x3;
using parser::iterator_type;
using parser::position_cache_tag;
using parser::position_cache_type;

// The place an error is reported at. An error at the end of the input is reported just after
// the last character of the last line (before the file's final newline, if it has one).
std::uint32_t report_offset(std::string_view text, std::size_t offset) {
  if (offset >= text.size() && !text.empty() && text.back() == '\n') offset = text.size() - 1;
  return static_cast<std::uint32_t>(std::min(offset, text.size()));
}

// Turns X3's expectation failure (where, the name of what was expected) into a message at the
// token the failure points at (X3 reports the position before the skipped whitespace).
void report_failure(std::string_view text, std::size_t where, const std::string& which,
                    Diagnostics& diagnostics) {
  if (!which.empty() && which.front() == parser::kCompleteMessage) {
    std::uint32_t offset = report_offset(text, parser::skip_trivia(text, where));
    diagnostics.error({offset, offset}, which.substr(1));
    return;
  }
  std::size_t token = parser::skip_trivia(text, where);
  // A missing ';' at the end of a line is reported right after the statement it should end
  // (X3's `where` is the end of the last token), not at the start of the next line; anything
  // else, and a ';' missing before more text on the same line, at the next token.
  bool next_token_on_later_line = token >= text.size() || text.substr(where, token - where).find('\n') != std::string_view::npos;
  bool at_previous_token = which.rfind("';'", 0) == 0 && next_token_on_later_line;
  std::uint32_t offset = report_offset(text, at_previous_token ? where : token);
  std::string message;
  std::string_view word = parser::identifier_at(text, token);
  if (which.rfind("a type", 0) == 0 && !word.empty() && !parser::is_reserved_word(word)) {
    message = "unknown type '" + std::string(word) + "'";
  } else if (which.rfind("';' after the declaration", 0) == 0 && token < text.size() && text[token] == '[') {
    // `real x[N];`: the array syntax Stan removed in 2.33.
    message = "sizes after the name are Stan's old array syntax: write 'array[N] TYPE NAME;'";
    offset = report_offset(text, token);
  } else if (token >= text.size()) {
    message = "expected " + which + ", but the file ended";
  } else {
    message = "expected " + which;
  }
  diagnostics.error({offset, offset}, message);
}

// Runs `rule` over the whole text; reports the first error and returns false on failure.
template <typename Rule, typename Attribute>
bool run_parser(const SourceFile& file, const Rule& rule, position_cache_type& positions,
                Attribute& attribute, Diagnostics& diagnostics) {
  const std::string& text = file.text();
  if (auto error = parser::prescan(text, kMaxNestingDepth)) {
    std::uint32_t offset = report_offset(text, error->offset);
    diagnostics.error({offset, offset}, error->message);
    return false;
  }
  iterator_type first = text.begin();
  const iterator_type last = text.end();
  try {
    bool matched = x3::phrase_parse(first, last, x3::with<position_cache_tag>(positions)[rule],
                                    parser::trivia_skipper{}, attribute);
    if (!matched || first != last) {
      std::size_t offset = parser::skip_trivia(text, static_cast<std::size_t>(first - text.begin()));
      std::uint32_t where = report_offset(text, offset);
      diagnostics.error({where, where}, matched ? "expected an operator or the end of the expression"
                                                : "expected an expression");
      return false;
    }
  } catch (const x3::expectation_failure<iterator_type>& failure) {
    report_failure(text, static_cast<std::size_t>(failure.where() - text.begin()), failure.which(), diagnostics);
    return false;
  }
  return true;
}

template <typename Convert>
auto convert_or_report(const SourceFile& file, Diagnostics& diagnostics, Convert convert)
    -> std::optional<decltype(convert())> {
  try {
    return convert();
  } catch (const parser::ConversionError& error) {
    std::uint32_t offset = report_offset(file.text(), error.offset);
    diagnostics.error({offset, offset}, error.what());
    return std::nullopt;
  }
}

}  // namespace

std::optional<Program> parse_program(const SourceFile& file, Diagnostics& diagnostics) {
  const std::string& text = file.text();
  position_cache_type positions(text.begin(), text.end());
  parser::tree::program tree;
  if (!run_parser(file, parser::program, positions, tree, diagnostics)) return std::nullopt;
  parser::Converter converter(positions, text.begin(), kMaxNestingDepth, kMaxExpressionDepth);
  return convert_or_report(file, diagnostics, [&] { return converter.program(tree); });
}

std::optional<ExprPtr> parse_expression(const SourceFile& file, Diagnostics& diagnostics) {
  const std::string& text = file.text();
  position_cache_type positions(text.begin(), text.end());
  parser::tree::expression tree;
  if (!run_parser(file, parser::expression, positions, tree, diagnostics)) return std::nullopt;
  parser::Converter converter(positions, text.begin(), kMaxNestingDepth, kMaxExpressionDepth);
  return convert_or_report(file, diagnostics, [&] { return converter.expression(tree); });
}

}  // namespace pm::lang
