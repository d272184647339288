// Expressions: folding the chains of the internal tree into the public AST.
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "lang/parser/convert.hpp"

namespace pm::lang::parser {

namespace {
ExprPtr make_expr(ExprKind kind, SourceRange range) {
  auto expr = std::make_unique<Expr>();
  expr->kind = kind;
  expr->range = range;
  return expr;
}
}  // namespace

SourceRange Converter::range_of(const x3::position_tagged& node) const {
  auto where = positions_.position_of(node);
  return {static_cast<std::uint32_t>(where.begin() - text_begin_),
          static_cast<std::uint32_t>(where.end() - text_begin_)};
}

void Converter::fail(const x3::position_tagged& node, const std::string& message) const {
  throw ConversionError(range_of(node).begin, message);
}

void Converter::check_depth(int depth, const x3::position_tagged& where) const {
  if (depth > max_expression_depth_)
    fail(where, "an expression more than " + std::to_string(max_expression_depth_) +
                    " operators deep (a chain of that many terms); split it into definitions, or sum a vector");
}

void Converter::fail_nesting(const x3::position_tagged& where) const {
  fail(where, "nesting deeper than " + std::to_string(max_depth_) + " levels");
}

ExprPtr Converter::expression(const tree::expression& node) { return convert(node).expr; }

// first ? then_1 : else_1 ? then_2 : else_2 ... is first ? then_1 : (else_1 ? then_2 : else_2):
// fold from the right; each else_k but the last is the condition of the next `?`.
Converter::Built Converter::convert(const tree::conditional_chain& node) {
  if (node.rest.empty()) return convert(node.first);
  std::size_t count = node.rest.size();
  if (count > static_cast<std::size_t>(max_depth_)) fail_nesting(node.rest[max_depth_]);
  Built result = convert(node.rest[count - 1].else_value);
  for (std::size_t k = count; k-- > 0;) {
    Built condition = k == 0 ? convert(node.first) : convert(node.rest[k - 1].else_value);
    Built then_value = convert(node.rest[k].then_value);
    SourceRange range{condition.expr->range.begin, result.expr->range.end};
    ExprPtr expr = make_expr(ExprKind::Conditional, range);
    int depth = 1 + std::max({condition.depth, then_value.depth, result.depth});
    check_depth(depth, node.rest[k]);
    expr->args.push_back(std::move(condition.expr));
    expr->args.push_back(std::move(then_value.expr));
    expr->args.push_back(std::move(result.expr));
    result = {std::move(expr), depth};
  }
  return result;
}

Converter::Built Converter::binary(BinaryOp op, Built left, Built right, const x3::position_tagged& op_node) {
  int depth = 1 + std::max(left.depth, right.depth);
  check_depth(depth, op_node);
  ExprPtr expr = make_expr(ExprKind::Binary, {left.expr->range.begin, right.expr->range.end});
  expr->binary_op = op;
  expr->args.push_back(std::move(left.expr));
  expr->args.push_back(std::move(right.expr));
  return {std::move(expr), depth};
}

// One precedence level, left associative.
Converter::Built Converter::convert(const tree::binary_chain& node) {
  Built result = convert(node.first);
  for (const tree::operation& operation : node.rest) {
    result = binary(operation.op, std::move(result), convert(operation.right), operation);
  }
  return result;
}

Converter::Built Converter::convert(const tree::operand& node) {
  return boost::apply_visitor(
      [this, &node](const auto& alternative) -> Built {
        if constexpr (std::is_same_v<std::decay_t<decltype(alternative)>, tree::nil>) {
          throw ConversionError(0, "internal error: an empty operand");
        } else {
          return convert(alternative);
        }
      },
      node);
}

// Prefix operators apply innermost (rightmost) first: - ! x is -(!x).
Converter::Built Converter::apply_prefixes(const std::vector<tree::token<UnaryOp>>& prefixes, Built operand) {
  // A chain longer than the limit is reported at the first operator beyond it, counting from
  // the left as for brackets (the fold below runs from the right).
  if (prefixes.size() > static_cast<std::size_t>(max_depth_)) fail_nesting(prefixes[max_depth_]);
  for (std::size_t k = prefixes.size(); k-- > 0;) {
    const tree::token<UnaryOp>& prefix = prefixes[k];
    int depth = operand.depth + 1;
    check_depth(depth, prefix);
    ExprPtr expr = make_expr(ExprKind::Unary, {range_of(prefix).begin, operand.expr->range.end});
    expr->unary_op = prefix.value;
    expr->args.push_back(std::move(operand.expr));
    operand = {std::move(expr), depth};
  }
  return operand;
}

// Prefix operators bind looser than `^`: -a^b is -(a^b).
Converter::Built Converter::convert(const tree::unary_expression& node) {
  return apply_prefixes(node.prefixes, convert(node.power));
}

// e_0 ^ P_1 e_1 ^ P_2 e_2 ... (P_j the prefix operators written before e_j) is
// e_0 ^ P_1(e_1 ^ P_2(e_2 ...)): right associative, each exponent a unary expression.
Converter::Built Converter::convert(const tree::power_chain& node) {
  if (node.rest.empty()) return convert(node.first);
  std::size_t count = node.rest.size();
  if (count > static_cast<std::size_t>(max_depth_)) fail_nesting(node.rest[max_depth_].op);
  Built exponent = apply_prefixes(node.rest[count - 1].prefixes, convert(node.rest[count - 1].operand));
  for (std::size_t j = count - 1; j >= 1; --j) {
    Built base = convert(node.rest[j - 1].operand);
    Built power = binary(node.rest[j].op.value, std::move(base), std::move(exponent), node.rest[j].op);
    exponent = apply_prefixes(node.rest[j - 1].prefixes, std::move(power));
  }
  return binary(node.rest[0].op.value, convert(node.first), std::move(exponent), node.rest[0].op);
}

Converter::Built Converter::index(Built base, const tree::index_suffix& suffix) {
  SourceRange suffix_range = range_of(suffix);
  ExprPtr expr = make_expr(ExprKind::Index, {base.expr->range.begin, suffix_range.end});
  int depth = base.depth;
  for (const tree::index_argument& argument : suffix.arguments) {
    IndexArg converted;
    converted.range = range_of(argument);
    if (!argument.first && !argument.range) fail(argument, "expected an index");
    if (argument.first) {
      Built first = convert(*argument.first);
      depth = std::max(depth, first.depth);
      converted.first = std::move(first.expr);
    }
    if (argument.range) {
      converted.kind = IndexArg::Kind::Range;
      if (argument.range->last) {
        Built last = convert(*argument.range->last);
        depth = std::max(depth, last.depth);
        converted.last = std::move(last.expr);
      } else if (!argument.first) {
        converted.kind = IndexArg::Kind::All;
      }
    }
    expr->indices.push_back(std::move(converted));
  }
  check_depth(depth + 1, suffix);
  expr->args.push_back(std::move(base.expr));
  return {std::move(expr), depth + 1};
}

Converter::Built Converter::convert(const tree::postfix_expression& node) {
  Built result = convert(node.base);
  for (const tree::postfix_operator& postfix : node.operators) {
    if (const auto* suffix = boost::get<tree::index_suffix>(&postfix)) {
      result = index(std::move(result), *suffix);
    } else {
      const auto& quote = boost::get<tree::token<tree::transpose_mark>>(postfix);
      check_depth(result.depth + 1, quote);
      ExprPtr expr = make_expr(ExprKind::Transpose, {result.expr->range.begin, range_of(quote).end});
      expr->args.push_back(std::move(result.expr));
      result = {std::move(expr), result.depth + 1};
    }
  }
  return result;
}

namespace {
template <typename T>
const T& unwrap(const T& node) { return node; }
template <typename T>
const T& unwrap(const x3::forward_ast<T>& node) { return node.get(); }
}  // namespace

Converter::Built Converter::convert(const tree::primary& node) {
  return boost::apply_visitor(
      [this](const auto& alternative) -> Built {
        const auto& inner = unwrap(alternative);
        using Node = std::decay_t<decltype(inner)>;
        if constexpr (std::is_same_v<Node, tree::array_literal>) {
          return convert_elements(ExprKind::ArrayLiteral, inner.elements, inner);
        } else if constexpr (std::is_same_v<Node, tree::row_vector_literal>) {
          return convert_elements(ExprKind::RowVectorLiteral, inner.elements, inner);
        } else {
          return convert(inner);  // a parenthesized expression is its inner node
        }
      },
      node);
}

Converter::Built Converter::convert(const tree::number& node) {
  const std::string& text = node.text;
  bool is_real = text.find_first_of(".eE") != std::string::npos;
  if (is_real) {
    // strtod rounds correctly, so the printer's shortest round-trip form reads back exactly.
    double value = std::strtod(text.c_str(), nullptr);
    if (std::isinf(value)) fail(node, "real literal '" + text + "' is out of range");
    ExprPtr expr = make_expr(ExprKind::RealLiteral, range_of(node));
    expr->real_value = value;
    return {std::move(expr), 1};
  }
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    fail(node, "integer literal '" + text + "' is too large");
  }
  ExprPtr expr = make_expr(ExprKind::IntLiteral, range_of(node));
  expr->int_value = value;
  return {std::move(expr), 1};
}

