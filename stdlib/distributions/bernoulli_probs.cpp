// bernoulli_probs(x | p): the Bernoulli cross-entropy on a real outcome x in [0, 1],
// x log p + (1 - x) log(1 - p), the reconstruction term of most VAE code for grey pixels.
// Normalized only for x in {0, 1}: on [0, 1] it does not integrate to 1 (continuous_bernoulli
// does). 0 log 0 = 0, so p = 0 or 1 with a matching binary x scores 0.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void bernoulli_probs_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_x = wanted(partials, 0);
  double* d_p = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double x = call.args[0].data[j], p = call.args[1].data[j];
    const bool valid = p >= 0.0 && p <= 1.0;
    const bool inside = x >= 0.0 && x <= 1.0;
    const double complement = 1.0 - x;
    const double value = multiply_log(x, p) + (complement == 0.0 ? 0.0 : complement * std::log1p(-p));
    out[j] = valid ? (inside ? value : -infinity) : not_a_number;
    // d/dx = log p - log(1 - p) = logit p; d/dp = x / p - (1 - x) / (1 - p).
    if (d_x) d_x[j] = std::log(p) - std::log1p(-p);
    if (d_p) d_p[j] = x / p - complement / (1.0 - p);
  }
}

void bernoulli_probs_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // The distribution it is normalized for: a Bernoulli draw in {0, 1}.
  sample_each<1>(parameters, stream, out, [](random::Stream& s, double p) {
    if (!(p >= 0.0 && p <= 1.0)) return not_a_number;
    return s.uniform() < p ? 1.0 : 0.0;
  });
}

}  // namespace

extern const DistributionEntry bernoulli_probs_distribution{
    .name = "bernoulli_probs",
    .arg_count = 2,
    .args = {{{"x"}, {"p"}}},
    .log_density = kernel_math::zero_partials_outside_support<bernoulli_probs_log_density>,
    .sample = bernoulli_probs_sample,
};

}  // namespace pm::stdlib::kernels
