// The expression grammar: precedence, associativity, every form, literals.
// Trees are compared as fully parenthesized prefix forms, e.g. "(+ a (* b c))".
#include <doctest/doctest.h>

#include <string>

#include "lang/syntax/parse.hpp"
#include "lang/syntax/printer.hpp"

using namespace pm::lang;

namespace {

std::string prefix_form(const Expr& expr);

std::string prefix_forms(const std::vector<ExprPtr>& items) {
  std::string out;
  for (const ExprPtr& item : items) out += " " + prefix_form(*item);
  return out;
}

std::string prefix_form(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::IntLiteral: return std::to_string(expr.int_value);
    case ExprKind::RealLiteral: return "r" + print_real(expr.real_value);
    case ExprKind::Name: return expr.name;
    case ExprKind::Unary: return std::string("(") + to_string(expr.unary_op) + "u " + prefix_form(*expr.args[0]) + ")";
    case ExprKind::Binary:
      return std::string("(") + to_string(expr.binary_op) + " " + prefix_form(*expr.args[0]) + " " +
             prefix_form(*expr.args[1]) + ")";
    case ExprKind::Conditional: return "(?" + prefix_forms(expr.args) + ")";
    case ExprKind::Call: return "(call " + expr.name + (expr.bar_after_first ? " |" : "") + prefix_forms(expr.args) + ")";
    case ExprKind::Transpose: return "(' " + prefix_form(*expr.args[0]) + ")";
    case ExprKind::ArrayLiteral: return "(array" + prefix_forms(expr.args) + ")";
    case ExprKind::RowVectorLiteral: return "(row" + prefix_forms(expr.args) + ")";
    case ExprKind::Index: {
      std::string out = "([] " + prefix_form(*expr.args[0]);
      for (const IndexArg& index : expr.indices) {
        switch (index.kind) {
          case IndexArg::Kind::Single: out += " " + prefix_form(*index.first); break;
          case IndexArg::Kind::All: out += " :"; break;
          case IndexArg::Kind::Range:
            out += " (: " + (index.first ? prefix_form(*index.first) : std::string("_")) + " " +
                   (index.last ? prefix_form(*index.last) : std::string("_")) + ")";
            break;
        }
      }
      return out + ")";
    }
  }
  return "?";
}

ExprPtr parse(const std::string& text) {
  SourceFile file("expr.pm", text);
  Diagnostics diagnostics;
  auto expr = parse_expression(file, diagnostics);
  INFO(render_all(file, diagnostics));
  REQUIRE(expr.has_value());
  return std::move(*expr);
}

std::string tree(const std::string& text) { return prefix_form(*parse(text)); }

// The printer's normal form, which must parse back to the same tree.
std::string printed(const std::string& text) {
  ExprPtr expr = parse(text);
  std::string out = print_expression(*expr);
  CHECK(same_structure(*expr, *parse(out)));
  return out;
}

}  // namespace

TEST_CASE("binary operators follow Stan's precedence") {
  CHECK(tree("a + b * c") == "(+ a (* b c))");
  CHECK(tree("a * b + c") == "(+ (* a b) c)");
  CHECK(tree("a - b - c") == "(- (- a b) c)");
  CHECK(tree("a / b / c") == "(/ (/ a b) c)");
  CHECK(tree("a .* b ./ c % d") == "(% (./ (.* a b) c) d)");
  CHECK(tree("a < b + 1") == "(< a (+ b 1))");
  CHECK(tree("a <= b == c >= d") == "(== (<= a b) (>= c d))");
  CHECK(tree("a != b && c > d || e") == "(|| (&& (!= a b) (> c d)) e)");
  CHECK(tree("a || b && c") == "(|| a (&& b c))");
  CHECK(tree("(a + b) * c") == "(* (+ a b) c)");
}

TEST_CASE("conditional is the loosest and right associative") {
  CHECK(tree("a ? b : c") == "(? a b c)");
  CHECK(tree("a || b ? c + 1 : d") == "(? (|| a b) (+ c 1) d)");
  CHECK(tree("a ? b : c ? d : e") == "(? a b (? c d e))");
  CHECK(tree("a ? b ? c : d : e") == "(? a (? b c d) e)");
  CHECK(tree("disease == 1 ? 0.95 : 0.05") == "(? (== disease 1) r0.95 r0.05)");
}

TEST_CASE("power is right associative and binds tighter than prefix operators") {
  CHECK(tree("a ^ b ^ c") == "(^ a (^ b c))");
  CHECK(tree("-a ^ b") == "(-u (^ a b))");
  CHECK(tree("a ^ -b") == "(^ a (-u b))");
  CHECK(tree("a ^ -b ^ c") == "(^ a (-u (^ b c)))");
  CHECK(tree("a .^ 2 * b") == "(* (.^ a 2) b)");
  CHECK(tree("2 * a ^ b") == "(* 2 (^ a b))");
  CHECK(tree("x[1] ^ 2") == "(^ ([] x 1) 2)");
}

TEST_CASE("prefix operators") {
  CHECK(tree("-x") == "(-u x)");
  CHECK(tree("+x") == "(+u x)");
  CHECK(tree("!x") == "(!u x)");
  CHECK(tree("- -x") == "(-u (-u x))");
  CHECK(tree("-a * b") == "(* (-u a) b)");
  CHECK(tree("a - -b") == "(- a (-u b))");
  CHECK(tree("!a && b") == "(&& (!u a) b)");
}

