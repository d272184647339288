// Elementwise bounds: real, vector, row_vector and matrix with lower and/or upper bounds
// (Stan Reference Manual, "Constraint Transforms": "Lower bounded scalar", "Upper bounded
// scalar", "Lower and upper bounded scalar").
//
//   lower:        x = lb + exp(u),                log|dx/du| = u
//   upper:        x = ub - exp(u),                log|dx/du| = u
//   lower_upper:  x = lb + (ub - lb) inv_logit(u),
//                 log|dx/du| = log(ub - lb) + log_inv_logit(u) + log1m_inv_logit(u)
//                            = log(ub - lb) - |u| - 2 log1p(exp(-|u|))
//
// An absent or infinite bound makes that side unbounded, so one code path serves all four
// kinds element by element (a vector may mix finite and infinite bounds).
#include <algorithm>
#include <cmath>
#include <limits>

#include "stdlib/transforms/stable_math.hpp"
#include "stdlib/transforms/transform_kernels.hpp"

namespace pm::transforms::detail {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct ElementBounds {
  double lower;
  double upper;
  bool has_lower() const { return std::isfinite(lower); }
  bool has_upper() const { return std::isfinite(upper); }
};

// bound[i % size], without the integer division in the common cases (a scalar bound, or one
// bound per element), since this runs once per element per log-density evaluation.
double bound_at(std::span<const double> bound, std::size_t index, double absent) {
  if (bound.empty()) return absent;
  if (bound.size() == 1) return bound[0];
  return bound[index < bound.size() ? index : index % bound.size()];
}

ElementBounds bounds_of(const Bounds& bounds, std::size_t index) {
  return {bound_at(bounds.lower, index, -kInfinity), bound_at(bounds.upper, index, kInfinity)};
}

}  // namespace

double bounded_constrain(const double* u, double* x, std::size_t n, std::size_t offset, const Bounds& bounds) {
  double log_jacobian = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const ElementBounds b = bounds_of(bounds, offset + i);
    if (b.has_lower() && b.has_upper()) {
      const double width = b.upper - b.lower;
      // Measure from the nearer bound, so that x keeps full relative precision near both
      // ends (lb + width * inv_logit(u) would round to lb + width != ub for large u).
      const double from_bound = u[i] > 0 ? b.upper - width * inv_logit(-u[i]) : b.lower + width * inv_logit(u[i]);
      x[i] = std::clamp(from_bound, b.lower, b.upper);
      log_jacobian += std::log(width) + log_inv_logit_derivative(u[i]);
    } else if (b.has_lower()) {
      x[i] = b.lower + std::exp(u[i]);
      log_jacobian += u[i];
    } else if (b.has_upper()) {
      x[i] = b.upper - std::exp(u[i]);
      log_jacobian += u[i];
    } else {
      x[i] = u[i];
    }
  }
  return log_jacobian;
}

void bounded_constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                           double* adjoint_u, std::size_t n, std::size_t offset, const Bounds& bounds) {
  for (std::size_t i = 0; i < n; ++i) {
    const ElementBounds b = bounds_of(bounds, offset + i);
    // A zero adjoint contributes nothing; skipping it avoids 0 * inf when exp(u) overflows.
    const double a = adjoint_x[i];
    if (b.has_lower() && b.has_upper()) {
      const double width = b.upper - b.lower;
      if (a != 0.0) adjoint_u[i] += a * width * std::exp(log_inv_logit_derivative(u[i]));
      // d/du [log_inv_logit(u) + log1m_inv_logit(u)] = 1 - 2 inv_logit(u) = -tanh(u / 2).
      adjoint_u[i] -= adjoint_log_jacobian * std::tanh(0.5 * u[i]);
    } else if (b.has_lower() || b.has_upper()) {
      const double sign = b.has_lower() ? 1.0 : -1.0;
      if (a != 0.0) adjoint_u[i] += sign * a * std::exp(u[i]);
      adjoint_u[i] += adjoint_log_jacobian;
    } else {
      adjoint_u[i] += a;
    }
  }
}

bool bounded_unconstrain(const double* x, double* u, std::size_t n, std::size_t offset, const Bounds& bounds) {
  for (std::size_t i = 0; i < n; ++i) {
    const ElementBounds b = bounds_of(bounds, offset + i);
    if (b.has_lower() && b.has_upper()) {
      // logit((x - lb) / (ub - lb)) = log(x - lb) - log(ub - x), each difference exact
      // enough even when the bounds are 1e-300 apart.
      u[i] = std::log(x[i] - b.lower) - std::log(b.upper - x[i]);
    } else if (b.has_lower()) {
      u[i] = std::log(x[i] - b.lower);
    } else if (b.has_upper()) {
      u[i] = std::log(b.upper - x[i]);
    } else {
      u[i] = x[i];
    }
    if (!std::isfinite(u[i])) return false;
  }
  return true;
}

bool bounded_in_support(const double* x, std::size_t n, std::size_t offset, const Bounds& bounds) {
  for (std::size_t i = 0; i < n; ++i) {
    const ElementBounds b = bounds_of(bounds, offset + i);
    // Written so that NaN fails every comparison and is rejected.
    if (!(x[i] >= b.lower && x[i] <= b.upper)) return false;
  }
  return true;
}

}  // namespace pm::transforms::detail
