// binomial_logit(n | N, alpha) = binomial(n | N, inv_logit(alpha)) on the logit scale:
// log p = log C(N, n) + n log_inv_logit(alpha) + (N - n) log1m_inv_logit(alpha).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void binomial_logit_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_alpha = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double n = call.args[0].data[j], trials = call.args[1].data[j], alpha = call.args[2].data[j];
    const bool valid = is_integer(trials) && trials >= 0.0 && !std::isnan(alpha);
    const bool inside = is_integer(n) && n >= 0.0 && n <= trials;
    const double failures = trials - n;
    const double log_choose = log_gamma(trials + 1.0) - log_gamma(n + 1.0) - log_gamma(failures + 1.0);
    const double value = log_choose + (n == 0.0 ? 0.0 : n * log_inv_logit(alpha)) +
                         (failures == 0.0 ? 0.0 : failures * log1m_inv_logit(alpha));
    out[j] = valid ? (inside ? value : -infinity) : not_a_number;
    // n inv_logit(-alpha) - (N - n) inv_logit(alpha) = n - N inv_logit(alpha).
    if (d_alpha) d_alpha[j] = n * inv_logit(-alpha) - failures * inv_logit(alpha);
  }
}

void binomial_logit_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double trials, double alpha) {
    if (!(is_integer(trials) && trials >= 0.0) || std::isnan(alpha)) return not_a_number;
    return static_cast<double>(s.binomial(static_cast<std::int64_t>(trials), inv_logit(alpha)));
  });
}

}  // namespace

extern const DistributionEntry binomial_logit_distribution{
    .name = "binomial_logit",
    .discrete = true,
    .arg_count = 3,
    .args = {{{"n", ArgKind::integer}, {"N", ArgKind::integer}, {"alpha"}}},
    .log_density = kernel_math::zero_partials_outside_support<binomial_logit_log_density>,
    .sample = binomial_logit_sample,
};

}  // namespace pm::stdlib::kernels
