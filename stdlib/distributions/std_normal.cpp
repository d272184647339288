// std_normal(y) = normal(y | 0, 1): log p = -y^2 / 2 - log(2 pi) / 2; d/dy = -y.
// log CDF log Phi(y), log CCDF log Phi(-y) (kernel_math.hpp, accurate in both tails).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void std_normal_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto y = arg(call, 0);
  result(out, call.count) = -0.5 * y.square() - 0.5 * log_two_pi;
  if (double* d = wanted(partials, 0)) result(d, call.count) = -y;
}

void std_normal_log_tail(const ad::KernelCall& call, double* out, double* const* partials, double sign) {
  double* d_y = wanted(partials, 0);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double t = sign * call.args[0].data[j];
    out[j] = log_standard_normal_cdf(t);
    if (d_y) d_y[j] = sign * standard_normal_cdf_log_derivative(t);
  }
}
void std_normal_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  std_normal_log_tail(call, out, partials, 1.0);
}
void std_normal_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  std_normal_log_tail(call, out, partials, -1.0);
}

void std_normal_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  stream.fill_normal(out, parameters.count);
}

}  // namespace

extern const DistributionEntry std_normal_distribution{
    .name = "std_normal",
    .arg_count = 1,
    .args = {{{"y"}}},
    .log_density = std_normal_log_density,
    .sample = std_normal_sample,
    .log_cdf = std_normal_log_cdf,
    .log_ccdf = std_normal_log_ccdf,
};

}  // namespace pm::stdlib::kernels
