// Shared pieces of the distribution kernels: argument views as Eigen arrays (no copies, no
// heap), the numerically stable scalar functions the log densities are written with, the
// standard normal log CDF, per-element sampling, event access and the outside-support guard.
#pragma once

// GCC 12 false positive in avx512fintrin.h (bug 105593): see stdlib/transforms/eigen_dense.hpp.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <Eigen/Core>
#pragma GCC diagnostic pop
#include <algorithm>
#include <array>
#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <tuple>
#include <utility>

#include "engine/ad/kernel.hpp"
#include "engine/ad/vector_math.hpp"
#include "engine/random/stream.hpp"

namespace pm::stdlib::kernel_math {

using ConstArrayMap = Eigen::Map<const Eigen::ArrayXd>;
using ArrayMap = Eigen::Map<Eigen::ArrayXd>;

inline constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
inline constexpr double infinity = std::numeric_limits<double>::infinity();
inline constexpr double log_two_pi = 1.8378770664093454836;  // log(2 pi)
inline constexpr double log_pi = 1.1447298858494001741;      // log(pi)
inline constexpr double pi = std::numbers::pi;

// The scalar argument a of the call, as an array of call.count values.
inline ConstArrayMap arg(const ad::KernelCall& call, std::size_t a) {
  return {call.args[a].data, static_cast<Eigen::Index>(call.count)};
}
inline ArrayMap result(double* out, std::size_t count) {
  return {out, static_cast<Eigen::Index>(count)};
}
// The partial derivative output for argument a, or nullptr when not wanted.
inline double* wanted(double* const* partials, std::size_t a) {
  return partials ? partials[a] : nullptr;
}

// Boost.Math reports poles and domain errors by return value (inf / NaN), never by throwing:
// kernels never throw.
using quiet_policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::promote_double<false>>;

inline double log_gamma(double x) { return boost::math::lgamma(x, quiet_policy()); }
inline double digamma(double x) { return boost::math::digamma(x, quiet_policy()); }
// log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b).
inline double log_beta_uncached(double a, double b) { return log_gamma(a) + log_gamma(b) - log_gamma(a + b); }
// The same, remembering the last (a, b) of this thread: a prior's shapes are usually
// constants, and three lgammas per evaluation were most of `p ~ beta(1, 1)`'s cost under
// NUTS. Exact (the cached value is the same computation), so results do not change.
inline double log_beta(double a, double b) {
  thread_local double last_a = std::numeric_limits<double>::quiet_NaN(), last_b = last_a, last_value = 0.0;
  if (a == last_a && b == last_b) return last_value;
  last_value = log_beta_uncached(a, b);
  last_a = a;
  last_b = b;
  return last_value;
}

// log(1 + exp(x)) without overflow for large x or loss of precision for very negative x.
inline double log1p_exp(double x) { return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
// log(inv_logit(x)) = -log1p_exp(-x); log(1 - inv_logit(x)) = -log1p_exp(x).
inline double log_inv_logit(double x) { return -log1p_exp(-x); }
inline double log1m_inv_logit(double x) { return -log1p_exp(x); }
inline double inv_logit(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}
// log(exp(a) + exp(b)).
inline double log_add_exp(double a, double b) {
  if (a == -infinity) return b;
  if (b == -infinity) return a;
  const double larger = a > b ? a : b;
  return larger + std::log1p(std::exp(-std::abs(a - b)));
}
// x * log(y) with the convention 0 * log(0) = 0 (the boundary terms of Bernoulli, binomial).
inline double multiply_log(double x, double y) { return x == 0.0 ? 0.0 : x * std::log(y); }

// True when x is a whole number (int outcomes arrive as doubles).
inline bool is_integer(double x) { return std::isfinite(x) && x == std::floor(x); }


// log Phi(z), the standard normal log CDF, accurate in both tails. For z >= -36 through
// erfc (Phi(z) = erfc(-z / sqrt 2) / 2, no cancellation for z < 0); below, where erfc
// underflows, by the asymptotic series Phi(z) = phi(z) / |z| * (1 - 1/z^2 + 3/z^4 - ...)
// (Abramowitz & Stegun 26.2.12), whose truncation after the z^-10 term errs by < 1e-13 there.
inline double log_standard_normal_cdf(double z) {
  if (z > 5.0) return std::log1p(-0.5 * std::erfc(z * std::numbers::sqrt2 / 2.0));
  if (z >= -36.0) return std::log(0.5 * std::erfc(-z * std::numbers::sqrt2 / 2.0));
  const double inverse_square = 1.0 / (z * z);
  double series = 1.0, term = 1.0;
  for (int k = 1; k <= 5; ++k) {
    term *= -(2.0 * k - 1.0) * inverse_square;
    series += term;
  }
  return -0.5 * z * z - 0.5 * log_two_pi - std::log(-z) + std::log(series);
}

// d/dz log Phi(z) = phi(z) / Phi(z), the inverse Mills ratio, from the logs (no 0/0).
inline double standard_normal_cdf_log_derivative(double z) {
  return std::exp(-0.5 * z * z - 0.5 * log_two_pi - log_standard_normal_cdf(z));
}


// Runs draw(stream, parameter values...) for each element of a univariate sampler call with
// N scalar parameters; draw returns the outcome (NaN when the parameters are invalid).
template <std::size_t N, class Draw>
void sample_each(const ad::KernelCall& parameters, random::Stream& stream, double* out, Draw&& draw) {
  for (std::size_t j = 0; j < parameters.count; ++j) {
    std::array<double, N> values;
    for (std::size_t i = 0; i < N; ++i) values[i] = parameters.args[i].data[j];
    out[j] = std::apply([&](auto... v) { return draw(stream, v...); }, values);
  }
}

inline bool positive_finite(double x) { return x > 0.0 && x < infinity; }

// log F(s z) of a location-scale family, z = (y - mu) / sigma: its log CDF (sign = +1) or log
// CCDF (sign = -1, since 1 - F(z) = F(-z) for the symmetric families that use this), with the
// chain rule through z. `log_standard_cdf(t)` returns {log F(t), d/dt log F(t)} of the
// standard member. Invalid mu or sigma: NaN.
template <class LogStandardCdf>
void location_scale_log_tail(const ad::KernelCall& call, double* out, double* const* partials, double sign,
                             LogStandardCdf log_standard_cdf) {
  double* d_y = wanted(partials, 0);
  double* d_mu = wanted(partials, 1);
  double* d_sigma = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], mu = call.args[1].data[j], sigma = call.args[2].data[j];
    const bool valid = positive_finite(sigma) && std::isfinite(mu);
    const double z = (y - mu) / sigma;
    const auto [value, slope] = log_standard_cdf(sign * z);
    out[j] = valid ? value : not_a_number;
    const double d_z = sign * slope;
    if (d_y) d_y[j] = d_z / sigma;
    if (d_mu) d_mu[j] = -d_z / sigma;
    if (d_sigma) d_sigma[j] = -d_z * z / sigma;
  }
}


