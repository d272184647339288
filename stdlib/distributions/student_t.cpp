// student_t(y | nu, mu, sigma), z = (y - mu) / sigma:
// log p = lgamma((nu+1)/2) - lgamma(nu/2) - log(nu pi)/2 - log sigma - (nu+1)/2 log1p(z^2/nu).
#include "stdlib/distributions/cdf_math.hpp"
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

// The common case -- one nu for the whole block, mu and sigma valid, |z| <= 1e150 (so z^2
// does not overflow) -- vectorized, with the lgamma and digamma terms evaluated once.
bool student_t_log_density_shared_nu(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto y = arg(call, 0), nu_values = arg(call, 1), mu = arg(call, 2), sigma = arg(call, 3);
  if (!(all_equal_positive_finite(nu_values) && all_finite(mu) && all_positive_finite(sigma))) return false;
  const auto z = (y - mu) / sigma;
  if (!all_between(z, -1e150, 1e150)) return false;
  const double nu = nu_values[0];
  const auto log1p_term = ad::vector_math::log1p(z.square() / nu);
  const auto share = (1.0 + nu / z.square()).inverse();  // z^2 / (nu + z^2), 0 at z = 0
  const auto d_z = -(nu + 1.0) * z / (nu + z.square());
  result(out, call.count) = log_gamma(0.5 * (nu + 1.0)) - log_gamma(0.5 * nu) - 0.5 * (std::log(nu) + log_pi) -
                            sigma.log() - 0.5 * (nu + 1.0) * log1p_term;
  if (double* d = wanted(partials, 0)) result(d, call.count) = d_z / sigma;
  if (double* d = wanted(partials, 2)) result(d, call.count) = -d_z / sigma;
  if (double* d = wanted(partials, 3)) result(d, call.count) = (-1.0 + (nu + 1.0) * share) / sigma;
  if (double* d = wanted(partials, 1)) {
    const double digamma_difference = digamma(0.5 * (nu + 1.0)) - digamma(0.5 * nu) - 1.0 / nu;
    result(d, call.count) = 0.5 * (digamma_difference - log1p_term + (nu + 1.0) * share / nu);
  }
  return true;
}

void student_t_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  if (student_t_log_density_shared_nu(call, out, partials)) return;
  double* d_y = wanted(partials, 0);
  double* d_nu = wanted(partials, 1);
  double* d_mu = wanted(partials, 2);
  double* d_sigma = wanted(partials, 3);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], nu = call.args[1].data[j];
    const double mu = call.args[2].data[j], sigma = call.args[3].data[j];
    const bool valid = positive_finite(nu) && positive_finite(sigma) && std::isfinite(mu);
    const double z = (y - mu) / sigma;
    const double z_square = z * z;  // may overflow to inf for |z| > 1e154; handled below
    // log1p(z^2 / nu), as 2 log|z| - log nu + log1p(nu / z^2) when z^2 would overflow.
    const double log1p_term = std::abs(z) > 1e150 ? 2.0 * std::log(std::abs(z)) - std::log(nu) + std::log1p(nu / z_square)
                                                  : std::log1p(z_square / nu);
    // share = z^2 / (nu + z^2), in [0, 1] even when z^2 = inf.
    const double share = 1.0 / (1.0 + nu / z_square);
    out[j] = valid ? log_gamma(0.5 * (nu + 1.0)) - log_gamma(0.5 * nu) - 0.5 * (std::log(nu) + log_pi) -
                         std::log(sigma) - 0.5 * (nu + 1.0) * log1p_term
                   : not_a_number;
    // d/dz = -(nu + 1) z / (nu + z^2); d/dsigma = (-1 + (nu + 1) share) / sigma;
    // d/dnu = [psi((nu+1)/2) - psi(nu/2) - 1/nu - log1p(z^2/nu) + (nu + 1) share / nu] / 2.
    const double d_z = -(nu + 1.0) * z / (nu + z_square);
    if (d_y) d_y[j] = d_z / sigma;
    if (d_mu) d_mu[j] = -d_z / sigma;
    if (d_sigma) d_sigma[j] = (-1.0 + (nu + 1.0) * share) / sigma;
    if (d_nu)
      d_nu[j] = 0.5 * (digamma(0.5 * (nu + 1.0)) - digamma(0.5 * nu) - 1.0 / nu - log1p_term + (nu + 1.0) * share / nu);
  }
}

void student_t_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // mu + sigma * N / sqrt(V / nu) with V ~ chi^2(nu) = 2 Gamma(nu / 2).
  sample_each<3>(parameters, stream, out, [](random::Stream& s, double nu, double mu, double sigma) {
    if (!(positive_finite(nu) && positive_finite(sigma) && std::isfinite(mu))) return not_a_number;
    const double normal = s.normal();
    const double chi_square = 2.0 * s.gamma(0.5 * nu);
    return mu + sigma * normal / std::sqrt(chi_square / nu);
  });
}


// F(y) = T_nu(z), z = (y - mu) / sigma; dF/dz = the standard t density; nu numerically.
void student_t_log_tail(const ad::KernelCall& call, double* out, double* const* partials, bool upper) {
  double* d_y = wanted(partials, 0);
  double* d_nu = wanted(partials, 1);
  double* d_mu = wanted(partials, 2);
  double* d_sigma = wanted(partials, 3);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], nu = call.args[1].data[j];
    const double mu = call.args[2].data[j], sigma = call.args[3].data[j];
    const bool valid = positive_finite(nu) && positive_finite(sigma) && std::isfinite(mu);
    const double z = (y - mu) / sigma;
    const double tail = student_t_cdf(nu, z, upper);
    out[j] = valid ? std::log(tail) : not_a_number;
    const double d_z = (upper ? -1.0 : 1.0) * student_t_density(nu, z) / tail;
    if (d_y) d_y[j] = d_z / sigma;
    if (d_mu) d_mu[j] = -d_z / sigma;
    if (d_sigma) d_sigma[j] = -d_z * z / sigma;
    if (d_nu) d_nu[j] = valid ? shape_derivative([&](double n) { return std::log(student_t_cdf(n, z, upper)); }, nu) : 0.0;
  }
}

void student_t_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  student_t_log_tail(call, out, partials, false);
}
void student_t_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  student_t_log_tail(call, out, partials, true);
}

}  // namespace

extern const DistributionEntry student_t_distribution{
    .name = "student_t",
    .arg_count = 4,
    .args = {{{"y"}, {"nu"}, {"mu"}, {"sigma"}}},
    .log_density = kernel_math::zero_partials_outside_support<student_t_log_density>,
    .sample = student_t_sample,
    .log_cdf = student_t_log_cdf,
    .log_ccdf = student_t_log_ccdf,
};

}  // namespace pm::stdlib::kernels
