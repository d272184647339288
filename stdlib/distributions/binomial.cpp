// binomial(n | N, theta): log p = log C(N, n) + n log theta + (N - n) log(1 - theta),
// log C(N, n) = lgamma(N + 1) - lgamma(n + 1) - lgamma(N - n + 1); 0 log 0 = 0 at theta = 0, 1.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void binomial_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_theta = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double n = call.args[0].data[j], trials = call.args[1].data[j], theta = call.args[2].data[j];
    const bool valid = is_integer(trials) && trials >= 0.0 && theta >= 0.0 && theta <= 1.0;
    const bool inside = is_integer(n) && n >= 0.0 && n <= trials;
    const double log_choose = log_gamma(trials + 1.0) - log_gamma(n + 1.0) - log_gamma(trials - n + 1.0);
    const double failures = trials - n;
    const double value = log_choose + multiply_log(n, theta) + (failures == 0.0 ? 0.0 : failures * std::log1p(-theta));
    out[j] = valid ? (inside ? value : -infinity) : not_a_number;
    if (d_theta) d_theta[j] = n / theta - failures / (1.0 - theta);
  }
}

void binomial_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double trials, double theta) {
    if (!(is_integer(trials) && trials >= 0.0 && theta >= 0.0 && theta <= 1.0)) return not_a_number;
    return static_cast<double>(s.binomial(static_cast<std::int64_t>(trials), theta));
  });
}

}  // namespace

extern const DistributionEntry binomial_distribution{
    .name = "binomial",
    .discrete = true,
    .arg_count = 3,
    .args = {{{"n", ArgKind::integer}, {"N", ArgKind::integer}, {"theta"}}},
    .log_density = kernel_math::zero_partials_outside_support<binomial_log_density>,
    .sample = binomial_sample,
};

}  // namespace pm::stdlib::kernels
