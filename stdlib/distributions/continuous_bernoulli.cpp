// continuous_bernoulli(x | lambda) (Loaiza-Ganem & Cunningham, "The continuous Bernoulli",
// NeurIPS 2019): density C(lambda) lambda^x (1 - lambda)^(1 - x) on [0, 1], lambda in (0, 1),
// with normalizer C(lambda) = 2 atanh(1 - 2 lambda) / (1 - 2 lambda), C(1/2) = 2.
// With u = 1 - 2 lambda, atanh(u) / u = 1 + u^2/3 + u^4/5 + u^6/7 + ..., so near lambda = 1/2
// (|u| < 0.02) log C = log 2 + log1p(u^2/3 + u^4/5 + u^6/7 + u^8/9), whose truncation errs
// by < u^10 / 11 < 1e-17: no 0/0 at the midpoint.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

constexpr double log_two = 0.69314718055994530942;
constexpr double series_radius = 0.02;

// log C(lambda) and its derivative with respect to lambda.
void log_normalizer(double lambda, double& value, double& derivative) {
  const double u = 1.0 - 2.0 * lambda;
  if (std::abs(u) < series_radius) {
    const double s = u * u;
    const double series = s / 3.0 + s * s / 5.0 + s * s * s / 7.0 + s * s * s * s / 9.0;
    const double d_series_d_u = u * (2.0 / 3.0 + s * (4.0 / 5.0 + s * (6.0 / 7.0 + s * 8.0 / 9.0)));
    value = log_two + std::log1p(series);
    derivative = -2.0 * d_series_d_u / (1.0 + series);
  } else {
    const double inverse_tanh = std::atanh(u);
    value = std::log(2.0 * inverse_tanh / u);
    // d/du [log atanh(u) - log u] = 1 / ((1 - u^2) atanh(u)) - 1 / u; du/dlambda = -2.
    derivative = -2.0 * (1.0 / ((1.0 - u * u) * inverse_tanh) - 1.0 / u);
  }
}

void continuous_bernoulli_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_x = wanted(partials, 0);
  double* d_lambda = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double x = call.args[0].data[j], lambda = call.args[1].data[j];
    const bool valid = lambda > 0.0 && lambda < 1.0;
    const bool inside = x >= 0.0 && x <= 1.0;
    double normalizer, d_normalizer;
    log_normalizer(lambda, normalizer, d_normalizer);
    const double log_lambda = std::log(lambda), log1m_lambda = std::log1p(-lambda);
    const double value = normalizer + x * log_lambda + (1.0 - x) * log1m_lambda;
    out[j] = valid ? (inside ? value : -infinity) : not_a_number;
    if (d_x) d_x[j] = log_lambda - log1m_lambda;
    if (d_lambda) d_lambda[j] = d_normalizer + x / lambda - (1.0 - x) / (1.0 - lambda);
  }
}

void continuous_bernoulli_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // Inversion: F(x) = (lambda^x (1-lambda)^(1-x) + lambda - 1) / (2 lambda - 1), so with
  // r = (2 lambda - 1) / (1 - lambda), F^-1(u) = log1p(u r) / log1p(r) (-> u as r -> 0).
  sample_each<1>(parameters, stream, out, [](random::Stream& s, double lambda) {
    if (!(lambda > 0.0 && lambda < 1.0)) return not_a_number;
    const double u = s.uniform();
    const double r = (2.0 * lambda - 1.0) / (1.0 - lambda);
    return r == 0.0 ? u : std::log1p(u * r) / std::log1p(r);
  });
}

}  // namespace

extern const DistributionEntry continuous_bernoulli_distribution{
    .name = "continuous_bernoulli",
    .arg_count = 2,
    .args = {{{"x"}, {"lambda"}}},
    .log_density = kernel_math::zero_partials_outside_support<continuous_bernoulli_log_density>,
    .sample = continuous_bernoulli_sample,
};

}  // namespace pm::stdlib::kernels
