// scaled_inv_chi_square(y | nu, s) = inv_gamma(y | nu / 2, nu s^2 / 2):
// log p = (nu/2) log(nu/2) - lgamma(nu/2) + nu log s - (nu/2 + 1) log y - nu s^2 / (2 y), y > 0.
// d/dy = -(nu/2 + 1) / y + nu s^2 / (2 y^2);
// d/dnu = (log(nu/2) + 1 - psi(nu/2)) / 2 + log s - log(y) / 2 - s^2 / (2 y);
// d/ds = nu / s - nu s / y.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void scaled_inv_chi_square_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_y = wanted(partials, 0);
  double* d_nu = wanted(partials, 1);
  double* d_s = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], nu = call.args[1].data[j], s = call.args[2].data[j];
    const double half = 0.5 * nu, s2 = s * s;
    const double value = y <= 0.0 ? -infinity
                                  : half * std::log(half) - log_gamma(half) + nu * std::log(s) -
                                        (half + 1.0) * std::log(y) - half * s2 / y;
    out[j] = positive_finite(nu) && positive_finite(s) ? value : not_a_number;
    if (d_y) d_y[j] = -(half + 1.0) / y + half * s2 / (y * y);
    if (d_nu) d_nu[j] = 0.5 * (std::log(half) + 1.0 - digamma(half)) + std::log(s) - 0.5 * std::log(y) - 0.5 * s2 / y;
    if (d_s) d_s[j] = nu / s - nu * s / y;
  }
}

void scaled_inv_chi_square_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // nu s^2 / X with X ~ chi_square(nu) = 2 gamma(nu / 2).
  sample_each<2>(parameters, stream, out, [](random::Stream& r, double nu, double s) {
    if (!(positive_finite(nu) && positive_finite(s))) return not_a_number;
    return nu * s * s / (2.0 * r.gamma(0.5 * nu));
  });
}

}  // namespace

extern const DistributionEntry scaled_inv_chi_square_distribution{
    .name = "scaled_inv_chi_square",
    .arg_count = 3,
    .args = {{{"y"}, {"nu"}, {"s"}}},
    .log_density = kernel_math::zero_partials_outside_support<scaled_inv_chi_square_log_density>,
    .sample = scaled_inv_chi_square_sample,
};

}  // namespace pm::stdlib::kernels
