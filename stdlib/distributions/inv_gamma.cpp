// inv_gamma(y | alpha, beta): 1/y ~ gamma(alpha, rate beta);
// log p = alpha log beta - lgamma(alpha) - (alpha + 1) log y - beta / y for y > 0.
#include "stdlib/distributions/cdf_math.hpp"
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void inv_gamma_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_y = wanted(partials, 0);
  double* d_alpha = wanted(partials, 1);
  double* d_beta = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], alpha = call.args[1].data[j], beta = call.args[2].data[j];
    const bool valid = positive_finite(alpha) && positive_finite(beta);
    const double value = y <= 0.0 ? -infinity
                                  : alpha * std::log(beta) - log_gamma(alpha) - (alpha + 1.0) * std::log(y) - beta / y;
    out[j] = valid ? value : not_a_number;
    if (d_y) d_y[j] = (beta / y - (alpha + 1.0)) / y;
    if (d_alpha) d_alpha[j] = std::log(beta) - digamma(alpha) - std::log(y);
    if (d_beta) d_beta[j] = alpha / beta - 1.0 / y;
  }
}

void inv_gamma_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double alpha, double beta) {
    return positive_finite(alpha) && positive_finite(beta) ? beta / s.gamma(alpha) : not_a_number;
  });
}


// 1/Y ~ gamma(alpha, beta), so F(y) = Q(alpha, beta / y) and 1 - F = P(alpha, beta / y).
// With p the Gamma(alpha, 1) density at beta / y: dF/dy = p beta / y^2, dF/dbeta = -p / y.
void inv_gamma_log_tail(const ad::KernelCall& call, double* out, double* const* partials, bool upper) {
  double* d_y = wanted(partials, 0);
  double* d_alpha = wanted(partials, 1);
  double* d_beta = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], alpha = call.args[1].data[j], beta = call.args[2].data[j];
    const bool valid = positive_finite(alpha) && positive_finite(beta);
    const bool positive = y > 0.0;
    const double tail = positive ? incomplete_gamma(alpha, beta / y, !upper) : (upper ? 1.0 : 0.0);
    out[j] = valid ? std::log(tail) : not_a_number;
    const double sign = upper ? -1.0 : 1.0;
    const double ratio = positive ? sign * incomplete_gamma_derivative(alpha, beta / y) / tail : 0.0;
    if (d_y) d_y[j] = positive ? ratio * beta / (y * y) : 0.0;
    if (d_beta) d_beta[j] = positive ? -ratio / y : 0.0;
    if (d_alpha)
      d_alpha[j] = positive && valid ? shape_derivative([&](double a) { return std::log(incomplete_gamma(a, beta / y, !upper)); }, alpha)
                                     : 0.0;
  }
}

void inv_gamma_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  inv_gamma_log_tail(call, out, partials, false);
}
void inv_gamma_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  inv_gamma_log_tail(call, out, partials, true);
}

}  // namespace

extern const DistributionEntry inv_gamma_distribution{
    .name = "inv_gamma",
    .arg_count = 3,
    .args = {{{"y"}, {"alpha"}, {"beta"}}},
    .log_density = kernel_math::zero_partials_outside_support<inv_gamma_log_density>,
    .sample = inv_gamma_sample,
    .log_cdf = inv_gamma_log_cdf,
    .log_ccdf = inv_gamma_log_ccdf,
};

}  // namespace pm::stdlib::kernels
