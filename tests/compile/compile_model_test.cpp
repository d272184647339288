// compile_model: log densities against sums computed by hand in the test, gradients against
// finite differences, the prior / Jacobian switches, the layout and its names, data-only
// definitions, and located errors for what the engine does not support yet.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "compile_support.hpp"

using namespace pm::compile::testing;

namespace {

double normal_lpdf(double y, double mu, double sigma) {
  double z = (y - mu) / sigma;
  return -0.5 * z * z - std::log(sigma) - 0.5 * std::log(2 * std::numbers::pi);
}
double cauchy_lpdf(double y, double mu, double sigma) {
  double z = (y - mu) / sigma;
  return -std::log(std::numbers::pi) - std::log(sigma) - std::log1p(z * z);
}



const std::string kEightSchoolsData = R"({"J": 8, "y": [28, 8, -3, 7, -1, 1, 18, 12],
  "sigma": [15, 10, 16, 11, 9, 11, 10, 18]})";

}  // namespace

TEST_CASE("eight schools non-centered: log density equals the sum of normal and Cauchy terms") {
  auto compiled = compile_files("eight_schools_nc.pm", "eight_schools.json");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  auto& model = *compiled->model;
  REQUIRE(model.dimension() == 10);
  std::vector<double> u = seeded_point(10, 42, 2.0);
  const double y[] = {28, 8, -3, 7, -1, 1, 18, 12}, sigma[] = {15, 10, 16, 11, 9, 11, 10, 18};
  double mu = u[0], tau = std::exp(u[1]);
  double expected = normal_lpdf(mu, 0, 5) + cauchy_lpdf(tau, 0, 5) + u[1];  // + log-Jacobian of exp
  for (int j = 0; j < 8; ++j) {
    double eta = u[2 + j];
    expected += normal_lpdf(eta, 0, 1) + normal_lpdf(y[j], mu + tau * eta, sigma[j]);
  }
  CHECK(compiled->evaluate(u) == doctest::Approx(expected).epsilon(1e-13));

  SUBCASE("without the Jacobian (MAP)") {
    auto map = compile_files("eight_schools_nc.pm", "eight_schools.json", {.include_priors = true, .include_jacobian = false});
    REQUIRE(map->model.has_value());
    CHECK(map->evaluate(u) == doctest::Approx(expected - u[1]).epsilon(1e-13));
  }
  SUBCASE("the gradient") { expect_gradient_matches(*compiled, u); }
}

TEST_CASE("layout: one slot per param and continuous latent, in declaration order, with 1-based names") {
  auto compiled = compile_text(R"(
data { int<lower=1> K; }
param { simplex[K] w; matrix[2, K] m; }
latent { array[2] real<lower=0> s; real mu; }
model { mu ~ normal(0, 1); s ~ exponential(1); w ~ dirichlet(rep_vector(2.0, K)); to_vector(m[1]) ~ normal(0, 1);
        m[2] ~ normal(mu, 2); }
)",
                               R"({"K": 3})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  const auto& slots = compiled->model->slots;
  REQUIRE(slots.size() == 4);
  CHECK(slots[0].name == "w");
  CHECK(slots[0].free_size() == 2);
  CHECK(slots[1].name == "m");
  CHECK(slots[1].offset == 2);
  CHECK(slots[1].free_size() == 6);
  CHECK(slots[2].name == "s");
  CHECK(slots[3].name == "mu");
  CHECK(slots[3].offset == 10);
  CHECK(compiled->model->dimension() == 11);
  std::vector<std::string> names = compiled->model->constrained_names();
  REQUIRE(names.size() == 3 + 6 + 2 + 1);
  CHECK(names[0] == "w[1]");
  CHECK(names[3] == "m[1,1]");
  CHECK(names[4] == "m[2,1]");
  CHECK(names[5] == "m[1,2]");
  CHECK(names[9] == "s[1]");
  CHECK(names[11] == "mu");
  std::vector<double> u = seeded_point(11, 3, 2.0);
  compiled->evaluate(u);
  std::vector<double> values = compiled->model->constrained_values();
  REQUIRE(values.size() == names.size());
  CHECK(values[0] + values[1] + values[2] == doctest::Approx(1.0).epsilon(1e-15));  // the simplex
  CHECK(values[3] == u[2]);                                                          // m[1,1]: identity
  CHECK(values[9] == doctest::Approx(std::exp(u[8])).epsilon(1e-15));               // s[1] = exp(u)
  CHECK(values[11] == u[10]);                                                        // mu
  expect_gradient_matches(*compiled, u);
}

