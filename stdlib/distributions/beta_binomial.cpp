// beta_binomial(n | N, alpha, beta), n in {0, ..., N}: the binomial with its probability
// drawn from beta(alpha, beta),
// log p = lchoose(N, n) + lbeta(n + alpha, N - n + beta) - lbeta(alpha, beta).
// d/dalpha = psi(n + alpha) - psi(N + alpha + beta) - psi(alpha) + psi(alpha + beta);
// d/dbeta  = psi(N - n + beta) - psi(N + alpha + beta) - psi(beta) + psi(alpha + beta).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void beta_binomial_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_alpha = wanted(partials, 2);
  double* d_beta = wanted(partials, 3);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double n = call.args[0].data[j], trials = call.args[1].data[j];
    const double alpha = call.args[2].data[j], beta = call.args[3].data[j];
    const bool valid = is_integer(trials) && trials >= 0.0 && positive_finite(alpha) && positive_finite(beta);
    const bool inside = is_integer(n) && n >= 0.0 && n <= trials;
    const double log_choose = log_gamma(trials + 1.0) - log_gamma(n + 1.0) - log_gamma(trials - n + 1.0);
    const double value = log_choose + log_beta(n + alpha, trials - n + beta) - log_beta(alpha, beta);
    out[j] = valid ? (inside ? value : -infinity) : not_a_number;
    const double shared = digamma(alpha + beta) - digamma(trials + alpha + beta);
    if (d_alpha) d_alpha[j] = digamma(n + alpha) - digamma(alpha) + shared;
    if (d_beta) d_beta[j] = digamma(trials - n + beta) - digamma(beta) + shared;
  }
}

void beta_binomial_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // p ~ beta(alpha, beta), then n ~ binomial(N, p).
  sample_each<3>(parameters, stream, out, [](random::Stream& s, double trials, double alpha, double beta) {
    if (!(is_integer(trials) && trials >= 0.0 && trials < 0x1.0p53 && positive_finite(alpha) && positive_finite(beta)))
      return not_a_number;
    return static_cast<double>(s.binomial(static_cast<std::int64_t>(trials), s.beta(alpha, beta)));
  });
}

}  // namespace

extern const DistributionEntry beta_binomial_distribution{
    .name = "beta_binomial",
    .discrete = true,
    .arg_count = 4,
    .args = {{{"n", ArgKind::integer}, {"N", ArgKind::integer}, {"alpha"}, {"beta"}}},
    .log_density = kernel_math::zero_partials_outside_support<beta_binomial_log_density>,
    .sample = beta_binomial_sample,
};

}  // namespace pm::stdlib::kernels
