// Syntax errors: the first one is reported, located, with a message that says what was
// expected; nesting limits; unexpected end of input.
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "lang/syntax/parse.hpp"

using namespace pm::lang;

namespace {

// "LINE:COL: MESSAGE" of the single error parsing `text` must produce.
std::string first_error(const std::string& text) {
  SourceFile file("bad.pm", text);
  Diagnostics diagnostics;
  auto program = parse_program(file, diagnostics);
  CHECK(!program.has_value());
  REQUIRE(diagnostics.all().size() == 1);
  const Diagnostic& error = diagnostics.all()[0];
  CHECK(error.severity == Severity::Error);
  LineColumn where = file.locate(error.range.begin);
  return std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + error.message;
}

std::string repeat(const std::string& piece, int count) {
  std::string out;
  for (int k = 0; k < count; ++k) out += piece;
  return out;
}

}  // namespace

TEST_CASE("a missing ';' is reported right after the statement") {
  CHECK(first_error("model {\n  x ~ normal(0, 1)\n  y ~ normal(0, 1);\n}\n") ==
        "2:19: expected ';' after the statement");
  CHECK(first_error("model { x = 1 }") == "1:15: expected ';' after the statement");
  CHECK(first_error("data {\n  int N\n}\n") == "2:8: expected ';' after the declaration");
}

TEST_CASE("messages say what was expected, at the offending token") {
  CHECK(first_error("model {\n  x ~ (0, 1);\n}\n") == "2:7: expected a distribution name after '~'");
  CHECK(first_error("model {\n  x ~ normal 0, 1;\n}\n") == "2:14: expected '(' after the distribution name");
  CHECK(first_error("model { x = ; }") == "1:13: expected an expression");
  CHECK(first_error("model { x = a[1; }") == "1:16: expected ',' or ']' after the index");
  CHECK(first_error("model { x = f(a b); }") == "1:17: expected ',' or ')' after the arguments");
  CHECK(first_error("model { x = (a + b; }") == "1:19: expected ')'");
  CHECK(first_error("model { x = a ? b; }") == "1:18: expected ':' in the conditional expression");
  CHECK(first_error("model { x + 1; }") == "1:14: expected '~' or '=' after the expression");
  CHECK(first_error("model { target = 1; }") == "1:16: expected '+=' after 'target'");
  CHECK(first_error("model { for i in 1:N) x = 1; }") == "1:13: expected '(' after 'for'");
  CHECK(first_error("model { for (i 1:N) x = 1; }") == "1:16: expected 'in' after the loop variable");
  CHECK(first_error("model { for (i in 1 N) x = 1; }") == "1:21: expected ':' in the loop range");
  CHECK(first_error("model { for (i in 1:N) }") == "1:24: expected a statement or '{' after the loop header");
  CHECK(first_error("data { real<lower=0 x; }") == "1:21: expected ',' or '>' after the constraint");
  CHECK(first_error("data { real<lower 0> x; }") == "1:19: expected '=' after the constraint's name");
  CHECK(first_error("data { real 3; }") == "1:13: expected a name after the type");
  CHECK(first_error("modle {\n}\n") ==
        "1:1: expected a block ('data', 'param', 'latent', 'model', 'guide', 'generated') or a net declaration");
  CHECK(first_error("model { x = 1; } }") ==
        "1:18: expected a block ('data', 'param', 'latent', 'model', 'guide', 'generated') or a net declaration");
  CHECK(first_error("model x = 1;") == "1:7: expected '{' after the block name");
  CHECK(first_error("data { int N; x = 1; }") == "1:15: expected a declaration or '}'");
  CHECK(first_error("model { x = 1;\ndata { }") == "2:1: expected a statement or '}'");
  CHECK(first_error("net d = mlp(1, 2 activation = relu);") == "1:18: expected ',' or ')' after the arguments");
  CHECK(first_error("net d = mlp(1, activation = 3);") == "1:29: expected a name after '='");
  CHECK(first_error("net = mlp(1);") == "1:5: expected a name after 'net'");
  CHECK(first_error("model { x = y @ z; }") == "1:15: expected ';' after the statement");
  CHECK(first_error("model { { x = 1; } }") ==
        "1:9: a bare '{ ... }' is not a statement: braces belong to a block or a for loop");
}

