// Vectorized forms of the log1p family for Eigen double arrays, shared by the autodiff ops
// and the stdlib's kernels. Eigen 3.4 vectorizes exp and log on doubles but not log1p (its
// double log1p calls libm element by element, and a select() anywhere in an expression does
// the same to the whole expression), so these are written with exp, log, min, max and the
// four arithmetic operations only, and contain no select.
//
// Each function takes an Eigen array expression and returns an expression (nothing is
// evaluated until assigned). The argument is nested as Eigen nests it: plain arrays by
// reference, so a plain array passed in must outlive the returned expression.
//
// Accuracy (tests/engine/vector_math_test.cpp checks it against std::log1p / std::exp over
// 1e-300 .. 1e300 of both signs, and the special values):
// - log1p: within 4 ulps of the result (Goldberg's bound is 5 ulps for a log accurate to
//   half an ulp; Eigen's vectorized log is accurate to about 1 ulp).
// - log1p_exp, log_inv_logit, log1m_inv_logit: within 4 ulps plus 1e-300 absolute (exp(x)
//   for x < -708 is subnormal and only absolutely accurate -- as with std::exp).
// - inv_logit: 1 / (1 + exp(-x)) has no cancellation; within 3 ulps.
#pragma once

#include <Eigen/Core>
#include <limits>

namespace pm::ad::vector_math {

// log1p(e) for e in [0, 1] (the argument log1p_exp produces). Goldberg's form (1991, "What
// every computer scientist should know about floating-point arithmetic", Theorem 4):
// log1p(e) = e * log(u) / (u - 1) with u = fl(1 + e); the rounding error of u cancels in
// the ratio. The 1e-300 in numerator and denominator makes the ratio exactly 1 when u rounds
// to 1 (then log1p(e) = e to within an ulp) and changes nothing otherwise (log(u) and u - 1
// are then at least 1e-16).
template <class Derived>
auto log1p_unit_interval(const Eigen::ArrayBase<Derived>& e) {
  const auto u = 1.0 + e;
  return e * ((u.log() + 1e-300) / (u - 1.0 + 1e-300));
}

// log1p(x) for any double x: Goldberg's form as above, valid on the whole of (-1, inf) (the
// ratio is computed first so that it never overflows: log(u) / (u - 1) >= 4e-306 for
// u <= DBL_MAX). x = +inf is handled without a select by clamping to DBL_MAX and adding
// max(x, DBL_MAX) - DBL_MAX, which is 0 for every finite x, +inf for x = +inf and NaN for
// NaN. (Not x - clamped: when x is a product a * b the compiler may contract that into
// fma(a, b, -clamped), the rounding error of a * b instead of 0.) x = -1 gives -inf, x < -1
// gives NaN (log of a negative number), as std::log1p.
template <class Derived>
auto log1p(const Eigen::ArrayBase<Derived>& x) {
  constexpr double largest = std::numeric_limits<double>::max();
  const auto clamped = x.min(largest);
  const auto u = 1.0 + clamped;
  return clamped * ((u.log() + 1e-300) / (u - 1.0 + 1e-300)) + (x.max(largest) - largest);
}

// log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)): exp's argument is <= 0 so it never
// overflows, and log1p's argument is in [0, 1]. log1p_exp(-inf) = 0, log1p_exp(inf) = inf.
template <class Derived>
auto log1p_exp(const Eigen::ArrayBase<Derived>& x) {
  return x.max(0.0) + log1p_unit_interval((-x.abs()).exp());
}

// log(inv_logit(x)) = -log1p_exp(-x); its derivative is inv_logit(-x).
template <class Derived>
auto log_inv_logit(const Eigen::ArrayBase<Derived>& x) {
  return -((-x).max(0.0) + log1p_unit_interval((-x.abs()).exp()));
}

// log(1 - inv_logit(x)) = -log1p_exp(x); its derivative is -inv_logit(x).
template <class Derived>
auto log1m_inv_logit(const Eigen::ArrayBase<Derived>& x) {
  return -log1p_exp(x);
}

// inv_logit(x) = 1 / (1 + exp(-x)): a sum of positive terms, so relatively accurate for every
// x; exp(-x) = inf for x < -709 gives 0 where the exact value is below 1e-308.
template <class Derived>
auto inv_logit(const Eigen::ArrayBase<Derived>& x) {
  return (1.0 + (-x).exp()).inverse();
}

}  // namespace pm::ad::vector_math
