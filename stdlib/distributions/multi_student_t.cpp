// multi_student_t(y | nu, mu, Sigma), the multivariate t with nu degrees of freedom,
// location mu and scale matrix Sigma (symmetric positive definite). With r = y - mu,
// a = Sigma^-1 r, q = r' a and K the dimension:
// log p = lgamma((nu + K)/2) - lgamma(nu/2) - K/2 log(nu pi) - log|Sigma|/2
//         - (nu + K)/2 log1p(q / nu).
// Partials, w = (nu + K) / (nu + q): d/dy = -w a, d/dmu = w a,
// d/dSigma = (w a a' - Sigma^-1) / 2 (every entry free, as multi_normal's),
// d/dnu = (psi((nu + K)/2) - psi(nu/2) - K / nu - log1p(q / nu) + (nu + K) q / (nu (nu + q))) / 2.
// Sigma is read as its symmetric part; an asymmetry beyond 1e-8 is invalid (as multi_normal).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/multivariate.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

bool factor_scale(const ConstMatrixMap& sigma, Eigen::LLT<Eigen::MatrixXd>& factor) {
  for (Eigen::Index c = 0; c < sigma.cols(); ++c)
    for (Eigen::Index r = c + 1; r < sigma.rows(); ++r)
      if (!(std::abs(sigma(r, c) - sigma(c, r)) <= 1e-8 * std::max(1.0, std::abs(sigma(r, c))))) return false;
  if (!sigma.allFinite()) return false;
  factor.compute(0.5 * (sigma + sigma.transpose()));
  return factor.info() == Eigen::Success && (factor.matrixLLT().diagonal().array() > 0.0).all();
}

void multi_student_t_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto size = static_cast<Eigen::Index>(call.args[0].event_size);
  const double k = static_cast<double>(size);
  double* d_y = wanted(partials, 0);
  double* d_nu = wanted(partials, 1);
  double* d_mu = wanted(partials, 2);
  double* d_sigma = wanted(partials, 3);
  Eigen::LLT<Eigen::MatrixXd> factor(size);
  Eigen::MatrixXd inverse;
  Eigen::VectorXd a(size);
  bool valid = false;
  double log_determinant_half = 0.0;
  for (std::size_t j = 0; j < call.count; ++j) {
    const ConstVectorMap y(event(call.args[0], j), size), mu(event(call.args[2], j), size);
    const double nu = call.args[1].data[j];
    if (j == 0 || !call.args[3].broadcast) {
      valid = factor_scale(ConstMatrixMap(event(call.args[3], j), size, size), factor);
      if (valid) {
        log_determinant_half = factor.matrixLLT().diagonal().array().log().sum();
        if (d_sigma) inverse = factor.solve(Eigen::MatrixXd::Identity(size, size));
      }
    }
    if (!valid || !mu.allFinite() || !positive_finite(nu)) {
      out[j] = not_a_number;
      continue;
    }
    a = factor.solve(y - mu);
    const double q = (y - mu).dot(a);
    out[j] = log_gamma(0.5 * (nu + k)) - log_gamma(0.5 * nu) - 0.5 * k * std::log(nu * pi) - log_determinant_half -
             0.5 * (nu + k) * std::log1p(q / nu);
    const double w = (nu + k) / (nu + q);
    if (d_y) VectorMap(d_y + j * size, size) = -w * a;
    if (d_mu) VectorMap(d_mu + j * size, size) = w * a;
    if (d_sigma) MatrixMap(d_sigma + j * size * size, size, size) = 0.5 * (w * a * a.transpose() - inverse);
    if (d_nu)
      d_nu[j] = 0.5 * (digamma(0.5 * (nu + k)) - digamma(0.5 * nu) - k / nu - std::log1p(q / nu) +
                       (nu + k) * q / (nu * (nu + q)));
  }
}

void multi_student_t_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // y = mu + L z sqrt(nu / X), z ~ N(0, I), X ~ chi_square(nu) = 2 Gamma(nu / 2).
  const auto size = static_cast<Eigen::Index>(parameters.args[1].event_size);
  Eigen::LLT<Eigen::MatrixXd> factor(size);
  Eigen::VectorXd z(size);
  bool valid = false;
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const double nu = parameters.args[0].data[j];
    const ConstVectorMap mu(event(parameters.args[1], j), size);
    if (j == 0 || !parameters.args[2].broadcast)
      valid = factor_scale(ConstMatrixMap(event(parameters.args[2], j), size, size), factor);
    VectorMap y(out + j * size, size);
    stream.fill_normal(z.data(), static_cast<std::size_t>(size));
    if (valid && mu.allFinite() && positive_finite(nu)) {
      y.noalias() = factor.matrixL() * z;
      y = mu + std::sqrt(nu / (2.0 * stream.gamma(0.5 * nu))) * y;
    } else
      y.setConstant(not_a_number);
  }
}

}  // namespace

extern const DistributionEntry multi_student_t_distribution{
    .name = "multi_student_t",
    .arg_count = 4,
    .args = {{{"y", ArgKind::real, ArgShape::vector},
              {"nu"},
              {"mu", ArgKind::real, ArgShape::vector},
              {"Sigma", ArgKind::real, ArgShape::square_matrix}}},
    .log_density = kernel_math::zero_partials_outside_support<multi_student_t_log_density>,
    .sample = multi_student_t_sample,
};

}  // namespace pm::stdlib::kernels
