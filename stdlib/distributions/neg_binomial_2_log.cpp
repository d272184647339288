// neg_binomial_2_log(n | eta, phi) = neg_binomial_2(n | exp(eta), phi), the log-mean form:
// with log(mu + phi) = log_sum_exp(eta, log phi) (no overflow of exp(eta)),
// log p = lgamma(n + phi) - lgamma(n + 1) - lgamma(phi) + n (eta - log(mu + phi))
//         + phi (log phi - log(mu + phi)).
// d/deta = n - (n + phi) mu / (mu + phi);
// d/dphi = psi(n + phi) - psi(phi) + log(phi / (mu + phi)) + (mu - n) / (mu + phi).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void neg_binomial_2_log_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_eta = wanted(partials, 1);
  double* d_phi = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double n = call.args[0].data[j], eta = call.args[1].data[j], phi = call.args[2].data[j];
    const bool valid = std::isfinite(eta) && positive_finite(phi);
    const bool inside = is_integer(n) && n >= 0.0;
    const double log_phi = std::log(phi);
    const double log_total = log_add_exp(eta, log_phi);  // log(mu + phi)
    const double value = log_gamma(n + phi) - log_gamma(n + 1.0) - log_gamma(phi) + n * (eta - log_total) +
                         phi * (log_phi - log_total);
    out[j] = valid ? (inside ? value : -infinity) : not_a_number;
    const double mu_share = std::exp(eta - log_total), phi_share = std::exp(log_phi - log_total);  // mu / (mu + phi), phi / (...)
    if (d_eta) d_eta[j] = n - (n + phi) * mu_share;
    if (d_phi) d_phi[j] = digamma(n + phi) - digamma(phi) + (log_phi - log_total) + mu_share - n * phi_share / phi;
  }
}

void neg_binomial_2_log_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // The gamma-Poisson mixture: lambda ~ gamma(phi, rate phi / mu), n ~ poisson(lambda).
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double eta, double phi) {
    if (!(std::isfinite(eta) && positive_finite(phi))) return not_a_number;
    const double rate = s.gamma(phi) * (std::exp(eta) / phi);
    return rate < 0x1.0p53 ? static_cast<double>(s.poisson(rate)) : not_a_number;
  });
}

}  // namespace

extern const DistributionEntry neg_binomial_2_log_distribution{
    .name = "neg_binomial_2_log",
    .discrete = true,
    .arg_count = 3,
    .args = {{{"n", ArgKind::integer}, {"eta"}, {"phi"}}},
    .log_density = kernel_math::zero_partials_outside_support<neg_binomial_2_log_log_density>,
    .sample = neg_binomial_2_log_sample,
};

}  // namespace pm::stdlib::kernels
