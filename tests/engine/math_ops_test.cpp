// The ops behind the trigonometric, rounding and special functions, atan2 / fmod, the
// decomposition ops (inverse, determinant, log_determinant, solve, eigenvalues_sym) and
// sort: values against <cmath>, Boost.Math and Eigen on plain doubles, gradients against
// finite differences (support/expect_gradient.hpp: step 1e-6, tolerance 1e-6 relative).
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <doctest/doctest.h>

#include "engine/ad/builder.hpp"
#include "support/expect_gradient.hpp"
#include "stdlib/transforms/eigen_dense.hpp"

using namespace pm;
using ad::Node;
using ad::Program;
using tensor::Shape;

namespace {

using UnaryBuilder = Node (*)(Node);

std::vector<double> values_of(UnaryBuilder f, const std::vector<double>& xs) {
  Program program;
  Node y = f(program.constant(Shape::vector(xs.size()), xs));
  program.forward(false);
  auto values = program.values(y);
  return {values.begin(), values.end()};
}

void check_unary(UnaryBuilder f, const std::function<double(double)>& reference, const std::vector<double>& xs,
                 bool differentiable = true, double tolerance = 1e-13) {
  const std::vector<double> ys = values_of(f, xs);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    INFO("x = " << xs[i]);
    CHECK(std::abs(ys[i] - reference(xs[i])) <= tolerance * std::max(1.0, std::abs(reference(xs[i]))));
  }
  if (differentiable) testing::expect_gradient([&](Program& p) { return f(p.parameter(Shape::vector(xs.size()))); }, {xs});
}

// A symmetric positive-definite 3 x 3 matrix, column-major.
const std::vector<double> spd = {4.0, 1.0, 0.5, 1.0, 3.0, -0.2, 0.5, -0.2, 2.0};
// A general (non-symmetric, invertible) 3 x 3 matrix with a negative determinant.
const std::vector<double> general = {1.0, 2.0, -0.5, 0.3, -1.0, 2.0, 1.5, 0.4, 0.2};

}  // namespace

TEST_CASE("trigonometric and hyperbolic ops: values and gradients") {
  const std::vector<double> reals = {-2.5, -0.7, 0.0, 0.4, 1.3};
  const std::vector<double> inside = {-0.9, -0.3, 0.0, 0.45, 0.8};
  check_unary(ad::sin, [](double x) { return std::sin(x); }, reals);
  check_unary(ad::cos, [](double x) { return std::cos(x); }, reals);
  check_unary(ad::tan, [](double x) { return std::tan(x); }, reals);
  check_unary(ad::asin, [](double x) { return std::asin(x); }, inside);
  check_unary(ad::acos, [](double x) { return std::acos(x); }, inside);
  check_unary(ad::atan, [](double x) { return std::atan(x); }, reals);
  check_unary(ad::asinh, [](double x) { return std::asinh(x); }, reals);
  check_unary(ad::acosh, [](double x) { return std::acosh(x); }, {1.2, 2.0, 7.5});
  check_unary(ad::atanh, [](double x) { return std::atanh(x); }, inside);
  check_unary(ad::cbrt, [](double x) { return std::cbrt(x); }, {-8.0, -0.3, 0.2, 27.0});
  // Outside the domain: NaN, as <cmath>.
  CHECK(std::isnan(values_of(ad::asin, {1.5})[0]));
  CHECK(std::isnan(values_of(ad::acosh, {0.5})[0]));
}

TEST_CASE("special function ops: erf, trigamma, tgamma, inv_Phi") {
  check_unary(ad::erf, [](double x) { return std::erf(x); }, {-2.0, -0.1, 0.0, 0.8, 3.0});
  check_unary(ad::trigamma, [](double x) { return boost::math::trigamma(x); }, {0.3, 1.0, 2.5, 40.0}, true, 1e-12);
  check_unary(ad::tgamma, [](double x) { return std::tgamma(x); }, {0.4, 1.0, 3.3, -0.5}, true, 1e-12);
  // inv_Phi inverts Phi: Phi(inv_Phi(p)) = p, and inv_Phi(0.5) = 0, inv_Phi(0.975) = 1.959964.
  const std::vector<double> ps = {1e-10, 0.025, 0.3, 0.5, 0.975, 0.999};
  const std::vector<double> quantiles = values_of(ad::inv_Phi, ps);
  for (std::size_t i = 0; i < ps.size(); ++i) CHECK(0.5 * std::erfc(-quantiles[i] / std::sqrt(2.0)) == doctest::Approx(ps[i]).epsilon(1e-12));
  CHECK(quantiles[3] == 0.0);
  CHECK(quantiles[4] == doctest::Approx(1.959963984540054).epsilon(1e-13));
  testing::expect_gradient([](Program& p) { return ad::inv_Phi(p.parameter(Shape::vector(3))); }, {{0.025, 0.3, 0.9}});
  CHECK(values_of(ad::inv_Phi, {0.0})[0] == -std::numeric_limits<double>::infinity());
}

