// Transform: sizes, the loop over copies, and the factory from a declared type. The
// formulas live in one file per family (bounded, simplex, ordered, cholesky_corr,
// cholesky_cov); see transform.hpp for the layout contract.
#include "stdlib/transforms/transform.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "stdlib/transforms/transform_kernels.hpp"

namespace pm::transforms {
namespace {

bool is_elementwise(TransformKind kind) {
  return kind == TransformKind::identity || kind == TransformKind::lower || kind == TransformKind::upper ||
         kind == TransformKind::lower_upper;
}

// A bound span fits when it is absent or holds 1, event_size or total values.
bool bound_size_fits(std::span<const double> bound, std::size_t event_size, std::size_t total) {
  return bound.empty() || bound.size() == 1 || bound.size() == event_size || bound.size() == total;
}

}  // namespace

std::size_t Transform::free_event_size() const {
  switch (kind) {
    case TransformKind::identity:
    case TransformKind::lower:
    case TransformKind::upper:
    case TransformKind::lower_upper:
      return rows * cols;
    case TransformKind::simplex:
      return rows == 0 ? 0 : rows - 1;
    case TransformKind::ordered:
    case TransformKind::positive_ordered:
      return rows;
    case TransformKind::cholesky_factor_corr:
    case TransformKind::corr_matrix:
      return rows == 0 ? 0 : rows * (rows - 1) / 2;
    case TransformKind::cholesky_factor_cov:
      return cols * (cols + 1) / 2 + (rows - cols) * cols;
    case TransformKind::cov_matrix:
      return rows * (rows + 1) / 2;
  }
  return 0;
}

std::size_t Transform::constrained_event_size() const { return rows * cols; }

double Transform::constrain(const double* u, double* x, const Bounds& bounds) const {
  if (is_elementwise(kind)) return detail::bounded_constrain(u, x, constrained_size(), 0, bounds);
  const std::size_t free_step = free_event_size();
  const std::size_t step = constrained_event_size();
  double log_jacobian = 0.0;
  for (std::size_t c = 0; c < count; ++c, u += free_step, x += step) {
    switch (kind) {
      case TransformKind::simplex: log_jacobian += detail::simplex_constrain(u, x, rows); break;
      case TransformKind::ordered: log_jacobian += detail::ordered_constrain(u, x, rows, false); break;
      case TransformKind::positive_ordered: log_jacobian += detail::ordered_constrain(u, x, rows, true); break;
      case TransformKind::cholesky_factor_corr: log_jacobian += detail::cholesky_corr_constrain(u, x, rows); break;
      case TransformKind::corr_matrix: log_jacobian += detail::corr_matrix_constrain(u, x, rows); break;
      case TransformKind::cholesky_factor_cov: log_jacobian += detail::cholesky_cov_constrain(u, x, rows, cols); break;
      case TransformKind::cov_matrix: log_jacobian += detail::cov_matrix_constrain(u, x, rows); break;
      default: break;
    }
  }
  return log_jacobian;
}

void Transform::constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                              double* adjoint_u, const Bounds& bounds) const {
  if (is_elementwise(kind)) {
    detail::bounded_constrain_vjp(u, x, adjoint_x, adjoint_log_jacobian, adjoint_u, constrained_size(), 0, bounds);
    return;
  }
  const std::size_t free_step = free_event_size();
  const std::size_t step = constrained_event_size();
  const double a = adjoint_log_jacobian;
  for (std::size_t c = 0; c < count; ++c, u += free_step, adjoint_u += free_step, x += step, adjoint_x += step) {
    switch (kind) {
      case TransformKind::simplex: detail::simplex_constrain_vjp(u, x, adjoint_x, a, adjoint_u, rows); break;
      case TransformKind::ordered: detail::ordered_constrain_vjp(u, x, adjoint_x, a, adjoint_u, rows, false); break;
      case TransformKind::positive_ordered:
        detail::ordered_constrain_vjp(u, x, adjoint_x, a, adjoint_u, rows, true);
        break;
      case TransformKind::cholesky_factor_corr:
        detail::cholesky_corr_constrain_vjp(u, x, adjoint_x, a, adjoint_u, rows);
        break;
      case TransformKind::corr_matrix: detail::corr_matrix_constrain_vjp(u, x, adjoint_x, a, adjoint_u, rows); break;
      case TransformKind::cholesky_factor_cov:
        detail::cholesky_cov_constrain_vjp(u, x, adjoint_x, a, adjoint_u, rows, cols);
        break;
      case TransformKind::cov_matrix: detail::cov_matrix_constrain_vjp(u, x, adjoint_x, a, adjoint_u, rows); break;
      default: break;
    }
  }
}

