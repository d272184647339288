// gamma(y | alpha, beta), shape alpha and rate beta:
// log p = alpha log beta - lgamma(alpha) + (alpha - 1) log y - beta y for y >= 0.
#include "stdlib/distributions/cdf_math.hpp"
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

// The common case -- one shape alpha for the whole block, y > 0, beta valid -- vectorized,
// with lgamma(alpha) and digamma(alpha) evaluated once.
bool gamma_log_density_shared_shape(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto y = arg(call, 0), alpha_values = arg(call, 1), beta = arg(call, 2);
  if (!(all_equal_positive_finite(alpha_values) && all_positive_finite(y) && all_positive_finite(beta))) return false;
  const double alpha = alpha_values[0];
  result(out, call.count) = alpha * beta.log() - log_gamma(alpha) + (alpha - 1.0) * y.log() - beta * y;
  if (double* d = wanted(partials, 0)) result(d, call.count) = (alpha - 1.0) / y - beta;
  if (double* d = wanted(partials, 1)) result(d, call.count) = beta.log() - digamma(alpha) + y.log();
  if (double* d = wanted(partials, 2)) result(d, call.count) = alpha / beta - y;
  return true;
}

void gamma_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  if (gamma_log_density_shared_shape(call, out, partials)) return;
  double* d_y = wanted(partials, 0);
  double* d_alpha = wanted(partials, 1);
  double* d_beta = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], alpha = call.args[1].data[j], beta = call.args[2].data[j];
    const bool valid = positive_finite(alpha) && positive_finite(beta);
    const double value = y < 0.0 ? -infinity
                                 : alpha * std::log(beta) - log_gamma(alpha) + multiply_log(alpha - 1.0, y) - beta * y;
    out[j] = valid ? value : not_a_number;
    if (d_y) d_y[j] = (alpha == 1.0 ? 0.0 : (alpha - 1.0) / y) - beta;  // exponential case at y = 0
    if (d_alpha) d_alpha[j] = std::log(beta) - digamma(alpha) + std::log(y);
    if (d_beta) d_beta[j] = alpha / beta - y;
  }
}

void gamma_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double alpha, double beta) {
    return positive_finite(alpha) && positive_finite(beta) ? s.gamma(alpha) / beta : not_a_number;
  });
}


// F(y) = P(alpha, beta y); 1 - F = Q(alpha, beta y). dF/dy = beta p, dF/dbeta = y p with p the
// Gamma(alpha, 1) density at beta y; the alpha partial numerically (cdf_math.hpp).
void gamma_log_tail(const ad::KernelCall& call, double* out, double* const* partials, bool upper) {
  double* d_y = wanted(partials, 0);
  double* d_alpha = wanted(partials, 1);
  double* d_beta = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], alpha = call.args[1].data[j], beta = call.args[2].data[j];
    const bool valid = positive_finite(alpha) && positive_finite(beta);
    const bool positive = y > 0.0;
    const double tail = positive ? incomplete_gamma(alpha, beta * y, upper) : (upper ? 1.0 : 0.0);
    out[j] = valid ? std::log(tail) : not_a_number;
    const double sign = upper ? -1.0 : 1.0;
    const double ratio = positive ? sign * incomplete_gamma_derivative(alpha, beta * y) / tail : 0.0;
    if (d_y) d_y[j] = ratio * beta;
    if (d_beta) d_beta[j] = ratio * y;
    if (d_alpha)
      d_alpha[j] = positive && valid ? shape_derivative([&](double a) { return std::log(incomplete_gamma(a, beta * y, upper)); }, alpha)
                                     : 0.0;
  }
}

void gamma_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  gamma_log_tail(call, out, partials, false);
}
void gamma_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  gamma_log_tail(call, out, partials, true);
}

}  // namespace

extern const DistributionEntry gamma_distribution{
    .name = "gamma",
    .arg_count = 3,
    .args = {{{"y"}, {"alpha"}, {"beta"}}},
    .log_density = kernel_math::zero_partials_outside_support<gamma_log_density>,
    .sample = gamma_sample,
    .log_cdf = gamma_log_cdf,
    .log_ccdf = gamma_log_ccdf,
};

}  // namespace pm::stdlib::kernels
