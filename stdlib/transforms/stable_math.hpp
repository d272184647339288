// Numerically stable scalar helpers shared by the transforms (internal to stdlib/transforms).
#pragma once

#include <cmath>

namespace pm::transforms::detail {

// log(1 + exp(a)) without overflow: for a > 0, a + log1p(exp(-a)).
inline double log1p_exp(double a) { return a > 0 ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a)); }

// log(inv_logit(a)) = -log(1 + exp(-a)); finite for every finite a.
inline double log_inv_logit(double a) { return -log1p_exp(-a); }

// log(1 - inv_logit(a)) = log(inv_logit(-a)).
inline double log1m_inv_logit(double a) { return -log1p_exp(a); }

// inv_logit(a) = 1 / (1 + exp(-a)), computed from the side where exp does not overflow.
inline double inv_logit(double a) {
  if (a >= 0) return 1.0 / (1.0 + std::exp(-a));
  const double e = std::exp(a);
  return e / (1.0 + e);
}

// log(inv_logit(a) * (1 - inv_logit(a))) = -|a| - 2 log1p(exp(-|a|)): the log-derivative of
// inv_logit, accurate at a = 40 where 1 - inv_logit(a) rounds to 0.
inline double log_inv_logit_derivative(double a) {
  const double abs_a = std::fabs(a);
  return -abs_a - 2.0 * std::log1p(std::exp(-abs_a));
}

// log(1 - tanh(u)^2) = log(sech(u)^2) = 2 (log 2 - |u| - log1p(exp(-2|u|))): the
// log-derivative of tanh, finite at u = +-800 where tanh(u) rounds to +-1.
inline double log_sech_squared(double u) {
  const double abs_u = std::fabs(u);
  return 2.0 * (M_LN2 - abs_u - std::log1p(std::exp(-2.0 * abs_u)));
}

}  // namespace pm::transforms::detail
