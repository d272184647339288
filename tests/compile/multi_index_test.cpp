// Multi-indexing beside more dims: `ab[county, 1]` (an int array indexing the rows of a
// matrix, then a column) and `b[g, 2]` of an array of vectors give the same log density and
// gradient as the loop that indexes one element at a time, and the gradient matches finite
// differences (compile_support.hpp). Forward simulation takes the same lowering
// (tests/cli/check_fit_agree.sh and the sample test of simulate_test.cpp cover the modes).
#include <doctest/doctest.h>

#include "compile_support.hpp"

using namespace pm::compile::testing;

TEST_CASE("multi-indexing: ab[county, 1] and b[g, 2] equal their loops") {
  const std::string data = R"({"N": 5, "J": 3, "county": [1, 3, 3, 2, 1], "x": [0.1, -0.2, 0.3, 1.5, -1.0],
                               "y": [1.0, 2.0, -0.5, 0.7, 0.0]})";
  const std::string header = R"(
data { int N; int J; array[N] int<lower=1, upper=J> county; vector[N] x; vector[N] y; }
latent { matrix[J, 2] ab; array[J] vector[2] b; real<lower=0> s; }
model {
  to_vector(ab) ~ normal(0, 1);
  for (j in 1:J) { b[j] ~ normal(0, 1); }
  s ~ exponential(1);
)";
  const std::string vectorized = header + R"(
  y ~ normal(ab[county, 1] + ab[county, 2] .* x, s);
  y ~ normal(to_vector(b[county, 2]), s);
}
)";
  const std::string looped = header + R"(
  for (n in 1:N) {
    y[n] ~ normal(ab[county[n], 1] + ab[county[n], 2] * x[n], s);
    y[n] ~ normal(b[county[n]][2], s);
  }
}
)";
  auto a = compile_text(vectorized, data), b = compile_text(looped, data);
  REQUIRE_MESSAGE(a->model.has_value(), a->messages());
  REQUIRE_MESSAGE(b->model.has_value(), b->messages());
  const std::vector<double> u = seeded_point(a->model->dimension(), 17, 1.5);
  std::vector<double> ga, gb;
  CHECK(a->evaluate(u, ga) == doctest::Approx(b->evaluate(u, gb)).epsilon(1e-13));
  for (std::size_t i = 0; i < u.size(); ++i) CHECK(ga[i] == doctest::Approx(gb[i]).epsilon(1e-12));
  expect_gradient_matches(*a, u);
}
