// Linear algebra ops: values against Eigen on plain doubles, gradients against finite
// differences.
#include <cmath>
#include <vector>

#include <Eigen/Dense>
#include <doctest/doctest.h>

#include "engine/ad/builder.hpp"
#include "support/expect_gradient.hpp"

using namespace pm;
using ad::Node;
using ad::Program;
using tensor::Shape;

namespace {

std::vector<double> sequence(std::size_t n, double scale) {
  std::vector<double> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = scale * std::sin(1.3 * static_cast<double>(i) + 0.4);
  return values;
}

// A symmetric positive-definite 3 x 3 matrix (column-major), perturbed in its lower triangle
// only by the gradient check's coordinates.
std::vector<double> spd_point() { return {4.0, 1.0, 0.5, 1.0, 3.0, -0.2, 0.5, -0.2, 2.0}; }

}  // namespace

TEST_CASE("matrix_product: values for every operand rank") {
  Program program;
  std::vector<double> a = sequence(6, 1.0), b = sequence(8, 2.0), v = sequence(2, 1.5), w = sequence(3, 0.5);
  Node ma = program.constant(Shape::matrix(3, 2), a);
  Node mb = program.constant(Shape::matrix(2, 4), b);
  Node vv = program.constant(Shape::vector(2), v);
  Node wv = program.constant(Shape::vector(3), w);
  Node ab = ad::matrix_product(ma, mb);
  Node av = ad::matrix_product(ma, vv);
  Node wa = ad::matrix_product(wv, ma);
  Node vv2 = ad::matrix_product(vv, vv);
  Node at = ad::transpose(ma);
  program.forward(false);
  Eigen::Map<const Eigen::MatrixXd> A(a.data(), 3, 2), B(b.data(), 2, 4);
  Eigen::Map<const Eigen::VectorXd> V(v.data(), 2), W(w.data(), 3);
  CHECK(ab.shape() == Shape::matrix(3, 4));
  CHECK(Eigen::Map<const Eigen::MatrixXd>(program.values(ab).data(), 3, 4).isApprox(A * B, 1e-14));
  CHECK(av.shape() == Shape::vector(3));
  CHECK(Eigen::Map<const Eigen::VectorXd>(program.values(av).data(), 3).isApprox(A * V, 1e-14));
  CHECK(wa.shape() == Shape::vector(2));
  CHECK(Eigen::Map<const Eigen::VectorXd>(program.values(wa).data(), 2).isApprox(A.transpose() * W, 1e-14));
  CHECK(program.value(vv2) == doctest::Approx(V.squaredNorm()));
  CHECK(Eigen::Map<const Eigen::MatrixXd>(program.values(at).data(), 2, 3) == A.transpose());
}

TEST_CASE("matrix_product, transpose, dot products: gradients") {
  std::vector<double> point = sequence(6 + 8, 1.0);
  testing::expect_gradient(
      [](Program& p) { Node first = p.parameter(Shape::matrix(3, 2));
      Node second = p.parameter(Shape::matrix(2, 4));
      return ad::matrix_product(first, second); },
      {point});
  testing::expect_gradient(
      [](Program& p) { Node first = p.parameter(Shape::matrix(3, 2));
      Node second = p.parameter(Shape::vector(2));
      return ad::matrix_product(first, second); },
      {sequence(8, 1.0)});
  testing::expect_gradient(
      [](Program& p) { Node first = p.parameter(Shape::vector(3));
      Node second = p.parameter(Shape::matrix(3, 2));
      return ad::matrix_product(first, second); },
      {sequence(9, 1.0)});
  testing::expect_gradient([](Program& p) { return ad::transpose(p.parameter(Shape::matrix(3, 2))); }, {sequence(6, 1.0)});
  testing::expect_gradient(
      [](Program& p) { Node first = p.parameter(Shape::vector(3));
      Node second = p.parameter(Shape::vector(3));
      return ad::dot_product(first, second); },
      {sequence(6, 1.0)});
  testing::expect_gradient(
      [](Program& p) { Node first = p.parameter(Shape::matrix(3, 2));
      Node second = p.parameter(Shape::matrix(3, 2));
      return ad::rows_dot_product(first, second); },
      {sequence(12, 1.0)});
  testing::expect_gradient(
      [](Program& p) {
        Node first = p.parameter(Shape::matrix(3, 2));
      Node second = p.parameter(Shape::matrix(3, 2));
      return ad::columns_dot_product(first, second);
      },
      {sequence(12, 1.0)});
}

TEST_CASE("cholesky: value and gradient (lower triangle read)") {
  Program program;
  std::vector<double> a = spd_point();
  Node l = ad::cholesky(program.constant(Shape::matrix(3, 3), a));
  program.forward(false);
  Eigen::Map<const Eigen::MatrixXd> A(a.data(), 3, 3);
  Eigen::MatrixXd expected = A.llt().matrixL();
  CHECK(Eigen::Map<const Eigen::MatrixXd>(program.values(l).data(), 3, 3).isApprox(expected, 1e-14));
  testing::expect_gradient([](Program& p) { return ad::cholesky(p.parameter(Shape::matrix(3, 3))); }, {spd_point()});
  // Through a log determinant, as a multi_normal would use it: log det A.
  testing::expect_gradient(
      [](Program& p) { return ad::log_determinant_cholesky(ad::cholesky(p.parameter(Shape::matrix(3, 3)))); },
      {spd_point()});
  Program check;
  Node det = ad::log_determinant_cholesky(ad::cholesky(check.constant(Shape::matrix(3, 3), a)));
  check.forward(false);
  CHECK(check.value(det) == doctest::Approx(std::log(A.determinant())).epsilon(1e-13));
}

TEST_CASE("cholesky: not positive definite gives NaN") {
  Program program;
  Node l = ad::cholesky(program.constant(Shape::matrix(2, 2), std::vector<double>{1.0, 2.0, 2.0, 1.0}));
  program.forward(false);
  CHECK(std::isnan(program.values(l)[0]));
}

TEST_CASE("solve_lower_triangular and diag_matrix") {
  const std::vector<double> lower = {2.0, 0.3, -0.5, 0.0, 1.5, 0.2, 0.0, 0.0, 1.2};
  std::vector<double> point = lower;
  std::vector<double> b = sequence(3, 1.0);
  point.insert(point.end(), b.begin(), b.end());
  testing::expect_gradient(
      [](Program& p) { Node first = p.parameter(Shape::matrix(3, 3));
      Node second = p.parameter(Shape::vector(3));
      return ad::solve_lower_triangular(first, second); },
      {point});
  point = lower;
  std::vector<double> bm = sequence(6, 1.0);
  point.insert(point.end(), bm.begin(), bm.end());
  testing::expect_gradient(
      [](Program& p) { Node first = p.parameter(Shape::matrix(3, 3));
      Node second = p.parameter(Shape::matrix(3, 2));
      return ad::solve_lower_triangular(first, second); },
      {point});
  Program program;
  Node x = ad::solve_lower_triangular(program.constant(Shape::matrix(3, 3), lower), program.constant(Shape::vector(3), b));
  program.forward(false);
  Eigen::Map<const Eigen::MatrixXd> L(lower.data(), 3, 3);
  Eigen::VectorXd expected = L.triangularView<Eigen::Lower>().solve(Eigen::Map<const Eigen::VectorXd>(b.data(), 3));
  CHECK(Eigen::Map<const Eigen::VectorXd>(program.values(x).data(), 3).isApprox(expected, 1e-14));
  testing::expect_gradient([](Program& p) { return ad::diag_matrix(p.parameter(Shape::vector(3))); }, {sequence(3, 1.0)});
}
