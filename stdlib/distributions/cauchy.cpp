// cauchy(y | mu, sigma): log p = -log pi - log sigma - log1p(z^2), z = (y - mu) / sigma.
// CDF F(z) = 1/2 + atan(z)/pi, evaluated as atan(-1/z)/pi for z < 0 to avoid cancellation.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void cauchy_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto y = arg(call, 0), mu = arg(call, 1), sigma = arg(call, 2);
  const auto valid = (sigma > 0.0) && (sigma < infinity) && mu.isFinite();
  const auto z = (y - mu) / sigma;
  assign_where_valid(out, call.count, all_positive_finite(sigma) && all_finite(mu), valid,
                     -log_pi - sigma.log() - ad::vector_math::log1p(z.square()));
  // d/dz = -2 z / (1 + z^2); d/dsigma = (z^2 - 1) / (sigma (1 + z^2)).
  if (double* d = wanted(partials, 0)) result(d, call.count) = -2.0 * z / (sigma * (1.0 + z.square()));
  if (double* d = wanted(partials, 1)) result(d, call.count) = 2.0 * z / (sigma * (1.0 + z.square()));
  if (double* d = wanted(partials, 2)) result(d, call.count) = (z.square() - 1.0) / (sigma * (1.0 + z.square()));
}

double standard_cauchy_cdf(double z) { return z < 0.0 ? std::atan(-1.0 / z) / pi : 0.5 + std::atan(z) / pi; }

void cauchy_log_tail(const ad::KernelCall& call, double* out, double* const* partials, double sign) {
  // d/dt log F(t) = 1 / (pi (1 + t^2) F(t)).
  location_scale_log_tail(call, out, partials, sign, [](double t) {
    const double tail = standard_cauchy_cdf(t);
    return std::pair{std::log(tail), 1.0 / (pi * (1.0 + t * t) * tail)};
  });
}

void cauchy_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  cauchy_log_tail(call, out, partials, 1.0);
}
void cauchy_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  cauchy_log_tail(call, out, partials, -1.0);
}

void cauchy_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // Inversion: mu + sigma tan(pi (U - 1/2)), U in (0, 1).
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double mu, double sigma) {
    if (!(positive_finite(sigma) && std::isfinite(mu))) return not_a_number;
    return mu + sigma * std::tan(pi * (s.uniform_open() - 0.5));
  });
}

}  // namespace

extern const DistributionEntry cauchy_distribution{
    .name = "cauchy",
    .arg_count = 3,
    .args = {{{"y"}, {"mu"}, {"sigma"}}},
    .log_density = kernel_math::zero_partials_outside_support<cauchy_log_density>,
    .sample = cauchy_sample,
    .log_cdf = cauchy_log_cdf,
    .log_ccdf = cauchy_log_ccdf,
};

}  // namespace pm::stdlib::kernels
