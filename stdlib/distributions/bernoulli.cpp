// bernoulli(n | theta): log p = log theta if n = 1, log(1 - theta) if n = 0; theta in [0, 1].
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

// The common case `y ~ bernoulli(theta)` with one theta for the block (KernelArg::uniform)
// strictly inside (0, 1): its two logs once per block instead of per element, and, when the
// caller accepts it (kernel.hpp), the block sum of the theta partial,
//   sum_j d/dtheta = k / theta - (count - k) / (1 - theta),   k = sum_j n_j.
// Returns false (nothing written) when an outcome is not 0 or 1 or theta is not inside (0, 1).
bool bernoulli_uniform_theta(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto n = arg(call, 0);
  const double theta = call.args[1].data[0];
  if (!(theta > 0.0 && theta < 1.0) || !all_binary(n)) return false;
  const double log_theta = std::log(theta), log1m_theta = std::log1p(-theta);
  result(out, call.count) = n * log_theta + (1.0 - n) * log1m_theta;  // exact for n in {0, 1}
  if (double* d = wanted(partials, 1)) {
    if (call.summed_partials) {
      const double k = n.sum();
      d[0] = k / theta - (static_cast<double>(call.count) - k) / (1.0 - theta);
      call.summed_partials[1] = true;
    } else {
      result(d, call.count) = n * (1.0 / theta + 1.0 / (1.0 - theta)) - 1.0 / (1.0 - theta);
    }
  }
  return true;
}

void bernoulli_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  if (call.count > 0 && call.args[1].uniform && bernoulli_uniform_theta(call, out, partials)) return;
  const auto n = arg(call, 0), theta = arg(call, 1);
  const auto valid = (theta >= 0.0) && (theta <= 1.0);
  if (all_binary(n) && all_between(theta, 0.0, 1.0)) {
    // The common case, vectorized: n log theta + (1 - n) log1p(-theta) with n in {0, 1}
    // (theta strictly inside (0, 1), so neither log is -inf and no 0 * inf arises).
    result(out, call.count) = n * theta.log() + (1.0 - n) * ad::vector_math::log1p(-theta);
    if (double* d = wanted(partials, 1)) result(d, call.count) = n / theta - (1.0 - n) / (1.0 - theta);
    return;
  }
  result(out, call.count) = valid.select(
      (n == 1.0).select(theta.log(), (n == 0.0).select((-theta).log1p(), -infinity)), not_a_number);
  if (double* d = wanted(partials, 1)) result(d, call.count) = (n == 1.0).select(1.0 / theta, -1.0 / (1.0 - theta));
}

void bernoulli_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<1>(parameters, stream, out, [](random::Stream& s, double theta) {
    if (!(theta >= 0.0 && theta <= 1.0)) return not_a_number;
    return s.uniform() < theta ? 1.0 : 0.0;
  });
}

}  // namespace

extern const DistributionEntry bernoulli_distribution{
    .name = "bernoulli",
    .discrete = true,
    .arg_count = 2,
    .args = {{{"n", ArgKind::integer}, {"theta"}}},
    .log_density = kernel_math::zero_partials_outside_support<bernoulli_log_density>,
    .sample = bernoulli_sample,
};

}  // namespace pm::stdlib::kernels