TEST_CASE("unknown types and reserved words") {
  CHECK(first_error("data {\n  vectr[N] x;\n}\n") == "2:3: unknown type 'vectr'");
  CHECK(first_error("data { reel x; }") == "1:8: unknown type 'reel'");
  CHECK(first_error("data { reel<lower=0> x; }") == "1:8: unknown type 'reel'");
  CHECK(first_error("model { vectr[N] mu = x; }") == "1:9: unknown type 'vectr'");
  CHECK(first_error("data { array[N] foo x; }") == "1:17: unknown type 'foo'");
  // A name, a name and a call is a statement missing its '~', not a declaration.
  CHECK(first_error("model { y bernoulli(p); }") == "1:11: expected '~' or '=' after the expression");
  CHECK(first_error("data { real x[N]; }") ==
        "1:14: sizes after the name are Stan's old array syntax: write 'array[N] TYPE NAME;'");
  CHECK(first_error("data { real model; }") == "1:13: 'model' is a reserved word and cannot be used as a name");
  CHECK(first_error("model { x = 1 + for; }") == "1:17: 'for' is a reserved word and cannot be used as a name");
  CHECK(first_error("model { in = 1; }") == "1:9: 'in' is a reserved word and cannot be used as a name");
  CHECK(first_error("net vector = mlp(1);") == "1:5: 'vector' is a reserved word and cannot be used as a name");
}

TEST_CASE("errors found after parsing, in source order") {
  CHECK(first_error("data { vector x; }") == "1:8: 'vector' needs one size, as in vector[K]");
  CHECK(first_error("data { matrix[3] m; }") == "1:8: 'matrix' needs two sizes, as in matrix[R, C]");
  CHECK(first_error("data { real[3] r; }") == "1:8: 'real' takes no size");
  CHECK(first_error("data { real<lowr=0> x; }") == "1:13: unknown constraint 'lowr' (expected 'lower' or 'upper')");
  CHECK(first_error("model { x = f(a, b | c); }") == "1:13: in 'f(y | ...)' exactly one argument comes before '|'");
  CHECK(first_error("model { param real x; }") == "1:9: 'param' declarations belong in the 'param' block or in a guide");
  CHECK(first_error("model { x = y[]; }") == "1:15: expected an index");
  CHECK(first_error("model { x = 99999999999999999999; }") == "1:13: integer literal '99999999999999999999' is too large");
  CHECK(first_error("model { x = 1e999; }") == "1:13: real literal '1e999' is out of range");
}

TEST_CASE("unexpected end of input is reported after the last character of the last line") {
  CHECK(first_error("model {\n  x ~ normal(0, 1);\n") == "2:20: expected a statement or '}', but the file ended");
  CHECK(first_error("model {\n  x ~ normal(0, 1);") == "2:20: expected a statement or '}', but the file ended");
  CHECK(first_error("model {\n  x ~ normal(0,") == "2:16: expected an expression, but the file ended");
  CHECK(first_error("data") == "1:5: expected '{' after the block name, but the file ended");
  CHECK(first_error("model { x = 1 }\n\n") == "1:15: expected ';' after the statement");
  CHECK(first_error("model { x = 1\n\n") == "1:14: expected ';' after the statement, but the file ended");
  CHECK(first_error("model { x =\n\n") == "2:1: expected an expression, but the file ended");
}

TEST_CASE("an unterminated block comment is reported at its start") {
  CHECK(first_error("data { int N; }\n  /* no end\nmodel { }\n") == "2:3: unterminated block comment");
}

