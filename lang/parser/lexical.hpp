// Hand-written X3 primitives: the skipper, identifiers, numbers, keywords and operator tokens.
// Each leaves the iterator untouched when it fails (X3's own primitives skip whitespace even
// then), so that an expectation failure's position is the end of the last token: a missing ';'
// is reported right after the statement.
//
// They are written by hand rather than composed from X3 parsers so that each one tags its own
// token with its position (tokens are the leaves of the tree), so that identifiers can reject
// reserved words with a clear message, and so that the skipper shares its definition of
// comments with the pre-scan and the error reporter (trivia.hpp).
#pragma once

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lang/parser/tree.hpp"
#include "lang/parser/trivia.hpp"

namespace pm::lang::parser {

namespace x3 = boost::spirit::x3;

using iterator_type = std::string::const_iterator;
using position_cache_type = x3::position_cache<std::vector<iterator_type>>;
struct position_cache_tag;

// A failure message that is complete in itself (not a "what was expected") starts with this
// character; see describe_failure in parse.cpp.
inline constexpr char kCompleteMessage = '!';

template <typename Iterator>
std::string_view remaining_text(Iterator first, Iterator last) {
  if (first == last) return {};
  return std::string_view(&*first, static_cast<std::size_t>(last - first));
}

template <typename Node, typename Iterator, typename Context>
void tag_position(Context const& context, Node& node, Iterator first, Iterator last) {
  x3::get<position_cache_tag>(context).annotate(node, first, last);
}

// Whitespace and comments.
struct trivia_skipper : x3::parser<trivia_skipper> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
    std::size_t skipped = skip_trivia(remaining_text(first, last), 0);
    first += static_cast<std::ptrdiff_t>(skipped);
    return skipped > 0;
  }
};

// An identifier. With reject_reserved, a reserved word is an error ("'model' is a reserved
// word..."); without, it is simply not an identifier (so that alternatives can be tried).
struct identifier_parser : x3::parser<identifier_parser> {
  using attribute_type = tree::identifier;
  static bool const has_attribute = true;
  bool reject_reserved = true;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first_in, Iterator const& last, Context const& context, RContext&,
             Attribute& attribute) const {
    Iterator first = first_in;
    x3::skip_over(first, last, context);
    std::string_view word = identifier_at(remaining_text(first, last), 0);
    if (word.empty()) return false;
    if (is_reserved_word(word)) {
      if (!reject_reserved) return false;
      throw x3::expectation_failure<Iterator>(
          first, kCompleteMessage + ("'" + std::string(word) + "' is a reserved word and cannot be used as a name"));
    }
    Iterator begin = first;
    first += static_cast<std::ptrdiff_t>(word.size());
    first_in = first;
    tree::identifier result;
    result.text = std::string(word);
    tag_position(context, result, begin, first);
    x3::traits::move_to(std::move(result), attribute);
    return true;
  }
};

// 42, 1.5, 1e-3, .5, 2.  (kept as text; the converter reads it with from_chars/strtod, which
// round correctly, so that printed reals parse back to the same double)
struct number_parser : x3::parser<number_parser> {
  using attribute_type = tree::number;
  static bool const has_attribute = true;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first_in, Iterator const& last, Context const& context, RContext&,
             Attribute& attribute) const {
    Iterator first = first_in;
    x3::skip_over(first, last, context);
    std::string_view text = remaining_text(first, last);
    auto is_digit = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
    std::size_t end = 0;
    while (is_digit(end)) ++end;
    bool has_integer_part = end > 0;
    if (end < text.size() && text[end] == '.' && (has_integer_part || is_digit(end + 1))) {
      ++end;
      while (is_digit(end)) ++end;
    }
    if (end == 0) return false;
    if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
      std::size_t exponent = end + 1;
      if (exponent < text.size() && (text[exponent] == '+' || text[exponent] == '-')) ++exponent;
      if (is_digit(exponent)) {
        end = exponent;
        while (is_digit(end)) ++end;
      }
    }
    Iterator begin = first;
    first += static_cast<std::ptrdiff_t>(end);
    first_in = first;
    tree::number result;
    result.text = std::string(text.substr(0, end));
    tag_position(context, result, begin, first);
    x3::traits::move_to(std::move(result), attribute);
    return true;
  }
};

// A reserved word, not followed by an identifier character; no attribute.
struct keyword_parser : x3::parser<keyword_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  std::string_view word;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first_in, Iterator const& last, Context const& context, RContext&, Attribute&) const {
    Iterator first = first_in;
    x3::skip_over(first, last, context);
    if (identifier_at(remaining_text(first, last), 0) != word) return false;
    first_in = first + static_cast<std::ptrdiff_t>(word.size());
    return true;
  }
};