Converter::Built Converter::convert(const tree::identifier& node) {
  ExprPtr expr = make_expr(ExprKind::Name, range_of(node));
  expr->name = node.text;
  return {std::move(expr), 1};
}

std::vector<ExprPtr> Converter::expressions(const std::vector<tree::expression>& nodes, int& max_depth) {
  std::vector<ExprPtr> out;
  for (const tree::expression& node : nodes) {
    Built built = convert(node);
    max_depth = std::max(max_depth, built.depth);
    out.push_back(std::move(built.expr));
  }
  return out;
}

Converter::Built Converter::convert(const tree::call& node) {
  ExprPtr expr = make_expr(ExprKind::Call, range_of(node));
  expr->name = node.name.text;
  expr->name_range = range_of(node.name);
  int depth = 0;
  expr->args = expressions(node.before_bar, depth);
  if (node.after_bar) {
    if (node.before_bar.size() != 1) {
      fail(node.name, "in '" + node.name.text + "(y | ...)' exactly one argument comes before '|'");
    }
    expr->bar_after_first = true;
    for (ExprPtr& argument : expressions(*node.after_bar, depth)) expr->args.push_back(std::move(argument));
  }
  check_depth(depth + 1, node.name);
  return {std::move(expr), depth + 1};
}

Converter::Built Converter::convert_elements(ExprKind kind, const std::vector<tree::expression>& elements,
                                             const x3::position_tagged& node) {
  ExprPtr expr = make_expr(kind, range_of(node));
  int depth = 0;
  expr->args = expressions(elements, depth);
  check_depth(depth + 1, node);
  return {std::move(expr), depth + 1};
}

}  // namespace pm::lang::parser
