// chi_square(y | nu) = gamma(y | nu / 2, 1 / 2):
// log p = -(nu/2) log 2 - lgamma(nu/2) + (nu/2 - 1) log y - y / 2, y >= 0.
// d/dy = (nu/2 - 1) / y - 1/2; d/dnu = (-log 2 - psi(nu/2) + log y) / 2.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

constexpr double log_two = std::numbers::ln2;

void chi_square_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_y = wanted(partials, 0);
  double* d_nu = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], nu = call.args[1].data[j], half = 0.5 * nu;
    const double value = y < 0.0 ? -infinity : -half * log_two - log_gamma(half) + multiply_log(half - 1.0, y) - 0.5 * y;
    out[j] = positive_finite(nu) ? value : not_a_number;
    if (d_y) d_y[j] = (half == 1.0 ? 0.0 : (half - 1.0) / y) - 0.5;
    if (d_nu) d_nu[j] = 0.5 * (-log_two - digamma(half) + std::log(y));
  }
}

void chi_square_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<1>(parameters, stream, out, [](random::Stream& s, double nu) {
    return positive_finite(nu) ? 2.0 * s.gamma(0.5 * nu) : not_a_number;
  });
}

}  // namespace

extern const DistributionEntry chi_square_distribution{
    .name = "chi_square",
    .arg_count = 2,
    .args = {{{"y"}, {"nu"}}},
    .log_density = kernel_math::zero_partials_outside_support<chi_square_log_density>,
    .sample = chi_square_sample,
};

}  // namespace pm::stdlib::kernels
