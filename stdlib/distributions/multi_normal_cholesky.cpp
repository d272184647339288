// multi_normal_cholesky(y | mu, L), Sigma = L L' with L lower triangular (entries above the
// diagonal are ignored), diagonal > 0. With z = L^-1 (y - mu):
// log p = -K/2 log(2 pi) - sum_k log L_kk - z'z / 2.
// Partials: w = L^-T z; d/dy = -w, d/dmu = w, d/dL = lower(w z') - diag(1 / L_kk)
// (from d(-log|L| - z'z/2) = tr((-L^-1 + z z' L^-1) dL)).
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/multivariate.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

bool valid_cholesky_factor(const ConstMatrixMap& factor) {
  for (Eigen::Index column = 0; column < factor.cols(); ++column) {
    if (!positive_finite(factor(column, column))) return false;
    for (Eigen::Index row = column + 1; row < factor.rows(); ++row)
      if (!std::isfinite(factor(row, column))) return false;
  }
  return true;
}

void multi_normal_cholesky_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const auto size = static_cast<Eigen::Index>(call.args[0].event_size);
  double* d_y = wanted(partials, 0);
  double* d_mu = wanted(partials, 1);
  double* d_factor = wanted(partials, 2);
  Eigen::VectorXd z(size), w(size);
  for (std::size_t j = 0; j < call.count; ++j) {
    const ConstVectorMap y(event(call.args[0], j), size), mu(event(call.args[1], j), size);
    const ConstMatrixMap factor(event(call.args[2], j), size, size);
    const bool valid = valid_cholesky_factor(factor) && mu.allFinite();
    const auto lower = factor.triangularView<Eigen::Lower>();
    z = lower.solve(y - mu);
    out[j] = valid ? -0.5 * static_cast<double>(size) * log_two_pi - factor.diagonal().array().log().sum() -
                         0.5 * z.squaredNorm()
                   : not_a_number;
    if (!(d_y || d_mu || d_factor)) continue;
    w = lower.transpose().solve(z);
    if (d_y) VectorMap(d_y + j * size, size) = -w;
    if (d_mu) VectorMap(d_mu + j * size, size) = w;
    if (d_factor) {
      MatrixMap d(d_factor + j * size * size, size, size);
      d = (w * z.transpose()).triangularView<Eigen::Lower>();
      d.diagonal() -= factor.diagonal().cwiseInverse();
    }
  }
}

void multi_normal_cholesky_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  // y = mu + L z, z ~ N(0, I).
  const auto size = static_cast<Eigen::Index>(parameters.args[0].event_size);
  Eigen::VectorXd z(size);
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const ConstVectorMap mu(event(parameters.args[0], j), size);
    const ConstMatrixMap factor(event(parameters.args[1], j), size, size);
    VectorMap y(out + j * size, size);
    stream.fill_normal(z.data(), static_cast<std::size_t>(size));
    if (valid_cholesky_factor(factor) && mu.allFinite())
      y = mu + factor.triangularView<Eigen::Lower>() * z;
    else
      y.setConstant(not_a_number);
  }
}

}  // namespace

extern const DistributionEntry multi_normal_cholesky_distribution{
    .name = "multi_normal_cholesky",
    .arg_count = 3,
    .args = {{{"y", ArgKind::real, ArgShape::vector},
              {"mu", ArgKind::real, ArgShape::vector},
              {"L", ArgKind::real, ArgShape::square_matrix}}},
    .log_density = kernel_math::zero_partials_outside_support<multi_normal_cholesky_log_density>,
    .sample = multi_normal_cholesky_sample,
};

}  // namespace pm::stdlib::kernels
