// logistic(y | mu, sigma): log p = -z - log sigma - 2 log1p(exp(-z)), z = (y - mu) / sigma;
// log F = log_inv_logit(z), log(1 - F) = log_inv_logit(-z).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void logistic_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_y = wanted(partials, 0);
  double* d_mu = wanted(partials, 1);
  double* d_sigma = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], mu = call.args[1].data[j], sigma = call.args[2].data[j];
    const bool valid = positive_finite(sigma) && std::isfinite(mu);
    const double z = (y - mu) / sigma;
    out[j] = valid ? -z - std::log(sigma) - 2.0 * log1p_exp(-z) : not_a_number;
    // d/dz [-z - 2 log1p_exp(-z)] = -1 + 2 inv_logit(-z) = 1 - 2 inv_logit(z).
    const double d_z = 1.0 - 2.0 * inv_logit(z);
    if (d_y) d_y[j] = d_z / sigma;
    if (d_mu) d_mu[j] = -d_z / sigma;
    if (d_sigma) d_sigma[j] = -(1.0 + d_z * z) / sigma;
  }
}

void logistic_log_tail(const ad::KernelCall& call, double* out, double* const* partials, double sign) {
  // d/dt log_inv_logit(t) = inv_logit(-t).
  location_scale_log_tail(call, out, partials, sign,
                          [](double t) { return std::pair{log_inv_logit(t), inv_logit(-t)}; });
}

void logistic_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  logistic_log_tail(call, out, partials, 1.0);
}
void logistic_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  logistic_log_tail(call, out, partials, -1.0);
}

void logistic_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // Inversion: mu + sigma logit(U).
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double mu, double sigma) {
    if (!(positive_finite(sigma) && std::isfinite(mu))) return not_a_number;
    const double u = s.uniform_open();
    return mu + sigma * (std::log(u) - std::log1p(-u));
  });
}

}  // namespace

extern const DistributionEntry logistic_distribution{
    .name = "logistic",
    .arg_count = 3,
    .args = {{{"y"}, {"mu"}, {"sigma"}}},
    .log_density = kernel_math::zero_partials_outside_support<logistic_log_density>,
    .sample = logistic_sample,
    .log_cdf = logistic_log_cdf,
    .log_ccdf = logistic_log_ccdf,
};

}  // namespace pm::stdlib::kernels
