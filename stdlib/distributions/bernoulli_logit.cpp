// bernoulli_logit(n | alpha) = bernoulli(n | inv_logit(alpha)), computed on the logit scale:
// log p = log_inv_logit(alpha) = -log1p_exp(-alpha) if n = 1, -log1p_exp(alpha) if n = 0,
// finite and exact for alpha = +-1000 where inv_logit itself rounds to 0 or 1.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void bernoulli_logit_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_alpha = wanted(partials, 1);
  if (all_binary(arg(call, 0)) && all_finite(arg(call, 1))) {
    // The common case, vectorized: s = 2n - 1 = +-1, log p = log_inv_logit(s alpha),
    // d/dalpha = s inv_logit(-s alpha).
    const auto sign = 2.0 * arg(call, 0) - 1.0;
    const auto alpha = arg(call, 1);
    result(out, call.count) = ad::vector_math::log_inv_logit(sign * alpha);
    if (d_alpha) result(d_alpha, call.count) = sign * ad::vector_math::inv_logit(-sign * alpha);
    return;
  }
  for (std::size_t j = 0; j < call.count; ++j) {
    const double n = call.args[0].data[j], alpha = call.args[1].data[j];
    const double signed_alpha = n == 1.0 ? alpha : -alpha;  // log p = log_inv_logit(+-alpha)
    double value = log_inv_logit(signed_alpha);
    if (n != 0.0 && n != 1.0) value = -infinity;
    out[j] = std::isnan(alpha) ? not_a_number : value;
    // d/dalpha log_inv_logit(s alpha) = s inv_logit(-s alpha).
    if (d_alpha) d_alpha[j] = n == 1.0 ? inv_logit(-alpha) : -inv_logit(alpha);
  }
}

void bernoulli_logit_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<1>(parameters, stream, out, [](random::Stream& s, double alpha) {
    if (std::isnan(alpha)) return not_a_number;
    return s.uniform() < inv_logit(alpha) ? 1.0 : 0.0;
  });
}

}  // namespace

extern const DistributionEntry bernoulli_logit_distribution{
    .name = "bernoulli_logit",
    .discrete = true,
    .arg_count = 2,
    .args = {{{"n", ArgKind::integer}, {"alpha"}}},
    .log_density = kernel_math::zero_partials_outside_support<bernoulli_logit_log_density>,
    .sample = bernoulli_logit_sample,
};

}  // namespace pm::stdlib::kernels
