// lkj_corr_cholesky(L | eta): the LKJ distribution (Lewandowski, Kurowicka & Joe 2009) on the
// Cholesky factor L of a K x K correlation matrix, density with respect to the free entries
// below the diagonal:
//   log p = -log c_K(eta) + sum_{k=2..K} (K - k + 2 eta - 2) log L_kk   (k 1-based),
// i.e. LKJ's det(L L')^(eta - 1) = prod L_kk^(2 eta - 2) times the Jacobian prod L_kk^(K - k)
// of L -> L L'. The normalizer (LKJ 2009, eq. 16), with b_i = eta + (K - i - 1) / 2:
//   log c_K = sum_{i=1..K-1} [(2 eta - 2 + K - i)(K - i) log 2 + (K - i) log B(b_i, b_i)].
// Only the diagonal enters; the kernel checks it is in (0, 1] but does not re-check that rows
// have unit norm (the engine's transform guarantees it).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/multivariate.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

constexpr double log_two = 0.69314718055994530942;

// log c_K(eta) and its derivative in eta (d/db log B(b, b) = 2 psi(b) - 2 psi(2 b)).
void log_normalizer(double eta, std::size_t size, double& value, double& derivative) {
  value = 0.0;
  derivative = 0.0;
  const double dimension = static_cast<double>(size);
  for (std::size_t i = 1; i < size; ++i) {
    const double remaining = dimension - static_cast<double>(i);
    const double b = eta + 0.5 * (remaining - 1.0);
    value += (2.0 * eta - 2.0 + remaining) * remaining * log_two + remaining * log_beta(b, b);
    derivative += remaining * (2.0 * log_two + 2.0 * digamma(b) - 2.0 * digamma(2.0 * b));
  }
}

std::size_t matrix_dimension(std::size_t event_size) {
  std::size_t size = 0;
  while ((size + 1) * (size + 1) <= event_size) ++size;
  return size;
}

void lkj_corr_cholesky_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const std::size_t size = matrix_dimension(call.args[0].event_size);
  const double dimension = static_cast<double>(size);
  double* d_factor = wanted(partials, 0);
  double* d_eta = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double* factor = event(call.args[0], j);
    const double eta = call.args[1].data[j];
    double normalizer, d_normalizer;
    log_normalizer(eta, size, normalizer, d_normalizer);
    double value = -normalizer, sum_log_diagonal = 0.0;
    bool inside = true;
    if (d_factor) std::fill(d_factor + j * size * size, d_factor + (j + 1) * size * size, 0.0);
    for (std::size_t k = 1; k < size; ++k) {  // 0-based k is the 1-based k + 1
      const double diagonal = factor[k + k * size];
      inside = inside && diagonal > 0.0 && diagonal <= 1.0 + 1e-8;
      const double coefficient = dimension - static_cast<double>(k + 1) + 2.0 * eta - 2.0;
      value += coefficient * std::log(diagonal);
      sum_log_diagonal += std::log(diagonal);
      if (d_factor) d_factor[j * size * size + k + k * size] = coefficient / diagonal;
    }
    inside = inside && size > 0 && std::abs(factor[0] - 1.0) <= 1e-8;
    out[j] = positive_finite(eta) ? (inside ? value : -infinity) : not_a_number;
    if (d_eta) d_eta[j] = -d_normalizer + 2.0 * sum_log_diagonal;
  }
}

// The C-vine method (LKJ 2009, section 2.4; Stan's lkj_corr_cholesky_rng): the partial
// correlations of column c are 2 Beta(a_c, a_c) - 1 with a_c = eta + (K - 2 - c) / 2, turned
// into L row by row: L[r][c] = cpc * sqrt(1 - sum_{c' < c} L[r][c']^2). The diagonal slots
// hold each row's remaining 1 - sum of squares until the row is finished: no buffer needed.
void lkj_corr_cholesky_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // parameters.args[1] carries no data: its event_size is the outcome's, K * K.
  const std::size_t size = matrix_dimension(parameters.args[1].event_size);
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const double eta = parameters.args[0].data[j];
    double* factor = out + j * size * size;
    std::fill(factor, factor + size * size, 0.0);
    if (!positive_finite(eta)) {
      std::fill(factor, factor + size * size, not_a_number);
      continue;
    }
    for (std::size_t r = 0; r < size; ++r) factor[r + r * size] = 1.0;
    for (std::size_t c = 0; c + 1 < size; ++c) {
      const double shape = eta + 0.5 * static_cast<double>(size - 2 - c);
      factor[c + c * size] = std::sqrt(factor[c + c * size]);
      for (std::size_t r = c + 1; r < size; ++r) {
        const double partial_correlation = 2.0 * stream.beta(shape, shape) - 1.0;
        double& remaining = factor[r + r * size];
        factor[r + c * size] = partial_correlation * std::sqrt(remaining);
        remaining *= 1.0 - partial_correlation * partial_correlation;
      }
    }
    if (size > 0) factor[(size - 1) * (size + 1)] = std::sqrt(factor[(size - 1) * (size + 1)]);
  }
}

}  // namespace

extern const DistributionEntry lkj_corr_cholesky_distribution{
    .name = "lkj_corr_cholesky",
    .arg_count = 2,
    .args = {{{"L", ArgKind::real, ArgShape::square_matrix}, {"eta"}}},
    .log_density = kernel_math::zero_partials_outside_support<lkj_corr_cholesky_log_density>,
    .sample = lkj_corr_cholesky_sample,
};

}  // namespace pm::stdlib::kernels
