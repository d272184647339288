// The transform op (stdlib/transforms/transform_op.hpp): its values equal Transform's, and
// its gradients (of the constrained value and of the log-Jacobian together) match central
// finite differences for every transform kind, at two seeded points.
#include <doctest/doctest.h>

#include <random>

#include "engine/ad/builder.hpp"
#include "stdlib/transforms/transform_op.hpp"
#include "support/expect_gradient.hpp"

namespace {

using pm::transforms::DeclaredBase;
using pm::transforms::Transform;

struct Case {
  const char* name;
  DeclaredBase base;
  std::vector<std::size_t> sizes;
  bool lower, upper;
  std::size_t count;
  std::vector<double> lower_bounds, upper_bounds;
};

std::vector<Case> cases() {
  return {
      {"identity", DeclaredBase::vector, {3}, false, false, 1, {}, {}},
      {"lower", DeclaredBase::vector, {3}, true, false, 2, {-1.0}, {}},
      {"upper", DeclaredBase::real, {}, false, true, 3, {}, {2.0, 3.0, 4.0}},
      {"lower_upper", DeclaredBase::vector, {2}, true, true, 1, {0.0, -5.0}, {1.0, 5.0}},
      {"simplex", DeclaredBase::simplex, {4}, false, false, 2, {}, {}},
      {"ordered", DeclaredBase::ordered, {3}, false, false, 1, {}, {}},
      {"positive_ordered", DeclaredBase::positive_ordered, {3}, false, false, 1, {}, {}},
      {"cholesky_factor_corr", DeclaredBase::cholesky_factor_corr, {3}, false, false, 1, {}, {}},
      {"cholesky_factor_cov", DeclaredBase::cholesky_factor_cov, {3, 2}, false, false, 1, {}, {}},
      {"corr_matrix", DeclaredBase::corr_matrix, {3}, false, false, 1, {}, {}},
      {"cov_matrix", DeclaredBase::cov_matrix, {2}, false, false, 1, {}, {}},
  };
}

std::vector<double> seeded_point(std::size_t n, unsigned seed) {
  std::mt19937_64 generator(seed);
  std::uniform_real_distribution<double> uniform(-1.5, 1.5);
  std::vector<double> u(n);
  for (double& x : u) x = uniform(generator);
  return u;
}

}  // namespace

TEST_CASE("transform op: values and log-Jacobian equal Transform::constrain") {
  for (const Case& c : cases()) {
    CAPTURE(c.name);
    auto transform = pm::transforms::make_transform(c.base, c.sizes, c.lower, c.upper, c.count);
    REQUIRE(transform.has_value());
    pm::ad::Program program;
    pm::ad::Node u = program.parameter(pm::tensor::Shape::vector(transform->free_size()));
    auto constrained = pm::transforms::constrain(u, *transform, {c.lower_bounds, c.upper_bounds},
                                                 pm::tensor::Shape::vector(transform->constrained_size()));
    program.finalize();
    std::vector<double> point = seeded_point(transform->free_size(), 7);
    std::copy(point.begin(), point.end(), program.parameters().begin());
    program.forward(false);
    std::vector<double> expected(transform->constrained_size());
    double expected_log_jacobian = transform->constrain(point.data(), expected.data(), {c.lower_bounds, c.upper_bounds});
    auto values = program.values(constrained.value);
    for (std::size_t k = 0; k < expected.size(); ++k) CHECK(values[k] == expected[k]);
    CHECK(program.value(constrained.log_jacobian) == expected_log_jacobian);
  }
}

TEST_CASE("transform op: gradients of value and log-Jacobian match finite differences") {
  for (const Case& c : cases()) {
    CAPTURE(c.name);
    auto transform = pm::transforms::make_transform(c.base, c.sizes, c.lower, c.upper, c.count);
    REQUIRE(transform.has_value());
    pm::testing::expect_gradient(
        [&](pm::ad::Program& program) {
          pm::ad::Node u = program.parameter(pm::tensor::Shape::vector(transform->free_size()));
          auto constrained = pm::transforms::constrain(u, *transform, {c.lower_bounds, c.upper_bounds},
                                                       pm::tensor::Shape::vector(transform->constrained_size()));
          // Both outputs at once, with different weights, so each one's adjoint is exercised.
          pm::ad::Node value_part = pm::testing::contract_to_scalar(constrained.value);
          return pm::ad::add(value_part, pm::ad::multiply(constrained.log_jacobian, program.constant(1.7)));
        },
        {seeded_point(transform->free_size(), 11), seeded_point(transform->free_size(), 12)});
  }
}

TEST_CASE("transform op: rejects a size mismatch") {
  auto transform = pm::transforms::make_transform(DeclaredBase::simplex, std::vector<std::size_t>{4}, false, false, 1);
  pm::ad::Program program;
  pm::ad::Node u = program.parameter(pm::tensor::Shape::vector(4));  // simplex[4] has 3 free values
  CHECK_THROWS_AS(pm::transforms::constrain(u, *transform, {}, pm::tensor::Shape::vector(4)), std::invalid_argument);
}
