// Gradients stay finite where the value is (issue 20; docs/engine.md "Masked gradients"): in
// a vector-Jacobian product, a zero adjoint times an infinite local derivative, and an
// infinite adjoint times a zero local derivative, contribute 0, not NaN (0 x inf). Each op
// at the edge of its domain, with the value finite and the exact gradient known.
#include <cmath>
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "engine/ad/builder.hpp"

using namespace pm;
using ad::Node;
using ad::Program;
using tensor::Shape;

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// The value and gradient of `output` at `point` (parameters declared by the builder).
struct Evaluation {
  double value;
  std::vector<double> gradient;
};
template <class Build>
Evaluation evaluate(const std::vector<double>& point, Build build) {
  Program program;
  Node output = build(program);
  std::vector<double> gradient(point.size());
  const double value = program.value_and_gradient(point, gradient, output);
  return {value, gradient};
}

}  // namespace

TEST_CASE("sqrt of an underflowed exp (mcycle_gp's spectral density): gradient 0, not NaN") {
  // f(c, x) = sqrt(c * exp(x)) at x = -800: exp underflows to 0, sqrt's derivative there is
  // inf, and the chain rule meets inf x 0 at the product (d/dc, factor exp(x) = 0) and at exp
  // (its derivative exp(x) = 0). The exact partials are sqrt(exp(x) / c) / 2 and f / 2, both
  // below 1e-170: 0 to double precision.
  Evaluation e = evaluate({2.0, -800.0}, [](Program& p) {
    Node c = p.parameter(Shape::scalar());
    Node x = p.parameter(Shape::scalar());
    return ad::sqrt(c * ad::exp(x));
  });
  CHECK(e.value == 0.0);
  CHECK(e.gradient == std::vector<double>{0.0, 0.0});
  // Away from the underflow the same expression has its ordinary gradient.
  Evaluation ordinary = evaluate({2.0, -1.0}, [](Program& p) {
    Node c = p.parameter(Shape::scalar());
    Node x = p.parameter(Shape::scalar());
    return ad::sqrt(c * ad::exp(x));
  });
  const double f = std::sqrt(2.0 * std::exp(-1.0));
  CHECK(ordinary.gradient[0] == doctest::Approx(f / 4.0));
  CHECK(ordinary.gradient[1] == doctest::Approx(f / 2.0));
}

TEST_CASE("sqrt of a product that underflowed beside a nonzero factor: a tiny gradient, not inf") {
  // f(c, x) = sqrt(c * exp(x)), c = 1e-10, x = -740: exp(x) = 4.2e-322 (subnormal), c * exp(x)
  // rounds to 0. With sqrt's derivative infinite at 0, d/dc = inf * exp(x) = inf; taken at the
  // smallest positive double (2.2e161) it is 9e-161, where the exact sqrt(exp(x) / c) / 2 is
  // 1e-156: both nothing beside the other terms of a log density.
  Evaluation e = evaluate({1e-10, -740.0}, [](Program& p) {
    Node c = p.parameter(Shape::scalar());
    Node x = p.parameter(Shape::scalar());
    return ad::sqrt(c * ad::exp(x));
  });
  CHECK(e.value == 0.0);
  for (double g : e.gradient) {
    CHECK(std::isfinite(g));
    CHECK(std::abs(g) < 1e-150);
  }
  // sqrt's ordinary derivative is untouched above the smallest positive argument.
  Evaluation small = evaluate({1e-300}, [](Program& p) { return ad::sqrt(p.parameter(Shape::scalar())); });
  CHECK(small.gradient[0] == doctest::Approx(0.5e150));
}

TEST_CASE("sqrt at 0 behind a zero adjoint: 0") {
  // f(x, w) = w * sqrt(x) at x = 0, w = 0: d/dx = w / (2 sqrt(x)) = 0 x inf, taken as 0;
  // d/dw = sqrt(0) = 0.
  Evaluation e = evaluate({0.0, 0.0}, [](Program& p) {
    Node x = p.parameter(Shape::scalar());
    Node w = p.parameter(Shape::scalar());
    return w * ad::sqrt(x);
  });
  CHECK(e.value == 0.0);
  CHECK(e.gradient == std::vector<double>{0.0, 0.0});
}

