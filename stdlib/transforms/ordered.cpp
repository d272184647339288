// ordered[K] and positive_ordered[K] (Stan Reference Manual, "Constraint Transforms",
// "Ordered vector"; positive_ordered puts exp on the first element, as Stan Math's
// positive_ordered_constrain):
//
//   ordered:           x_0 = u_0,       x_k = x_{k-1} + exp(u_k),  log|det J| = sum_{k>=1} u_k
//   positive_ordered:  x_0 = exp(u_0),  x_k = x_{k-1} + exp(u_k),  log|det J| = sum_{k>=0} u_k
//
// The Jacobian is lower triangular with diagonal 1 (or exp(u_0)) and exp(u_k).
#include <cmath>

#include "stdlib/transforms/transform_kernels.hpp"

namespace pm::transforms::detail {

double ordered_constrain(const double* u, double* x, std::size_t K, bool positive) {
  if (K == 0) return 0.0;
  double log_jacobian = positive ? u[0] : 0.0;
  x[0] = positive ? std::exp(u[0]) : u[0];
  for (std::size_t k = 1; k < K; ++k) {
    x[k] = x[k - 1] + std::exp(u[k]);
    log_jacobian += u[k];
  }
  return log_jacobian;
}

void ordered_constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                           double* adjoint_u, std::size_t K, bool positive) {
  if (K == 0) return;
  // x_k depends on every u_j with j <= k, so u_j collects the suffix sum of adjoint_x.
  double suffix = 0.0;
  for (std::size_t k = K; k-- > 1;) {
    suffix += adjoint_x[k];
    // Skip a zero suffix: exp(u) may overflow and 0 * inf is NaN.
    if (suffix != 0.0) adjoint_u[k] += suffix * std::exp(u[k]);
    adjoint_u[k] += adjoint_log_jacobian;
  }
  suffix += adjoint_x[0];
  if (positive) {
    if (suffix != 0.0) adjoint_u[0] += suffix * std::exp(u[0]);
    adjoint_u[0] += adjoint_log_jacobian;
  } else {
    adjoint_u[0] += suffix;
  }
}

bool ordered_unconstrain(const double* x, double* u, std::size_t K, bool positive) {
  if (K == 0) return true;
  u[0] = positive ? std::log(x[0]) : x[0];
  if (!std::isfinite(u[0])) return false;
  for (std::size_t k = 1; k < K; ++k) {
    u[k] = std::log(x[k] - x[k - 1]);
    if (!std::isfinite(u[k])) return false;
  }
  return true;
}

bool ordered_in_support(const double* x, std::size_t K, bool positive) {
  if (K == 0) return true;
  // As Stan's check_positive_ordered: x_0 >= 0 (closed), then strictly increasing.
  if (positive ? !(x[0] >= 0.0) : std::isnan(x[0])) return false;
  for (std::size_t k = 1; k < K; ++k) {
    if (!(x[k] > x[k - 1])) return false;
  }
  return true;
}

}  // namespace pm::transforms::detail
