// The evaluator of data-block constant expressions (sizes, bounds, defaults).
#include <cmath>

#include "engine/io/constant_expression.hpp"
#include "io_test_support.hpp"

namespace pm::io::testing {
namespace {

DataValue evaluate(const std::string& text, const DataSet& known = {}) {
  lang::SourceFile file("expr.pm", text);
  lang::Diagnostics diagnostics;
  auto expr = lang::parse_expression(file, diagnostics);
  REQUIRE_MESSAGE(expr.has_value(), lang::render_all(file, diagnostics));
  return evaluate_constant(**expr, known);
}

DataSet known_data() {
  DataSet data;
  DataValue n;
  n.element = lang::ElementType::Int;
  n.values = {7};
  data.values["N"] = n;
  DataValue x;  // matrix[2, 3] x = [[1, 2, 3], [4, 5, 6]], column-major
  x.shape = lang::ShapeKind::Matrix;
  x.dims = {2, 3};
  x.values = {1, 4, 2, 5, 3, 6};
  data.values["x"] = x;
  DataValue y;  // array[3] int y = {5, 9, 2}
  y.element = lang::ElementType::Int;
  y.array_rank = 1;
  y.dims = {3};
  y.values = {5, 9, 2};
  data.values["y"] = y;
  return data;
}

TEST_CASE("int arithmetic stays int; int division truncates toward zero as in Stan") {
  DataValue sum = evaluate("2 + 3 * 4 - 1");
  CHECK(sum.is_int());
  CHECK(sum.scalar() == 13);
  CHECK(evaluate("7 / 2").scalar() == 3);
  CHECK(evaluate("-7 / 2").scalar() == -3);
  CHECK(evaluate("7 % 3").scalar() == 1);
  DataValue real = evaluate("7.0 / 2");
  CHECK_FALSE(real.is_int());
  CHECK(real.scalar() == 3.5);
  CHECK(evaluate("2 ^ 10").scalar() == 1024);
  CHECK(evaluate("3 > 2 && 1 == 1 ? 10 : 20").scalar() == 10);
  CHECK(evaluate("!(1 < 0)").scalar() == 1);
}

TEST_CASE("names, sizes and indexing read loaded data") {
  DataSet data = known_data();
  CHECK(evaluate("N - 1", data).scalar() == 6);
  CHECK(evaluate("rows(x) * cols(x)", data).scalar() == 6);
  CHECK(evaluate("size(y) + num_elements(x)", data).scalar() == 9);
  CHECK(evaluate("x[2, 3]", data).scalar() == 6);
  DataValue row = evaluate("x[2]", data);
  CHECK(row.shape == lang::ShapeKind::RowVector);
  CHECK(row.values == std::vector<double>{4, 5, 6});
  CHECK(evaluate("y[2]", data).scalar() == 9);
  CHECK(evaluate("max(y)", data).scalar() == 9);
  CHECK(evaluate("min(N, 3)", data).scalar() == 3);
  CHECK(evaluate("sum(y)", data).is_int());
  CHECK(evaluate("sum(y)", data).scalar() == 16);
}

TEST_CASE("real functions") {
  CHECK(evaluate("exp(0)").scalar() == 1);
  CHECK(evaluate("log(exp(2.5))").scalar() == doctest::Approx(2.5).epsilon(1e-15));
  CHECK(evaluate("sqrt(16)").scalar() == 4);
  CHECK(evaluate("floor(2.7) + ceil(2.2)").scalar() == 5);
  CHECK(evaluate("abs(-3)").is_int());
  CHECK(evaluate("pow(2, 0.5)").scalar() == doctest::Approx(std::sqrt(2.0)).epsilon(1e-15));
}

TEST_CASE("array literals have their new leading dim varying fastest") {
  DataValue flat = evaluate("{3, 1, 2}");
  CHECK(flat.is_int());
  CHECK(flat.array_rank == 1);
  CHECK(flat.values == std::vector<double>{3, 1, 2});
  DataValue nested = evaluate("{{1, 2}, {3, 4}, {5, 6}}");
  CHECK(nested.dims == std::vector<std::size_t>{3, 2});
  CHECK(nested.values == std::vector<double>{1, 3, 5, 2, 4, 6});
  DataValue vector = evaluate("[1, 2]'");
  CHECK(vector.shape == lang::ShapeKind::Vector);
  CHECK(vector.dims == std::vector<std::size_t>{2});
}

TEST_CASE("unsupported expressions and unloaded names are errors that say which") {
  DataSet data = known_data();
  CHECK_THROWS_WITH_AS(evaluate("foo(1)"), doctest::Contains("the function 'foo' is not available"), ConstantError);
  CHECK_THROWS_WITH_AS(evaluate("x * x", data), doctest::Contains("matrix products"), ConstantError);
  CHECK_THROWS_WITH_AS(evaluate("1 / 0"), doctest::Contains("integer division by zero"), ConstantError);
  CHECK_THROWS_WITH_AS(evaluate("y[4]", data), doctest::Contains("index 4 is out of range"), ConstantError);
  try {
    evaluate("M + 1", data);
    FAIL("expected a ConstantError");
  } catch (const ConstantError& error) {
    CHECK(error.unavailable_name == "M");
  }
}

TEST_CASE("array defaults load in the declared layout") {
  auto model = check_model(with_data("  array[3] int k = {4, 5, 6};\n  array[2, 2] real m = {{1, 2}, {3, 4}};\n"));
  LoadResult result = load(*model, {});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.value("k").values == std::vector<double>{4, 5, 6});
  CHECK(result.value("m").values == std::vector<double>{1, 3, 2, 4});
  auto wrong = check_model(with_data("  int N = 2;\n  array[N] int k = {4, 5, 6};\n"));
  LoadResult mismatch = load(*wrong, {});
  CHECK_MESSAGE(mismatch.has("error: the default of 'k' has 3 values but 'k' is declared array[N] int with 2 values"),
                mismatch.text());
}

}  // namespace
}  // namespace pm::io::testing

namespace pm::io::testing {
namespace {

TEST_CASE("the language's constants fold in data expressions: pi(), e(), sqrt2(), log2(), log10()") {
  CHECK(evaluate("pi()").scalar() == doctest::Approx(3.14159265358979323846).epsilon(1e-16));
  CHECK_FALSE(evaluate("pi()").is_int());
  CHECK(evaluate("2 * pi()").scalar() == doctest::Approx(6.28318530717958647692).epsilon(1e-16));
  CHECK(evaluate("e()").scalar() == doctest::Approx(std::exp(1.0)).epsilon(1e-16));
  CHECK(evaluate("sqrt2()").scalar() == doctest::Approx(std::sqrt(2.0)).epsilon(1e-16));
  CHECK(evaluate("log2()").scalar() == doctest::Approx(std::log(2.0)).epsilon(1e-16));
  CHECK(evaluate("log10()").scalar() == doctest::Approx(std::log(10.0)).epsilon(1e-16));
}

}  // namespace
}  // namespace pm::io::testing
