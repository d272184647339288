// simplex, ordered and positive_ordered transforms.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "transforms_checks.hpp"

namespace pm::transforms::test {
namespace {

Case vector_case(TransformKind kind, std::size_t K, std::size_t count = 1) { return Case{Transform{kind, K, 1, count}, {}, {}}; }

}  // namespace

TEST_CASE("transforms: simplex inverts, and matches finite-difference Jacobians and gradients") {
  check_transform(vector_case(TransformKind::simplex, 1), 21);
  check_transform(vector_case(TransformKind::simplex, 2), 22);
  check_transform(vector_case(TransformKind::simplex, 5), 23, 4, 2.0);
  check_transform(vector_case(TransformKind::simplex, 4, 3), 24);
}

TEST_CASE("transforms: simplex outputs are positive and sum to 1; u = 0 is uniform") {
  const Case c = vector_case(TransformKind::simplex, 6);
  std::mt19937_64 rng(25);
  for (int p = 0; p < 5; ++p) {
    const Constrained y = run(c, normal_draws(rng, 5, 3.0));
    CHECK(std::accumulate(y.x.begin(), y.x.end(), 0.0) == doctest::Approx(1.0).epsilon(1e-14));
    for (double value : y.x) CHECK(value > 0.0);
  }
  const Constrained uniform = run(c, std::vector<double>(5, 0.0));
  for (double value : uniform.x) CHECK(value == doctest::Approx(1.0 / 6.0).epsilon(1e-15));
}

TEST_CASE("transforms: simplex at u = +-800 gives no NaN") {
  const Case c = vector_case(TransformKind::simplex, 5);
  for (const std::vector<double>& u : {std::vector<double>{800, -800, 800, -800}, std::vector<double>(4, -800.0),
                                       std::vector<double>(4, 800.0)}) {
    const Constrained y = run(c, u);
    CHECK_FALSE(has_nan(y.x));
    CHECK(std::isfinite(y.log_jacobian));
    CHECK(std::accumulate(y.x.begin(), y.x.end(), 0.0) == doctest::Approx(1.0).epsilon(1e-14));
    const std::vector<double> adjoint{1, -2, 3, -4, 5};
    std::vector<double> adjoint_u(4, 0.0);
    c.transform.constrain_vjp(u.data(), y.x.data(), adjoint.data(), 1.0, adjoint_u.data(), c.bounds());
    CHECK_FALSE(has_nan(adjoint_u));
  }
}

TEST_CASE("transforms: simplex unconstrain rejects points off the simplex") {
  const Case c = vector_case(TransformKind::simplex, 3);
  std::vector<double> u{9.0, 9.0};
  for (const std::vector<double>& x : {std::vector<double>{0.5, 0.6, -0.1}, {0.5, 0.5, 0.1}, {0.2, 0.2, 0.2},
                                       {std::nan(""), 0.5, 0.5}}) {
    CHECK_FALSE(c.transform.in_support(x.data(), c.bounds()));
    CHECK_FALSE(c.transform.unconstrain(x.data(), u.data(), c.bounds()));
  }
  // Within kConstraintTolerance of sum 1: accepted.
  const std::vector<double> nearly{0.25, 0.25, 0.5 + 1e-10};
  CHECK(c.transform.unconstrain(nearly.data(), u.data(), c.bounds()));
  // A zero entry is in the closed support but has no finite preimage.
  const std::vector<double> edge{0.0, 0.5, 0.5};
  CHECK(c.transform.in_support(edge.data(), c.bounds()));
  u = {9.0, 9.0};
  CHECK_FALSE(c.transform.unconstrain(edge.data(), u.data(), c.bounds()));
  CHECK(u == std::vector<double>{9.0, 9.0});
}

TEST_CASE("transforms: ordered and positive_ordered invert, and match finite differences") {
  check_transform(vector_case(TransformKind::ordered, 1), 31);
  check_transform(vector_case(TransformKind::ordered, 5), 32);
  check_transform(vector_case(TransformKind::ordered, 3, 2), 33);
  check_transform(vector_case(TransformKind::positive_ordered, 1), 34);
  check_transform(vector_case(TransformKind::positive_ordered, 4), 35);
  check_transform(vector_case(TransformKind::positive_ordered, 3, 3), 36);
}

TEST_CASE("transforms: ordered outputs increase; positive_ordered ones are positive") {
  std::mt19937_64 rng(37);
  for (TransformKind kind : {TransformKind::ordered, TransformKind::positive_ordered}) {
    const Case c = vector_case(kind, 6);
    for (int p = 0; p < 5; ++p) {
      const std::vector<double> u = normal_draws(rng, 6, 2.0);
      const Constrained y = run(c, u);
      for (std::size_t k = 1; k < 6; ++k) CHECK(y.x[k] > y.x[k - 1]);
      if (kind == TransformKind::positive_ordered) CHECK(y.x[0] > 0.0);
      else CHECK(y.x[0] == u[0]);
    }
  }
}

TEST_CASE("transforms: ordered at u = +-800 gives no NaN") {
  const std::vector<double> u{-800, 800, -800, 800};
  const std::vector<double> adjoint{0, 0, 1, 0};
  for (TransformKind kind : {TransformKind::ordered, TransformKind::positive_ordered}) {
    const Case c = vector_case(kind, 4);
    const Constrained y = run(c, u);
    CHECK_FALSE(has_nan(y.x));
    CHECK_FALSE(std::isnan(y.log_jacobian));
    std::vector<double> adjoint_u(4, 0.0);
    c.transform.constrain_vjp(u.data(), y.x.data(), adjoint.data(), 1.0, adjoint_u.data(), c.bounds());
    CHECK_FALSE(has_nan(adjoint_u));
  }
}

TEST_CASE("transforms: ordered unconstrain rejects ties, decreases and negative starts") {
  std::vector<double> u(3, 4.0);
  const Case ordered = vector_case(TransformKind::ordered, 3);
  const Case positive = vector_case(TransformKind::positive_ordered, 3);
  for (const std::vector<double>& x : {std::vector<double>{1.0, 1.0, 2.0}, {1.0, 3.0, 2.0}, {0.0, std::nan(""), 1.0}}) {
    CHECK_FALSE(ordered.transform.unconstrain(x.data(), u.data(), ordered.bounds()));
    CHECK_FALSE(positive.transform.unconstrain(x.data(), u.data(), positive.bounds()));
  }
  const std::vector<double> negative_start{-1.0, 1.0, 2.0};
  CHECK(ordered.transform.unconstrain(negative_start.data(), u.data(), ordered.bounds()));
  CHECK(u == std::vector<double>{-1.0, std::log(2.0), 0.0});
  u = {4.0, 4.0, 4.0};
  CHECK_FALSE(positive.transform.in_support(negative_start.data(), positive.bounds()));
  CHECK_FALSE(positive.transform.unconstrain(negative_start.data(), u.data(), positive.bounds()));
  const std::vector<double> zero_start{0.0, 1.0, 2.0};
  CHECK(positive.transform.in_support(zero_start.data(), positive.bounds()));
  CHECK_FALSE(positive.transform.unconstrain(zero_start.data(), u.data(), positive.bounds()));
  CHECK(u == std::vector<double>{4.0, 4.0, 4.0});
}

}  // namespace pm::transforms::test
