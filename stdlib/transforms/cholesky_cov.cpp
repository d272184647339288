// cholesky_factor_cov[M, N] and cov_matrix[K] (Stan Reference Manual, "Constraint
// Transforms", "Cholesky factors of covariance matrices" and "Covariance matrices").
//
// Free values are read row by row: for rows m < N, the m entries left of the diagonal, then
// the diagonal as log L(m, m); for rows m >= N, all N entries. cholesky_factor_cov[M, N]
// thus has N(N+1)/2 + (M-N)N free values, and with exp on the diagonal
//
//   cholesky_factor_cov:  log|det J| = sum_m u_diag(m)     (free coordinates: the free entries of L)
//
// cov_matrix[K] is Sigma = L L^T with L a K x K factor as above; the Jacobian of L -> the
// lower triangle of Sigma is 2^K prod_k L_kk^(K-k) (0-based k), and exp adds one power:
//
//   cov_matrix:           log|det J| = K log 2 + sum_k (K - k + 1) u_diag(k)
//
// (free coordinates: the lower triangle of Sigma with its diagonal), as Stan's
// cov_matrix_constrain.
#include <cmath>

#include "stdlib/transforms/eigen_dense.hpp"

#include "stdlib/transforms/transform_kernels.hpp"

namespace pm::transforms::detail {
namespace {

using MatrixMap = Eigen::Map<Eigen::MatrixXd>;
using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXd>;

// Visits the free entries of an M x N factor in the order of u: f(m, n, position).
template <class Visit>
void for_each_free_entry(std::size_t M, std::size_t N, Visit visit) {
  std::size_t position = 0;
  for (std::size_t m = 0; m < M; ++m)
    for (std::size_t n = 0; n <= m && n < N; ++n) visit(m, n, position++);
}

void factor_from_free(const double* u, double* x, std::size_t M, std::size_t N) {
  MatrixMap L(x, M, N);
  L.setZero();
  for_each_free_entry(M, N, [&](std::size_t m, std::size_t n, std::size_t p) { L(m, n) = m == n ? std::exp(u[p]) : u[p]; });
}

void factor_from_free_vjp(const double* u, const double* x, const double* adjoint_x, double* adjoint_u, std::size_t M,
                          std::size_t N) {
  ConstMatrixMap L(x, M, N);
  ConstMatrixMap adjoint_L(adjoint_x, M, N);
  for_each_free_entry(M, N, [&](std::size_t m, std::size_t n, std::size_t p) {
    if (m != n) {
      adjoint_u[p] += adjoint_L(m, n);
    } else if (adjoint_L(m, n) != 0.0) {  // skip 0 * inf when exp(u) overflowed
      adjoint_u[p] += adjoint_L(m, n) * L(m, n);
    }
  });
}

bool free_from_factor(const double* x, double* u, std::size_t M, std::size_t N) {
  ConstMatrixMap L(x, M, N);
  bool finite = true;
  for_each_free_entry(M, N, [&](std::size_t m, std::size_t n, std::size_t p) {
    u[p] = m == n ? std::log(L(m, n)) : L(m, n);
    finite = finite && std::isfinite(u[p]);
  });
  return finite;
}

// Position of the diagonal entry of row k in u: after the k(k+1)/2 entries of rows < k and
// the k entries left of it.
std::size_t diagonal_position(std::size_t k) { return k * (k + 1) / 2 + k; }

}  // namespace

double cholesky_cov_constrain(const double* u, double* x, std::size_t M, std::size_t N) {
  factor_from_free(u, x, M, N);
  double log_jacobian = 0.0;
  for (std::size_t k = 0; k < N; ++k) log_jacobian += u[diagonal_position(k)];
  return log_jacobian;
}

void cholesky_cov_constrain_vjp(const double* u, const double* x, const double* adjoint_x,
                                double adjoint_log_jacobian, double* adjoint_u, std::size_t M, std::size_t N) {
  factor_from_free_vjp(u, x, adjoint_x, adjoint_u, M, N);
  for (std::size_t k = 0; k < N; ++k) adjoint_u[diagonal_position(k)] += adjoint_log_jacobian;
}

bool cholesky_cov_unconstrain(const double* x, double* u, std::size_t M, std::size_t N) {
  return free_from_factor(x, u, M, N);
}

bool cholesky_cov_in_support(const double* x, std::size_t M, std::size_t N) {
  ConstMatrixMap L(x, M, N);
  if (!L.allFinite()) return false;
  for (std::size_t n = 0; n < N; ++n) {
    if (!(L(n, n) > 0.0)) return false;
    for (std::size_t m = 0; m < n; ++m)
      if (L(m, n) != 0.0) return false;
  }
  return true;
}

double cov_matrix_constrain(const double* u, double* x, std::size_t K) {
  thread_local Eigen::MatrixXd L;  // reused: no allocation per call
  L.resize(K, K);
  factor_from_free(u, L.data(), K, K);
  MatrixMap sigma(x, K, K);
  // Lower triangle from the product, mirrored so that Sigma is exactly symmetric.
  for (std::size_t j = 0; j < K; ++j)
    for (std::size_t i = j; i < K; ++i) sigma(i, j) = sigma(j, i) = L.row(i).head(j + 1).dot(L.row(j).head(j + 1));
  double log_jacobian = static_cast<double>(K) * M_LN2;
  for (std::size_t k = 0; k < K; ++k) log_jacobian += static_cast<double>(K - k + 1) * u[diagonal_position(k)];
  return log_jacobian;
}

void cov_matrix_constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                              double* adjoint_u, std::size_t K) {
  thread_local Eigen::MatrixXd L, adjoint_L;
  L.resize(K, K);
  factor_from_free(u, L.data(), K, K);
  // Sigma = L L^T: adjoint_L = (A + A^T) L; only its lower triangle reaches u.
  const ConstMatrixMap adjoint_sigma(adjoint_x, K, K);
  adjoint_L.noalias() = (adjoint_sigma + adjoint_sigma.transpose()) * L;
  factor_from_free_vjp(u, L.data(), adjoint_L.data(), adjoint_u, K, K);
  for (std::size_t k = 0; k < K; ++k)
    adjoint_u[diagonal_position(k)] += adjoint_log_jacobian * static_cast<double>(K - k + 1);
}

bool cov_matrix_unconstrain(const double* x, double* u, std::size_t K) {
  const Eigen::LLT<Eigen::MatrixXd> factor{Eigen::MatrixXd(ConstMatrixMap(x, K, K))};
  if (factor.info() != Eigen::Success) return false;
  const Eigen::MatrixXd L = factor.matrixL();
  return free_from_factor(L.data(), u, K, K);
}

bool cov_matrix_in_support(const double* x, std::size_t K) {
  ConstMatrixMap sigma(x, K, K);
  if (!sigma.allFinite()) return false;
  for (std::size_t i = 0; i < K; ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (std::fabs(sigma(i, j) - sigma(j, i)) > kConstraintTolerance) return false;
  return Eigen::LLT<Eigen::MatrixXd>(sigma).info() == Eigen::Success;
}

}  // namespace pm::transforms::detail
