// Shared checks for the transform tests: round trip, log-Jacobian against the
// finite-difference Jacobian, vector-Jacobian product against finite differences, support.
//
// Free coordinates of x (the square Jacobian's outputs), as in Stan's derivations:
//   elementwise, ordered, positive_ordered: every entry;
//   simplex[K]: the first K - 1 entries (the last is 1 minus their sum);
//   cholesky_factor_corr[K], corr_matrix[K]: the strict lower triangle, row by row;
//   cholesky_factor_cov[M, N]: the entries on and below the diagonal, row by row;
//   cov_matrix[K]: the lower triangle with its diagonal, row by row.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "stdlib/transforms/eigen_dense.hpp"
#include "stdlib/transforms/transform.hpp"

namespace pm::transforms::test {

// A transform with owned bound storage.
struct Case {
  Transform transform;
  std::vector<double> lower;
  std::vector<double> upper;
  Bounds bounds() const { return {lower, upper}; }
};

inline std::vector<double> free_coordinates(const Transform& t, const std::vector<double>& x) {
  std::vector<double> free;
  const std::size_t step = t.constrained_event_size();
  const std::size_t R = t.rows;
  for (std::size_t c = 0; c < t.count; ++c) {
    const double* e = x.data() + c * step;
    auto at = [&](std::size_t i, std::size_t j) { return e[j * R + i]; };  // column-major
    switch (t.kind) {
      case TransformKind::simplex:
        free.insert(free.end(), e, e + (R - 1));
        break;
      case TransformKind::cholesky_factor_corr:
      case TransformKind::corr_matrix:
        for (std::size_t i = 1; i < R; ++i)
          for (std::size_t j = 0; j < i; ++j) free.push_back(at(i, j));
        break;
      case TransformKind::cholesky_factor_cov:
      case TransformKind::cov_matrix:
        for (std::size_t i = 0; i < R; ++i)
          for (std::size_t j = 0; j <= i && j < t.cols; ++j) free.push_back(at(i, j));
        break;
      default:
        free.insert(free.end(), e, e + step);
        break;
    }
  }
  return free;
}

struct Constrained {
  std::vector<double> x;
  double log_jacobian;
};

inline Constrained run(const Case& c, const std::vector<double>& u) {
  Constrained out{std::vector<double>(c.transform.constrained_size()), 0.0};
  out.log_jacobian = c.transform.constrain(u.data(), out.x.data(), c.bounds());
  return out;
}

inline std::vector<double> normal_draws(std::mt19937_64& rng, std::size_t n, double scale) {
  std::normal_distribution<double> normal(0.0, scale);
  std::vector<double> v(n);
  for (double& value : v) value = normal(rng);
  return v;
}

// Round trip: unconstrain(constrain(u)) = u to 1e-7 (doctest Approx: 1e-7 * (1 + |u|)): the inverse maps lose at most
// a few ulps of x, amplified by at most ~1/(slope) which stays below 1e3 at |u| <= 3.
inline void check_round_trip(const Case& c, const std::vector<double>& u) {
  const Constrained y = run(c, u);
  CHECK(c.transform.in_support(y.x.data(), c.bounds()));
  std::vector<double> back(u.size(), -12345.0);
  REQUIRE(c.transform.unconstrain(y.x.data(), back.data(), c.bounds()));
  for (std::size_t i = 0; i < u.size(); ++i) CHECK(back[i] == doctest::Approx(u[i]).epsilon(1e-7));
}

// log|det J| against central finite differences (h = 1e-6, truncation error O(h^2) = 1e-12
// in each entry, rounding ~1e-10): agreement to 1e-5 * (1 + |log det|).
inline void check_log_jacobian(const Case& c, const std::vector<double>& u) {
  const std::size_t n = u.size();
  const double h = 1e-6;
  Eigen::MatrixXd jacobian(n, n);
  for (std::size_t k = 0; k < n; ++k) {
    std::vector<double> plus = u, minus = u;
    plus[k] += h;
    minus[k] -= h;
    const std::vector<double> f_plus = free_coordinates(c.transform, run(c, plus).x);
    const std::vector<double> f_minus = free_coordinates(c.transform, run(c, minus).x);
    REQUIRE(f_plus.size() == n);
    for (std::size_t i = 0; i < n; ++i) jacobian(i, k) = (f_plus[i] - f_minus[i]) / (2 * h);
  }
  double log_det = 0.0;
  if (n > 0) {
    const Eigen::PartialPivLU<Eigen::MatrixXd> lu(jacobian);
    log_det = lu.matrixLU().diagonal().array().abs().log().sum();
  }
  CHECK(run(c, u).log_jacobian == doctest::Approx(log_det).epsilon(1e-5));
}

// constrain_vjp against central differences of g(u) = <adjoint_x, x(u)> + a * logJ(u), with
// random adjoints; adjoint_u starts nonzero to check that the vjp accumulates. Tolerance
// 1e-6 * (1 + |g'|).
inline void check_vjp(const Case& c, const std::vector<double>& u, std::mt19937_64& rng) {
  const std::size_t n = u.size();
  const std::vector<double> adjoint_x = normal_draws(rng, c.transform.constrained_size(), 1.0);
  const double adjoint_log_jacobian = normal_draws(rng, 1, 1.0)[0];
  const std::vector<double> start = normal_draws(rng, n, 1.0);
  std::vector<double> adjoint_u = start;
  const Constrained y = run(c, u);
  c.transform.constrain_vjp(u.data(), y.x.data(), adjoint_x.data(), adjoint_log_jacobian, adjoint_u.data(), c.bounds());
  auto g = [&](const std::vector<double>& v) {
    const Constrained z = run(c, v);
    double total = adjoint_log_jacobian * z.log_jacobian;
    for (std::size_t i = 0; i < z.x.size(); ++i) total += adjoint_x[i] * z.x[i];
    return total;
  };
  const double h = 1e-6;
  for (std::size_t k = 0; k < n; ++k) {
    std::vector<double> plus = u, minus = u;
    plus[k] += h;
    minus[k] -= h;
    const double expected = (g(plus) - g(minus)) / (2 * h);
    const double got = adjoint_u[k] - start[k];
    CHECK(got == doctest::Approx(expected).epsilon(1e-6));
  }
}

// All of the above at `points` seeded random points with u ~ normal(0, scale).
inline void check_transform(const Case& c, unsigned seed, int points = 4, double scale = 1.0) {
  REQUIRE(c.transform.bounds_valid(c.bounds()));
  std::mt19937_64 rng(seed);
  for (int p = 0; p < points; ++p) {
    const std::vector<double> u = normal_draws(rng, c.transform.free_size(), scale);
    check_round_trip(c, u);
    check_log_jacobian(c, u);
    check_vjp(c, u, rng);
  }
}

inline bool has_nan(const std::vector<double>& v) {
  return std::any_of(v.begin(), v.end(), [](double value) { return std::isnan(value); });
}

}  // namespace pm::transforms::test
