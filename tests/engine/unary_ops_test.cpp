// Elementwise unary ops: values against plain double computations, gradients against
// finite differences, and the numerically delicate edges.
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "engine/ad/builder.hpp"
#include "support/expect_gradient.hpp"

using namespace pm;
using ad::Node;
using ad::Program;
using tensor::Shape;

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

using UnaryBuilder = Node (*)(Node);

// Values of f over xs through the engine.
std::vector<double> evaluate(UnaryBuilder f, const std::vector<double>& xs) {
  Program program;
  Node x = program.constant(Shape::vector(xs.size()), xs);
  Node y = f(x);
  program.forward(false);
  auto values = program.values(y);
  return {values.begin(), values.end()};
}

void check_values(UnaryBuilder f, const std::function<double(double)>& reference, const std::vector<double>& xs,
                  double tolerance = 1e-14) {
  std::vector<double> ys = evaluate(f, xs);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    double expected = reference(xs[i]);
    INFO("x = " << xs[i] << ", engine " << ys[i] << ", reference " << expected);
    if (std::isnan(expected))
      CHECK(std::isnan(ys[i]));
    else if (std::isinf(expected))
      CHECK(ys[i] == expected);
    else
      CHECK(std::abs(ys[i] - expected) <= tolerance * std::max(1.0, std::abs(expected)));
  }
}

void check_gradient(UnaryBuilder f, const std::vector<double>& point) {
  testing::expect_gradient(
      [&](Program& p) { return f(p.parameter(Shape::vector(point.size()))); }, {point});
}

