// uniform(y | alpha, beta): log p = -log(beta - alpha) for alpha <= y <= beta.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

bool valid_bounds(double alpha, double beta) { return std::isfinite(alpha) && std::isfinite(beta) && alpha < beta; }

void uniform_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto y = arg(call, 0), alpha = arg(call, 1), beta = arg(call, 2);
  const auto valid = alpha.isFinite() && beta.isFinite() && (alpha < beta);
  result(out, call.count) =
      valid.select((y >= alpha && y <= beta).select(-(beta - alpha).log(), -infinity), not_a_number);
  if (double* d = wanted(partials, 0)) result(d, call.count).setZero();
  if (double* d = wanted(partials, 1)) result(d, call.count) = 1.0 / (beta - alpha);
  if (double* d = wanted(partials, 2)) result(d, call.count) = -1.0 / (beta - alpha);
}

// log F = log(y - alpha) - log(beta - alpha) inside; upper selects log(beta - y) - log(beta - alpha).
void uniform_log_tail(const ad::KernelCall& call, double* out, double* const* partials, bool upper) {
  double* d_y = wanted(partials, 0);
  double* d_alpha = wanted(partials, 1);
  double* d_beta = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], alpha = call.args[1].data[j], beta = call.args[2].data[j];
    const double width = beta - alpha;
    double value, dy = 0.0, dalpha = 0.0, dbeta = 0.0;
    if (y <= alpha) {
      value = upper ? 0.0 : -infinity;
    } else if (y >= beta) {
      value = upper ? -infinity : 0.0;
    } else if (!upper) {
      value = std::log((y - alpha) / width);
      dy = 1.0 / (y - alpha);
      dalpha = -1.0 / (y - alpha) + 1.0 / width;
      dbeta = -1.0 / width;
    } else {
      value = std::log((beta - y) / width);
      dy = -1.0 / (beta - y);
      dalpha = 1.0 / width;
      dbeta = 1.0 / (beta - y) - 1.0 / width;
    }
    out[j] = valid_bounds(alpha, beta) ? value : not_a_number;
    if (d_y) d_y[j] = dy;
    if (d_alpha) d_alpha[j] = dalpha;
    if (d_beta) d_beta[j] = dbeta;
  }
}

void uniform_log_cdf(const ad::KernelCall& call, double* out, double* const* partials) {
  uniform_log_tail(call, out, partials, false);
}
void uniform_log_ccdf(const ad::KernelCall& call, double* out, double* const* partials) {
  uniform_log_tail(call, out, partials, true);
}

void uniform_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double alpha, double beta) {
    return valid_bounds(alpha, beta) ? s.uniform(alpha, beta) : not_a_number;
  });
}

}  // namespace

extern const DistributionEntry uniform_distribution{
    .name = "uniform",
    .arg_count = 3,
    .args = {{{"y"}, {"alpha"}, {"beta"}}},
    .log_density = kernel_math::zero_partials_outside_support<uniform_log_density>,
    .sample = uniform_sample,
    .log_cdf = uniform_log_cdf,
    .log_ccdf = uniform_log_ccdf,
};

}  // namespace pm::stdlib::kernels
