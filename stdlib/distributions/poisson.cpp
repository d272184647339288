// poisson(n | lambda): log p = n log lambda - lambda - lgamma(n + 1), n = 0, 1, 2, ...
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

// The sampler's exact algorithms need the rate to fit the int64 counts; 2^53 keeps every
// count exactly representable as a double too.
constexpr double largest_rate = 0x1.0p53;

void poisson_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_lambda = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double n = call.args[0].data[j], lambda = call.args[1].data[j];
    const bool valid = lambda >= 0.0 && lambda < infinity;
    const bool inside = is_integer(n) && n >= 0.0;
    out[j] = valid ? (inside ? multiply_log(n, lambda) - lambda - log_gamma(n + 1.0) : -infinity) : not_a_number;
    if (d_lambda) d_lambda[j] = n / lambda - 1.0;
  }
}

void poisson_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<1>(parameters, stream, out, [](random::Stream& s, double lambda) {
    if (!(lambda >= 0.0 && lambda < largest_rate)) return not_a_number;
    return static_cast<double>(s.poisson(lambda));
  });
}

}  // namespace

extern const DistributionEntry poisson_distribution{
    .name = "poisson",
    .discrete = true,
    .arg_count = 2,
    .args = {{{"n", ArgKind::integer}, {"lambda"}}},
    .log_density = kernel_math::zero_partials_outside_support<poisson_log_density>,
    .sample = poisson_sample,
};

}  // namespace pm::stdlib::kernels
