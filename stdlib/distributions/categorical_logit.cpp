// categorical_logit(y | beta) = categorical(y | softmax(beta)), y in 1..K:
// log p = beta[y] - log_sum_exp(beta) (log_softmax, shifted by max(beta) so nothing overflows).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

// log sum_k exp(beta_k), and the max it was shifted by.
double log_sum_exp(const double* beta, std::size_t size, double& largest) {
  largest = -infinity;
  for (std::size_t k = 0; k < size; ++k) largest = std::max(largest, beta[k]);
  double total = 0.0;
  for (std::size_t k = 0; k < size; ++k) total += std::exp(beta[k] - largest);
  return largest + std::log(total);
}

bool all_finite(const double* beta, std::size_t size) {
  for (std::size_t k = 0; k < size; ++k)
    if (!std::isfinite(beta[k])) return false;
  return true;
}

void categorical_logit_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const ad::KernelArg& beta_arg = call.args[1];
  const std::size_t size = beta_arg.event_size;
  double* d_beta = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j];
    const double* beta = event(beta_arg, j);
    const bool inside = is_integer(y) && y >= 1.0 && y <= static_cast<double>(size);
    const std::size_t chosen = inside ? static_cast<std::size_t>(y) - 1 : size;
    double largest;
    const double normalizer = log_sum_exp(beta, size, largest);
    out[j] = all_finite(beta, size) ? (inside ? beta[chosen] - normalizer : -infinity) : not_a_number;
    // d/dbeta_k = [k = y] - softmax(beta)_k.
    if (d_beta) {
      double* d = d_beta + j * size;
      for (std::size_t k = 0; k < size; ++k) d[k] = (k == chosen ? 1.0 : 0.0) - std::exp(beta[k] - normalizer);
    }
  }
}

void categorical_logit_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // Inversion on the unnormalized weights exp(beta_k - max): one uniform, no buffer.
  const ad::KernelArg& beta_arg = parameters.args[0];
  const std::size_t size = beta_arg.event_size;
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const double* beta = event(beta_arg, j);
    if (!all_finite(beta, size)) {
      out[j] = not_a_number;
      continue;
    }
    double largest;
    const double normalizer = log_sum_exp(beta, size, largest);
    const double target = stream.uniform() * std::exp(normalizer - largest);
    double cumulative = 0.0;
    std::size_t chosen = 0;
    for (std::size_t k = 0; k < size; ++k) {
      const double weight = std::exp(beta[k] - largest);
      if (weight <= 0.0) continue;
      chosen = k;
      cumulative += weight;
      if (target < cumulative) break;
    }
    out[j] = static_cast<double>(chosen + 1);
  }
}

}  // namespace

extern const DistributionEntry categorical_logit_distribution{
    .name = "categorical_logit",
    .discrete = true,
    .arg_count = 2,
    .args = {{{"y", ArgKind::integer}, {"beta", ArgKind::real, ArgShape::vector}}},
    .log_density = kernel_math::zero_partials_outside_support<categorical_logit_log_density>,
    .sample = categorical_logit_sample,
};

}  // namespace pm::stdlib::kernels
