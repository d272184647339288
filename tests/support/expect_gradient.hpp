// expect_gradient: the shared gradient check. Builds a program with a caller-supplied
// function, then at each point compares the reverse-mode gradient with central finite
// differences of the same program's forward pass.
//
//   pm::testing::expect_gradient([](pm::ad::Program& p) {
//     pm::ad::Node x = p.parameter(pm::tensor::Shape::vector(3));   // parameters first
//     return pm::ad::sum(pm::ad::exp(x));                           // any shape
//   }, {{0.1, -0.2, 0.3}, {1.0, 2.0, -3.0}});
//
// A non-scalar output is contracted with fixed weights w_k = 1 + 0.25 sin(k + 1) (no two
// equal, none zero), so every output element's gradient is checked.
//
// Tolerance: the central difference with step h = 1e-6 * max(1, |x_i|) has truncation
// error ~h^2 |f'''| / 6 (< 1e-11 for the smooth test functions used) and rounding error
// ~2 eps |f| / h; an entry passes when |ad - fd| <= tolerance * max(1, |fd|) + 4 eps |f| / h,
// with tolerance 1e-6 by default.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/ad/builder.hpp"
#include "engine/ad/program.hpp"

namespace pm::testing {

struct GradientCheckOptions {
  double relative_step = 1e-6;
  double tolerance = 1e-6;
};

// Contracts a non-scalar output with fixed distinct weights; returns a scalar node.
inline ad::Node contract_to_scalar(ad::Node output) {
  const tensor::Shape& shape = output.shape();
  if (shape.rank() == 0) return output;
  std::vector<double> weights(shape.element_count());
  for (std::size_t k = 0; k < weights.size(); ++k) weights[k] = 1.0 + 0.25 * std::sin(static_cast<double>(k) + 1.0);
  ad::Node w = output.program->constant(shape, weights);
  return ad::sum(ad::multiply(output, w));
}

template <class Build>
void expect_gradient(Build&& build, const std::vector<std::vector<double>>& points,
                     GradientCheckOptions options = {}) {
  ad::Program program;
  ad::Node output = contract_to_scalar(build(program));
  program.finalize();
  const std::size_t n = program.parameter_count();
  const double eps = std::numeric_limits<double>::epsilon();
  for (const std::vector<double>& point : points) {
    REQUIRE_MESSAGE(point.size() == n, "point has " << point.size() << " coordinates, program " << n);
    std::vector<double> gradient(n);
    double f = program.value_and_gradient(point, gradient, output);
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<double> shifted = point;
      double h = options.relative_step * std::max(1.0, std::abs(point[i]));
      shifted[i] = point[i] + h;
      double f_plus = program.value_only(shifted, output);
      shifted[i] = point[i] - h;
      double f_minus = program.value_only(shifted, output);
      double finite_difference = (f_plus - f_minus) / (2 * h);
      double bound = options.tolerance * std::max(1.0, std::abs(finite_difference)) + 4 * eps * std::abs(f) / h;
      std::string where = fmt::format("coordinate {} at point [{}]: autodiff {}, finite difference {}", i,
                                      fmt::join(point, ", "), gradient[i], finite_difference);
      CHECK_MESSAGE(std::abs(gradient[i] - finite_difference) <= bound, where);
    }
  }
}

}  // namespace pm::testing