TEST_CASE("nesting is limited to 256 levels, reported where it is exceeded") {
  const int deep = 100000;
  const std::string head = "model { x = ";
  const int column = static_cast<int>(head.size()) + 1;  // of the first character after `x = `
  // Brackets, counting the block's own brace: the 256th open bracket after it.
  CHECK(first_error(head + repeat("(", deep) + "1" + repeat(")", deep) + "; }") ==
        "1:" + std::to_string(column + 255) + ": nesting deeper than 256 levels");
  CHECK(first_error(head + repeat("{", deep) + "1" + repeat("}", deep) + "; }") ==
        "1:" + std::to_string(column + 255) + ": nesting deeper than 256 levels");
  CHECK(first_error(head + repeat("[", deep) + "1" + repeat("]", deep) + "; }") ==
        "1:" + std::to_string(column + 255) + ": nesting deeper than 256 levels");
  CHECK(first_error(head + repeat("a[", deep) + "1" + repeat("]", deep) + "; }") ==
        "1:" + std::to_string(column + 2 * 255 + 1) + ": nesting deeper than 256 levels");
  CHECK(first_error(head + repeat("f(", deep) + "1" + repeat(")", deep) + "; }") ==
        "1:" + std::to_string(column + 2 * 255 + 1) + ": nesting deeper than 256 levels");
  // Chains of prefix operators, powers and conditionals: the 257th operator from the left.
  CHECK(first_error(head + repeat("-", deep) + "1; }") == "1:" + std::to_string(column + 256) + ": nesting deeper than 256 levels");
  CHECK(first_error(head + repeat("!", deep) + "1; }") == "1:" + std::to_string(column + 256) + ": nesting deeper than 256 levels");
  CHECK(first_error(head + "a" + repeat("^a", deep) + "; }") == "1:" + std::to_string(column + 1 + 2 * 256) +
                                                                    ": nesting deeper than 256 levels");
  CHECK(first_error(head + repeat("a ? 1 : ", deep) + "1; }") ==
        "1:" + std::to_string(column + 2 + 8 * 256) + ": nesting deeper than 256 levels");
  CHECK(first_error(head + repeat("a ? ", deep) + "1" + repeat(" : 1", deep) + "; }") ==
        "1:" + std::to_string(column + 2 + 4 * 255) + ": nesting deeper than 256 levels");
  // Left-associative chains and postfix chains are flat to read but make trees as deep as they
  // are long: not nesting (a sum of 257 terms is fine, issue 15), but limited to
  // kMaxExpressionDepth, reported at the operator that goes beyond it.
  const std::string too_deep = "an expression more than " + std::to_string(kMaxExpressionDepth) + " operators deep";
  CHECK(first_error(head + "a" + repeat(" + a", deep) + "; }") ==
        "1:" + std::to_string(column + 4 * kMaxExpressionDepth - 2) + ": " + too_deep +
            " (a chain of that many terms); split it into definitions, or sum a vector");
  CHECK(first_error(head + "a" + repeat("'", deep) + "; }").find(too_deep) != std::string::npos);
  CHECK(first_error(head + "a" + repeat("[1]", deep) + "; }").find(too_deep) != std::string::npos);
  // for-plates, with and without braces.
  CHECK(first_error("model { " + repeat("for (i in 1:2) ", deep) + "x ~ normal(0, 1); }") ==
        "1:" + std::to_string(9 + 15 * 256) + ": nesting deeper than 256 levels");
  CHECK(first_error("model { " + repeat("for (i in 1:2) {", deep) + "x ~ normal(0, 1);" + repeat("}", deep) + " }")
            .find("nesting deeper than 256 levels") != std::string::npos);
}

TEST_CASE("every kind of bracket nests up to the limit (the block's brace is one level)") {
  const int allowed = kMaxNestingDepth - 1;
  for (auto [open, close] : {std::pair<std::string, std::string>{"(", ")"}, {"a[", "]"}, {"f(", ")"},
                             {"{", "}"}, {"[", "]"}, {"c ? ", " : 1"}}) {
    CAPTURE(open);
    SourceFile file("deep.pm", "model { x = " + repeat(open, allowed) + "1" + repeat(close, allowed) + "; }");
    Diagnostics diagnostics;
    CHECK(parse_program(file, diagnostics).has_value());
    CHECK(diagnostics.all().empty());
  }
}

TEST_CASE("a flat chain is not nesting: sums and products up to kMaxExpressionDepth terms parse") {
  for (const char* op : {" + ", " - ", " * ", " && "}) {
    for (int terms : {257, 1000, kMaxExpressionDepth}) {
      CAPTURE(op);
      CAPTURE(terms);
      SourceFile file("flat.pm", "model { x = a" + repeat(std::string(op) + "a", terms - 1) + "; }");
      Diagnostics diagnostics;
      CHECK(parse_program(file, diagnostics).has_value());
      CHECK(diagnostics.all().empty());
    }
  }
}

TEST_CASE("nesting up to the limit is accepted") {
  SourceFile file("deep.pm", "model { x = " + repeat("(", 200) + "-a" + repeat(")", 200) + "; }");
  Diagnostics diagnostics;
  CHECK(parse_program(file, diagnostics).has_value());
  SourceFile loops("loops.pm", "model { " + repeat("for (i in 1:2) ", 200) + "x ~ normal(0, 1); }");
  CHECK(parse_program(loops, diagnostics).has_value());
  CHECK(diagnostics.all().empty());
}

TEST_CASE("parse_expression reports trailing text") {
  SourceFile file("expr.pm", "a + b c");
  Diagnostics diagnostics;
  CHECK(!parse_expression(file, diagnostics).has_value());
  REQUIRE(diagnostics.all().size() == 1);
  CHECK(diagnostics.all()[0].range.begin == 6);
  CHECK(diagnostics.all()[0].message == "expected an operator or the end of the expression");
}
