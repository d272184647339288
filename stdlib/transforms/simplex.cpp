// simplex[K]: stick-breaking with K - 1 free values (Stan Reference Manual, "Constraint
// Transforms", "Unit simplex"). With a_k = u_k - log(K - 1 - k) (k = 0 .. K-2, 0-based),
//
//   z_k = inv_logit(a_k),  stick_0 = 1,  x_k = stick_k z_k,  stick_{k+1} = stick_k (1 - z_k),
//   x_{K-1} = stick_{K-1}.
//
// The offset log(K - 1 - k) makes u = 0 the uniform simplex (z_k = 1 / (K - k)). The
// Jacobian is taken in the free coordinates x_0 .. x_{K-2} (x_{K-1} = 1 - their sum); it is
// triangular, so
//
//   log|det J| = sum_k log(stick_k) + log_inv_logit(a_k) + log1m_inv_logit(a_k).
//
// Everything runs in log space (log stick_k = sum_{j<k} log1m_inv_logit(a_j)), so no
// stick length is formed by subtraction and u = +-800 gives exact zeros, not NaN. Writing
// p_k = log_inv_logit(a_k), q_k = log1m_inv_logit(a_k), the log-Jacobian is
// sum_k p_k + (K - 1 - k) q_k, whose derivative is (1 - z_k) - (K - 1 - k) z_k.
#include <cmath>

#include "stdlib/transforms/stable_math.hpp"
#include "stdlib/transforms/transform_kernels.hpp"

namespace pm::transforms::detail {
namespace {

// Number of pieces still to break after entry k: the offset log(K - 1 - k).
double pieces_after(std::size_t k, std::size_t K) { return static_cast<double>(K - 1 - k); }

}  // namespace

double simplex_constrain(const double* u, double* x, std::size_t K) {
  double log_stick = 0.0;
  double log_jacobian = 0.0;
  for (std::size_t k = 0; k + 1 < K; ++k) {
    const double a = u[k] - std::log(pieces_after(k, K));
    const double log_z = log_inv_logit(a);
    const double log1m_z = log1m_inv_logit(a);
    x[k] = std::exp(log_stick + log_z);
    log_jacobian += log_stick + log_z + log1m_z;
    log_stick += log1m_z;
  }
  if (K > 0) x[K - 1] = std::exp(log_stick);
  return log_jacobian;
}

void simplex_constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                           double* adjoint_u, std::size_t K) {
  if (K < 2) return;
  // Reverse pass over log_stick: x_k = exp(log_stick_k + p_k), log_stick_{k+1} = log_stick_k + q_k.
  double adjoint_log_stick = adjoint_x[K - 1] * x[K - 1];
  for (std::size_t k = K - 1; k-- > 0;) {
    const double a = u[k] - std::log(pieces_after(k, K));
    const double z = inv_logit(a);
    const double one_minus_z = inv_logit(-a);
    const double adjoint_q = adjoint_log_stick;  // log_stick_{k+1} depends on q_k
    const double adjoint_p = adjoint_x[k] * x[k];
    adjoint_log_stick += adjoint_p;  // x_k depends on log_stick_k
    adjoint_u[k] += adjoint_p * one_minus_z - adjoint_q * z +
                    adjoint_log_jacobian * (one_minus_z - pieces_after(k, K) * z);
  }
}

bool simplex_unconstrain(const double* x, double* u, std::size_t K) {
  if (K < 2) return true;
  // z_k = x_k / stick_k, with stick_k = x_k + tail_{k+1} summed from the end (no
  // cancellation), so u_k = logit(z_k) + log(K-1-k) = log x_k - log tail_{k+1} + log(K-1-k).
  double tail = x[K - 1];
  for (std::size_t k = K - 1; k-- > 0;) {
    u[k] = std::log(x[k]) - std::log(tail) + std::log(pieces_after(k, K));
    if (!std::isfinite(u[k])) return false;
    tail += x[k];
  }
  return true;
}

bool simplex_in_support(const double* x, std::size_t K) {
  double sum = 0.0;
  for (std::size_t k = 0; k < K; ++k) {
    if (!(x[k] >= 0.0)) return false;  // rejects NaN too
    sum += x[k];
  }
  return std::fabs(sum - 1.0) <= kConstraintTolerance;
}

}  // namespace pm::transforms::detail