bool Transform::unconstrain(const double* x, double* u, const Bounds& bounds) const {
  if (!in_support(x, bounds)) return false;
  // Work in a scratch buffer so that u stays untouched when a coordinate turns out infinite.
  std::vector<double> scratch(free_size());
  bool finite = true;
  if (is_elementwise(kind)) {
    finite = detail::bounded_unconstrain(x, scratch.data(), constrained_size(), 0, bounds);
  } else {
    const std::size_t free_step = free_event_size();
    const std::size_t step = constrained_event_size();
    double* v = scratch.data();
    for (std::size_t c = 0; c < count && finite; ++c, v += free_step, x += step) {
      switch (kind) {
        case TransformKind::simplex: finite = detail::simplex_unconstrain(x, v, rows); break;
        case TransformKind::ordered: finite = detail::ordered_unconstrain(x, v, rows, false); break;
        case TransformKind::positive_ordered: finite = detail::ordered_unconstrain(x, v, rows, true); break;
        case TransformKind::cholesky_factor_corr: finite = detail::cholesky_corr_unconstrain(x, v, rows); break;
        case TransformKind::corr_matrix: finite = detail::corr_matrix_unconstrain(x, v, rows); break;
        case TransformKind::cholesky_factor_cov: finite = detail::cholesky_cov_unconstrain(x, v, rows, cols); break;
        case TransformKind::cov_matrix: finite = detail::cov_matrix_unconstrain(x, v, rows); break;
        default: break;
      }
    }
  }
  if (!finite) return false;
  std::copy(scratch.begin(), scratch.end(), u);
  return true;
}

bool Transform::in_support(const double* x, const Bounds& bounds) const {
  if (is_elementwise(kind)) return detail::bounded_in_support(x, constrained_size(), 0, bounds);
  const std::size_t step = constrained_event_size();
  for (std::size_t c = 0; c < count; ++c, x += step) {
    bool inside = true;
    switch (kind) {
      case TransformKind::simplex: inside = detail::simplex_in_support(x, rows); break;
      case TransformKind::ordered: inside = detail::ordered_in_support(x, rows, false); break;
      case TransformKind::positive_ordered: inside = detail::ordered_in_support(x, rows, true); break;
      case TransformKind::cholesky_factor_corr: inside = detail::cholesky_corr_in_support(x, rows); break;
      case TransformKind::corr_matrix: inside = detail::corr_matrix_in_support(x, rows); break;
      case TransformKind::cholesky_factor_cov: inside = detail::cholesky_cov_in_support(x, rows, cols); break;
      case TransformKind::cov_matrix: inside = detail::cov_matrix_in_support(x, rows); break;
      default: break;
    }
    if (!inside) return false;
  }
  return true;
}

bool Transform::bounds_valid(const Bounds& bounds) const {
  const bool wants_lower = kind == TransformKind::lower || kind == TransformKind::lower_upper;
  const bool wants_upper = kind == TransformKind::upper || kind == TransformKind::lower_upper;
  if (bounds.lower.empty() == wants_lower || bounds.upper.empty() == wants_upper) return false;
  const std::size_t event_size = constrained_event_size();
  const std::size_t total = constrained_size();
  if (!bound_size_fits(bounds.lower, event_size, total) || !bound_size_fits(bounds.upper, event_size, total))
    return false;
  for (double lower : bounds.lower)
    if (std::isnan(lower)) return false;
  for (double upper : bounds.upper)
    if (std::isnan(upper)) return false;
  if (wants_lower && wants_upper) {
    for (std::size_t i = 0; i < total; ++i) {
      const double lower = bounds.lower[i % bounds.lower.size()];
      const double upper = bounds.upper[i % bounds.upper.size()];
      const bool both_finite = std::isfinite(lower) && std::isfinite(upper);
      if (!(lower < upper) || (both_finite && !std::isfinite(upper - lower))) return false;
    }
  }
  return true;
}

