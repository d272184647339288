// The constraining transforms: bijections from an unconstrained vector u to a declared
// support x = constrain(u), with log|det J| (ARCHITECTURE.md decision 5; the formulas are
// those of the Stan Reference Manual, chapter "Constraint Transforms"; docs/transforms.md
// gives each one with its log-Jacobian).
//
// The interface uses plain double buffers and no autodiff type, so that the autodiff layer
// wraps each transform as one op by a thin adapter: forward = constrain, backward =
// constrain_vjp.
//
// Layout conventions (the contract):
// - A Transform covers `count` independent copies of one declared event (an array of
//   simplexes is one Transform with count = array size). Copy c reads
//   u[c * free_event_size() ...] and writes x[c * constrained_event_size() ...].
// - Matrices (cholesky factors, correlation and covariance matrices) are stored
//   column-major, as Eigen and Stan do: entry (i, j) of an R x C matrix at x[j * R + i].
//   Symmetric matrices are stored in full; constrain writes both triangles exactly equal.
// - Free coordinates of matrix transforms are read in Stan's order: row by row through the
//   lower triangle (see each transform's file).
// - Bounds (lower/upper of real, vector, row_vector, matrix) are per-element arrays or
//   scalars: a bound span of size n applies bound[i % n] to element i, so n = 1 (a scalar),
//   n = the event size (one bound per element of each copy) and n = the total size all work.
//   An empty span means "no bound"; an infinite bound also means "no bound on that side".
//   Bounds must satisfy lower < upper elementwise, with ub - lb finite (bounds_valid).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace pm::transforms {

// Absolute tolerance for the equality constraints of unconstrain / in_support: a simplex's
// sum, unit rows of a Cholesky factor of a correlation matrix, unit diagonals, symmetry.
// Stan's CONSTRAINT_TOLERANCE (stan/math/prim/err/constraint_tolerance.hpp) is the same.
inline constexpr double kConstraintTolerance = 1e-8;

enum class TransformKind {
  identity,              // real, vector, row_vector, matrix without bounds
  lower,                 // x = lb + exp(u)
  upper,                 // x = ub - exp(u)
  lower_upper,           // x = lb + (ub - lb) inv_logit(u)
  simplex,               // stick-breaking, K - 1 free values
  ordered,               // x1 = u1, xk = x(k-1) + exp(uk)
  positive_ordered,      // x1 = exp(u1), xk = x(k-1) + exp(uk)
  cholesky_factor_corr,  // canonical partial correlations via tanh, K(K-1)/2 free values
  cholesky_factor_cov,   // M x N lower-trapezoidal factor with exp diagonal
  corr_matrix,           // L L^T with L = cholesky_factor_corr
  cov_matrix,            // L L^T with L lower triangular, exp diagonal
};

// The declared base type of a constrained variable, as written in a model.
enum class DeclaredBase {
  real,
  vector,
  row_vector,
  matrix,
  simplex,
  ordered,
  positive_ordered,
  cholesky_factor_corr,
  cholesky_factor_cov,
  corr_matrix,
  cov_matrix,
};

struct Bounds {
  std::span<const double> lower;  // empty: no lower bound
  std::span<const double> upper;  // empty: no upper bound
};

struct Transform {
  TransformKind kind = TransformKind::identity;
  // The declared event: an R x C matrix or a vector of R (C = 1). For elementwise kinds
  // (identity, lower, upper, lower_upper) only rows * cols matters.
  std::size_t rows = 1;
  std::size_t cols = 1;
  std::size_t count = 1;  // independent copies, laid one after another

  std::size_t free_event_size() const;
  std::size_t constrained_event_size() const;
  std::size_t free_size() const { return count * free_event_size(); }
  std::size_t constrained_size() const { return count * constrained_event_size(); }

  // x[0 .. constrained_size()) = constrain(u[0 .. free_size())); returns the sum over all
  // copies of log|det J|, J the Jacobian of u -> free coordinates of x (docs/transforms.md).
  // Never throws, never NaN for finite u and valid bounds; results that overflow are +-inf.
  double constrain(const double* u, double* x, const Bounds& bounds) const;

  // ACCUMULATES into adjoint_u[0 .. free_size()) the vector-Jacobian product of both outputs:
  // adjoint_u += (dx/du)^T adjoint_x + adjoint_log_jacobian * d(log|det J|)/du.
  // x must be constrain(u). For symmetric matrices adjoint_x holds one adjoint per stored
  // entry (both triangles). The bounds are needed by the elementwise kinds.
  void constrain_vjp(const double* u, const double* x, const double* adjoint_x,
                     double adjoint_log_jacobian, double* adjoint_u, const Bounds& bounds) const;

  // u = constrain^{-1}(x). Returns false, and leaves u untouched, when x is outside the
  // support (in_support false) or on its boundary, where u would be infinite (x = lb, a zero
  // simplex entry, a singular covariance matrix).
  bool unconstrain(const double* x, double* u, const Bounds& bounds) const;

  // Whether x lies in the closed support, with kConstraintTolerance on equality constraints.
  // Bounds are closed here (x = lb is allowed), as Stan validates data.
  bool in_support(const double* x, const Bounds& bounds) const;

  // Bounds present where the kind needs them, spans of size 1, event size or total size,
  // and lower < upper with a finite difference elementwise.
  bool bounds_valid(const Bounds& bounds) const;
};

// The transform of a declared type: `sizes` are the sizes in brackets (real: none;
// vector[N], simplex[K], ordered[K], cholesky_factor_corr[K], corr_matrix[K], cov_matrix[K]:
// one; matrix[R, C]: two; cholesky_factor_cov: [M] or [M, N] with M >= N), `count` the
// number of array elements. nullopt when the sizes do not fit the type, or when bounds are
// given for a type that takes none.
std::optional<Transform> make_transform(DeclaredBase base, std::span<const std::size_t> sizes,
                                        bool has_lower, bool has_upper, std::size_t count = 1);

// "real", "vector", ..., "cov_matrix" -> DeclaredBase; nullopt for other names.
std::optional<DeclaredBase> declared_base_from_name(std::string_view name);
std::string_view transform_kind_name(TransformKind kind);

}  // namespace pm::transforms
