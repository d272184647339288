// von_mises(y | mu, kappa), the circular normal: log p = kappa cos(y - mu) - log(2 pi I0(kappa)),
// with log I0(kappa) = kappa + log(i0e(kappa)) from the exponentially scaled Bessel function
// (Eigen's bessel_i0e, Cephes: no overflow for large kappa). kappa = 0 is the uniform circle.
// d/dy = -kappa sin(y - mu) = -d/dmu; d/dkappa = cos(y - mu) - I1(kappa) / I0(kappa).
// The density is 2 pi periodic in y (any real y is accepted, as Stan).
#include <unsupported/Eigen/SpecialFunctions>

#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void von_mises_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_y = wanted(partials, 0);
  double* d_mu = wanted(partials, 1);
  double* d_kappa = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], mu = call.args[1].data[j], kappa = call.args[2].data[j];
    const bool valid = std::isfinite(mu) && kappa >= 0.0 && kappa < infinity && std::isfinite(y);
    const double i0e = Eigen::numext::bessel_i0e(kappa), i1e = Eigen::numext::bessel_i1e(kappa);
    const double angle = y - mu;
    out[j] = valid ? kappa * (std::cos(angle) - 1.0) - std::log(2.0 * pi * i0e) : not_a_number;
    if (d_y) d_y[j] = -kappa * std::sin(angle);
    if (d_mu) d_mu[j] = kappa * std::sin(angle);
    if (d_kappa) d_kappa[j] = std::cos(angle) - i1e / i0e;
  }
}

// Best & Fisher (1979), "Efficient simulation of the von Mises distribution", the wrapped
// Cauchy envelope; mu + theta, theta in [-pi, pi]. Tiny kappa: uniform on the circle;
// huge kappa (where the envelope's constants lose precision): its normal limit.
double von_mises_draw(random::Stream& s, double mu, double kappa) {
  if (!(std::isfinite(mu) && kappa >= 0.0 && kappa < infinity)) return not_a_number;
  if (kappa < 1e-8) return mu + pi * (2.0 * s.uniform() - 1.0);
  if (kappa > 1e8) return s.normal(mu, 1.0 / std::sqrt(kappa));
  const double tau = 1.0 + std::sqrt(1.0 + 4.0 * kappa * kappa);
  const double rho = (tau - std::sqrt(2.0 * tau)) / (2.0 * kappa);
  const double r = (1.0 + rho * rho) / (2.0 * rho);
  for (;;) {
    const double z = std::cos(pi * s.uniform());
    const double f = (1.0 + r * z) / (r + z);
    const double c = kappa * (r - f);
    const double u2 = s.uniform_open();
    if (c * (2.0 - c) - u2 > 0.0 || std::log(c / u2) + 1.0 - c >= 0.0) {
      const double theta = std::acos(std::clamp(f, -1.0, 1.0));
      return s.uniform() < 0.5 ? mu - theta : mu + theta;
    }
  }
}

void von_mises_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<2>(parameters, stream, out, von_mises_draw);
}

}  // namespace

extern const DistributionEntry von_mises_distribution{
    .name = "von_mises",
    .arg_count = 3,
    .args = {{{"y"}, {"mu"}, {"kappa"}}},
    .log_density = kernel_math::zero_partials_outside_support<von_mises_log_density>,
    .sample = von_mises_sample,
};

}  // namespace pm::stdlib::kernels
