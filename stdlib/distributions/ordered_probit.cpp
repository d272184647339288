// ordered_probit(y | eta, c): the ordinal probit regression, F = Phi (ordered_math.hpp):
// P(y = k) = Phi(c_k - eta) - Phi(c_{k-1} - eta).
#include "stdlib/distributions/ordered_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

struct Probit {
  static double log_cdf(double x) { return log_standard_normal_cdf(x); }
  static double log_pdf(double x) { return -0.5 * x * x - 0.5 * log_two_pi; }
};

void ordered_probit_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  ordered_sample(parameters, stream, out, [](random::Stream& s) { return s.normal(); });
}

}  // namespace

extern const DistributionEntry ordered_probit_distribution{
    .name = "ordered_probit",
    .discrete = true,
    .arg_count = 3,
    .args = {{{"k", ArgKind::integer}, {"eta"}, {"c", ArgKind::real, ArgShape::vector}}},
    .log_density = ordered_log_density<Probit>,
    .sample = ordered_probit_sample,
};

}  // namespace pm::stdlib::kernels
