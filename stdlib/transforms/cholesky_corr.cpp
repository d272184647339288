// cholesky_factor_corr[K] and corr_matrix[K] through canonical partial correlations (CPCs)
// (Stan Reference Manual, "Constraint Transforms", "Cholesky factors of correlation
// matrices" and "Correlation matrices"; Lewandowski, Kurowicka & Joe 2009).
//
// Free values u are read row by row through the strict lower triangle: (1,0), (2,0), (2,1),
// (3,0), ... For row i the CPCs are z_j = tanh(u_j), j < i, and
//
//   L(i, j) = z_j sqrt(1 - sum_{k<j} L(i,k)^2),   L(i, i) = sqrt(1 - sum_{k<i} L(i,k)^2),
//
// so every row has unit norm and L(0, 0) = 1. Because 1 - sum_{k<j} L(i,k)^2 equals
// prod_{k<j} (1 - z_k^2), we carry its logarithm r_j = sum_{k<j} log(1 - z_k^2) instead
// (log(1 - tanh(u)^2) is computed without forming tanh), so no square root of a difference
// is ever taken and u = +-800 gives exact zeros rather than NaN.
//
// Log-Jacobians, with l = log(1 - z^2) of the coordinate at (i, j):
//   cholesky_factor_corr, in the free coordinates L(i, j), j < i (triangular within a row;
//   the diagonal entries are dL(i,j)/dz_j = exp(r_j / 2)), plus tanh's log(1 - z^2):
//       log|det J| = sum_{i,j} (1 + (i - 1 - j) / 2) l_ij
//   corr_matrix, in the free coordinates Omega(i, j), j < i, of Omega = L L^T (the CPC ->
//   correlation Jacobian is prod (1 - z_ij^2)^((K - 2 - j) / 2), Joe 2006 eq. 11 and Stan's
//   read_corr_L), plus tanh's:
//       log|det J| = sum_{i,j} (1 + (K - 2 - j) / 2) l_ij
#include <cmath>
#include <vector>

#include "stdlib/transforms/eigen_dense.hpp"

#include "stdlib/transforms/stable_math.hpp"
#include "stdlib/transforms/transform_kernels.hpp"

