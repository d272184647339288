// lognormal(y | mu, sigma): log y ~ normal(mu, sigma); y > 0.
// log p = -z^2/2 - log sigma - log(2 pi)/2 - log y, z = (log y - mu) / sigma.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void lognormal_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto y = arg(call, 0), mu = arg(call, 1), sigma = arg(call, 2);
  const auto valid = (sigma > 0.0) && (sigma < infinity) && mu.isFinite();
  const auto log_y = y.log();
  const auto z = (log_y - mu) / sigma;
  const auto log_density = -0.5 * z.square() - sigma.log() - 0.5 * log_two_pi - log_y;
  if (all_positive_finite(sigma) && all_finite(mu) && all_positive_finite(y))
    result(out, call.count) = log_density;  // the common case, vectorized (kernel_math.hpp)
  else
    result(out, call.count) = valid.select((y > 0.0).select(log_density, -infinity), not_a_number);
  // d/dy = -(z / sigma + 1) / y, d/dmu = z / sigma, d/dsigma = (z^2 - 1) / sigma.
  if (double* d = wanted(partials, 0)) result(d, call.count) = -(z / sigma + 1.0) / y;
  if (double* d = wanted(partials, 1)) result(d, call.count) = z / sigma;
  if (double* d = wanted(partials, 2)) result(d, call.count) = (z.square() - 1.0) / sigma;
}

// log Phi(s z) with z = (log y - mu) / sigma; s = -1 for the complement.
void lognormal_log_tail(const ad::KernelCall& call, double* out, double* const* partials, double sign) {
  double* d_y = wanted(partials, 0);
  double* d_mu = wanted(partials, 1);
  double* d_sigma = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], mu = call.args[1].data[j], sigma = call.args[2].data[j];
    const bool valid = positive_finite(sigma) && std::isfinite(mu);
    const double z = (std::log(y) - mu) / sigma;
    double value = log_standard_normal_cdf(sign * z);
    if (y <= 0.0) value = sign > 0 ? -infinity : 0.0;
    out[j] = valid ? value : not_a_number;
    const double d_z = y > 0.0 ? sign * standard_normal_cdf_log_derivative(sign * z) : 0.0;
    if (d_y) d_y[j] = y > 0.0 ? d_z / (sigma * y) : 0.0;
    if (d_mu) d_mu[j] = -d_z / sigma;
    if (d_sigma) d_sigma[j] = y > 0.0 ? -d_z * z / sigma : 0.0;
  }
}

void lognormal_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  lognormal_log_tail(call, out, partials, 1.0);
}
void lognormal_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  lognormal_log_tail(call, out, partials, -1.0);
}

void lognormal_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double mu, double sigma) {
    return positive_finite(sigma) && std::isfinite(mu) ? std::exp(s.normal(mu, sigma)) : not_a_number;
  });
}

}  // namespace

extern const DistributionEntry lognormal_distribution{
    .name = "lognormal",
    .arg_count = 3,
    .args = {{{"y"}, {"mu"}, {"sigma"}}},
    .log_density = kernel_math::zero_partials_outside_support<lognormal_log_density>,
    .sample = lognormal_sample,
    .log_cdf = lognormal_log_cdf,
    .log_ccdf = lognormal_log_ccdf,
};

}  // namespace pm::stdlib::kernels
