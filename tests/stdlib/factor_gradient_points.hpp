// Valid arguments for every registered distribution, for the factor-op gradient test
// (distributions_factor_gradient_test.cpp): per distribution, one recipe per argument that
// builds the argument from unconstrained parameter slots (or, for ints, from constants).
//
// Each real argument is a smooth map of free coordinates into its support (sigma = exp(u),
// a probability inv_logit(u), a simplex softmax(u), a covariance or a Cholesky factor
// assembled by ops), so the checker's finite differences (step 1e-6 max(1, |u|)) can never
// leave the support, and the chain rule through those ops checks every partial the kernel
// returns. Arguments are given their element dims by the caller (none, or plate(0)), the
// slots get the same element dims, so vectorized and broadcast layouts reuse the recipes.
#pragma once

#include <cmath>
#include <cstddef>
#include <functional>
#include <map>
#include <string_view>
#include <vector>

#include "engine/ad/builder.hpp"

namespace pm::testing::factor_points {

using ad::Node;
using ad::Program;
using tensor::Dim;
using tensor::Shape;

// The dimension K of the multivariate distributions under test (vectors of 3, 3 x 3 matrices).
inline constexpr std::size_t dimension = 3;

// event sizes (outer: event(0), event(1)...) followed by `elements` along plate(0) when > 0.
inline Shape shape_of(const std::vector<std::size_t>& event_sizes, std::size_t elements) {
  std::vector<Dim> dims;
  for (std::size_t e = 0; e < event_sizes.size(); ++e) dims.push_back(Dim{tensor::event(static_cast<int>(e)), event_sizes[e]});
  if (elements > 0) dims.push_back(Dim{tensor::plate(0), elements});
  return Shape(dims);
}

struct ArgumentRecipe {
  std::vector<std::size_t> event_sizes;  // {} scalar, {K} vector, {K, K} matrix
  // Event sizes of each unconstrained parameter slot (with the argument's element dims);
  // empty for an argument held constant (ints, discrete outcomes).
  std::vector<std::vector<std::size_t>> slot_event_sizes;
  std::function<Node(Program&, const std::vector<Node>& slots, const Shape& shape)> build;
};

using Recipe = std::vector<ArgumentRecipe>;  // one per argument, outcome first

// --- scalar recipes ------------------------------------------------------------------------
inline ArgumentRecipe real_line() {
  return {{}, {{}}, [](Program&, const std::vector<Node>& u, const Shape&) { return u[0]; }};
}
inline ArgumentRecipe positive() {
  return {{}, {{}}, [](Program&, const std::vector<Node>& u, const Shape&) { return ad::exp(u[0]); }};
}
inline ArgumentRecipe unit_interval() {
  return {{}, {{}}, [](Program&, const std::vector<Node>& u, const Shape&) { return ad::inv_logit(u[0]); }};
}
// offset + direction * exp(u): a bound of uniform kept away from its outcome in (-e, e).
inline ArgumentRecipe beyond(double offset, double direction) {
  return {{}, {{}}, [=](Program&, const std::vector<Node>& u, const Shape&) { return offset + direction * ad::exp(u[0]); }};
}
// Ints (discrete outcomes, trial counts): element j takes values[j % size], a constant.
inline ArgumentRecipe integers(std::vector<double> values) {
  return {{}, {}, [=](Program& p, const std::vector<Node>&, const Shape& shape) {
            std::vector<double> data(shape.element_count());
            for (std::size_t j = 0; j < data.size(); ++j) data[j] = values[j % values.size()];
            return p.constant(shape, data);
          }};
}

// --- vector recipes ------------------------------------------------------------------------
inline ArgumentRecipe real_vector() {
  return {{dimension}, {{dimension}}, [](Program&, const std::vector<Node>& u, const Shape&) { return u[0]; }};
}
inline ArgumentRecipe positive_vector() {
  return {{dimension}, {{dimension}}, [](Program&, const std::vector<Node>& u, const Shape&) { return ad::exp(u[0]); }};
}
inline ArgumentRecipe simplex() {
  return {{dimension}, {{dimension}},
          [](Program&, const std::vector<Node>& u, const Shape&) { return ad::softmax(u[0], tensor::event(0)); }};
}

// Increasing cutpoints: cumulative sums of exp(u), shifted to straddle 0.
inline ArgumentRecipe ordered_vector() {
  return {{dimension}, {{dimension}},
          [](Program&, const std::vector<Node>& u, const Shape&) { return ad::cumulative_sum(ad::exp(u[0]), tensor::event(0)) - 2.0; }};
}

// --- matrix recipes ------------------------------------------------------------------------
// A constant K x K matrix (column-major, as the kernels read it) with entry(r, c).
inline Node matrix_constant(Program& p, double (*entry)(std::size_t, std::size_t)) {
  std::vector<double> values(dimension * dimension);
  for (std::size_t c = 0; c < dimension; ++c)
    for (std::size_t r = 0; r < dimension; ++r) values[r + c * dimension] = entry(r, c);
  return p.constant(Shape::matrix(dimension, dimension), values);
}
inline Node identity(Program& p) {
  return matrix_constant(p, [](std::size_t r, std::size_t c) { return r == c ? 1.0 : 0.0; });
}
inline Node strictly_lower(Program& p) {
  return matrix_constant(p, [](std::size_t r, std::size_t c) { return r > c ? 1.0 : 0.0; });
}
// x' for a matrix that may carry element dims (transpose() takes event dims only): event(0)
// is renamed away (event(1) moves to event(0)), then brought back as event(1).
inline Node swap_rows_and_columns(Node x) {
  return ad::rename_dim(ad::rename_dim(x, tensor::event(0), tensor::enumeration(7)), tensor::enumeration(7),
                        tensor::event(1));
}
// Sigma = diag(K + exp(w)) + tanh((T + T') / 2): exactly symmetric (the sum commutes), and
// positive definite by Gershgorin (off-diagonal row sums < K - 1 < the diagonal - 1).
inline ArgumentRecipe covariance() {
  return {{dimension, dimension}, {{dimension, dimension}, {dimension}},
          [](Program& p, const std::vector<Node>& u, const Shape&) {
            Node symmetric = ad::tanh(0.5 * (u[0] + swap_rows_and_columns(u[0])));
            Node diagonal = static_cast<double>(dimension) + ad::exp(u[1]);
            return identity(p) * diagonal + symmetric;
          }};
}
// L lower triangular with diagonal exp(w) > 0 and free entries below it.
inline ArgumentRecipe cholesky_factor() {
  return {{dimension, dimension}, {{dimension, dimension}, {dimension}},
          [](Program& p, const std::vector<Node>& u, const Shape&) {
            return strictly_lower(p) * u[0] + identity(p) * ad::exp(u[1]);
          }};
}
// The Cholesky factor of a correlation matrix: below the diagonal tanh(P) / sqrt(K) (so each
// row's squares sum to < 1), the diagonal sqrt(1 - that sum), making every row a unit vector
// and L_00 exactly 1.
inline ArgumentRecipe correlation_cholesky_factor() {
  return {{dimension, dimension}, {{dimension, dimension}},
          [](Program& p, const std::vector<Node>& u, const Shape&) {
            Node below = strictly_lower(p) * ad::tanh(u[0]) * (1.0 / std::sqrt(static_cast<double>(dimension)));
            Node row_squares = ad::sum(ad::square(below), {tensor::event(1)});
            return below + identity(p) * ad::sqrt(1.0 - row_squares);
          }};
}

// --- the table -----------------------------------------------------------------------------
// Discrete outcomes cover the edges of their support (0, n = N, the first and last category);
// binomial n <= every N, as the trial counts are shared in some layouts.
inline const std::map<std::string_view, Recipe>& recipes() {
  static const std::map<std::string_view, Recipe> table{
      {"normal", {real_line(), real_line(), positive()}},
      {"lognormal", {positive(), real_line(), positive()}},
      {"student_t", {real_line(), positive(), real_line(), positive()}},
      {"cauchy", {real_line(), real_line(), positive()}},
      {"exponential", {positive(), positive()}},
      {"gamma", {positive(), positive(), positive()}},
      {"inv_gamma", {positive(), positive(), positive()}},
      {"beta", {unit_interval(), positive(), positive()}},
      // y in (-1, 1) (the free coordinates' range) stays inside (alpha, beta), |bounds| > 2.
      {"uniform", {real_line(), beyond(-2.0, -1.0), beyond(2.0, 1.0)}},
      {"double_exponential", {real_line(), real_line(), positive()}},
      {"logistic", {real_line(), real_line(), positive()}},
      {"weibull", {positive(), positive(), positive()}},
      {"bernoulli", {integers({0, 1, 1, 0}), unit_interval()}},
      {"bernoulli_logit", {integers({0, 1, 1, 0}), real_line()}},
      {"binomial", {integers({2, 0, 3, 3}), integers({5, 10, 3, 8}), unit_interval()}},
      {"binomial_logit", {integers({2, 0, 3, 3}), integers({5, 10, 3, 8}), real_line()}},
      {"poisson", {integers({0, 1, 3, 7}), positive()}},
      {"poisson_log", {integers({0, 1, 3, 7}), real_line()}},
      {"neg_binomial_2", {integers({0, 1, 3, 7}), positive(), positive()}},
      {"categorical", {integers({1, 3, 2, 1}), simplex()}},
      {"categorical_logit", {integers({1, 3, 2, 1}), real_vector()}},
      {"bernoulli_probs", {unit_interval(), unit_interval()}},
      {"continuous_bernoulli", {unit_interval(), unit_interval()}},
      {"dirichlet", {simplex(), positive_vector()}},
      {"multi_normal", {real_vector(), real_vector(), covariance()}},
      {"multi_normal_cholesky", {real_vector(), real_vector(), cholesky_factor()}},
      {"lkj_corr_cholesky", {correlation_cholesky_factor(), positive()}},
      {"normal_id_glm", {real_line(), real_vector(), real_line(), real_vector(), positive()}},
      {"multi_student_t", {real_vector(), positive(), real_vector(), covariance()}},
      {"std_normal", {real_line()}},
      {"skew_normal", {real_line(), real_line(), positive(), real_line()}},
      {"gumbel", {real_line(), real_line(), positive()}},
      {"von_mises", {real_line(), real_line(), positive()}},
      {"chi_square", {positive(), positive()}},
      {"inv_chi_square", {positive(), positive()}},
      {"scaled_inv_chi_square", {positive(), positive(), positive()}},
      {"neg_binomial_2_log", {integers({0, 1, 3, 7}), real_line(), positive()}},
      {"beta_binomial", {integers({2, 0, 3, 3}), integers({5, 10, 3, 8}), positive(), positive()}},
      // y = 2 lies in every range, so the shared layouts stay inside the support.
      {"discrete_range", {integers({2, 1, 3, 2}), integers({0, 1, 2, 1}), integers({5, 4, 3, 2})}},
      // Four categories from three cutpoints; every category's edge cases (1 and K) included.
      {"ordered_logistic", {integers({1, 4, 2, 3}), real_line(), ordered_vector()}},
      {"ordered_probit", {integers({1, 4, 2, 3}), real_line(), ordered_vector()}},
      {"bernoulli_logit_glm", {integers({0, 1, 1, 0}), real_vector(), real_line(), real_vector()}},
      {"poisson_log_glm", {integers({0, 1, 3, 7}), real_vector(), real_line(), real_vector()}},
  };
  return table;
}

}  // namespace pm::testing::factor_points
