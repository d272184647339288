// Elementwise bound transforms: lower, upper, lower_upper, identity.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "transforms_checks.hpp"

namespace pm::transforms::test {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

Case bounded(TransformKind kind, std::size_t size, std::vector<double> lower, std::vector<double> upper,
             std::size_t count = 1) {
  return Case{Transform{kind, size, 1, count}, std::move(lower), std::move(upper)};
}

}  // namespace

TEST_CASE("transforms: elementwise bounds invert, and match finite-difference Jacobians and gradients") {
  check_transform(bounded(TransformKind::identity, 3, {}, {}), 11);
  check_transform(bounded(TransformKind::lower, 1, {0.0}, {}), 12);
  check_transform(bounded(TransformKind::lower, 4, {-1.0, 0.0, 2.5, 100.0}, {}), 13);
  check_transform(bounded(TransformKind::upper, 3, {}, {1.0}), 14);
  check_transform(bounded(TransformKind::lower_upper, 3, {0.0}, {1.0}), 15, 4, 3.0);
  check_transform(bounded(TransformKind::lower_upper, 3, {-2.0, 0.0, 10.0}, {-1.0, 5.0, 10.5}), 16);
  // A bound of the event size applies to each of the 2 copies (array[2] vector<lower=lb>[3]).
  check_transform(bounded(TransformKind::lower_upper, 3, {-1.0, 0.0, 1.0}, {0.0, 1.0, 2.0}, 2), 17);
  // An infinite bound leaves that side (and here that element) unbounded.
  check_transform(bounded(TransformKind::lower_upper, 3, {-kInfinity, 0.0, -kInfinity}, {1.0, kInfinity, kInfinity}), 18);
  // Bounds 1e-300 apart: widths near the bottom of the normal range still work.
  check_transform(bounded(TransformKind::lower_upper, 2, {0.0, 1e-300}, {1e-300, 2e-300}), 19);
}

TEST_CASE("transforms: lower, upper and lower_upper formulas") {
  const Case lower = bounded(TransformKind::lower, 1, {2.0}, {});
  const Constrained y = run(lower, {0.5});
  CHECK(y.x[0] == doctest::Approx(2.0 + std::exp(0.5)).epsilon(1e-15));
  CHECK(y.log_jacobian == 0.5);

  const Case upper = bounded(TransformKind::upper, 1, {}, {2.0});
  CHECK(run(upper, {0.5}).x[0] == doctest::Approx(2.0 - std::exp(0.5)).epsilon(1e-15));

  const Case unit = bounded(TransformKind::lower_upper, 1, {-1.0}, {3.0});
  const Constrained middle = run(unit, {0.0});
  CHECK(middle.x[0] == 1.0);
  CHECK(middle.log_jacobian == doctest::Approx(std::log(4.0 * 0.25)).epsilon(1e-15));
}

TEST_CASE("transforms: lower_upper log-Jacobian stays accurate at u = 40") {
  // log(4) + log(inv_logit(40)) + log(1 - inv_logit(40)) = log 4 - 40 - 2 log1p(exp(-40));
  // the naive form log(s (1 - s)) is -inf there because 1 - s rounds to 0.
  const Case unit = bounded(TransformKind::lower_upper, 2, {0.0}, {4.0});
  const Constrained y = run(unit, {40.0, -40.0});
  const double expected_each = std::log(4.0) - 40.0 - 2.0 * std::log1p(std::exp(-40.0));
  CHECK(y.log_jacobian == doctest::Approx(2.0 * expected_each).epsilon(1e-15));
  CHECK(y.x[0] <= 4.0);
  CHECK(y.x[0] == doctest::Approx(4.0 - 4.0 * std::exp(-40.0)).epsilon(1e-15));
  // Measured from the lower bound, x keeps full relative precision near it.
  CHECK(y.x[1] == doctest::Approx(4.0 * std::exp(-40.0)).epsilon(1e-14));
}

