// neg_binomial_2(n | mu, phi), mean mu and precision phi (variance mu + mu^2 / phi):
// log p = lgamma(n + phi) - lgamma(n + 1) - lgamma(phi) + n log(mu / (mu + phi))
//         + phi log(phi / (mu + phi)),
// with phi log(phi / (mu + phi)) = -phi log1p(mu / phi). For large phi (the Poisson limit)
// lgamma(n + phi) - lgamma(phi) and psi(n + phi) - psi(phi) cancel catastrophically, so
// above phi = 1e3 they are taken from Stirling's series (DLMF 5.11.1, 5.11.2) in log1p form:
//   lgamma(n + phi) - lgamma(phi) = (phi - 1/2) log1p(n / phi) + n log(n + phi) - n
//                                   + s(n + phi) - s(phi),  s(x) = 1/(12x) - 1/(360x^3) + ...
//   psi(n + phi) - psi(phi) = log1p(n / phi) + e(n + phi) - e(phi),
//                             e(x) = -1/(2x) - 1/(12x^2) + 1/(120x^4) - ...
// (truncation errors below 1e-18 for x > 1e3), keeping the phi partial accurate to about
// eps / phi, i.e. to eps on the log phi scale.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

constexpr double stirling_cutoff = 1e3;

double stirling_remainder(double x) { return 1.0 / (12.0 * x) - 1.0 / (360.0 * x * x * x); }
double digamma_remainder(double x) {
  const double inverse_square = 1.0 / (x * x);
  return -0.5 / x - inverse_square / 12.0 + inverse_square * inverse_square / 120.0;
}

void neg_binomial_2_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_mu = wanted(partials, 1);
  double* d_phi = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double n = call.args[0].data[j], mu = call.args[1].data[j], phi = call.args[2].data[j];
    const bool valid = positive_finite(mu) && positive_finite(phi);
    const bool inside = is_integer(n) && n >= 0.0;
    const double log1p_mu_over_phi = std::log1p(mu / phi);
    const bool large_phi = phi > stirling_cutoff;
    double value, digamma_difference;
    if (large_phi) {
      // lgamma(n + phi) - lgamma(phi) - n log(mu + phi), all in O(n) and O(mu) sized terms.
      value = (phi - 0.5) * std::log1p(n / phi) + n * std::log1p((n - mu) / (mu + phi)) - n +
              stirling_remainder(n + phi) - stirling_remainder(phi);
      digamma_difference = std::log1p(n / phi) + digamma_remainder(n + phi) - digamma_remainder(phi);
    } else {
      value = log_gamma(n + phi) - log_gamma(phi) - n * std::log(mu + phi);
      digamma_difference = d_phi ? digamma(n + phi) - digamma(phi) : 0.0;
    }
    value += multiply_log(n, mu) - log_gamma(n + 1.0) - phi * log1p_mu_over_phi;
    out[j] = valid ? (inside ? value : -infinity) : not_a_number;
    // d/dmu = n / mu - (n + phi) / (mu + phi);
    // d/dphi = psi(n + phi) - psi(phi) - log1p(mu / phi) + (mu - n) / (mu + phi).
    if (d_mu) d_mu[j] = n / mu - (n + phi) / (mu + phi);
    if (d_phi) d_phi[j] = digamma_difference - log1p_mu_over_phi + (mu - n) / (mu + phi);
  }
}

void neg_binomial_2_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // The gamma-Poisson mixture: lambda ~ gamma(phi, rate phi / mu), n ~ poisson(lambda).
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double mu, double phi) {
    if (!(positive_finite(mu) && positive_finite(phi))) return not_a_number;
    const double rate = s.gamma(phi) * (mu / phi);
    return rate < 0x1.0p53 ? static_cast<double>(s.poisson(rate)) : not_a_number;
  });
}

}  // namespace

extern const DistributionEntry neg_binomial_2_distribution{
    .name = "neg_binomial_2",
    .discrete = true,
    .arg_count = 3,
    .args = {{{"n", ArgKind::integer}, {"mu"}, {"phi"}}},
    .log_density = kernel_math::zero_partials_outside_support<neg_binomial_2_log_density>,
    .sample = neg_binomial_2_sample,
};

}  // namespace pm::stdlib::kernels