TEST_CASE("rounding ops: values; zero gradient everywhere, the jumps included") {
  const std::vector<double> xs = {-2.5, -1.2, -0.5, 0.0, 0.5, 1.5, 2.7};
  check_unary(ad::floor, [](double x) { return std::floor(x); }, xs, false);
  check_unary(ad::ceil, [](double x) { return std::ceil(x); }, xs, false);
  check_unary(ad::round, [](double x) { return std::round(x); }, xs, false);  // half away from 0
  check_unary(ad::trunc, [](double x) { return std::trunc(x); }, xs, false);
  for (UnaryBuilder f : {ad::floor, ad::ceil, ad::round, ad::trunc}) {
    Program program;
    Node x = program.parameter(Shape::vector(xs.size()));
    Node total = ad::sum(ad::multiply(f(x), x));  // d/dx (f(x) x) = f(x) when f' = 0
    program.finalize();
    std::vector<double> gradient(xs.size(), 0.0);
    program.value_and_gradient(xs, gradient, total);
    const std::vector<double> expected = values_of(f, xs);
    for (std::size_t i = 0; i < xs.size(); ++i) CHECK(gradient[i] == expected[i]);
  }
  // Away from the jumps the finite differences agree with the zero derivative.
  testing::expect_gradient([](Program& p) { return ad::floor(p.parameter(Shape::vector(3))); }, {{-1.3, 0.2, 4.6}});
}

TEST_CASE("atan2 and fmod: values, gradients, broadcasting") {
  Program program;
  Node y = program.constant(Shape::vector(4), std::vector<double>{1.0, -1.0, 1.0, -2.0});
  Node x = program.constant(Shape::vector(4), std::vector<double>{1.0, 1.0, -1.0, -0.5});
  Node angle = ad::atan2(y, x);
  Node remainder = ad::fmod(program.constant(Shape::vector(3), std::vector<double>{5.5, -5.5, 2.0}), program.constant(2.0));
  program.forward(false);
  const double expected_angles[] = {std::atan2(1.0, 1.0), std::atan2(-1.0, 1.0), std::atan2(1.0, -1.0), std::atan2(-2.0, -0.5)};
  for (int i = 0; i < 4; ++i) CHECK(program.values(angle)[i] == doctest::Approx(expected_angles[i]).epsilon(1e-15));
  CHECK(program.values(remainder)[0] == 1.5);
  CHECK(program.values(remainder)[1] == -1.5);  // the sign of the dividend, as std::fmod
  CHECK(program.values(remainder)[2] == 0.0);
  testing::expect_gradient(
      [](Program& p) {
        Node a = p.parameter(Shape::vector(3)), b = p.parameter(Shape::vector(3));
        return ad::atan2(a, b);
      },
      {{0.5, -1.0, 2.0, 1.0, -0.3, -2.0}});
  testing::expect_gradient(
      [](Program& p) {
        Node a = p.parameter(Shape::vector(3)), b = p.parameter(Shape::scalar());
        return ad::fmod(a, b);
      },
      {{5.3, -2.2, 0.7, 1.7}});
}