inline keyword_parser keyword(std::string_view word) { return keyword_parser{{}, word}; }

// One of a table of words (type names, block names), as a tagged token of its value.
template <typename Value>
struct keyword_token_parser : x3::parser<keyword_token_parser<Value>> {
  using attribute_type = tree::token<Value>;
  static bool const has_attribute = true;
  std::vector<std::pair<std::string_view, Value>> table;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first_in, Iterator const& last, Context const& context, RContext&,
             Attribute& attribute) const {
    Iterator first = first_in;
    x3::skip_over(first, last, context);
    std::string_view word = identifier_at(remaining_text(first, last), 0);
    for (const auto& [spelling, value] : table) {
      if (spelling != word) continue;
      Iterator begin = first;
      first += static_cast<std::ptrdiff_t>(word.size());
      first_in = first;
      tree::token<Value> result;
      result.value = value;
      tag_position(context, result, begin, first);
      x3::traits::move_to(std::move(result), attribute);
      return true;
    }
    return false;
  }
};

// One of a table of operator spellings (tried in table order: list longer spellings first).
template <typename Value>
struct symbol_token_parser : x3::parser<symbol_token_parser<Value>> {
  using attribute_type = tree::token<Value>;
  static bool const has_attribute = true;
  std::vector<std::pair<std::string_view, Value>> table;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first_in, Iterator const& last, Context const& context, RContext&,
             Attribute& attribute) const {
    Iterator first = first_in;
    x3::skip_over(first, last, context);
    std::string_view text = remaining_text(first, last);
    for (const auto& [spelling, value] : table) {
      if (text.substr(0, spelling.size()) != spelling) continue;
      Iterator begin = first;
      first += static_cast<std::ptrdiff_t>(spelling.size());
      first_in = first;
      tree::token<Value> result;
      result.value = value;
      tag_position(context, result, begin, first);
      x3::traits::move_to(std::move(result), attribute);
      return true;
    }
    return false;
  }
};

// Never matches; throws "unknown type 'vectr'" where a declaration was evidently meant: a word
// that is not reserved, followed by a name and ';' or '=' (`vectr x;`), by `[...]`, a name and
// ';' or '=' (`vectr[N] x = ...`), or by `<lower=` / `<upper=` ... (`vectr<lower=0>`).
struct misspelled_type_guard : x3::parser<misspelled_type_guard> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator const& first_in, Iterator const& last, Context const& context, RContext&, Attribute&) const {
    Iterator first = first_in;
    x3::skip_over(first, last, context);
    std::string_view text = remaining_text(first, last);
    std::string_view word = identifier_at(text, 0);
    if (word.empty() || is_reserved_word(word)) return false;
    std::size_t next = skip_trivia(text, word.size());
    // `TYPE NAME` must go on with ';' or '=': `y bernoulli(p);` lacks a '~', not a type.
    auto declared_name_at = [&](std::size_t offset) {
      std::string_view declared = identifier_at(text, offset);
      if (declared.empty()) return false;
      std::size_t after = skip_trivia(text, offset + declared.size());
      return after < text.size() && (text[after] == ';' || text[after] == '=');
    };
    bool looks_like_declaration = false;
    if (declared_name_at(next)) {
      looks_like_declaration = true;
    } else if (next < text.size() && text[next] == '[') {
      std::size_t close = text.find(']', next);
      looks_like_declaration = close != std::string_view::npos && declared_name_at(skip_trivia(text, close + 1));
    } else if (next < text.size() && text[next] == '<') {
      std::string_view bound = identifier_at(text, skip_trivia(text, next + 1));
      looks_like_declaration = bound == "lower" || bound == "upper" || bound == "offset" || bound == "multiplier";
    }
    if (looks_like_declaration) {
      throw x3::expectation_failure<Iterator>(first, kCompleteMessage + ("unknown type '" + std::string(word) + "'"));
    }
    return false;
  }
};

// Never matches; throws where a statement starts with '{': a bare block is not a statement.
struct bare_block_guard : x3::parser<bare_block_guard> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator const& first_in, Iterator const& last, Context const& context, RContext&, Attribute&) const {
    Iterator first = first_in;
    x3::skip_over(first, last, context);
    if (first != last && *first == '{') {
      throw x3::expectation_failure<Iterator>(
          first, std::string(1, kCompleteMessage) +
                     "a bare '{ ... }' is not a statement: braces belong to a block or a for loop");
    }
    return false;
  }
};

}  // namespace pm::lang::parser
