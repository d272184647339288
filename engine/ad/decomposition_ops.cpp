// Linear algebra through a decomposition of a general square matrix (LU with partial
// pivoting) or a symmetric one (eigendecomposition): inverse, determinant, log |det|, the
// general solve A \ B, and the eigenvalues of a symmetric matrix. Event dims only.
//
// Reverse mode (Giles 2008, "An extended collection of matrix derivative results"):
//   Y = A^{-1}:          Abar -= Y^T Ybar Y^T
//   y = det A:           Abar += ybar y A^{-T}
//   y = log |det A|:     Abar += ybar A^{-T}
//   X = A^{-1} B:        Bbar += A^{-T} Xbar,  Abar -= Bbar X^T
//   lambda = eig(A):     Abar += V diag(lambdabar) V^T  (distinct eigenvalues; Magnus 1985)
// A singular matrix gives inf / NaN values (never a throw), as a log density must.
// The decomposition objects are allocated once when the op is recorded, so evaluations do
// not allocate.
#include <cmath>
#include <limits>
#include <memory>

// GCC 12 reports the deliberate `__m512d __Y = __Y;` of its own avx512fintrin.h
// (_mm512_undefined_pd, reached through Eigen's AVX512 ptranspose in the LU and eigen
// solvers) as uninitialized: GCC bug 105593, a false positive in a system header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <Eigen/Eigenvalues>
#include <Eigen/LU>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"

namespace pm::ad {

using namespace detail;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

Index require_square(Node a, const char* op) {
  require_event_only(a, op);
  const Shape& shape = a.shape();
  if (shape.rank() != 2 || shape.dim(0).size != shape.dim(1).size)
    throw std::invalid_argument(std::string(op) + ": needs a square matrix, not " + shape.to_string());
  return as_index(shape.dim(0).size);
}

using Lu = Eigen::PartialPivLU<Eigen::MatrixXd>;

// log |det A| and det A from an LU factorization: the product of U's diagonal and the
// permutation's sign. An exactly singular matrix has a zero pivot: det 0, log |det| -inf.
double log_abs_determinant(const Lu& lu) {
  return lu.matrixLU().diagonal().array().abs().log().sum();
}

}  // namespace

Node inverse(Node a) {
  const Index n = require_square(a, "inverse");
  Program& program = *a.program;
  Node output = program.add_node(a.shape(), a.requires_gradient());
  const std::size_t work = program.add_scratch(static_cast<std::size_t>(n * n));
  auto lu = std::make_shared<Lu>(n);
  Program* p = &program;
  const std::uint32_t ia = a.index, iy = output.index;
  record_callback(
      program, "inverse",
      [=](bool) {
        lu->compute(ConstMatrixMap(p->value_data(ia), n, n));
        MatrixMap y(p->value_data(iy), n, n);
        if (n > 0 && lu->matrixLU().diagonal().array().abs().minCoeff() == 0.0)
          y.setConstant(not_a_number);
        else
          y = lu->inverse();
      },
      [=]() {
        ConstMatrixMap y(p->value_data(iy), n, n);
        MatrixMap product(p->scratch_data(work), n, n);
        product.noalias() = ConstMatrixMap(p->adjoint_data(iy), n, n) * y.transpose();
        MatrixMap(p->adjoint_data(ia), n, n).noalias() -= y.transpose() * product;
      },
      a.requires_gradient());
  return output;
}

// log |det A| (Stan's log_determinant) when `logarithm`, det A otherwise. The inverse
// transpose the gradient needs is formed in the forward pass only when a gradient is
// recorded.
Node determinant_op(Node a, bool logarithm) {
  const char* name = logarithm ? "log_determinant" : "determinant";
  const Index n = require_square(a, name);
  Program& program = *a.program;
  Node output = program.add_node(Shape::scalar(), a.requires_gradient());
  const std::size_t inverse_transpose = program.add_scratch(static_cast<std::size_t>(n * n));
  auto lu = std::make_shared<Lu>(n);
  Program* p = &program;
  const std::uint32_t ia = a.index, iy = output.index;
  const bool gradient = a.requires_gradient();
  record_callback(
      program, name,
      [=](bool record) {
        lu->compute(ConstMatrixMap(p->value_data(ia), n, n));
        *p->value_data(iy) = logarithm ? log_abs_determinant(*lu) : lu->determinant();
        if (record && gradient) MatrixMap(p->scratch_data(inverse_transpose), n, n) = lu->inverse().transpose();
      },
      [=]() {
        const double scale = *p->adjoint_data(iy) * (logarithm ? 1.0 : *p->value_data(iy));
        MatrixMap(p->adjoint_data(ia), n, n) += scale * ConstMatrixMap(p->scratch_data(inverse_transpose), n, n);
      },
      gradient);
  return output;
}

