// Linear algebra on event dims: matrix products (Eigen GEMM / GEMV in both passes),
// transpose, Cholesky factor (reverse mode of Murray 2016), triangular solve, diag_matrix,
// log determinant from a Cholesky factor. Dot products compose multiply and sum.
// Temporaries are preallocated scratch; Eigen's GEMM may still take a workspace from the
// heap for large products (it uses the stack below 128 KiB).
// GCC 12 reports the deliberate `__m512d __Y = __Y;` of its own avx512fintrin.h
// (_mm512_undefined_pd, reached through Eigen's AVX512 kernels) as uninitialized: GCC bug
// 105593, a false positive in a system header, raised where the templates are instantiated.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <cmath>
#include <limits>
#include <memory>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"

namespace pm::ad {

using namespace detail;

namespace {

Index rows_of(const Shape& s) { return s.rank() >= 1 ? as_index(s.dim(0).size) : 1; }
Index cols_of(const Shape& s) { return s.rank() >= 2 ? as_index(s.dim(1).size) : 1; }

}  // namespace

Node matrix_product(Node a, Node b) {
  Program& program = same_program(a, b);
  require_event_only(a, "matrix_product");
  require_event_only(b, "matrix_product");
  const Shape &sa = a.shape(), &sb = b.shape();
  if (sa.rank() == 0 || sb.rank() == 0) return multiply(a, b);
  // A 1-d left operand acts as a row vector (1, K); a 1-d right operand as a column (K, 1).
  const Index rows = sa.rank() == 1 ? 1 : rows_of(sa);
  const Index inner = sa.rank() == 1 ? rows_of(sa) : cols_of(sa);
  const Index inner_b = rows_of(sb);
  const Index cols = sb.rank() == 1 ? 1 : cols_of(sb);
  if (inner != inner_b)
    throw std::invalid_argument("matrix_product: " + sa.to_string() + " times " + sb.to_string());
  std::vector<tensor::Dim> dims;
  if (sa.rank() == 2) dims.push_back({tensor::event(0), static_cast<std::size_t>(rows)});
  if (sb.rank() == 2) dims.push_back({tensor::event(static_cast<int>(dims.size())), static_cast<std::size_t>(cols)});
  Node output = program.add_node(Shape(dims), a.requires_gradient() || b.requires_gradient());
  Program* p = &program;
  const std::uint32_t ia = a.index, ib = b.index, iy = output.index;
  const bool a_grad = a.requires_gradient(), b_grad = b.requires_gradient();
  record_callback(
      program, "matrix_product",
      [=](bool) {
        MatrixMap(p->value_data(iy), rows, cols).noalias() =
            ConstMatrixMap(p->value_data(ia), rows, inner) * ConstMatrixMap(p->value_data(ib), inner, cols);
      },
      [=]() {
        ConstMatrixMap g(p->adjoint_data(iy), rows, cols);
        if (a_grad)  // dA += dY B^T
          MatrixMap(p->adjoint_data(ia), rows, inner).noalias() += g * ConstMatrixMap(p->value_data(ib), inner, cols).transpose();
        if (b_grad)  // dB += A^T dY
          MatrixMap(p->adjoint_data(ib), inner, cols).noalias() += ConstMatrixMap(p->value_data(ia), rows, inner).transpose() * g;
      },
      a_grad || b_grad);
  return output;
}

Node transpose(Node x) {
  require_event_only(x, "transpose");
  if (x.shape().rank() < 2) return x;  // vectors are positional: their own transpose
  Program& program = *x.program;
  const Index rows = rows_of(x.shape()), cols = cols_of(x.shape());
  Node output = program.add_node(Shape::matrix(static_cast<std::size_t>(cols), static_cast<std::size_t>(rows)),
                                 x.requires_gradient());
  Program* p = &program;
  const std::uint32_t ix = x.index, iy = output.index;
  record_callback(
      program, "transpose",
      [=](bool) { MatrixMap(p->value_data(iy), cols, rows) = ConstMatrixMap(p->value_data(ix), rows, cols).transpose(); },
      [=]() { MatrixMap(p->adjoint_data(ix), rows, cols) += ConstMatrixMap(p->adjoint_data(iy), cols, rows).transpose(); },
      x.requires_gradient());
  return output;
}

Node dot_product(Node a, Node b) {
  require_event_only(a, "dot_product");
  require_event_only(b, "dot_product");
  return sum(multiply(a, b), {tensor::event(0)});
}

Node rows_dot_product(Node a, Node b) { return sum(multiply(a, b), {tensor::event(1)}); }
Node columns_dot_product(Node a, Node b) { return sum(multiply(a, b), {tensor::event(0)}); }

Node cholesky(Node a) {
  require_event_only(a, "cholesky");
  const Shape& shape = a.shape();
  if (shape.rank() != 2 || shape.dim(0).size != shape.dim(1).size)
    throw std::invalid_argument("cholesky: needs a square matrix, not " + shape.to_string());
  Program& program = *a.program;
  const Index n = rows_of(shape);
  Node output = program.add_node(shape, a.requires_gradient());
  const std::size_t work = program.add_scratch(static_cast<std::size_t>(n * n));
  Program* p = &program;
  const std::uint32_t ia = a.index, iy = output.index;
  record_callback(
      program, "cholesky",
      [=](bool) {
        MatrixMap l(p->value_data(iy), n, n);
        l.triangularView<Eigen::Lower>() = ConstMatrixMap(p->value_data(ia), n, n);
        l.triangularView<Eigen::StrictlyUpper>().setZero();
        Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> factor(l);  // in place: no allocation
        if (factor.info() != Eigen::Success) l.setConstant(std::numeric_limits<double>::quiet_NaN());
      },
      [=]() {
        // Murray (2016), "Differentiation of the Cholesky decomposition", sec. 3:
        //   P = Phi(L^T Lbar),  S = L^{-T} P L^{-1},
        // where Phi keeps the lower triangle and halves the diagonal. The forward pass reads
        // only the lower triangle of A, so the gradient with respect to A_ij (i >= j) is
        // Phi(S + S^T)_ij, and 0 above the diagonal.
        ConstMatrixMap l(p->value_data(iy), n, n);
        MatrixMap s(p->scratch_data(work), n, n);
        s.noalias() = l.transpose() * ConstMatrixMap(p->adjoint_data(iy), n, n).triangularView<Eigen::Lower>();
        s.triangularView<Eigen::StrictlyUpper>().setZero();
        s.diagonal() *= 0.5;
        l.transpose().triangularView<Eigen::Upper>().solveInPlace(s);
        l.triangularView<Eigen::Lower>().solveInPlace<Eigen::OnTheRight>(s);
        MatrixMap a_adjoint(p->adjoint_data(ia), n, n);
        for (Index j = 0; j < n; ++j) {
          a_adjoint(j, j) += s(j, j);
          for (Index i = j + 1; i < n; ++i) a_adjoint(i, j) += s(i, j) + s(j, i);
        }
      },
      a.requires_gradient());
  return output;
}

Node solve_lower_triangular(Node lower, Node b) {
  Program& program = same_program(lower, b);
  require_event_only(lower, "solve_lower_triangular");
  require_event_only(b, "solve_lower_triangular");
  const Shape &sl = lower.shape(), &sb = b.shape();
  if (sl.rank() != 2 || sl.dim(0).size != sl.dim(1).size || sb.rank() < 1 || sb.dim(0).size != sl.dim(0).size)
    throw std::invalid_argument("solve_lower_triangular: " + sl.to_string() + " and " + sb.to_string());
  const Index n = rows_of(sl), cols = cols_of(sb);
  Node output = program.add_node(sb, lower.requires_gradient() || b.requires_gradient());
  const std::size_t b_bar = program.add_scratch(static_cast<std::size_t>(n * cols));
  const std::size_t outer = program.add_scratch(static_cast<std::size_t>(n * n));
  Program* p = &program;
  const std::uint32_t il = lower.index, ib = b.index, iy = output.index;
  const bool l_grad = lower.requires_gradient(), b_grad = b.requires_gradient();
  record_callback(
      program, "solve_lower_triangular",
      [=](bool) {
        MatrixMap x(p->value_data(iy), n, cols);
        x = ConstMatrixMap(p->value_data(ib), n, cols);
        ConstMatrixMap(p->value_data(il), n, n).triangularView<Eigen::Lower>().solveInPlace(x);
      },
      [=]() {
        // X = L^{-1} B: Bbar = L^{-T} Xbar, Lbar = -Bbar X^T (lower triangle).
        ConstMatrixMap l(p->value_data(il), n, n);
        MatrixMap bbar(p->scratch_data(b_bar), n, cols);
        bbar = ConstMatrixMap(p->adjoint_data(iy), n, cols);
        l.transpose().triangularView<Eigen::Upper>().solveInPlace(bbar);
        if (b_grad) MatrixMap(p->adjoint_data(ib), n, cols) += bbar;
        if (l_grad) {
          MatrixMap product(p->scratch_data(outer), n, n);
          product.noalias() = bbar * ConstMatrixMap(p->value_data(iy), n, cols).transpose();
          MatrixMap(p->adjoint_data(il), n, n).triangularView<Eigen::Lower>() -= product;
        }
      },
      l_grad || b_grad);
  return output;
}

Node diag_matrix(Node v) {
  require_event_only(v, "diag_matrix");
  if (v.shape().rank() != 1) throw std::invalid_argument("diag_matrix: needs a vector, not " + v.shape().to_string());
  Program& program = *v.program;
  const Index n = rows_of(v.shape());
  Node output = program.add_node(Shape::matrix(static_cast<std::size_t>(n), static_cast<std::size_t>(n)), v.requires_gradient());
  Program* p = &program;
  const std::uint32_t iv = v.index, iy = output.index;
  record_callback(
      program, "diag_matrix",
      [=](bool) {
        MatrixMap y(p->value_data(iy), n, n);
        y.setZero();
        y.diagonal() = Eigen::Map<const Eigen::VectorXd>(p->value_data(iv), n);
      },
      [=]() { Eigen::Map<Eigen::VectorXd>(p->adjoint_data(iv), n) += ConstMatrixMap(p->adjoint_data(iy), n, n).diagonal(); },
      v.requires_gradient());
  return output;
}

Node log_determinant_cholesky(Node lower) {
  require_event_only(lower, "log_determinant_cholesky");
  const Shape& shape = lower.shape();
  if (shape.rank() != 2 || shape.dim(0).size != shape.dim(1).size)
    throw std::invalid_argument("log_determinant_cholesky: needs a square matrix, not " + shape.to_string());
  Program& program = *lower.program;
  const Index n = rows_of(shape);
  Node output = program.add_node(Shape::scalar(), lower.requires_gradient());
  Program* p = &program;
  const std::uint32_t il = lower.index, iy = output.index;
  record_callback(
      program, "log_determinant_cholesky",
      [=](bool) { *p->value_data(iy) = 2.0 * ConstMatrixMap(p->value_data(il), n, n).diagonal().array().log().sum(); },
      [=]() {
        // d/dL_ii 2 sum log L_ii = 2 / L_ii.
        MatrixMap(p->adjoint_data(il), n, n).diagonal().array() +=
            2.0 * *p->adjoint_data(iy) / ConstMatrixMap(p->value_data(il), n, n).diagonal().array();
      },
      lower.requires_gradient());
  return output;
}

}  // namespace pm::ad
