// weibull(y | alpha, sigma), shape alpha and scale sigma, t = (y / sigma)^alpha:
// log p = log alpha - log sigma + (alpha - 1) log(y / sigma) - t for y >= 0;
// log F = log(1 - exp(-t)) = log(-expm1(-t)), log(1 - F) = -t.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void weibull_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_y = wanted(partials, 0);
  double* d_alpha = wanted(partials, 1);
  double* d_sigma = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], alpha = call.args[1].data[j], sigma = call.args[2].data[j];
    const bool valid = positive_finite(alpha) && positive_finite(sigma);
    const double log_ratio = std::log(y / sigma);
    const double t = std::pow(y / sigma, alpha);
    const double value = y < 0.0 ? -infinity
                                 : std::log(alpha) - std::log(sigma) + multiply_log(alpha - 1.0, y / sigma) - t;
    out[j] = valid ? value : not_a_number;
    // dt/dy = alpha (y / sigma)^(alpha - 1) / sigma, finite at y = 0 for alpha >= 1.
    if (d_y) d_y[j] = (alpha == 1.0 ? 0.0 : (alpha - 1.0) / y) - alpha * std::pow(y / sigma, alpha - 1.0) / sigma;
    if (d_alpha) d_alpha[j] = 1.0 / alpha + log_ratio * (1.0 - t);
    if (d_sigma) d_sigma[j] = alpha * (t - 1.0) / sigma;
  }
}

// dt/dy = alpha t / y, dt/dalpha = t log(y / sigma), dt/dsigma = -alpha t / sigma.
void weibull_log_tail(const ad::KernelCall& call, double* out, double* const* partials, bool upper) {
  double* d_y = wanted(partials, 0);
  double* d_alpha = wanted(partials, 1);
  double* d_sigma = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], alpha = call.args[1].data[j], sigma = call.args[2].data[j];
    const bool valid = positive_finite(alpha) && positive_finite(sigma);
    const bool positive = y > 0.0;
    const double t = positive ? std::pow(y / sigma, alpha) : 0.0;
    double value, d_t;
    if (upper) {
      value = -t;
      d_t = -1.0;
    } else {
      value = positive ? std::log(-std::expm1(-t)) : -infinity;
      d_t = 1.0 / std::expm1(t);
    }
    out[j] = valid ? value : not_a_number;
    if (d_y) d_y[j] = positive ? d_t * alpha * t / y : 0.0;
    if (d_alpha) d_alpha[j] = positive ? d_t * t * std::log(y / sigma) : 0.0;
    if (d_sigma) d_sigma[j] = positive ? -d_t * alpha * t / sigma : 0.0;
  }
}

void weibull_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  weibull_log_tail(call, out, partials, false);
}
void weibull_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  weibull_log_tail(call, out, partials, true);
}

void weibull_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // Inversion: sigma E^(1/alpha), E ~ exponential(1).
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double alpha, double sigma) {
    if (!(positive_finite(alpha) && positive_finite(sigma))) return not_a_number;
    return sigma * std::pow(s.exponential(), 1.0 / alpha);
  });
}

}  // namespace

extern const DistributionEntry weibull_distribution{
    .name = "weibull",
    .arg_count = 3,
    .args = {{{"y"}, {"alpha"}, {"sigma"}}},
    .log_density = kernel_math::zero_partials_outside_support<weibull_log_density>,
    .sample = weibull_sample,
    .log_cdf = weibull_log_cdf,
    .log_ccdf = weibull_log_ccdf,
};

}  // namespace pm::stdlib::kernels
