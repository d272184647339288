// normal_id_glm(y | x, alpha, beta, sigma): the Gaussian linear model, Stan's argument order,
// y_j ~ normal(alpha_j + x_j . beta, sigma_j) with x_j the j-th row of x (an event of K) and
// beta a K-vector (usually broadcast). With z = (y - mu) / sigma:
// d/dy = -z / sigma, d/dalpha = z / sigma, d/dx_jk = (z / sigma) beta_k,
// d/dbeta_k = (z / sigma) x_jk, d/dsigma = (z^2 - 1) / sigma.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

double linear_predictor(const double* row, const double* beta, std::size_t size) {
  double total = 0.0;
  for (std::size_t k = 0; k < size; ++k) total += row[k] * beta[k];
  return total;
}

void normal_id_glm_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const std::size_t size = call.args[3].event_size;
  double* d_y = wanted(partials, 0);
  double* d_x = wanted(partials, 1);
  double* d_alpha = wanted(partials, 2);
  double* d_beta = wanted(partials, 3);
  double* d_sigma = wanted(partials, 4);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], alpha = call.args[2].data[j], sigma = call.args[4].data[j];
    const double* row = event(call.args[1], j);
    const double* beta = event(call.args[3], j);
    const double mu = alpha + linear_predictor(row, beta, size);
    const bool valid = positive_finite(sigma) && std::isfinite(mu);
    const double z = (y - mu) / sigma;
    out[j] = valid ? -0.5 * z * z - std::log(sigma) - 0.5 * log_two_pi : not_a_number;
    const double d_mu = z / sigma;
    if (d_y) d_y[j] = -d_mu;
    if (d_alpha) d_alpha[j] = d_mu;
    if (d_sigma) d_sigma[j] = (z * z - 1.0) / sigma;
    for (std::size_t k = 0; k < size; ++k) {
      if (d_x) d_x[j * size + k] = d_mu * beta[k];
      if (d_beta) d_beta[j * size + k] = d_mu * row[k];
    }
  }
}

void normal_id_glm_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  const std::size_t size = parameters.args[2].event_size;
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const double alpha = parameters.args[1].data[j], sigma = parameters.args[3].data[j];
    const double mu = alpha + linear_predictor(event(parameters.args[0], j), event(parameters.args[2], j), size);
    out[j] = positive_finite(sigma) && std::isfinite(mu) ? stream.normal(mu, sigma) : not_a_number;
  }
}

}  // namespace

extern const DistributionEntry normal_id_glm_distribution{
    .name = "normal_id_glm",
    .arg_count = 5,
    .args = {{{"y"},
              {"x", ArgKind::real, ArgShape::vector},
              {"alpha"},
              {"beta", ArgKind::real, ArgShape::vector},
              {"sigma"}}},
    .log_density = kernel_math::zero_partials_outside_support<normal_id_glm_log_density>,
    .sample = normal_id_glm_sample,
};

}  // namespace pm::stdlib::kernels