TEST_CASE("pow at the edge of its domain") {
  // d/da a^b at a = 0, b = 0.5 is inf; behind a zero weight it contributes 0. d/db a^b at a = 0
  // is 0 (the limit of a^b log a for b > 0).
  Evaluation behind_zero = evaluate({0.0, 0.0}, [](Program& p) {
    Node a = p.parameter(Shape::scalar());
    Node w = p.parameter(Shape::scalar());
    return w * ad::pow(a, p.constant(0.5));
  });
  CHECK(behind_zero.gradient == std::vector<double>{0.0, 0.0});
  Evaluation exponent = evaluate({0.0, 1.5}, [](Program& p) {
    Node a = p.parameter(Shape::scalar());
    Node b = p.parameter(Shape::scalar());
    return ad::pow(a, b);
  });
  CHECK(exponent.value == 0.0);
  CHECK(exponent.gradient == std::vector<double>{0.0, 0.0});  // d/da = 1.5 * 0^0.5 = 0
  // a^0 = 1 for every a: d/da = 0 also at a = 0 (b a^(b - 1) would be 0 x inf); d/db = log a = -inf
  // there is a genuine infinity and stays one.
  Evaluation zero_power = evaluate({0.0}, [](Program& p) {
    Node a = p.parameter(Shape::scalar());
    return ad::pow(a, p.constant(0.0));
  });
  CHECK(zero_power.value == 1.0);
  CHECK(zero_power.gradient == std::vector<double>{0.0});
}

TEST_CASE("log, logit and inv_sqrt at their poles behind a zero adjoint: 0") {
  // f(x) = x > 0 ? g(x) : 0 at x = 0: the branch's value is infinite there and masked by
  // select, whose zero adjoint must not turn into NaN through g's infinite derivative.
  for (auto g : {+[](Node x) { return ad::log(x); }, +[](Node x) { return ad::logit(x); },
                 +[](Node x) { return ad::inv_sqrt(x); }}) {
    Evaluation e = evaluate({0.0}, [&](Program& p) {
      Node x = p.parameter(Shape::scalar());
      Node zero = p.constant(0.0);
      return ad::select(ad::greater(x, zero), g(x), zero);
    });
    CHECK(e.value == 0.0);
    CHECK(e.gradient == std::vector<double>{0.0});
  }
}

TEST_CASE("an infinite adjoint into a zero derivative: 0 for unary, binary and reduction ops") {
  // sqrt(h(x)) with h(x) = 0 exactly and h'(x) = 0 there: the adjoint into h is inf. square
  // at 0 (derivative 2x = 0), relu at 0 (derivative 0), abs at 0 (subgradient 0).
  for (auto h : {+[](Node x) { return ad::square(x); }, +[](Node x) { return ad::relu(x); },
                 +[](Node x) { return ad::abs(x); }}) {
    Evaluation e = evaluate({0.0}, [&](Program& p) { return ad::sqrt(h(p.parameter(Shape::scalar()))); });
    CHECK(e.value == 0.0);
    CHECK(e.gradient == std::vector<double>{0.0});
  }
  // exp at -inf inside sqrt: an infinite adjoint times exp's derivative 0.
  Evaluation through_exp = evaluate({-infinity}, [](Program& p) { return ad::sqrt(ad::exp(p.parameter(Shape::scalar()))); });
  CHECK(through_exp.value == 0.0);
  CHECK(through_exp.gradient == std::vector<double>{0.0});
  // prod with two zero factors under sqrt: every d prod / dx_i is 0 (each product of the
  // others holds a zero), and the infinite adjoint times it stays 0.
  Evaluation through_prod = evaluate({0.0, 3.0, 0.0}, [](Program& p) {
    return ad::sqrt(ad::prod(p.parameter(Shape::vector(3))));
  });
  CHECK(through_prod.value == 0.0);
  CHECK(through_prod.gradient == std::vector<double>{0.0, 0.0, 0.0});
}
