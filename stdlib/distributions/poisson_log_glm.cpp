// poisson_log_glm(y | x, alpha, beta) = poisson_log(y | alpha + x * beta), Stan's argument
// order (glm_math.hpp): log p = y eta - exp(eta) - lgamma(y + 1); d/deta = y - exp(eta).
#include "stdlib/distributions/glm_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

constexpr double largest_log_rate = 36.7;  // exp(36.7) < 2^53, the sampler's limit

struct PoissonLog {
  static double log_density(double y, double eta, double& d_eta) {
    if (!(is_integer(y) && y >= 0.0)) return -infinity;
    d_eta = y - std::exp(eta);
    return y * eta - std::exp(eta) - log_gamma(y + 1.0);
  }
  static double draw(random::Stream& s, double eta) {
    return eta < largest_log_rate ? static_cast<double>(s.poisson(std::exp(eta))) : not_a_number;
  }
};

}  // namespace

extern const DistributionEntry poisson_log_glm_distribution{
    .name = "poisson_log_glm",
    .discrete = true,
    .arg_count = 4,
    .args = {{{"y", ArgKind::integer},
              {"x", ArgKind::real, ArgShape::vector},
              {"alpha"},
              {"beta", ArgKind::real, ArgShape::vector}}},
    .log_density = kernel_math::zero_partials_outside_support<glm_log_density<PoissonLog>>,
    .sample = glm_sample<PoissonLog>,
};

}  // namespace pm::stdlib::kernels