TEST_CASE("postfix operators chain") {
  CHECK(tree("x[1]'") == "(' ([] x 1))");
  CHECK(tree("W[d, 1:(d - 1)]'") == "(' ([] W d (: 1 (- d 1))))");
  CHECK(tree("h[:, 1:8]") == "([] h : (: 1 8))");
  CHECK(tree("x[:, d]") == "([] x : d)");
  CHECK(tree("mu[z[i]]") == "([] mu ([] z i))");
  CHECK(tree("x[a:]") == "([] x (: a _))");
  CHECK(tree("x[:b]") == "([] x (: _ b))");
  CHECK(tree("x[:]") == "([] x :)");
  CHECK(tree("m[1][2]") == "([] ([] m 1) 2)");
  CHECK(tree("x''") == "(' (' x))");
  CHECK(tree("a * b'") == "(* a (' b))");
  CHECK(tree("-x'") == "(-u (' x))");
  CHECK(tree("f(x)[1]") == "([] (call f x) 1)");
}

TEST_CASE("calls, including the bar form") {
  CHECK(tree("f()") == "(call f)");
  CHECK(tree("f(a, b + 1)") == "(call f a (+ b 1))");
  CHECK(tree("normal_lpdf(y | mu, sigma)") == "(call normal_lpdf | y mu sigma)");
  CHECK(tree("poisson_lpmf(k | lambda)") == "(call poisson_lpmf | k lambda)");
  CHECK(tree("f(a || b)") == "(call f (|| a b))");
  CHECK(tree("to_matrix(x[:, 1:(d - 1)]) * W[d, 1:(d - 1)]'") ==
        "(* (call to_matrix ([] x : (: 1 (- d 1)))) (' ([] W d (: 1 (- d 1)))))");
}

TEST_CASE("array and row-vector literals") {
  CHECK(tree("{a, b, 3}") == "(array a b 3)");
  CHECK(tree("[a, b]'") == "(' (row a b))");
  CHECK(tree("{[1, 2], [3, 4]}") == "(array (row 1 2) (row 3 4))");
}

TEST_CASE("literals") {
  CHECK(tree("42") == "42");
  CHECK(tree("0") == "0");
  CHECK(tree("1.5") == "r1.5");
  CHECK(tree("1e-3") == "r0.001");
  CHECK(tree("1E3") == "r1000.0");
  CHECK(tree(".5") == "r0.5");
  CHECK(tree("2.") == "r2.0");
  CHECK(tree("2.5e+2") == "r250.0");
  CHECK(parse("9223372036854775807")->int_value == 9223372036854775807LL);
  CHECK(parse("0.1")->real_value == 0.1);
  CHECK(parse("1e-3")->kind == ExprKind::RealLiteral);
}

TEST_CASE("source ranges cover the written text") {
  std::string text = "a + f(b, c[1])'";
  ExprPtr expr = parse(text);
  CHECK(expr->range.begin == 0);
  CHECK(expr->range.end == text.size());
  const Expr& transpose = *expr->args[1];
  CHECK(transpose.kind == ExprKind::Transpose);
  CHECK(transpose.range.begin == 4);
  const Expr& call = *transpose.args[0];
  CHECK(call.name_range.begin == 4);
  CHECK(call.name_range.end == 5);
  CHECK(call.range.end == text.size() - 1);
  // Parentheses are not nodes: the inner node keeps its own range.
  ExprPtr inner = parse("( x )");
  CHECK(inner->range.begin == 2);
  CHECK(inner->range.end == 3);
}

TEST_CASE("the printer uses minimal parentheses and parses back to the same tree") {
  CHECK(printed("(a + b) * c") == "(a + b) * c");
  CHECK(printed("a + (b * c)") == "a + b * c");
  CHECK(printed("a - (b - c)") == "a - (b - c)");
  CHECK(printed("(a - b) - c") == "a - b - c");
  CHECK(printed("(a ^ b) ^ c") == "(a^b)^c");
  CHECK(printed("a ^ (b ^ c)") == "a^b^c");
  CHECK(printed("(-a) ^ b") == "(-a)^b");
  CHECK(printed("-(a ^ b)") == "-a^b");
  CHECK(printed("a ^ (-b)") == "a^-b");
  CHECK(printed("(a ? b : c) ? d : e") == "(a ? b : c) ? d : e");
  CHECK(printed("a ? b : (c ? d : e)") == "a ? b : c ? d : e");
  CHECK(printed("(a + b)'") == "(a + b)'");
  CHECK(printed("-(x')") == "-x'");
  CHECK(printed("x[(c ? 1 : 2):n]") == "x[(c ? 1 : 2):n]");
  CHECK(printed("x[c ? 1 : 2]") == "x[c ? 1 : 2]");
  CHECK(printed("normal_lpdf(y|mu,sigma)") == "normal_lpdf(y | mu, sigma)");
  CHECK(printed("- - x") == "--x");
  CHECK(printed("(a < b) < c") == "a < b < c");
  CHECK(printed("a < (b < c)") == "a < (b < c)");
}

TEST_CASE("real literals print in a form that reads back exactly") {
  for (double value : {0.1, 1.0 / 3.0, 1e-300, 2.5, 1e21, 123456789.125, 5e-324, 0.0}) {
    std::string text = print_real(value);
    CAPTURE(text);
    CHECK(text.find_first_of(".e") != std::string::npos);
    CHECK(parse(text)->real_value == value);
  }
  CHECK(print_real(2.0) == "2.0");
  CHECK(print_real(0.1) == "0.1");
}
