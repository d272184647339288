// inv_chi_square(y | nu): 1 / y ~ chi_square(nu), i.e. inv_gamma(y | nu / 2, 1 / 2):
// log p = -(nu/2) log 2 - lgamma(nu/2) - (nu/2 + 1) log y - 1 / (2 y), y > 0.
// d/dy = -(nu/2 + 1) / y + 1 / (2 y^2); d/dnu = (-log 2 - psi(nu/2) - log y) / 2.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

constexpr double log_two = std::numbers::ln2;

void inv_chi_square_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_y = wanted(partials, 0);
  double* d_nu = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], nu = call.args[1].data[j], half = 0.5 * nu;
    // y = 0: the density's limit is 0 (exp(-1 / (2y)) wins), log p = -inf.
    const double value = y <= 0.0 ? -infinity : -half * log_two - log_gamma(half) - (half + 1.0) * std::log(y) - 0.5 / y;
    out[j] = positive_finite(nu) ? value : not_a_number;
    if (d_y) d_y[j] = -(half + 1.0) / y + 0.5 / (y * y);
    if (d_nu) d_nu[j] = 0.5 * (-log_two - digamma(half) - std::log(y));
  }
}

void inv_chi_square_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<1>(parameters, stream, out, [](random::Stream& s, double nu) {
    return positive_finite(nu) ? 0.5 / s.gamma(0.5 * nu) : not_a_number;
  });
}

}  // namespace

extern const DistributionEntry inv_chi_square_distribution{
    .name = "inv_chi_square",
    .arg_count = 2,
    .args = {{{"y"}, {"nu"}}},
    .log_density = kernel_math::zero_partials_outside_support<inv_chi_square_log_density>,
    .sample = inv_chi_square_sample,
};

}  // namespace pm::stdlib::kernels
