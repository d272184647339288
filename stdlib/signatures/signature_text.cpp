// Parsers of the signature strings of the stdlib table (see signature.hpp for the notation).
#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>

#include "stdlib/signatures/signature.hpp"

namespace pm::stdlib {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

[[noreturn]] void malformed(std::string_view text, std::string_view why) {
  throw std::logic_error("stdlib signature '" + std::string(text) + "': " + std::string(why));
}

// Splits at top-level commas (not inside [...]).
std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '[') ++depth;
    if (text[i] == ']') --depth;
    if (text[i] == ',' && depth == 0) {
      parts.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  auto last = trim(text.substr(start));
  if (!last.empty() || !parts.empty()) parts.push_back(last);
  return parts;
}

SizeRule parse_size(std::string_view text) {
  text = trim(text);
  SizeRule rule;
  if (text == "?" || text.empty()) return rule;
  if (text.size() >= 2 && (text[0] == '$' || text[0] == '#')) {
    rule.kind = text[0] == '$' ? SizeRule::Kind::ArgumentValue : SizeRule::Kind::ArgumentSize;
    auto dot = text.find('.');
    rule.argument = std::stoi(std::string(text.substr(1, dot == std::string_view::npos ? dot : dot - 1))) - 1;
    if (dot != std::string_view::npos) rule.dimension = std::stoi(std::string(text.substr(dot + 1))) - 1;
    return rule;
  }
  malformed(text, "a size is $k, #k, #k.d or ?");
}

std::vector<SizeRule> parse_sizes(std::string_view inside_brackets) {
  std::vector<SizeRule> sizes;
  for (auto part : split_commas(inside_brackets)) sizes.push_back(parse_size(part));
  return sizes;
}

// "array[...] rest" -> number of dimensions (commas + 1), the bracket text, and rest.
bool strip_array(std::string_view& text, std::string_view& inside) {
  if (text.substr(0, 6) != "array[") return false;
  auto close = text.find(']');
  if (close == std::string_view::npos) malformed(text, "unclosed array[");
  inside = text.substr(6, close - 6);
  text = trim(text.substr(close + 1));
  return true;
}

// A base type word with optional [sizes]: "vector[$2]" -> Vector + sizes.
void parse_base(std::string_view word, ElementType& element, ShapeKind& shape,
                std::vector<SizeRule>* sizes, std::string_view whole) {
  auto bracket = word.find('[');
  auto head = word.substr(0, bracket);
  if (head == "int") { element = ElementType::Int; shape = ShapeKind::Scalar; }
  else if (head == "real") { element = ElementType::Real; shape = ShapeKind::Scalar; }
  else if (head == "vector") { element = ElementType::Real; shape = ShapeKind::Vector; }
  else if (head == "row_vector") { element = ElementType::Real; shape = ShapeKind::RowVector; }
  else if (head == "matrix") { element = ElementType::Real; shape = ShapeKind::Matrix; }
  else malformed(whole, "unknown type '" + std::string(head) + "'");
  int expected = shape == ShapeKind::Scalar ? 0 : shape == ShapeKind::Matrix ? 2 : 1;
  if (sizes) {
    if (bracket != std::string_view::npos) {
      *sizes = parse_sizes(word.substr(bracket + 1, word.size() - bracket - 2));
    } else {
      sizes->assign(expected, SizeRule{});
    }
    if (static_cast<int>(sizes->size()) != expected) malformed(whole, "wrong number of sizes");
  }
}

}  // namespace

ArgumentPattern parse_argument_pattern(std::string_view text) {
  text = trim(text);
  ArgumentPattern pattern;
  std::string_view inside;
  int array_dimensions = 0;
  if (strip_array(text, inside)) {
    array_dimensions = 1 + static_cast<int>(std::count(inside.begin(), inside.end(), ','));
  }
  auto space = text.find(' ');
  auto word = text.substr(0, space);
  if (space != std::string_view::npos) pattern.name = std::string(trim(text.substr(space)));
  using Kind = ArgumentPattern::Kind;
  if (word == "ints") pattern.kind = Kind::Ints;
  else if (word == "reals") pattern.kind = Kind::Reals;
  else if (word == "vectors") pattern.kind = Kind::Vectors;
  else if (word == "container") pattern.kind = Kind::Container;
  else if (word == "any") pattern.kind = Kind::Any;
  else parse_base(word, pattern.element, pattern.shape, nullptr, text);
  if (array_dimensions > 0 && pattern.kind != Kind::Exact) malformed(text, "array of a pattern word");
  pattern.array_dimensions = array_dimensions;
  return pattern;
}

ResultPattern parse_result_pattern(std::string_view text) {
  text = trim(text);
  ResultPattern result;
  using Kind = ResultPattern::Kind;
  std::string_view inside;
  bool is_array = strip_array(text, inside);
  if (is_array) result.array_sizes = parse_sizes(inside);
  if (text == "same" && is_array) { result.kind = Kind::ArrayOfFirst; return result; }
  if (is_array && (text == "same_real" || text == "broadcast" || text == "broadcast_int" || text == "element"))
    malformed(text, "only 'same' may follow array[...]");
  if (text == "same") result.kind = Kind::Same;
  else if (text == "same_real") result.kind = Kind::SameReal;
  else if (text == "broadcast") result.kind = Kind::Broadcast;
  else if (text == "broadcast_int") { result.kind = Kind::Broadcast; result.element = ElementType::Int; }
  else if (text == "element") result.kind = Kind::Element;
  else parse_base(text, result.element, result.shape, &result.shape_sizes, text);
  return result;
}

FunctionSignature parse_function_signature(std::string_view name, std::string_view text) {
  auto arrow = text.find("->");
  if (arrow == std::string_view::npos) malformed(text, "missing ->");
  FunctionSignature signature;
  signature.name = std::string(name);
  signature.text = std::string(name) + "(" + std::string(trim(text.substr(0, arrow))) + ")";
  for (auto part : split_commas(trim(text.substr(0, arrow)))) {
    signature.arguments.push_back(parse_argument_pattern(part));
  }
  signature.result = parse_result_pattern(text.substr(arrow + 2));
  return signature;
}

}  // namespace pm::stdlib
