// categorical(y | theta), y in 1..K (Stan's 1-based outcomes), theta a K-simplex:
// log p = log theta[y].
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void categorical_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const ad::KernelArg& theta_arg = call.args[1];
  const std::size_t size = theta_arg.event_size;
  double* d_theta = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j];
    const double* theta = event(theta_arg, j);
    const bool inside = is_integer(y) && y >= 1.0 && y <= static_cast<double>(size);
    const std::size_t chosen = inside ? static_cast<std::size_t>(y) - 1 : size;
    out[j] = is_simplex(theta, size) ? (inside ? std::log(theta[chosen]) : -infinity) : not_a_number;
    if (d_theta) {
      double* d = d_theta + j * size;
      for (std::size_t k = 0; k < size; ++k) d[k] = k == chosen ? 1.0 / theta[k] : 0.0;
    }
  }
}

void categorical_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  const ad::KernelArg& theta_arg = parameters.args[0];
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const double* theta = event(theta_arg, j);
    out[j] = is_simplex(theta, theta_arg.event_size)
                 ? static_cast<double>(stream.categorical(theta, theta_arg.event_size) + 1)
                 : not_a_number;
  }
}

}  // namespace

extern const DistributionEntry categorical_distribution{
    .name = "categorical",
    .discrete = true,
    .arg_count = 2,
    .args = {{{"y", ArgKind::integer}, {"theta", ArgKind::real, ArgShape::vector}}},
    .log_density = kernel_math::zero_partials_outside_support<categorical_log_density>,
    .sample = categorical_sample,
};

}  // namespace pm::stdlib::kernels