TEST_CASE("inverse, determinant, log_determinant, solve against Eigen; gradients") {
  for (const std::vector<double>* matrix : {&spd, &general}) {
    Program program;
    Node a = program.constant(Shape::matrix(3, 3), *matrix);
    Node b = program.constant(Shape::matrix(3, 2), std::vector<double>{1.0, -2.0, 0.5, 0.3, 0.0, 2.0});
    Node inverse = ad::inverse(a), det = ad::determinant(a), log_det = ad::log_determinant(a), x = ad::solve(a, b);
    program.forward(false);
    Eigen::Map<const Eigen::MatrixXd> A(matrix->data(), 3, 3);
    const Eigen::MatrixXd B = Eigen::Map<const Eigen::MatrixXd>(program.values(b).data(), 3, 2);
    CHECK(Eigen::Map<const Eigen::MatrixXd>(program.values(inverse).data(), 3, 3).isApprox(A.inverse(), 1e-13));
    CHECK(program.values(det)[0] == doctest::Approx(A.determinant()).epsilon(1e-13));
    CHECK(program.values(log_det)[0] == doctest::Approx(std::log(std::abs(A.determinant()))).epsilon(1e-13));
    CHECK(Eigen::Map<const Eigen::MatrixXd>(program.values(x).data(), 3, 2).isApprox(A.lu().solve(B), 1e-13));
    std::vector<double> point = *matrix;
    testing::expect_gradient([](Program& p) { return ad::inverse(p.parameter(Shape::matrix(3, 3))); }, {point});
    testing::expect_gradient([](Program& p) { return ad::determinant(p.parameter(Shape::matrix(3, 3))); }, {point});
    testing::expect_gradient([](Program& p) { return ad::log_determinant(p.parameter(Shape::matrix(3, 3))); }, {point});
    point.insert(point.end(), {1.0, -2.0, 0.5});
    testing::expect_gradient(
        [](Program& p) {
          Node m = p.parameter(Shape::matrix(3, 3)), v = p.parameter(Shape::vector(3));
          return ad::solve(m, v);
        },
        {point});
  }
  // A singular matrix: NaN entries and det 0, log |det| -inf (no throw).
  Program program;
  Node singular = program.constant(Shape::matrix(2, 2), std::vector<double>{1.0, 2.0, 2.0, 4.0});
  Node inverse = ad::inverse(singular), det = ad::determinant(singular), log_det = ad::log_determinant(singular);
  program.forward(false);
  CHECK(std::isnan(program.values(inverse)[0]));
  CHECK(program.values(det)[0] == 0.0);
  CHECK(program.values(log_det)[0] == -std::numeric_limits<double>::infinity());
}

TEST_CASE("eigenvalues_sym: ascending, against Eigen; gradient through the lower triangle") {
  Program program;
  Node a = program.constant(Shape::matrix(3, 3), spd);
  Node lambda = ad::eigenvalues_sym(a);
  program.forward(false);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> reference(Eigen::Map<const Eigen::MatrixXd>(spd.data(), 3, 3));
  for (int i = 0; i < 3; ++i) CHECK(program.values(lambda)[i] == doctest::Approx(reference.eigenvalues()[i]).epsilon(1e-13));
  CHECK(program.values(lambda)[0] < program.values(lambda)[1]);
  // Each coordinate perturbs one entry; the op reads the lower triangle, so an upper entry
  // has gradient 0 and a lower one twice the symmetric derivative (the finite differences
  // see the same).
  testing::expect_gradient([](Program& p) { return ad::eigenvalues_sym(p.parameter(Shape::matrix(3, 3))); }, {spd});
}

TEST_CASE("sort: ascending and descending, NaN last; the gradient follows each value") {
  Program program;
  Node x = program.constant(Shape::vector(5), std::vector<double>{3.0, -1.0, std::nan(""), 2.0, -1.0});
  Node up = ad::sort(x, tensor::event(0), false), down = ad::sort(x, tensor::event(0), true);
  program.forward(false);
  const auto u = program.values(up), d = program.values(down);
  CHECK(u[0] == -1.0);
  CHECK(u[1] == -1.0);
  CHECK(u[2] == 2.0);
  CHECK(u[3] == 3.0);
  CHECK(std::isnan(u[4]));
  CHECK(d[0] == 3.0);
  CHECK(d[3] == -1.0);
  CHECK(std::isnan(d[4]));
  for (bool descending : {false, true})
    testing::expect_gradient(
        [descending](Program& p) { return ad::sort(p.parameter(Shape::vector(4)), tensor::event(0), descending); },
        {{0.3, -1.2, 2.5, 0.9}});
  // Along event(0) of a matrix: each column sorted on its own.
  testing::expect_gradient(
      [](Program& p) { return ad::sort(p.parameter(Shape::matrix(3, 2)), tensor::event(0), false); },
      {{0.3, -1.2, 2.5, 0.9, 4.0, -3.0}});
}
