// skew_normal(y | xi, omega, alpha), location xi, scale omega, shape alpha (Azzalini 1985):
// p = (2 / omega) phi(z) Phi(alpha z), z = (y - xi) / omega, so
// log p = log 2 - log omega - log(2 pi) / 2 - z^2 / 2 + log Phi(alpha z).
// With r = phi(alpha z) / Phi(alpha z) (the inverse Mills ratio, from logs: no 0 / 0):
// d/dz = -z + alpha r; d/dalpha = z r; d/domega = -(1 + z d/dz) / omega.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void skew_normal_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_y = wanted(partials, 0);
  double* d_xi = wanted(partials, 1);
  double* d_omega = wanted(partials, 2);
  double* d_alpha = wanted(partials, 3);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], xi = call.args[1].data[j];
    const double omega = call.args[2].data[j], alpha = call.args[3].data[j];
    const bool valid = std::isfinite(xi) && positive_finite(omega) && std::isfinite(alpha);
    const double z = (y - xi) / omega;
    const double value = std::numbers::ln2 - std::log(omega) - 0.5 * log_two_pi - 0.5 * z * z +
                         log_standard_normal_cdf(alpha * z);
    out[j] = valid ? value : not_a_number;
    const double r = standard_normal_cdf_log_derivative(alpha * z);
    const double d_z = -z + alpha * r;
    if (d_y) d_y[j] = d_z / omega;
    if (d_xi) d_xi[j] = -d_z / omega;
    if (d_omega) d_omega[j] = -(1.0 + z * d_z) / omega;
    if (d_alpha) d_alpha[j] = z * r;
  }
}

void skew_normal_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // z = delta |u| + sqrt(1 - delta^2) v, u, v ~ N(0, 1), delta = alpha / sqrt(1 + alpha^2)
  // (Azzalini & Dalla Valle 1996), then y = xi + omega z.
  sample_each<3>(parameters, stream, out, [](random::Stream& s, double xi, double omega, double alpha) {
    if (!(std::isfinite(xi) && positive_finite(omega) && std::isfinite(alpha))) return not_a_number;
    const double delta = alpha / std::sqrt(1.0 + alpha * alpha);
    const double u = s.normal(), v = s.normal();
    return xi + omega * (delta * std::abs(u) + std::sqrt(1.0 - delta * delta) * v);
  });
}

}  // namespace

extern const DistributionEntry skew_normal_distribution{
    .name = "skew_normal",
    .arg_count = 4,
    .args = {{{"y"}, {"xi"}, {"omega"}, {"alpha"}}},
    .log_density = kernel_math::zero_partials_outside_support<skew_normal_log_density>,
    .sample = skew_normal_sample,
};

}  // namespace pm::stdlib::kernels
