// The integer-division hint (issue 15): its suggested rewrite must mean what the user wrote,
// as real division. Each suggestion is parsed back and compared, as a tree, with the fully
// parenthesized `1.0 * (A) / (B)`, whose meaning does not depend on the printer.
#include <doctest/doctest.h>

#include <string>

#include "lang/syntax/parse.hpp"
#include "lang/syntax/printer.hpp"
#include "check_support.hpp"

using namespace pm::lang;

namespace {

// The suggestion of the program's one integer-division warning, or "".
std::string suggestion(const std::string& definition) {
  auto checked = testing::check_text("data {\n  int<lower=1> n;\n  int<lower=1> k;\n  int<lower=1> m;\n  int q = " +
                                     definition + ";\n}\n");
  const std::string messages = checked->messages();
  const std::string before = "integer division rounds toward zero (as in Stan); write ";
  const std::string after = " for real division";
  std::size_t start = messages.find(before);
  if (start == std::string::npos) return "";
  start += before.size();
  return messages.substr(start, messages.find(after, start) - start);
}

ExprPtr parse(const std::string& text) {
  SourceFile file("expr.pm", text);
  Diagnostics diagnostics;
  std::optional<ExprPtr> expr = parse_expression(file, diagnostics);
  REQUIRE_MESSAGE(expr.has_value(), text);
  return std::move(*expr);
}

}  // namespace

TEST_CASE("the integer-division hint keeps the meaning of the division") {
  // {definition, numerator, denominator} as written: the hint concerns the outermost '/'.
  struct Case {
    const char* definition;
    const char* numerator;
    const char* denominator;
  };
  for (const Case& c : {Case{"k / (n + k)", "k", "n + k"}, Case{"(n - k) / m", "n - k", "m"},
                        Case{"n * k / m", "n * k", "m"}, Case{"n / (k * m)", "n", "k * m"},
                        Case{"(n > k ? n : k) / m", "n > k ? n : k", "m"},
                        Case{"n / -k", "n", "-k"}, Case{"n / k", "n", "k"}, Case{"n % k / m", "n % k", "m"}}) {
    CAPTURE(c.definition);
    const std::string suggested = suggestion(c.definition);
    REQUIRE_FALSE(suggested.empty());
    CAPTURE(suggested);
    ExprPtr expected = parse(std::string("1.0 * (") + c.numerator + ") / (" + c.denominator + ")");
    CHECK(same_structure(*parse(suggested), *expected));
  }
  // And it adds no parentheses it does not need.
  CHECK(suggestion("k / (n + k)") == "1.0 * k / (n + k)");
  CHECK(suggestion("n / k") == "1.0 * n / k");
  CHECK(suggestion("n * k / m") == "1.0 * (n * k) / m");
}