TEST_CASE("MLE leaves out the priors of params, not of latents") {
  const std::string text = R"(
data { int N; vector[N] y; }
param { real mu; }
latent { real<lower=0> s; }
model { mu ~ normal(0, 10); s ~ lognormal(0, 1); y ~ normal(mu, s); }
)";
  const std::string data = R"({"N": 3, "y": [0.5, -1.0, 2.0]})";
  auto full = compile_text(text, data, {.include_priors = true, .include_jacobian = false});
  auto likelihood = compile_text(text, data, {.include_priors = false, .include_jacobian = false});
  REQUIRE(full->model.has_value());
  REQUIRE(likelihood->model.has_value());
  std::vector<double> u{0.3, -0.4};
  double s = std::exp(-0.4);
  double log_s_prior = normal_lpdf(std::log(s), 0, 1) - std::log(s);
  double likelihood_terms = normal_lpdf(0.5, 0.3, s) + normal_lpdf(-1.0, 0.3, s) + normal_lpdf(2.0, 0.3, s);
  CHECK(likelihood->evaluate(u) == doctest::Approx(log_s_prior + likelihood_terms).epsilon(1e-13));
  CHECK(full->evaluate(u) == doctest::Approx(normal_lpdf(0.3, 0, 10) + log_s_prior + likelihood_terms).epsilon(1e-13));
}

TEST_CASE("plates: a loop and the vectorized statement give the same density and gradient") {
  const std::string vectorized = R"(
data { int N; int J; array[N] int<lower=1, upper=J> g; vector[N] x; vector[N] y; }
latent { vector[J] a; real b; real<lower=0> s; }
model { a ~ normal(0, 1); b ~ normal(0, 1); s ~ exponential(1); y ~ normal(a[g] + b * x, s); }
)";
  const std::string looped = R"(
data { int N; int J; array[N] int<lower=1, upper=J> g; vector[N] x; vector[N] y; }
latent { vector[J] a; real b; real<lower=0> s; }
model {
  s ~ exponential(1);
  for (j in 1:J) { a[j] ~ normal(0, 1); }
  b ~ normal(0, 1);
  for (n in 1:N) {
    mu[n] = a[g[n]] + b * x[n];
    y[n] ~ normal(mu[n], s);
  }
}
)";
  const std::string data = R"({"N": 5, "J": 3, "g": [1, 3, 3, 2, 1], "x": [0.1, -0.2, 0.3, 1.5, -1.0],
                               "y": [1.0, 2.0, -0.5, 0.7, 0.0]})";
  auto a = compile_text(vectorized, data), b = compile_text(looped, data);
  REQUIRE_MESSAGE(a->model.has_value(), a->messages());
  REQUIRE_MESSAGE(b->model.has_value(), b->messages());
  std::vector<double> u = seeded_point(5, 9, 2.0);
  std::vector<double> ga, gb;
  CHECK(b->evaluate(u, gb) == doctest::Approx(a->evaluate(u, ga)).epsilon(1e-13));
  for (std::size_t i = 0; i < u.size(); ++i) CHECK(gb[i] == doctest::Approx(ga[i]).epsilon(1e-12));
  expect_gradient_matches(*b, u);
}

TEST_CASE("plates: partial ranges, loop-variable arithmetic, statements repeated over a plate") {
  auto compiled = compile_text(R"(
data { int N; vector[N] y; }
latent { real mu; }
model {
  for (i in 2:N) {
    y[i] ~ normal(mu + 0.5 * i, 1);
    target += -0.5 * square(mu);
  }
}
)",
                               R"({"N": 4, "y": [9.0, 1.0, 2.0, 3.5]})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  double mu = 0.25;
  const double y[] = {9.0, 1.0, 2.0, 3.5};
  double expected = 0;
  for (int i = 2; i <= 4; ++i) expected += normal_lpdf(y[i - 1], mu + 0.5 * i, 1) - 0.5 * mu * mu;
  CHECK(compiled->evaluate({mu}) == doctest::Approx(expected).epsilon(1e-13));
}

TEST_CASE("data-only definitions are computed once and read as constants") {
  auto compiled = compile_text(R"(
data { int N; vector[N] x; vector[N] y; }
latent { real b; }
model {
  xc = x - mean(x);
  b ~ normal(0, 1);
  y ~ normal(b * xc, 1);
}
)",
                               R"({"N": 3, "x": [1.0, 2.0, 6.0], "y": [0.5, 0.1, -0.2]})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  double b = 0.7;
  const double xc[] = {-2.0, -1.0, 3.0}, y[] = {0.5, 0.1, -0.2};
  double expected = normal_lpdf(b, 0, 1);
  for (int i = 0; i < 3; ++i) expected += normal_lpdf(y[i], b * xc[i], 1);
  CHECK(compiled->evaluate({b}) == doctest::Approx(expected).epsilon(1e-13));
}