double inv_logit_reference(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

TEST_CASE("unary ops: values match plain double computations") {
  const std::vector<double> reals = {-3.5, -1.0, -0.25, 0.0, 0.3, 1.0, 2.5, 7.0};
  const std::vector<double> positives = {1e-3, 0.2, 0.5, 1.0, 1.7, 4.0, 30.0};
  const std::vector<double> unit = {1e-6, 0.1, 0.5, 0.9, 0.999};
  check_values(ad::exp, [](double x) { return std::exp(x); }, reals);
  check_values(ad::log, [](double x) { return std::log(x); }, positives);
  check_values(ad::log1p, [](double x) { return std::log1p(x); }, positives);
  check_values(ad::expm1, [](double x) { return std::expm1(x); }, reals);
  check_values(ad::sqrt, [](double x) { return std::sqrt(x); }, positives);
  check_values(ad::square, [](double x) { return x * x; }, reals);
  check_values(ad::abs, [](double x) { return std::abs(x); }, reals);
  check_values(ad::inv, [](double x) { return 1 / x; }, positives);
  check_values(ad::inv_sqrt, [](double x) { return 1 / std::sqrt(x); }, positives);
  check_values(ad::inv_logit, inv_logit_reference, reals);
  check_values(ad::logit, [](double p) { return std::log(p / (1 - p)); }, unit, 1e-12);
  check_values(ad::log_inv_logit, [](double x) { return std::log(inv_logit_reference(x)); }, reals, 1e-13);
  check_values(ad::log1m_inv_logit, [](double x) { return std::log(1 - inv_logit_reference(x)); }, reals, 1e-13);
  check_values(ad::log1m, [](double x) { return std::log(1 - x); }, unit, 1e-13);
  check_values(ad::log1p_exp, [](double x) { return std::log(1 + std::exp(x)); }, reals);
  check_values(ad::log1m_exp, [](double x) { return std::log(1 - std::exp(x)); }, {-5.0, -1.0, -0.5, -0.01}, 1e-13);
  check_values(ad::lgamma, [](double x) { return std::lgamma(x); }, positives, 1e-13);
  check_values(ad::digamma, [](double x) { return std::log(x) - 0.5 / x; }, {3e8}, 1e-12);
  check_values(ad::tanh, [](double x) { return std::tanh(x); }, reals);
  check_values(ad::relu, [](double x) { return x > 0 ? x : 0.0; }, reals);
  check_values(ad::elu, [](double x) { return x > 0 ? x : std::expm1(x); }, reals);
  check_values(ad::Phi, [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }, reals);
  check_values(ad::negate, [](double x) { return -x; }, reals);
}

TEST_CASE("unary ops: gradients match finite differences") {
  const std::vector<double> reals = {-2.1, -0.4, 0.3, 1.7};
  const std::vector<double> positives = {0.15, 0.8, 1.9, 6.0};
  const std::vector<double> unit = {0.05, 0.3, 0.6, 0.95};
  for (UnaryBuilder f : {ad::exp, ad::expm1, ad::square, ad::abs, ad::inv_logit, ad::log_inv_logit,
                         ad::log1m_inv_logit, ad::log1p_exp, ad::tanh, ad::relu, ad::elu, ad::Phi, ad::negate})
    check_gradient(f, reals);
  for (UnaryBuilder f : {ad::log, ad::log1p, ad::sqrt, ad::inv, ad::inv_sqrt, ad::lgamma, ad::digamma})
    check_gradient(f, positives);
  for (UnaryBuilder f : {ad::logit, ad::log1m}) check_gradient(f, unit);
  check_gradient(ad::log1m_exp, {-3.0, -0.9, -0.5, -0.01});
}

TEST_CASE("unary ops: huge and tiny arguments do not overflow") {
  CHECK(evaluate(ad::log1p_exp, {1000.0})[0] == 1000.0);
  CHECK(evaluate(ad::log1p_exp, {-1000.0})[0] == 0.0);
  CHECK(evaluate(ad::log_inv_logit, {-1000.0})[0] == -1000.0);
  CHECK(evaluate(ad::log1m_inv_logit, {1000.0})[0] == -1000.0);
  CHECK(evaluate(ad::inv_logit, {-1000.0})[0] == 0.0);
  CHECK(evaluate(ad::inv_logit, {1000.0})[0] == 1.0);
  // log1m_exp near 0 keeps relative accuracy: log(1 - exp(-1e-20)) = log(1e-20).
  CHECK(evaluate(ad::log1m_exp, {-1e-20})[0] == doctest::Approx(std::log(1e-20)).epsilon(1e-14));
  CHECK(evaluate(ad::log1m_exp, {0.0})[0] == -infinity);
  CHECK(std::isnan(evaluate(ad::log1m_exp, {0.5})[0]));
  // erfc keeps the lower tail: Phi(-37) = 5.7e-300, where 1 + erf(-37 / sqrt 2) would be 0.
  CHECK(evaluate(ad::Phi, {-37.0})[0] > 0.0);
}

TEST_CASE("unary ops: -inf and NaN propagate") {
  std::vector<double> ys = evaluate(ad::exp, {-infinity, std::nan("")});
  CHECK(ys[0] == 0.0);
  CHECK(std::isnan(ys[1]));
  ys = evaluate(ad::log, {0.0, -1.0});
  CHECK(ys[0] == -infinity);
  CHECK(std::isnan(ys[1]));
}

TEST_CASE("unary ops: an empty tensor is a valid value") {
  Program program;
  Node x = program.parameter(Shape::vector(0));
  Node total = ad::sum(ad::exp(x));
  std::vector<double> gradient;
  CHECK(program.value_and_gradient({}, gradient, total) == 0.0);
}

TEST_CASE("unary ops: the vectorized log1p inside log1p_exp keeps relative accuracy") {
  // log1p_exp(-40) = log1p(4.25e-18) = 4.25e-18 (u = 1 + e rounds to 1 there).
  CHECK(evaluate(ad::log1p_exp, {-40.0})[0] == doctest::Approx(std::exp(-40.0)).epsilon(1e-14));
  for (double x : {-30.0, -5.0, -1e-3, 0.0, 1e-8, 2.0, 36.0}) {
    INFO("x = " << x);
    CHECK(evaluate(ad::log1p_exp, {x})[0] == doctest::Approx(std::log1p(std::exp(x))).epsilon(2e-15));
    CHECK(evaluate(ad::log_inv_logit, {x})[0] == doctest::Approx(-std::log1p(std::exp(-x))).epsilon(2e-15));
  }
}
