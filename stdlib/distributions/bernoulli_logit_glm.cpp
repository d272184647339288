// bernoulli_logit_glm(y | x, alpha, beta) = bernoulli_logit(y | alpha + x * beta), Stan's
// argument order (glm_math.hpp): log p = y eta - log1p_exp(eta) = log_inv_logit(+-eta);
// d/deta = y - inv_logit(eta).
#include "stdlib/distributions/glm_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

struct BernoulliLogit {
  static double log_density(double y, double eta, double& d_eta) {
    if (!(y == 0.0 || y == 1.0)) return -infinity;
    d_eta = y - inv_logit(eta);
    return y == 1.0 ? log_inv_logit(eta) : log1m_inv_logit(eta);
  }
  static double draw(random::Stream& s, double eta) { return s.uniform() < inv_logit(eta) ? 1.0 : 0.0; }
};

}  // namespace

extern const DistributionEntry bernoulli_logit_glm_distribution{
    .name = "bernoulli_logit_glm",
    .discrete = true,
    .arg_count = 4,
    .args = {{{"y", ArgKind::integer},
              {"x", ArgKind::real, ArgShape::vector},
              {"alpha"},
              {"beta", ArgKind::real, ArgShape::vector}}},
    .log_density = kernel_math::zero_partials_outside_support<glm_log_density<BernoulliLogit>>,
    .sample = glm_sample<BernoulliLogit>,
};

}  // namespace pm::stdlib::kernels