TEST_CASE("functions, target +=, _lpdf calls, conditionals and matrix products") {
  auto compiled = compile_text(R"(
data { int N; matrix[N, 2] X; vector[N] y; }
param { vector[2] beta; real<lower=0> s; }
model {
  target += normal_lpdf(beta | 0, 2);
  target += -square(s) / 2;
  eta = X * beta;
  y ~ normal(eta, s > 1 ? s : sqrt(s));
  target += log_sum_exp(beta) + sum(exp(-beta));
}
)",
                               R"({"N": 3, "X": [[1, 0.5], [1, -1], [1, 2]], "y": [0.3, -0.2, 1.1]})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  std::vector<double> u{0.2, -0.3, 0.4};
  double b0 = u[0], b1 = u[1], s = std::exp(u[2]);
  const double X[3][2] = {{1, 0.5}, {1, -1}, {1, 2}}, y[] = {0.3, -0.2, 1.1};
  double expected = normal_lpdf(b0, 0, 2) + normal_lpdf(b1, 0, 2) - s * s / 2 + u[2];
  for (int i = 0; i < 3; ++i) expected += normal_lpdf(y[i], X[i][0] * b0 + X[i][1] * b1, s > 1 ? s : std::sqrt(s));
  expected += std::log(std::exp(b0) + std::exp(b1)) + std::exp(-b0) + std::exp(-b1);
  CHECK(compiled->evaluate(u) == doctest::Approx(expected).epsilon(1e-13));
  expect_gradient_matches(*compiled, u);
}

TEST_CASE("what the engine does not support yet is a located error, not a crash") {
  SUBCASE("a form of a function the engine has no op for") {
    // Every function name now has a kernel (conformance_test.cpp); the general-matrix ones
    // still refuse plate-shaped arguments.
    auto compiled = compile_text(R"(
data { int N; vector[N] y; array[N] matrix[2, 2] A; }
latent { real mu; }
model { for (n in 1:N) { y[n] ~ normal(mu, determinant(A[n]) + 1); } }
)",
                                 R"({"N": 2, "y": [1, 2], "A": [[[2, 0], [0, 1]], [[1, 0], [0, 3]]]})");
    CHECK_FALSE(compiled->model.has_value());
    CHECK(compiled->messages().find("test.pm:4:44: error: 'determinant' inside a plate is not supported by the engine yet") !=
          std::string::npos);
  }
  SUBCASE("sizes that disagree once the data is known name the statement") {
    auto compiled = compile_text(R"(
data { int N; int M; vector[N] y; vector[M] x; }
latent { real mu; }
model { y ~ normal(mu + x, 1); }
)",
                                 R"({"N": 2, "M": 3, "y": [1, 2], "x": [1, 2, 3]})");
    CHECK_FALSE(compiled->model.has_value());
    CHECK(compiled->messages().find("test.pm:4:9: error:") != std::string::npos);
  }
}

TEST_CASE("a non-finite log density names its statement") {
  auto compiled = compile_text(R"(
data { int N; vector[N] y; }
latent { real mu; }
model {
  mu ~ normal(0, 1);
  y ~ normal(mu, mu);
}
)",
                               R"({"N": 2, "y": [1, 2]})");
  REQUIRE(compiled->model.has_value());
  compiled->evaluate({-1.0});
  const pm::compile::FactorTerm* term = compiled->model->first_non_finite_term();
  REQUIRE(term != nullptr);
  CHECK(compiled->file->locate(term->statement->range.begin).line == 6);
  compiled->evaluate({1.0});
  CHECK(compiled->model->first_non_finite_term() == nullptr);
}

TEST_CASE("nested plates: a matrix indexed by two loop variables, an elementwise definition over both") {
  auto compiled = compile_text(R"(
data { int N; int D; matrix[N, D] x; }
latent { vector[D] mu; real<lower=0> s; }
model {
  mu ~ normal(0, 1);
  s ~ exponential(1);
  for (i in 1:N) {
    for (j in 1:D) {
      z[i, j] = (x[i, j] - mu[j]) / s;
    }
  }
  target += -0.5 * sum(z .* z) - N * D * log(s);
}
)",
                               R"({"N": 2, "D": 3, "x": [[1, 2, 3], [0.5, -1, 0]]})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  std::vector<double> u{0.1, -0.2, 0.3, -0.5};
  const double x[2][3] = {{1, 2, 3}, {0.5, -1, 0}};
  double s = std::exp(u[3]);
  double expected = -s + u[3];  // exponential(1) and the Jacobian
  for (int d = 0; d < 3; ++d) expected += normal_lpdf(u[static_cast<std::size_t>(d)], 0, 1);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      double z = (x[i][j] - u[static_cast<std::size_t>(j)]) / s;
      expected += -0.5 * z * z - std::log(s);
    }
  CHECK(compiled->evaluate(u) == doctest::Approx(expected).epsilon(1e-13));
  expect_gradient_matches(*compiled, u);
}