TEST_CASE("transforms: elementwise bounds at u = +-800 give no NaN") {
  const std::vector<double> u{800.0, -800.0};
  const std::vector<double> adjoint{1.0, -1.0};
  for (const Case& c : {bounded(TransformKind::lower, 2, {1.0}, {}), bounded(TransformKind::upper, 2, {}, {1.0}),
                        bounded(TransformKind::lower_upper, 2, {-1.0}, {1.0}),
                        bounded(TransformKind::lower_upper, 2, {0.0}, {1e-300})}) {
    const Constrained y = run(c, u);
    CHECK_FALSE(has_nan(y.x));
    CHECK_FALSE(std::isnan(y.log_jacobian));
    std::vector<double> adjoint_u(2, 0.0);
    c.transform.constrain_vjp(u.data(), y.x.data(), adjoint.data(), 1.0, adjoint_u.data(), c.bounds());
    CHECK_FALSE(has_nan(adjoint_u));
  }
  const Case unit = bounded(TransformKind::lower_upper, 2, {-1.0}, {1.0});
  const Constrained y = run(unit, u);
  CHECK(y.x[0] == 1.0);
  CHECK(y.x[1] == -1.0);
  CHECK(std::isfinite(y.log_jacobian));
  // A zero adjoint on an overflowed exp(u) contributes nothing (no 0 * inf).
  const Case lower = bounded(TransformKind::lower, 2, {0.0}, {});
  const Constrained big = run(lower, u);
  const std::vector<double> zero{0.0, 0.0};
  std::vector<double> adjoint_u(2, 0.0);
  lower.transform.constrain_vjp(u.data(), big.x.data(), zero.data(), 2.0, adjoint_u.data(), lower.bounds());
  CHECK(adjoint_u[0] == 2.0);
  CHECK(adjoint_u[1] == 2.0);
}

TEST_CASE("transforms: unconstrain rejects points outside the support and leaves u untouched") {
  const Case unit = bounded(TransformKind::lower_upper, 2, {0.0}, {1.0});
  std::vector<double> u{7.0, 7.0};
  for (const std::vector<double>& x :
       {std::vector<double>{0.5, -0.1}, {1.5, 0.5}, {std::nan(""), 0.5}, {0.5, kInfinity}}) {
    CHECK_FALSE(unit.transform.in_support(x.data(), unit.bounds()));
    CHECK_FALSE(unit.transform.unconstrain(x.data(), u.data(), unit.bounds()));
  }
  // On the boundary: in the closed support (valid data), but no finite u.
  const std::vector<double> boundary{0.0, 0.5};
  CHECK(unit.transform.in_support(boundary.data(), unit.bounds()));
  CHECK_FALSE(unit.transform.unconstrain(boundary.data(), u.data(), unit.bounds()));
  CHECK(u == std::vector<double>{7.0, 7.0});

  const Case lower = bounded(TransformKind::lower, 1, {0.0}, {});
  const double negative = -1e-300;
  CHECK_FALSE(lower.transform.unconstrain(&negative, u.data(), lower.bounds()));
  const Case upper = bounded(TransformKind::upper, 1, {}, {0.0});
  const double positive = 1e-300;
  CHECK_FALSE(upper.transform.unconstrain(&positive, u.data(), upper.bounds()));
}

TEST_CASE("transforms: bounds_valid") {
  CHECK(bounded(TransformKind::lower_upper, 3, {0.0}, {1.0, 2.0, 3.0}).transform.bounds_valid(
      bounded(TransformKind::lower_upper, 3, {0.0}, {1.0, 2.0, 3.0}).bounds()));
  const Case equal = bounded(TransformKind::lower_upper, 1, {1.0}, {1.0});
  CHECK_FALSE(equal.transform.bounds_valid(equal.bounds()));
  const Case reversed = bounded(TransformKind::lower_upper, 1, {2.0}, {1.0});
  CHECK_FALSE(reversed.transform.bounds_valid(reversed.bounds()));
  const Case too_wide = bounded(TransformKind::lower_upper, 1, {-1e308}, {1e308});
  CHECK_FALSE(too_wide.transform.bounds_valid(too_wide.bounds()));
  const Case wrong_size = bounded(TransformKind::lower, 3, {0.0, 1.0}, {});
  CHECK_FALSE(wrong_size.transform.bounds_valid(wrong_size.bounds()));
  const Case missing = bounded(TransformKind::lower, 3, {}, {});
  CHECK_FALSE(missing.transform.bounds_valid(missing.bounds()));
  const Case extra = bounded(TransformKind::lower, 3, {0.0}, {1.0});
  CHECK_FALSE(extra.transform.bounds_valid(extra.bounds()));
  const Case nan_bound = bounded(TransformKind::lower, 1, {std::nan("")}, {});
  CHECK_FALSE(nan_bound.transform.bounds_valid(nan_bound.bounds()));
}

}  // namespace pm::transforms::test
