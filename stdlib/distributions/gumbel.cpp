// gumbel(y | mu, beta), location mu and scale beta: with z = (y - mu) / beta,
// log p = -log beta - z - exp(-z); CDF F = exp(-exp(-z)).
// d/dz log p = exp(-z) - 1; d/dbeta = (z (1 - exp(-z)) - 1) / beta.
// log F = -exp(-z) (d/dz = exp(-z)); log(1 - F) = log1m_exp(-exp(-z))
// (d/dz = -exp(-z) / expm1(exp(-z))).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

// log(1 - exp(x)) for x < 0 (Maechler 2012).
double log1m_exp(double x) { return x > -0.6931471805599453 ? std::log(-std::expm1(x)) : std::log1p(-std::exp(x)); }

// Applies value_and_slope(z) = {log term, d/dz} per element with the chain rule through z.
template <class Term>
void gumbel_each(const ad::KernelCall& call, double* out, double* const* partials, bool density, Term term) {
  double* d_y = wanted(partials, 0);
  double* d_mu = wanted(partials, 1);
  double* d_beta = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], mu = call.args[1].data[j], beta = call.args[2].data[j];
    const bool valid = std::isfinite(mu) && positive_finite(beta);
    const double z = (y - mu) / beta;
    const auto [value, slope] = term(z);
    out[j] = valid ? value - (density ? std::log(beta) : 0.0) : not_a_number;
    if (d_y) d_y[j] = slope / beta;
    if (d_mu) d_mu[j] = -slope / beta;
    if (d_beta) d_beta[j] = -(slope * z + (density ? 1.0 : 0.0)) / beta;
  }
}

void gumbel_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  gumbel_each(call, out, partials, true, [](double z) {
    const double e = std::exp(-z);
    return std::pair{-z - e, e - 1.0};
  });
}
void gumbel_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  gumbel_each(call, out, partials, false, [](double z) {
    const double e = std::exp(-z);
    return std::pair{-e, e};
  });
}
void gumbel_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  gumbel_each(call, out, partials, false, [](double z) {
    const double e = std::exp(-z);
    return std::pair{log1m_exp(-e), -e / std::expm1(e)};
  });
}

void gumbel_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // Inversion: mu - beta log(-log U) = mu - beta log E, E ~ exponential(1).
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double mu, double beta) {
    if (!(std::isfinite(mu) && positive_finite(beta))) return not_a_number;
    return mu - beta * std::log(s.exponential());
  });
}

}  // namespace

extern const DistributionEntry gumbel_distribution{
    .name = "gumbel",
    .arg_count = 3,
    .args = {{{"y"}, {"mu"}, {"beta"}}},
    .log_density = kernel_math::zero_partials_outside_support<gumbel_log_density>,
    .sample = gumbel_sample,
    .log_cdf = gumbel_log_cdf,
    .log_ccdf = gumbel_log_ccdf,
};

}  // namespace pm::stdlib::kernels