TEST_CASE("an array of simplexes: each vector constrained, the array dim first") {
  auto compiled = compile_text(R"(
data { int K; }
param { array[2] simplex[K] theta; }
model {
  theta[1] ~ dirichlet(rep_vector(2.0, K));
  theta[2] ~ dirichlet([1.0, 2.0, 3.0]');
}
)",
                               R"({"K": 3})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  REQUIRE(compiled->model->dimension() == 4);
  CHECK(compiled->model->constrained_names()[1] == "theta[2,1]");
  std::vector<double> u = seeded_point(4, 5, 2.0);
  compiled->evaluate(u);
  // theta[c] = the transform of u[2c .. 2c + 1], copy c of the simplex transform.
  const auto& slot = compiled->model->slots[0];
  std::vector<double> one(3);
  auto single = pm::transforms::make_transform(pm::transforms::DeclaredBase::simplex, std::vector<std::size_t>{3}, false, false, 1);
  auto values = compiled->model->program->values(slot.value);
  for (std::size_t c = 0; c < 2; ++c) {
    single->constrain(u.data() + 2 * c, one.data(), {});
    for (std::size_t k = 0; k < 3; ++k) CHECK(values[c + 2 * k] == doctest::Approx(one[k]).epsilon(1e-15));
  }
  expect_gradient_matches(*compiled, u);
}

TEST_CASE("multivariate: an array of vectors is an array of events, vectorized or in a plate") {
  const std::string data = R"({"N": 3, "y": [[1, 2], [0, 1], [-1, 0.5]], "S": [[1, 0.5], [0.5, 2]]})";
  auto vectorized = compile_text(R"(
data { int N; array[N] vector[2] y; matrix[2, 2] S; }
latent { vector[2] m; }
model { m ~ normal(0, 1); y ~ multi_normal(m, S); target += multi_normal_lpdf(y | m, S); }
)",
                                 data);
  auto looped = compile_text(R"(
data { int N; array[N] vector[2] y; matrix[2, 2] S; }
latent { vector[2] m; }
model { m ~ normal(0, 1); for (n in 1:N) { y[n] ~ multi_normal(m, S); target += multi_normal_lpdf(y[n] | m, S); } }
)",
                             data);
  REQUIRE_MESSAGE(vectorized->model.has_value(), vectorized->messages());
  REQUIRE_MESSAGE(looped->model.has_value(), looped->messages());
  std::vector<double> u{0.4, -0.3};
  // S = [[1, .5], [.5, 2]]: det 1.75, inverse [[2, -.5], [-.5, 1]] / 1.75.
  const double y[3][2] = {{1, 2}, {0, 1}, {-1, 0.5}};
  double expected = normal_lpdf(u[0], 0, 1) + normal_lpdf(u[1], 0, 1);
  for (const auto& row : y) {
    double a = row[0] - u[0], b = row[1] - u[1];
    double quadratic = (2 * a * a - a * b + b * b) / 1.75;
    expected += 2 * (-0.5 * quadratic - 0.5 * std::log(1.75) - std::log(2 * std::numbers::pi));
  }
  CHECK(vectorized->evaluate(u) == doctest::Approx(expected).epsilon(1e-13));
  CHECK(looped->evaluate(u) == doctest::Approx(expected).epsilon(1e-13));
  expect_gradient_matches(*vectorized, u);
}

TEST_CASE("an elementwise definition whose elements are vectors, read whole") {
  auto compiled = compile_text(R"(
data { int N; array[N] vector[2] x; }
latent { vector[2] b; }
model {
  b ~ normal(0, 1);
  for (n in 1:N) {
    m[n] = x[n] .* b;
  }
  target += sum(m[2]) + 3 * m[1, 2] + sum(to_vector(m[:, 1]));
}
)",
                               R"({"N": 3, "x": [[1, 2], [3, 4], [5, 6]]})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  std::vector<double> u{0.5, -0.25};
  // m[n, k] = x[n, k] b[k]
  double expected = normal_lpdf(u[0], 0, 1) + normal_lpdf(u[1], 0, 1) + (3 * u[0] + 4 * u[1]) + 3 * (2 * u[1]) +
                    (1 + 3 + 5) * u[0];
  CHECK(compiled->evaluate(u) == doctest::Approx(expected).epsilon(1e-13));
  expect_gradient_matches(*compiled, u);
}
