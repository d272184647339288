// The generalized linear models (Stan's *_glm): outcome y_j given the linear predictor
// eta_j = alpha_j + x_j . beta, x_j the j-th row of x (an event of K) and beta a K-vector
// (usually broadcast). A family gives log p(y | eta) and d/deta; the chain rule gives
// d/dalpha = d/deta, d/dx_jk = d/deta beta_k, d/dbeta_k = d/deta x_jk.
#pragma once

#include "stdlib/distributions/kernel_math.hpp"

namespace pm::stdlib::kernel_math {

inline double linear_predictor(const ad::KernelCall& call, std::size_t row_arg, std::size_t intercept_arg,
                               std::size_t coefficient_arg, std::size_t j) {
  const std::size_t size = call.args[coefficient_arg].event_size;
  const double* row = event(call.args[row_arg], j);
  const double* beta = event(call.args[coefficient_arg], j);
  double total = call.args[intercept_arg].data[j];
  for (std::size_t k = 0; k < size; ++k) total += row[k] * beta[k];
  return total;
}

// Family::log_density(y, eta, d_eta&) -> log p (-inf outside the support, NaN invalid).
template <class Family>
void glm_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const std::size_t size = call.args[3].event_size;
  double* d_x = wanted(partials, 1);
  double* d_alpha = wanted(partials, 2);
  double* d_beta = wanted(partials, 3);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double eta = linear_predictor(call, 1, 2, 3, j);
    double d_eta = 0.0;
    out[j] = std::isnan(eta) || std::isinf(eta) ? not_a_number : Family::log_density(call.args[0].data[j], eta, d_eta);
    if (d_alpha) d_alpha[j] = d_eta;
    const double* row = event(call.args[1], j);
    const double* beta = event(call.args[3], j);
    for (std::size_t k = 0; k < size; ++k) {
      if (d_x) d_x[j * size + k] = d_eta * beta[k];
      if (d_beta) d_beta[j * size + k] = d_eta * row[k];
    }
  }
}

// Family::draw(stream, eta) -> an outcome.
template <class Family>
void glm_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const double eta = linear_predictor(parameters, 0, 1, 2, j);
    out[j] = std::isfinite(eta) ? Family::draw(stream, eta) : not_a_number;
  }
}

}  // namespace pm::stdlib::kernel_math
