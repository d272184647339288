// double_exponential(y | mu, sigma), the Laplace distribution:
// log p = -log 2 - log sigma - |y - mu| / sigma.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

constexpr double log_two = 0.69314718055994530942;

void double_exponential_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto y = arg(call, 0), mu = arg(call, 1), sigma = arg(call, 2);
  const auto valid = (sigma > 0.0) && (sigma < infinity) && mu.isFinite();
  const auto difference = y - mu;
  result(out, call.count) = valid.select(-log_two - sigma.log() - difference.abs() / sigma, not_a_number);
  // |y - mu| has derivative sign(y - mu) (0 at the kink, Stan's choice).
  if (double* d = wanted(partials, 0)) result(d, call.count) = -difference.sign() / sigma;
  if (double* d = wanted(partials, 1)) result(d, call.count) = difference.sign() / sigma;
  if (double* d = wanted(partials, 2)) result(d, call.count) = (difference.abs() / sigma - 1.0) / sigma;
}

// log F(t) for the standard Laplace, t = s z: t < 0: log(1/2) + t; else log1p(-exp(-t)/2),
// with derivative 1 and 1 / (2 exp(t) - 1) respectively.
void double_exponential_log_tail(const ad::KernelCall& call, double* out, double* const* partials, double sign) {
  location_scale_log_tail(call, out, partials, sign, [](double t) {
    return t < 0.0 ? std::pair{-log_two + t, 1.0}
                   : std::pair{std::log1p(-0.5 * std::exp(-t)), 1.0 / (2.0 * std::exp(t) - 1.0)};
  });
}

void double_exponential_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  double_exponential_log_tail(call, out, partials, 1.0);
}
void double_exponential_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  double_exponential_log_tail(call, out, partials, -1.0);
}

void double_exponential_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // An exponential with a random sign.
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double mu, double sigma) {
    if (!(positive_finite(sigma) && std::isfinite(mu))) return not_a_number;
    const double magnitude = s.exponential();
    return mu + sigma * (s.uniform() < 0.5 ? magnitude : -magnitude);
  });
}

}  // namespace

extern const DistributionEntry double_exponential_distribution{
    .name = "double_exponential",
    .arg_count = 3,
    .args = {{{"y"}, {"mu"}, {"sigma"}}},
    .log_density = kernel_math::zero_partials_outside_support<double_exponential_log_density>,
    .sample = double_exponential_sample,
    .log_cdf = double_exponential_log_cdf,
    .log_ccdf = double_exponential_log_ccdf,
};

}  // namespace pm::stdlib::kernels
