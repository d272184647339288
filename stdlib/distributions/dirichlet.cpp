// dirichlet(theta | alpha), theta a K-simplex, alpha > 0:
// log p = lgamma(sum alpha) - sum lgamma(alpha_k) + sum (alpha_k - 1) log theta_k.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void dirichlet_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const std::size_t size = call.args[1].event_size;
  double* d_theta = wanted(partials, 0);
  double* d_alpha = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double* theta = event(call.args[0], j);
    const double* alpha = event(call.args[1], j);
    bool valid = true;
    double alpha_sum = 0.0, value = 0.0;
    for (std::size_t k = 0; k < size; ++k) {
      valid = valid && positive_finite(alpha[k]);
      alpha_sum += alpha[k];
      value += multiply_log(alpha[k] - 1.0, theta[k]) - log_gamma(alpha[k]);
    }
    value += log_gamma(alpha_sum);
    out[j] = valid ? (is_simplex(theta, size) ? value : -infinity) : not_a_number;
    const double digamma_sum = d_alpha ? digamma(alpha_sum) : 0.0;
    for (std::size_t k = 0; k < size; ++k) {
      if (d_theta) d_theta[j * size + k] = (alpha[k] - 1.0) / theta[k];
      if (d_alpha) d_alpha[j * size + k] = digamma_sum - digamma(alpha[k]) + std::log(theta[k]);
    }
  }
}

void dirichlet_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // theta_k = G_k / sum G, G_k ~ gamma(alpha_k), normalized in log space so that tiny alphas
  // (whose gamma draws underflow) still give a simplex.
  const std::size_t size = parameters.args[0].event_size;
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const double* alpha = event(parameters.args[0], j);
    double* theta = out + j * size;
    double log_total = -infinity;
    for (std::size_t k = 0; k < size; ++k) {
      theta[k] = stream.log_gamma(alpha[k]);  // NaN for an invalid alpha_k
      log_total = log_add_exp(log_total, theta[k]);
    }
    for (std::size_t k = 0; k < size; ++k) theta[k] = std::exp(theta[k] - log_total);
  }
}

}  // namespace

extern const DistributionEntry dirichlet_distribution{
    .name = "dirichlet",
    .arg_count = 2,
    .args = {{{"theta", ArgKind::real, ArgShape::vector}, {"alpha", ArgKind::real, ArgShape::vector}}},
    .log_density = kernel_math::zero_partials_outside_support<dirichlet_log_density>,
    .sample = dirichlet_sample,
};

}  // namespace pm::stdlib::kernels