Node determinant(Node a) { return determinant_op(a, false); }
Node log_determinant(Node a) { return determinant_op(a, true); }

Node solve(Node a, Node b) {
  Program& program = same_program(a, b);
  const Index n = require_square(a, "solve");
  require_event_only(b, "solve");
  const Shape& sb = b.shape();
  if (sb.rank() < 1 || sb.rank() > 2 || as_index(sb.dim(0).size) != n)
    throw std::invalid_argument("solve: " + a.shape().to_string() + " and " + sb.to_string());
  const Index cols = sb.rank() == 2 ? as_index(sb.dim(1).size) : 1;
  Node output = program.add_node(sb, a.requires_gradient() || b.requires_gradient());
  const std::size_t b_bar = program.add_scratch(static_cast<std::size_t>(n * cols));
  auto lu = std::make_shared<Lu>(n);
  Program* p = &program;
  const std::uint32_t ia = a.index, ib = b.index, iy = output.index;
  const bool a_grad = a.requires_gradient(), b_grad = b.requires_gradient();
  record_callback(
      program, "solve",
      [=](bool) {
        lu->compute(ConstMatrixMap(p->value_data(ia), n, n));
        MatrixMap x(p->value_data(iy), n, cols);
        if (n > 0 && lu->matrixLU().diagonal().array().abs().minCoeff() == 0.0)
          x.setConstant(not_a_number);
        else
          x = lu->solve(ConstMatrixMap(p->value_data(ib), n, cols));
      },
      [=]() {
        // A^{-T} Xbar through the same factorization: (P^T L U)^T = U^T L^T P.
        MatrixMap bbar(p->scratch_data(b_bar), n, cols);
        bbar = lu->transpose().solve(ConstMatrixMap(p->adjoint_data(iy), n, cols));
        if (b_grad) MatrixMap(p->adjoint_data(ib), n, cols) += bbar;
        if (a_grad) MatrixMap(p->adjoint_data(ia), n, n).noalias() -= bbar * ConstMatrixMap(p->value_data(iy), n, cols).transpose();
      },
      a_grad || b_grad);
  return output;
}

Node eigenvalues_sym(Node a) {
  const Index n = require_square(a, "eigenvalues_sym");
  Program& program = *a.program;
  Node output = program.add_node(Shape::vector(static_cast<std::size_t>(n)), a.requires_gradient());
  const std::size_t work = program.add_scratch(static_cast<std::size_t>(n * n));
  auto solver = std::make_shared<Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>>(n);
  Program* p = &program;
  const std::uint32_t ia = a.index, iy = output.index;
  record_callback(
      program, "eigenvalues_sym",
      [=](bool) {
        // Only the lower triangle is read (Eigen's SelfAdjointEigenSolver), as Stan's
        // symmetric functions assume symmetry; ascending order.
        solver->compute(ConstMatrixMap(p->value_data(ia), n, n), Eigen::ComputeEigenvectors);
        Eigen::Map<Eigen::VectorXd> y(p->value_data(iy), n);
        if (solver->info() != Eigen::Success)
          y.setConstant(not_a_number);
        else
          y = solver->eigenvalues();
      },
      [=]() {
        // dlambda_k = v_k^T dA v_k. The forward pass reads the lower triangle, so the
        // gradient with respect to A_ij (i > j) is 2 (V G V^T)_ij, the diagonal (V G V^T)_ii,
        // and 0 above (as cholesky's). At repeated eigenvalues the eigenvectors are not
        // unique, but this sum over a repeated eigenvalue's space does not depend on the
        // basis chosen when the adjoints of the repeated values are equal.
        const auto& v = solver->eigenvectors();
        MatrixMap s(p->scratch_data(work), n, n);
        s.noalias() = v * Eigen::Map<const Eigen::VectorXd>(p->adjoint_data(iy), n).asDiagonal() * v.transpose();
        MatrixMap a_adjoint(p->adjoint_data(ia), n, n);
        for (Index j = 0; j < n; ++j) {
          a_adjoint(j, j) += s(j, j);
          for (Index i = j + 1; i < n; ++i) a_adjoint(i, j) += 2.0 * s(i, j);
        }
      },
      a.requires_gradient());
  return output;
}

}  // namespace pm::ad
