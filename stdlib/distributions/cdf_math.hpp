// Pieces for the log CDF kernels of the shape families (gamma, inv_gamma, beta, student_t),
// whose CDFs are Boost.Math's regularized incomplete gamma and beta functions.
//
// Partials with respect to the outcome and scale follow from the density (dF/dx = pdf). The
// partial of an incomplete gamma or beta function with respect to its shape has no closed
// form (Stan sums hypergeometric series for it); we take it from the five-point central
// difference of log F in the shape,
//   (f(s - 2h) - 8 f(s - h) + 8 f(s + h) - f(s + 2h)) / (12 h),   h = 1e-3 s,
// whose truncation error is h^4 |f^(5)| / 30 (about 1e-12 relative for the smooth log F)
// and rounding error about eps |f| / h (1e-13 relative): accurate to ~1e-10, well beyond
// what a gradient-based optimizer or sampler can tell apart. Only computed when requested.
#pragma once

#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "stdlib/distributions/kernel_math.hpp"

namespace pm::stdlib::kernel_math {

template <class Function>
double shape_derivative(Function&& log_cdf_in_shape, double shape) {
  const double h = 1e-3 * shape;
  return (log_cdf_in_shape(shape - 2.0 * h) - 8.0 * log_cdf_in_shape(shape - h) + 8.0 * log_cdf_in_shape(shape + h) -
          log_cdf_in_shape(shape + 2.0 * h)) /
         (12.0 * h);
}

// Regularized lower / upper incomplete gamma P(a, x), Q(a, x); `upper` picks Q.
inline double incomplete_gamma(double a, double x, bool upper) {
  return upper ? boost::math::gamma_q(a, x, quiet_policy()) : boost::math::gamma_p(a, x, quiet_policy());
}
// d/dx P(a, x): the Gamma(a, 1) density at x.
inline double incomplete_gamma_derivative(double a, double x) {
  return boost::math::gamma_p_derivative(a, x, quiet_policy());
}
// Regularized incomplete beta I_x(a, b) and its complement 1 - I_x(a, b).
inline double incomplete_beta(double a, double b, double x, bool upper) {
  return upper ? boost::math::ibetac(a, b, x, quiet_policy()) : boost::math::ibeta(a, b, x, quiet_policy());
}
inline double incomplete_beta_derivative(double a, double b, double x) {
  return boost::math::ibeta_derivative(a, b, x, quiet_policy());
}
// Student-t CDF (or its complement) and density at t with nu degrees of freedom.
inline double student_t_cdf(double nu, double t, bool upper) {
  const boost::math::students_t_distribution<double, quiet_policy> distribution(nu);
  return upper ? boost::math::cdf(boost::math::complement(distribution, t)) : boost::math::cdf(distribution, t);
}
inline double student_t_density(double nu, double t) {
  return boost::math::pdf(boost::math::students_t_distribution<double, quiet_policy>(nu), t);
}

}  // namespace pm::stdlib::kernel_math
