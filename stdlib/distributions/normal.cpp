// normal(y | mu, sigma): log N(y | mu, sigma) = -z^2/2 - log sigma - log(2 pi)/2,
// z = (y - mu) / sigma; sigma > 0 and finite, mu finite.
#include "engine/random/stream.hpp"
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

// The common case `y ~ normal(mu, sigma)` with a scalar sigma (KernelArg::uniform): 1 / sigma
// and log sigma once per block instead of a division and a log per element, and, when the
// caller accepts them (kernel.hpp), the block sums of the scalar parameters' partials instead
// of per-element arrays:
//   sum_j d/dmu = (1/sigma) sum_j z_j,   sum_j d/dsigma = (1/sigma) (sum_j z_j^2 - count).
// Returns false (nothing written) when the block has an invalid mu or sigma: the general path
// below then marks those elements NaN.
bool normal_uniform_sigma(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto y = arg(call, 0), mu = arg(call, 1);
  const double sigma = call.args[2].data[0];
  const bool mu_uniform = call.args[1].uniform;
  if (!positive_finite(sigma) || !(mu_uniform ? std::isfinite(mu[0]) : all_finite(mu))) return false;
  const double inverse_sigma = 1.0 / sigma;
  const double constant = -std::log(sigma) - 0.5 * log_two_pi;
  const std::size_t count = call.count;
  auto evaluate = [&](const auto& mu_values) {
    const auto z = (y - mu_values) * inverse_sigma;
    result(out, count) = -0.5 * z.square() + constant;
    double* d_mu = wanted(partials, 1);
    double* d_sigma = wanted(partials, 2);
    const bool sum_mu = d_mu && mu_uniform && call.summed_partials;
    const bool sum_sigma = d_sigma && call.summed_partials;
    // A finite sum of squares means every z, hence every out[j], is finite: the shortcut's
    // condition (no -inf density, e.g. from an infinite y).
    const double sum_of_squares = sum_mu || sum_sigma ? z.square().sum() : 0.0;
    const bool may_sum = std::isfinite(sum_of_squares);
    if (double* d = wanted(partials, 0)) result(d, count) = -z * inverse_sigma;
    if (sum_mu && may_sum) {
      d_mu[0] = z.sum() * inverse_sigma;
      call.summed_partials[1] = true;
    } else if (d_mu) {
      result(d_mu, count) = z * inverse_sigma;
    }
    if (sum_sigma && may_sum) {
      d_sigma[0] = (sum_of_squares - static_cast<double>(count)) * inverse_sigma;
      call.summed_partials[2] = true;
    } else if (d_sigma) {
      result(d_sigma, count) = (z.square() - 1.0) * inverse_sigma;
    }
  };
  if (mu_uniform)
    evaluate(mu[0]);
  else
    evaluate(mu);
  return true;
}

void normal_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  if (call.count > 0 && call.args[2].uniform && normal_uniform_sigma(call, out, partials)) return;
  const auto y = arg(call, 0), mu = arg(call, 1), sigma = arg(call, 2);
  const auto valid = (sigma > 0.0) && (sigma < infinity) && mu.isFinite();
  const auto z = (y - mu) / sigma;
  assign_where_valid(out, call.count, all_positive_finite(sigma) && all_finite(mu), valid,
                     -0.5 * z.square() - sigma.log() - 0.5 * log_two_pi);
  // d/dy = -z / sigma, d/dmu = z / sigma, d/dsigma = (z^2 - 1) / sigma.
  if (double* d = wanted(partials, 0)) result(d, call.count) = -z / sigma;
  if (double* d = wanted(partials, 1)) result(d, call.count) = z / sigma;
  if (double* d = wanted(partials, 2)) result(d, call.count) = (z.square() - 1.0) / sigma;
}

// log Phi(+-z) and its partials; `upper` selects the complementary CDF, log Phi(-z).
void normal_log_tail(const ad::KernelCall& call, double* out, double* const* partials, bool upper) {
  location_scale_log_tail(call, out, partials, upper ? -1.0 : 1.0, [](double t) {
    return std::pair{log_standard_normal_cdf(t), standard_normal_cdf_log_derivative(t)};
  });
}

void normal_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  normal_log_tail(call, out, partials, false);
}
void normal_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  normal_log_tail(call, out, partials, true);
}

void normal_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const double mu = parameters.args[0].data[j], sigma = parameters.args[1].data[j];
    const bool valid = sigma > 0.0 && sigma < infinity && std::isfinite(mu);
    out[j] = valid ? stream.normal(mu, sigma) : not_a_number;
  }
}

}  // namespace

extern const DistributionEntry normal_distribution{
    .name = "normal",
    .discrete = false,
    .arg_count = 3,
    .args = {{{"y"}, {"mu"}, {"sigma"}}},
    .log_density = kernel_math::zero_partials_outside_support<normal_log_density>,
    .sample = normal_sample,
    .log_cdf = normal_log_cdf,
    .log_ccdf = normal_log_ccdf,
};

}  // namespace pm::stdlib::kernels