std::optional<Transform> make_transform(DeclaredBase base, std::span<const std::size_t> sizes, bool has_lower,
                                        bool has_upper, std::size_t count) {
  auto sized = [&](TransformKind kind, std::size_t rows, std::size_t cols) {
    return std::optional<Transform>(Transform{kind, rows, cols, count});
  };
  const bool bounded = has_lower || has_upper;
  const TransformKind elementwise = has_lower && has_upper ? TransformKind::lower_upper
                                    : has_lower            ? TransformKind::lower
                                    : has_upper            ? TransformKind::upper
                                                           : TransformKind::identity;
  switch (base) {
    case DeclaredBase::real:
      if (sizes.empty()) return sized(elementwise, 1, 1);
      break;
    case DeclaredBase::vector:
      if (sizes.size() == 1) return sized(elementwise, sizes[0], 1);
      break;
    case DeclaredBase::row_vector:
      if (sizes.size() == 1) return sized(elementwise, 1, sizes[0]);
      break;
    case DeclaredBase::matrix:
      if (sizes.size() == 2) return sized(elementwise, sizes[0], sizes[1]);
      break;
    default:
      break;
  }
  if (bounded) return std::nullopt;
  switch (base) {
    case DeclaredBase::simplex:
      if (sizes.size() == 1 && sizes[0] >= 1) return sized(TransformKind::simplex, sizes[0], 1);
      break;
    case DeclaredBase::ordered:
      if (sizes.size() == 1) return sized(TransformKind::ordered, sizes[0], 1);
      break;
    case DeclaredBase::positive_ordered:
      if (sizes.size() == 1) return sized(TransformKind::positive_ordered, sizes[0], 1);
      break;
    case DeclaredBase::cholesky_factor_corr:
      if (sizes.size() == 1) return sized(TransformKind::cholesky_factor_corr, sizes[0], sizes[0]);
      break;
    case DeclaredBase::corr_matrix:
      if (sizes.size() == 1) return sized(TransformKind::corr_matrix, sizes[0], sizes[0]);
      break;
    case DeclaredBase::cov_matrix:
      if (sizes.size() == 1) return sized(TransformKind::cov_matrix, sizes[0], sizes[0]);
      break;
    case DeclaredBase::cholesky_factor_cov:
      if (sizes.size() == 1) return sized(TransformKind::cholesky_factor_cov, sizes[0], sizes[0]);
      if (sizes.size() == 2 && sizes[0] >= sizes[1]) return sized(TransformKind::cholesky_factor_cov, sizes[0], sizes[1]);
      break;
    default:
      break;
  }
  return std::nullopt;
}

namespace {

constexpr std::array<std::pair<std::string_view, DeclaredBase>, 11> kDeclaredBaseNames{{
    {"real", DeclaredBase::real},
    {"vector", DeclaredBase::vector},
    {"row_vector", DeclaredBase::row_vector},
    {"matrix", DeclaredBase::matrix},
    {"simplex", DeclaredBase::simplex},
    {"ordered", DeclaredBase::ordered},
    {"positive_ordered", DeclaredBase::positive_ordered},
    {"cholesky_factor_corr", DeclaredBase::cholesky_factor_corr},
    {"cholesky_factor_cov", DeclaredBase::cholesky_factor_cov},
    {"corr_matrix", DeclaredBase::corr_matrix},
    {"cov_matrix", DeclaredBase::cov_matrix},
}};

}  // namespace

std::optional<DeclaredBase> declared_base_from_name(std::string_view name) {
  for (const auto& [known, base] : kDeclaredBaseNames)
    if (known == name) return base;
  return std::nullopt;
}

std::string_view transform_kind_name(TransformKind kind) {
  switch (kind) {
    case TransformKind::identity: return "identity";
    case TransformKind::lower: return "lower";
    case TransformKind::upper: return "upper";
    case TransformKind::lower_upper: return "lower_upper";
    case TransformKind::simplex: return "simplex";
    case TransformKind::ordered: return "ordered";
    case TransformKind::positive_ordered: return "positive_ordered";
    case TransformKind::cholesky_factor_corr: return "cholesky_factor_corr";
    case TransformKind::cholesky_factor_cov: return "cholesky_factor_cov";
    case TransformKind::corr_matrix: return "corr_matrix";
    case TransformKind::cov_matrix: return "cov_matrix";
  }
  return "unknown";
}

}  // namespace pm::transforms
