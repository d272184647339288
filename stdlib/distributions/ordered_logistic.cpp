// ordered_logistic(y | eta, c): the ordinal logistic regression, F = inv_logit
// (ordered_math.hpp): P(y = k) = inv_logit(eta - c_{k-1}) - inv_logit(eta - c_k).
#include "stdlib/distributions/ordered_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

struct Logistic {
  static double log_cdf(double x) { return log_inv_logit(x); }
  static double log_pdf(double x) { return log_inv_logit(x) + log1m_inv_logit(x); }
};

void ordered_logistic_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  ordered_sample(parameters, stream, out, [](random::Stream& s) {
    const double u = s.uniform_open();
    return std::log(u) - std::log1p(-u);  // logistic(0, 1) by inversion
  });
}

}  // namespace

extern const DistributionEntry ordered_logistic_distribution{
    .name = "ordered_logistic",
    .discrete = true,
    .arg_count = 3,
    .args = {{{"k", ArgKind::integer}, {"eta"}, {"c", ArgKind::real, ArgShape::vector}}},
    .log_density = ordered_log_density<Logistic>,
    .sample = ordered_logistic_sample,
};

}  // namespace pm::stdlib::kernels