// Validity of a whole block, checked once with vectorized reductions, so that a kernel can
// evaluate its log density without a per-element select when every element is valid (the
// common case): Eigen 3.4's select() is not vectorized and makes every exp and log in its
// expression run element by element. NaN fails every test. An empty block is valid.
// Only plain sums and the default minCoeff / maxCoeff are used: the NaN-propagating variants
// are 5-8x slower. The default ones are unspecified when a NaN is present, so each test first
// rules NaN out with a sum (a NaN anywhere makes it NaN).
// x * 0 is 0 for finite x and NaN for +-inf and NaN, so the sum is 0 exactly when all are finite.
inline bool all_finite(const ConstArrayMap& a) { return (a * 0.0).sum() == 0.0; }
// Every element in the open interval (low, high). (+inf and -inf together also fail: their sum is NaN.)
template <class Derived>
bool all_between(const Eigen::ArrayBase<Derived>& a, double low, double high) {
  return a.size() == 0 || (!std::isnan(a.sum()) && a.minCoeff() > low && a.maxCoeff() < high);
}
inline bool all_positive_finite(const ConstArrayMap& a) { return all_between(a, 0.0, infinity); }
inline bool all_nonnegative(const ConstArrayMap& a) {
  return a.size() == 0 || (!std::isnan(a.sum()) && a.minCoeff() >= 0.0);
}
// Every element equal to the first, and positive and finite -- typically a shape parameter
// broadcast from a scalar: kernels then evaluate its lgamma / digamma once per block.
inline bool all_equal_positive_finite(const ConstArrayMap& a) {
  return a.size() > 0 && !std::isnan(a.sum()) && a.minCoeff() == a.maxCoeff() && positive_finite(a[0]);
}
// Every element 0 or 1 (n (n - 1) = 0 exactly then, nonzero, inf or NaN otherwise).
inline bool all_binary(const ConstArrayMap& n) { return (n * (n - 1.0)).abs().sum() == 0.0; }

// out = value where valid, NaN elsewhere. `all_valid` is the block-wide check (above): when
// it holds, value is assigned directly, vectorized; otherwise element by element through the
// select. Both arguments are unevaluated expressions, so only the branch taken costs anything.
template <class Valid, class Value>
void assign_where_valid(double* out, std::size_t count, bool all_valid, const Valid& valid, const Value& value) {
  if (all_valid)
    result(out, count) = value;
  else
    result(out, count) = valid.select(value, not_a_number);
}


// Element j's event of argument a: its own, or the shared one when broadcast.
inline const double* event(const ad::KernelArg& argument, std::size_t j) {
  return argument.broadcast ? argument.data : argument.data + j * argument.event_size;
}

// A simplex: entries >= 0 summing to 1 within 1e-8 (Stan's tolerance, which also leaves room
// for rounding in the transform that produced it).
inline bool is_simplex(const double* theta, std::size_t size) {
  double total = 0.0;
  for (std::size_t k = 0; k < size; ++k) {
    if (!(theta[k] >= 0.0)) return false;
    total += theta[k];
  }
  return std::abs(total - 1.0) <= 1e-8;
}


// Wraps a log density kernel so that elements whose value is -inf (outcome outside the
// support) get zero partials: where such an element is mixed in with log_sum_exp (a mixture,
// an enumerated latent) its weight is exp(-inf) = 0, and 0 * NaN would poison the sum.
template <ad::LogDensityKernel kernel>
void zero_partials_outside_support(const ad::KernelCall& call, double* out, double* const* partials) {
  kernel(call, out, partials);
  if (!partials || call.count == 0) return;
  // One vectorized pass finds the common case: a finite sum means no element is -inf.
  if (std::isfinite(result(out, call.count).sum())) return;
  for (std::size_t j = 0; j < call.count; ++j) {
    if (out[j] != -infinity) continue;
    for (std::size_t a = 0; a < call.arg_count; ++a) {
      if (!partials[a]) continue;
      const std::size_t size = call.args[a].event_size;
      std::fill(partials[a] + j * size, partials[a] + (j + 1) * size, 0.0);
    }
  }
}

}  // namespace pm::stdlib::kernel_math
