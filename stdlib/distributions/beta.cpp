// beta(theta | a, b): log p = (a - 1) log theta + (b - 1) log(1 - theta) - log B(a, b)
// for theta in [0, 1].
#include "stdlib/distributions/cdf_math.hpp"
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

// The common case -- one a and one b for the whole block, theta strictly inside (0, 1) --
// vectorized, with log B(a, b) and the digammas evaluated once.
bool beta_log_density_shared_shapes(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto theta = arg(call, 0), a_values = arg(call, 1), b_values = arg(call, 2);
  if (!(all_equal_positive_finite(a_values) && all_equal_positive_finite(b_values) && all_between(theta, 0.0, 1.0)))
    return false;
  const double a = a_values[0], b = b_values[0];
  const auto log1m_theta = ad::vector_math::log1p(-theta);
  result(out, call.count) = (a - 1.0) * theta.log() + (b - 1.0) * log1m_theta - log_beta(a, b);
  if (double* d = wanted(partials, 0)) result(d, call.count) = (a - 1.0) / theta - (b - 1.0) / (1.0 - theta);
  const double digamma_sum = (wanted(partials, 1) || wanted(partials, 2)) ? digamma(a + b) : 0.0;
  if (double* d = wanted(partials, 1)) result(d, call.count) = theta.log() - digamma(a) + digamma_sum;
  if (double* d = wanted(partials, 2)) result(d, call.count) = log1m_theta - digamma(b) + digamma_sum;
  return true;
}

void beta_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  if (beta_log_density_shared_shapes(call, out, partials)) return;
  double* d_theta = wanted(partials, 0);
  double* d_a = wanted(partials, 1);
  double* d_b = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double theta = call.args[0].data[j], a = call.args[1].data[j], b = call.args[2].data[j];
    const bool valid = positive_finite(a) && positive_finite(b);
    const bool inside = theta >= 0.0 && theta <= 1.0;
    const double log_theta = std::log(theta), log1m_theta = std::log1p(-theta);
    const double value = inside ? multiply_log(a - 1.0, theta) + (b == 1.0 ? 0.0 : (b - 1.0) * log1m_theta) - log_beta(a, b)
                                : -infinity;
    out[j] = valid ? value : not_a_number;
    const double digamma_sum = (d_a || d_b) ? digamma(a + b) : 0.0;
    // (a - 1) / theta is 0 for a = 1 even at theta = 0 (likewise for b at theta = 1).
    if (d_theta) d_theta[j] = (a == 1.0 ? 0.0 : (a - 1.0) / theta) - (b == 1.0 ? 0.0 : (b - 1.0) / (1.0 - theta));
    if (d_a) d_a[j] = log_theta - digamma(a) + digamma_sum;
    if (d_b) d_b[j] = log1m_theta - digamma(b) + digamma_sum;
  }
}

void beta_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double a, double b) { return s.beta(a, b); });
}


// F(theta) = I_theta(a, b), the regularized incomplete beta; dF/dtheta = the density; the a
// and b partials numerically (cdf_math.hpp).
void beta_log_tail(const ad::KernelCall& call, double* out, double* const* partials, bool upper) {
  double* d_theta = wanted(partials, 0);
  double* d_a = wanted(partials, 1);
  double* d_b = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double theta = call.args[0].data[j], a = call.args[1].data[j], b = call.args[2].data[j];
    const bool valid = positive_finite(a) && positive_finite(b);
    const bool inside = theta > 0.0 && theta < 1.0;
    double tail = incomplete_beta(a, b, theta, upper);
    if (theta <= 0.0) tail = upper ? 1.0 : 0.0;
    if (theta >= 1.0) tail = upper ? 0.0 : 1.0;
    out[j] = valid ? std::log(tail) : not_a_number;
    const double sign = upper ? -1.0 : 1.0;
    if (d_theta) d_theta[j] = inside ? sign * incomplete_beta_derivative(a, b, theta) / tail : 0.0;
    const bool numeric = inside && valid;
    if (d_a) d_a[j] = numeric ? shape_derivative([&](double s) { return std::log(incomplete_beta(s, b, theta, upper)); }, a) : 0.0;
    if (d_b) d_b[j] = numeric ? shape_derivative([&](double s) { return std::log(incomplete_beta(a, s, theta, upper)); }, b) : 0.0;
  }
}

void beta_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  beta_log_tail(call, out, partials, false);
}
void beta_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  beta_log_tail(call, out, partials, true);
}

}  // namespace

extern const DistributionEntry beta_distribution{
    .name = "beta",
    .arg_count = 3,
    .args = {{{"theta"}, {"alpha"}, {"beta"}}},
    .log_density = kernel_math::zero_partials_outside_support<beta_log_density>,
    .sample = beta_sample,
    .log_cdf = beta_log_cdf,
    .log_ccdf = beta_log_ccdf,
};

}  // namespace pm::stdlib::kernels
