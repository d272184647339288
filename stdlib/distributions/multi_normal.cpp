// multi_normal(y | mu, Sigma), Sigma symmetric positive definite. With Sigma = L L'
// (Cholesky) and r = y - mu:
// log p = -K/2 log(2 pi) - sum_k log L_kk - r' Sigma^-1 r / 2.
// Partials: a = Sigma^-1 r; d/dy = -a, d/dmu = a, d/dSigma = (a a' - Sigma^-1) / 2, the
// gradient with each entry of Sigma treated as free (symmetric, so either triangle works).
// Sigma is read as its symmetric part (Sigma + Sigma') / 2, which makes those partials exact
// for finite differences too; an asymmetry beyond 1e-8 (Stan's tolerance) is invalid.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/multivariate.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

bool nearly_symmetric(const ConstMatrixMap& sigma) {
  for (Eigen::Index c = 0; c < sigma.cols(); ++c)
    for (Eigen::Index r = c + 1; r < sigma.rows(); ++r)
      if (!(std::abs(sigma(r, c) - sigma(c, r)) <= 1e-8 * std::max(1.0, std::abs(sigma(r, c))))) return false;
  return sigma.allFinite();
}

// Factors the event's Sigma; false when it is not a valid covariance matrix.
bool factor_covariance(const ConstMatrixMap& sigma, Eigen::LLT<Eigen::MatrixXd>& factor) {
  if (!nearly_symmetric(sigma)) return false;
  factor.compute(0.5 * (sigma + sigma.transpose()));
  return factor.info() == Eigen::Success && (factor.matrixLLT().diagonal().array() > 0.0).all();
}

void multi_normal_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto size = static_cast<Eigen::Index>(call.args[0].event_size);
  double* d_y = wanted(partials, 0);
  double* d_mu = wanted(partials, 1);
  double* d_sigma = wanted(partials, 2);
  Eigen::LLT<Eigen::MatrixXd> factor(size);
  Eigen::MatrixXd inverse;
  Eigen::VectorXd a(size);
  bool valid = false;
  double log_determinant_half = 0.0;
  for (std::size_t j = 0; j < call.count; ++j) {
    const ConstVectorMap y(event(call.args[0], j), size), mu(event(call.args[1], j), size);
    // A broadcast Sigma is factored once for the whole block.
    if (j == 0 || !call.args[2].broadcast) {
      const ConstMatrixMap sigma(event(call.args[2], j), size, size);
      valid = factor_covariance(sigma, factor);
      if (valid) {
        log_determinant_half = factor.matrixLLT().diagonal().array().log().sum();
        if (d_sigma) inverse = factor.solve(Eigen::MatrixXd::Identity(size, size));
      }
    }
    if (!valid || !mu.allFinite()) {
      out[j] = not_a_number;
      continue;
    }
    a = factor.solve(y - mu);
    out[j] = -0.5 * static_cast<double>(size) * log_two_pi - log_determinant_half - 0.5 * (y - mu).dot(a);
    if (d_y) VectorMap(d_y + j * size, size) = -a;
    if (d_mu) VectorMap(d_mu + j * size, size) = a;
    if (d_sigma) MatrixMap(d_sigma + j * size * size, size, size) = 0.5 * (a * a.transpose() - inverse);
  }
}

void multi_normal_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // y = mu + L z with Sigma = L L', z ~ N(0, I).
  const auto size = static_cast<Eigen::Index>(parameters.args[0].event_size);
  Eigen::LLT<Eigen::MatrixXd> factor(size);
  Eigen::VectorXd z(size);
  bool valid = false;
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const ConstVectorMap mu(event(parameters.args[0], j), size);
    if (j == 0 || !parameters.args[1].broadcast)
      valid = factor_covariance(ConstMatrixMap(event(parameters.args[1], j), size, size), factor);
    VectorMap y(out + j * size, size);
    stream.fill_normal(z.data(), static_cast<std::size_t>(size));
    if (valid && mu.allFinite())
      y = mu + factor.matrixL() * z;
    else
      y.setConstant(not_a_number);
  }
}

}  // namespace

extern const DistributionEntry multi_normal_distribution{
    .name = "multi_normal",
    .arg_count = 3,
    .args = {{{"y", ArgKind::real, ArgShape::vector},
              {"mu", ArgKind::real, ArgShape::vector},
              {"Sigma", ArgKind::real, ArgShape::square_matrix}}},
    .log_density = kernel_math::zero_partials_outside_support<multi_normal_log_density>,
    .sample = multi_normal_sample,
};

}  // namespace pm::stdlib::kernels
