// poisson_log(n | alpha) = poisson(n | exp(alpha)): log p = n alpha - exp(alpha) - lgamma(n + 1).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

constexpr double largest_log_rate = 36.7;  // exp(36.7) < 2^53, the sampler's limit

void poisson_log_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_alpha = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double n = call.args[0].data[j], alpha = call.args[1].data[j];
    const bool valid = !std::isnan(alpha) && alpha < infinity;
    const bool inside = is_integer(n) && n >= 0.0;
    // n alpha with alpha = -inf (rate 0) is 0 for n = 0.
    const double value = (n == 0.0 ? 0.0 : n * alpha) - std::exp(alpha) - log_gamma(n + 1.0);
    out[j] = valid ? (inside ? value : -infinity) : not_a_number;
    if (d_alpha) d_alpha[j] = n - std::exp(alpha);
  }
}

void poisson_log_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<1>(parameters, stream, out, [](random::Stream& s, double alpha) {
    if (std::isnan(alpha) || !(alpha < largest_log_rate)) return not_a_number;
    return static_cast<double>(s.poisson(std::exp(alpha)));
  });
}

}  // namespace

extern const DistributionEntry poisson_log_distribution{
    .name = "poisson_log",
    .discrete = true,
    .arg_count = 2,
    .args = {{{"n", ArgKind::integer}, {"alpha"}}},
    .log_density = kernel_math::zero_partials_outside_support<poisson_log_log_density>,
    .sample = poisson_log_sample,
};

}  // namespace pm::stdlib::kernels