namespace pm::transforms::detail {
namespace {

using MatrixMap = Eigen::Map<Eigen::MatrixXd>;
using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXd>;

// Index of the first free value of row i (rows 1 .. K-1 hold i values each).
std::size_t row_start(std::size_t i) { return i * (i - 1) / 2; }

double cholesky_weight(std::size_t i, std::size_t j, std::size_t) { return 1.0 + 0.5 * static_cast<double>(i - 1 - j); }
double correlation_weight(std::size_t, std::size_t j, std::size_t K) { return 1.0 + 0.5 * static_cast<double>(K - 2 - j); }

using Weight = double (*)(std::size_t i, std::size_t j, std::size_t K);

double cpc_log_jacobian(const double* u, std::size_t K, Weight weight) {
  double log_jacobian = 0.0;
  for (std::size_t i = 1; i < K; ++i)
    for (std::size_t j = 0; j < i; ++j) log_jacobian += weight(i, j, K) * log_sech_squared(u[row_start(i) + j]);
  return log_jacobian;
}

void cpc_log_jacobian_vjp(const double* u, std::size_t K, Weight weight, double adjoint_log_jacobian, double* adjoint_u) {
  if (adjoint_log_jacobian == 0.0) return;
  // d/du log(1 - tanh(u)^2) = -2 tanh(u).
  for (std::size_t i = 1; i < K; ++i)
    for (std::size_t j = 0; j < i; ++j) {
      const std::size_t p = row_start(i) + j;
      adjoint_u[p] -= adjoint_log_jacobian * weight(i, j, K) * 2.0 * std::tanh(u[p]);
    }
}

// Writes the K x K lower-triangular factor (zeros above the diagonal).
void cholesky_from_cpc(const double* u, double* x, std::size_t K) {
  MatrixMap L(x, K, K);
  L.setZero();
  if (K == 0) return;
  L(0, 0) = 1.0;
  for (std::size_t i = 1; i < K; ++i) {
    double log_remaining = 0.0;  // r_j = log(1 - sum_{k<j} L(i,k)^2)
    for (std::size_t j = 0; j < i; ++j) {
      const double free = u[row_start(i) + j];
      L(i, j) = std::tanh(free) * std::exp(0.5 * log_remaining);
      log_remaining += log_sech_squared(free);
    }
    L(i, i) = std::exp(0.5 * log_remaining);
  }
}

// adjoint_u += (dL/du)^T adjoint_L, for the entries on and below the diagonal.
void cholesky_from_cpc_vjp(const double* u, const double* x, const double* adjoint_x, double* adjoint_u, std::size_t K) {
  ConstMatrixMap L(x, K, K);
  ConstMatrixMap adjoint_L(adjoint_x, K, K);
  thread_local std::vector<double> half_remaining;  // exp(r_j / 2) of the current row
  half_remaining.resize(K);
  for (std::size_t i = 1; i < K; ++i) {
    const double* free = u + row_start(i);
    double log_remaining = 0.0;
    for (std::size_t j = 0; j < i; ++j) {
      half_remaining[j] = std::exp(0.5 * log_remaining);
      log_remaining += log_sech_squared(free[j]);
    }
    // Reverse pass: L(i,i) = exp(r_i / 2), L(i,j) = z_j exp(r_j / 2), r_{j+1} = r_j + l_j.
    double adjoint_remaining = 0.5 * adjoint_L(i, i) * L(i, i);
    for (std::size_t j = i; j-- > 0;) {
      const double adjoint_l = adjoint_remaining;
      adjoint_remaining += 0.5 * adjoint_L(i, j) * L(i, j);
      const double z = std::tanh(free[j]);
      const double dz_du = std::exp(log_sech_squared(free[j]));
      adjoint_u[row_start(i) + j] += adjoint_L(i, j) * half_remaining[j] * dz_du - 2.0 * z * adjoint_l;
    }
  }
}

// The CPCs of a lower-triangular factor with positive diagonal and rows of (nearly) unit
// norm. With t_j = sum_{k>j} L(i,k)^2 summed from the diagonal backwards (no cancellation),
// z_j = L(i,j) / sqrt(L(i,j)^2 + t_j), so u_j = atanh(z_j) = asinh(L(i,j) / sqrt(t_j)).
bool cpc_from_cholesky(const double* x, double* u, std::size_t K) {
  ConstMatrixMap L(x, K, K);
  for (std::size_t i = 1; i < K; ++i) {
    double tail = L(i, i) * L(i, i);
    for (std::size_t j = i; j-- > 0;) {
      const double free = std::asinh(L(i, j) / std::sqrt(tail));
      if (!std::isfinite(free)) return false;
      u[row_start(i) + j] = free;
      tail += L(i, j) * L(i, j);
    }
  }
  return true;
}

bool is_lower_triangular_with_positive_diagonal(const ConstMatrixMap& L) {
  if (!L.allFinite()) return false;
  for (Eigen::Index j = 0; j < L.cols(); ++j) {
    if (!(L(j, j) > 0.0)) return false;
    for (Eigen::Index i = 0; i < j; ++i)
      if (L(i, j) != 0.0) return false;
  }
  return true;
}

bool is_correlation_matrix(const ConstMatrixMap& omega) {
  if (!omega.allFinite()) return false;
  const Eigen::Index K = omega.rows();
  for (Eigen::Index i = 0; i < K; ++i) {
    if (std::fabs(omega(i, i) - 1.0) > kConstraintTolerance) return false;
    for (Eigen::Index j = 0; j < i; ++j)
      if (std::fabs(omega(i, j) - omega(j, i)) > kConstraintTolerance) return false;
  }
  return Eigen::LLT<Eigen::MatrixXd>(omega).info() == Eigen::Success;
}

}  // namespace

double cholesky_corr_constrain(const double* u, double* x, std::size_t K) {
  cholesky_from_cpc(u, x, K);
  return cpc_log_jacobian(u, K, cholesky_weight);
}

void cholesky_corr_constrain_vjp(const double* u, const double* x, const double* adjoint_x,
                                 double adjoint_log_jacobian, double* adjoint_u, std::size_t K) {
  cholesky_from_cpc_vjp(u, x, adjoint_x, adjoint_u, K);
  cpc_log_jacobian_vjp(u, K, cholesky_weight, adjoint_log_jacobian, adjoint_u);
}

bool cholesky_corr_unconstrain(const double* x, double* u, std::size_t K) { return cpc_from_cholesky(x, u, K); }

bool cholesky_corr_in_support(const double* x, std::size_t K) {
  ConstMatrixMap L(x, K, K);
  if (!is_lower_triangular_with_positive_diagonal(L)) return false;
  for (std::size_t i = 0; i < K; ++i)
    if (std::fabs(L.row(i).squaredNorm() - 1.0) > kConstraintTolerance) return false;
  return true;
}

double corr_matrix_constrain(const double* u, double* x, std::size_t K) {
  thread_local Eigen::MatrixXd L;
  L.resize(K, K);
  cholesky_from_cpc(u, L.data(), K);
  MatrixMap omega(x, K, K);
  // Lower triangle from the product, mirrored so that Omega is exactly symmetric; the
  // diagonal is exactly 1 (rows of L have unit norm), so it carries no gradient.
  for (std::size_t j = 0; j < K; ++j) {
    omega(j, j) = 1.0;
    for (std::size_t i = j + 1; i < K; ++i) omega(i, j) = omega(j, i) = L.row(i).head(j + 1).dot(L.row(j).head(j + 1));
  }
  return cpc_log_jacobian(u, K, correlation_weight);
}

void corr_matrix_constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                               double* adjoint_u, std::size_t K) {
  thread_local Eigen::MatrixXd L, adjoint_L, symmetric_adjoint;  // reused: no allocation per call
  L.resize(K, K);
  cholesky_from_cpc(u, L.data(), K);
  // Omega = L L^T off the diagonal: adjoint_L = (A + A^T) L with A's diagonal dropped,
  // since the diagonal is held at exactly 1.
  const ConstMatrixMap adjoint_omega(adjoint_x, K, K);
  symmetric_adjoint = adjoint_omega + adjoint_omega.transpose();
  symmetric_adjoint.diagonal().setZero();
  adjoint_L.noalias() = symmetric_adjoint * L;
  cholesky_from_cpc_vjp(u, L.data(), adjoint_L.data(), adjoint_u, K);
  cpc_log_jacobian_vjp(u, K, correlation_weight, adjoint_log_jacobian, adjoint_u);
}

bool corr_matrix_unconstrain(const double* x, double* u, std::size_t K) {
  const Eigen::LLT<Eigen::MatrixXd> factor{Eigen::MatrixXd(ConstMatrixMap(x, K, K))};
  if (factor.info() != Eigen::Success) return false;
  const Eigen::MatrixXd L = factor.matrixL();
  return cpc_from_cholesky(L.data(), u, K);
}

bool corr_matrix_in_support(const double* x, std::size_t K) { return is_correlation_matrix(ConstMatrixMap(x, K, K)); }

}  // namespace pm::transforms::detail
