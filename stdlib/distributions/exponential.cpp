// exponential(y | beta), beta the rate: log p = log beta - beta y for y >= 0.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void exponential_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto y = arg(call, 0), beta = arg(call, 1);
  const auto valid = (beta > 0.0) && (beta < infinity);
  if (all_positive_finite(beta) && all_nonnegative(y))
    result(out, call.count) = beta.log() - beta * y;  // the common case, vectorized (kernel_math.hpp)
  else
    result(out, call.count) = valid.select((y >= 0.0).select(beta.log() - beta * y, -infinity), not_a_number);
  if (double* d = wanted(partials, 0)) result(d, call.count) = -beta;
  if (double* d = wanted(partials, 1)) result(d, call.count) = 1.0 / beta - y;
}

// log F = log(1 - exp(-beta y)) = log(-expm1(-beta y)); d/d(beta y) = 1 / expm1(beta y).
void exponential_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_y = wanted(partials, 0);
  double* d_beta = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], beta = call.args[1].data[j];
    const double value = y > 0.0 ? std::log(-std::expm1(-beta * y)) : -infinity;
    out[j] = positive_finite(beta) ? value : not_a_number;
    const double d_t = y > 0.0 ? 1.0 / std::expm1(beta * y) : 0.0;
    if (d_y) d_y[j] = d_t * beta;
    if (d_beta) d_beta[j] = d_t * y;
  }
}

// log(1 - F) = -beta y for y >= 0.
void exponential_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  double* d_y = wanted(partials, 0);
  double* d_beta = wanted(partials, 1);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], beta = call.args[1].data[j];
    out[j] = positive_finite(beta) ? (y > 0.0 ? -beta * y : 0.0) : not_a_number;
    if (d_y) d_y[j] = y > 0.0 ? -beta : 0.0;
    if (d_beta) d_beta[j] = y > 0.0 ? -y : 0.0;
  }
}

void exponential_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<1>(parameters, stream, out, [](random::Stream& s, double beta) {
    return positive_finite(beta) ? s.exponential() / beta : not_a_number;
  });
}

}  // namespace

extern const DistributionEntry exponential_distribution{
    .name = "exponential",
    .arg_count = 2,
    .args = {{{"y"}, {"beta"}}},
    .log_density = kernel_math::zero_partials_outside_support<exponential_log_density>,
    .sample = exponential_sample,
    .log_cdf = exponential_log_cdf,
    .log_ccdf = exponential_log_ccdf,
};

}  // namespace pm::stdlib::kernels
