// Sequential loops (engine/compile/sequential.hpp): the autoregressive fvbn.pm unrolled, its
// log-likelihood against a by-hand sum and its gradient against finite differences, the empty
// slice of the first iteration, a random walk inside a plate, and the simulator drawing the
// columns in order (seeded; frequencies within 4 binomial standard errors).
#include <cmath>
#include <random>
#include <sstream>

#include <doctest/doctest.h>

#include "compile/compile_support.hpp"
#include "compile/simulation_support.hpp"

namespace pm::compile {
namespace {

using testing::compile_text;
using testing::simulate_text;

// examples/fvbn.pm, verbatim.
const char* kFvbn = R"(
data {
  int<lower=1> N;
  int<lower=1> D;
  array[N, D] int<lower=0, upper=1> x;
}
param {
  matrix[D, D] W;
  vector[D] b;
}
model {
  for (d in 1:D) {
    x[:, d] ~ bernoulli_logit(b[d] + to_matrix(x[:, 1:(d - 1)]) * W[d, 1:(d - 1)]');
  }
}
)";

using Bits = std::vector<std::vector<int>>;

Bits seeded_bits(std::size_t rows, std::size_t columns, unsigned seed) {
  std::mt19937_64 generator(seed);
  std::bernoulli_distribution coin(0.4);
  Bits x(rows, std::vector<int>(columns));
  for (auto& row : x)
    for (int& bit : row) bit = coin(generator) ? 1 : 0;
  return x;
}

std::string fvbn_json(const Bits& x) {
  std::ostringstream json;
  json << R"({"N": )" << x.size() << R"(, "D": )" << x[0].size() << R"(, "x": [)";
  for (std::size_t n = 0; n < x.size(); ++n) {
    json << (n ? ", [" : "[");
    for (std::size_t d = 0; d < x[n].size(); ++d) json << (d ? ", " : "") << x[n][d];
    json << "]";
  }
  json << "]}";
  return json.str();
}

// log p(x) = sum_n sum_d [x_nd eta_nd - log(1 + exp(eta_nd))], eta_nd = b_d + sum_{j<d} x_nj W_dj.
// u holds W column-major (W[i, j] at i + D j, 0-based) and then b: the identity transform.
double fvbn_log_likelihood(const Bits& x, const std::vector<double>& u) {
  const std::size_t D = x[0].size();
  double total = 0.0;
  for (const auto& row : x)
    for (std::size_t d = 0; d < D; ++d) {
      double eta = u[D * D + d];
      for (std::size_t j = 0; j < d; ++j) eta += row[j] * u[d + D * j];
      total += row[d] * eta - std::log1p(std::exp(eta));
    }
  return total;
}

TEST_CASE("fvbn: one term per column; the log-likelihood is the by-hand sum and the gradient matches") {
  const Bits x = seeded_bits(5, 4, 3);
  auto compiled = compile_text(kFvbn, fvbn_json(x), {.include_priors = false, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  CHECK(compiled->model->dimension() == 4 * 4 + 4);
  CHECK(compiled->model->terms.size() == 4);  // one unrolled iteration per column
  for (unsigned seed : {1u, 2u, 3u}) {
    const std::vector<double> u = testing::seeded_point(compiled->model->dimension(), seed, 2.0);
    CAPTURE(seed);
    CHECK(compiled->evaluate(u) == doctest::Approx(fvbn_log_likelihood(x, u)).epsilon(1e-12));
    testing::expect_gradient_matches(*compiled, u);
  }
  // The upper triangle and the diagonal of W are never read: their gradient is exactly 0.
  std::vector<double> gradient;
  compiled->evaluate(testing::seeded_point(compiled->model->dimension(), 9, 2.0), gradient);
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = i; j < 4; ++j) CHECK(gradient[i + 4 * j] == 0.0);
}

TEST_CASE("fvbn: the first column's empty slice gives a 0-column matrix whose product is zeros") {
  // D = 1: only d = 1, where x[:, 1:0] has no columns; log p = sum_n log sigmoid(+-b).
  const Bits x = {{1}, {0}, {1}};
  auto compiled = compile_text(kFvbn, fvbn_json(x), {.include_priors = false, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  const double w = 0.7, b = -0.4;
  const double expected = 2 * (b - std::log1p(std::exp(b))) - std::log1p(std::exp(b));
  CHECK(compiled->evaluate({w, b}) == doctest::Approx(expected).epsilon(1e-12));
  std::vector<double> gradient;
  compiled->evaluate({w, b}, gradient);
  const double sigmoid = 1.0 / (1.0 + std::exp(-b));
  CHECK(gradient[0] == 0.0);
  CHECK(gradient[1] == doctest::Approx(2.0 - 3.0 * sigmoid).epsilon(1e-12));
}

const char* kRandomWalks = R"(
data {
  int<lower=2> T;
  int<lower=1> N;
  array[N, T] real y;
}
param {
  real<lower=0> sigma;
}
model {
  for (i in 1:N) {
    y[i, 1] ~ normal(0, sigma);
    for (t in 2:T) {
      y[i, t] ~ normal(y[i, t - 1], sigma);
    }
  }
}
)";

TEST_CASE("a sequential loop inside a plate: N random walks, T - 1 unrolled steps over the plate") {
  const std::vector<std::vector<double>> y = {{0.3, -0.2, 0.9}, {1.5, 1.1, 0.4}};
  auto compiled = compile_text(kRandomWalks, R"({"T": 3, "N": 2, "y": [[0.3, -0.2, 0.9], [1.5, 1.1, 0.4]]})",
                               {.include_priors = false, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  CHECK(compiled->model->terms.size() == 1 + 2);
  const double log_sigma = 0.3, sigma = std::exp(log_sigma);
  double expected = 0.0;
  auto log_normal = [&](double value, double mean) {
    const double z = (value - mean) / sigma;
    return -0.5 * z * z - std::log(sigma) - 0.5 * std::log(2 * M_PI);
  };
  for (const auto& walk : y) {
    expected += log_normal(walk[0], 0.0);
    for (std::size_t t = 1; t < walk.size(); ++t) expected += log_normal(walk[t], walk[t - 1]);
  }
  CHECK(compiled->evaluate({log_sigma}) == doctest::Approx(expected).epsilon(1e-12));
  testing::expect_gradient_matches(*compiled, {log_sigma});
}

double sigmoid(double eta) { return 1.0 / (1.0 + std::exp(-eta)); }

TEST_CASE("simulating fvbn draws the columns in order: P(x1 = 1) and P(x2 = 1 | x1) are the sigmoids") {
  // D = 2, W[2, 1] = 2.5, b = (-0.5, -1): P(x1) = sigmoid(-0.5), P(x2 | x1) = sigmoid(-1 + 2.5 x1).
  const std::size_t rows = 20000;
  auto fixture = simulate_text(kFvbn, R"({"N": 20000, "D": 2})", {.given = {"W", "b"}, .seed = 5}, {"x"});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  const std::vector<double> given = {0.9, 2.5, -3.0, 0.4, -0.5, -1.0};  // W column-major (W[1, 2], W[2, 2] unread), b
  simulator.run(given, 0);
  const SimulatedValue* x = simulator.find("x");
  REQUIRE(x != nullptr);
  REQUIRE(x->dims == std::vector<std::size_t>{rows, 2});
  std::span<const double> values = simulator.values_of(*x);  // x[n, d] at n + N (d - 1)
  double ones = 0, ones_given_one = 0, ones_given_zero = 0;
  for (std::size_t n = 0; n < rows; ++n) {
    const double x1 = values[n], x2 = values[n + rows];
    REQUIRE((x1 == 0.0 || x1 == 1.0));
    REQUIRE((x2 == 0.0 || x2 == 1.0));
    ones += x1;
    (x1 == 1.0 ? ones_given_one : ones_given_zero) += x2;
  }
  auto within_4_se = [](double successes, double trials, double p) {
    const double se = std::sqrt(p * (1 - p) / trials);
    CAPTURE(successes / trials);
    CAPTURE(p);
    CHECK(std::abs(successes / trials - p) < 4 * se);
  };
  within_4_se(ones, rows, sigmoid(-0.5));
  within_4_se(ones_given_one, ones, sigmoid(-1.0 + 2.5));
  within_4_se(ones_given_zero, rows - ones, sigmoid(-1.0));
  // The log-likelihood of the drawn data is the model's, at the drawn values.
  double expected = 0.0;
  for (std::size_t n = 0; n < rows; ++n) {
    const double x1 = values[n], x2 = values[n + rows], eta1 = -0.5, eta2 = -1.0 + 2.5 * x1;
    expected += x1 * eta1 - std::log1p(std::exp(eta1)) + x2 * eta2 - std::log1p(std::exp(eta2));
  }
  CHECK(simulator.log_likelihood() == doctest::Approx(expected).epsilon(1e-10));
}

TEST_CASE("simulating random walks: each step drawn from the one before (variance t sigma^2, covariance)") {
  // sigma = 2: Var(y[t]) = 4 t, Cov(y[1], y[3]) = 4. 4000 runs of N = 5 walks: 20000 walks.
  auto fixture = simulate_text(kRandomWalks, R"({"T": 3, "N": 5})", {.given = {"sigma"}, .seed = 8}, {"y"});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  const SimulatedValue* y = simulator.find("y");
  REQUIRE(y != nullptr);
  double sum3 = 0, square3 = 0, cross13 = 0, count = 0;
  for (std::uint64_t run = 0; run < 4000; ++run) {
    simulator.run(std::vector<double>{2.0}, run);
    std::span<const double> values = simulator.values_of(*y);  // y[i, t] at i + 5 (t - 1)
    for (std::size_t i = 0; i < 5; ++i) {
      const double y1 = values[i], y3 = values[i + 10];
      sum3 += y3;
      square3 += y3 * y3;
      cross13 += y1 * y3;
      ++count;
    }
  }
  // Standard errors of the sample second moments of normals: sqrt(2) var / sqrt(n) and
  // sqrt(var1 var3 + cov^2) / sqrt(n).
  const double variance3 = 12.0, covariance13 = 4.0;
  CHECK(std::abs(sum3 / count) < 4 * std::sqrt(variance3 / count));
  CHECK(std::abs(square3 / count - variance3) < 4 * std::sqrt(2.0) * variance3 / std::sqrt(count));
  CHECK(std::abs(cross13 / count - covariance13) <
        4 * std::sqrt(4.0 * 12.0 + covariance13 * covariance13) / std::sqrt(count));
}

// ARMA(1, 1) as posteriordb's arma11 writes it: nu and err defined in slices, err[t] reading
// err[t - 1] (two definitions assembled together, in step).
const char* kArma = R"(
data {
  int<lower=1> T;
  array[T] real y;
}
param {
  real mu;
  real phi;
  real theta;
  real<lower=0> sigma;
}
model {
  vector[T] nu;
  vector[T] err;
  nu[1] = mu + phi * mu;
  err[1] = y[1] - nu[1];
  for (t in 2:T) {
    nu[t] = mu + phi * y[t - 1] + theta * err[t - 1];
    err[t] = y[t] - nu[t];
  }
  y ~ normal(nu, sigma);
}
)";

TEST_CASE("definitions in slices: ARMA(1, 1)'s nu and err against the recursion by hand, and the gradient") {
  const std::vector<double> y = {0.4, -0.3, 1.2, 0.8, -0.5, 0.1};
  auto compiled = compile_text(kArma, R"({"T": 6, "y": [0.4, -0.3, 1.2, 0.8, -0.5, 0.1]})",
                               {.include_priors = false, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  for (unsigned seed : {1u, 2u}) {
    const std::vector<double> u = testing::seeded_point(4, seed, 1.0);
    const double mu = u[0], phi = u[1], theta = u[2], sigma = std::exp(u[3]);
    double expected = 0.0, previous_error = 0.0;
    for (std::size_t t = 0; t < y.size(); ++t) {
      const double nu = t == 0 ? mu + phi * mu : mu + phi * y[t - 1] + theta * previous_error;
      previous_error = y[t] - nu;
      const double z = previous_error / sigma;
      expected += -0.5 * z * z - std::log(sigma) - 0.5 * std::log(2 * M_PI);
    }
    CAPTURE(seed);
    CHECK(compiled->evaluate(u) == doctest::Approx(expected).epsilon(1e-12));
    testing::expect_gradient_matches(*compiled, u);
  }
  // nu and err are reported whole, element t from iteration t.
  REQUIRE(compiled->model->definitions.size() == 2);
  CHECK(compiled->model->definitions[0].name == "nu");
  CHECK(compiled->model->definitions[0].dims == std::vector<std::size_t>{6});
}

// An HMM's forward algorithm as posteriordb's hmm_example writes it (K = 2 states, unit-variance
// normal emissions), against the recursion by hand at the model's own constrained values.
const char* kHmm = R"(
data {
  int<lower=1> N;
  int<lower=1> K;
  array[N] real y;
}
param {
  simplex[K] theta1;
  simplex[K] theta2;
  vector[K] mu;
}
model {
  array[K] vector[K] theta = {theta1, theta2};
  matrix[N, K] log_forward;
  for (k in 1:K) {
    log_forward[1, k] = normal_lpdf(y[1] | mu[k], 1);
  }
  for (t in 2:N) {
    for (k in 1:K) {
      log_forward[t, k] = log_sum_exp(log_forward[t - 1]' + log(to_vector({theta[1, k], theta[2, k]})))
                          + normal_lpdf(y[t] | mu[k], 1);
    }
  }
  target += log_sum_exp(log_forward[N]);
}
)";

TEST_CASE("definitions in slices: an HMM's forward algorithm (a list of simplexes, log_forward row by row)") {
  const std::vector<double> y = {0.2, 2.9, 3.4, -0.4, 0.1};
  auto compiled = compile_text(kHmm, R"({"N": 5, "K": 2, "y": [0.2, 2.9, 3.4, -0.4, 0.1]})",
                               {.include_priors = false, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  const std::vector<double> u = testing::seeded_point(compiled->model->dimension(), 4, 1.0);
  const double log_density = compiled->evaluate(u);
  // Constrained values in order: theta1[1..2], theta2[1..2], mu[1..2] (then the definitions).
  const std::vector<double> c = compiled->model->constrained_values();
  const double transition[2][2] = {{c[0], c[1]}, {c[2], c[3]}};  // theta[j, k]: from j to k
  auto log_emission = [&](double value, int k) { return -0.5 * (value - c[4 + k]) * (value - c[4 + k]) - 0.5 * std::log(2 * M_PI); };
  double forward[2] = {log_emission(y[0], 0), log_emission(y[0], 1)};
  for (std::size_t t = 1; t < y.size(); ++t) {
    double next[2];
    for (int k = 0; k < 2; ++k)
      next[k] = std::log(std::exp(forward[0]) * transition[0][k] + std::exp(forward[1]) * transition[1][k]) +
                log_emission(y[t], k);
    forward[0] = next[0];
    forward[1] = next[1];
  }
  CHECK(log_density == doctest::Approx(std::log(std::exp(forward[0]) + std::exp(forward[1]))).epsilon(1e-12));
  testing::expect_gradient_matches(*compiled, u);
}

TEST_CASE("a local of a sequential loop's body: one value per iteration, read in its iteration") {
  // y[t] ~ normal(m, 1) with m = a * y[t - 1] + v[2], v a local vector: by hand at a = 0.6.
  auto compiled = compile_text(R"(
data {
  int<lower=2> T;
  vector[T] y;
}
param {
  real a;
}
model {
  for (t in 2:T) {
    vector[2] v = [a, y[t - 1]]';
    real m = v[1] * y[t - 1];
    y[t] ~ normal(m + v[2] - y[t - 1], 1);
  }
}
)",
                               R"({"T": 4, "y": [1.0, 2.0, 0.5, -1.0]})", {.include_priors = false, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  const std::vector<double> y = {1.0, 2.0, 0.5, -1.0};
  const double a = 0.6;
  double expected = 0.0;
  for (std::size_t t = 1; t < y.size(); ++t) {
    const double z = y[t] - a * y[t - 1];
    expected += -0.5 * z * z - 0.5 * std::log(2 * M_PI);
  }
  CHECK(compiled->model->terms.size() == 3);
  CHECK(compiled->model->definitions.empty());  // locals are not reported
  CHECK(compiled->evaluate({a}) == doctest::Approx(expected).epsilon(1e-12));
  testing::expect_gradient_matches(*compiled, {a});
}

TEST_CASE("a local of a plate's body: the loop stays a plate, one vectorized term, the same density") {
  // Stan's loop-body locals: m and the typed mu are defined before they are read in each
  // iteration, so nothing crosses iterations and the loop is a plate, not N unrolled terms.
  const std::string json = R"({"N": 5, "x": [0.5, -1.0, 2.0, 0.0, 1.5], "y": [1.2, -0.4, 3.1, 0.2, 2.6]})";
  auto looped = compile_text(R"(
data { int<lower=1> N; vector[N] x; vector[N] y; }
param { real a; real b; real<lower=0> s; }
model {
  for (n in 1:N) {
    m = a + b * x[n];
    real mu = m - 0.5 * b;
    y[n] ~ normal(mu, s);
  }
}
)",
                             json, {.include_priors = false, .include_jacobian = false});
  auto vectorized = compile_text(R"(
data { int<lower=1> N; vector[N] x; vector[N] y; }
param { real a; real b; real<lower=0> s; }
model { y ~ normal(a + b * x - 0.5 * b, s); }
)",
                                 json, {.include_priors = false, .include_jacobian = false});
  REQUIRE_MESSAGE(looped->model, looped->messages());
  REQUIRE_MESSAGE(vectorized->model, vectorized->messages());
  REQUIRE(looped->checked.loops.size() == 1);
  CHECK_FALSE(looped->checked.loops[0].sequential);
  CHECK(looped->model->terms.size() == 1);
  CHECK(looped->model->definitions.empty());  // locals are not reported
  for (const std::vector<double>& u : {std::vector<double>{0.3, 1.1, -0.2}, std::vector<double>{-1.0, 0.4, 0.5}})
    CHECK(looped->evaluate(u) == doctest::Approx(vectorized->evaluate(u)).epsilon(1e-13));
  testing::expect_gradient_matches(*looped, {0.3, 1.1, -0.2});
}

TEST_CASE("simulating a variable whose `~` statements leave an element undrawn is a located error") {
  // y[1] has no `~`: drawing y would leave it at 0 silently; the simulator names it instead.
  auto undrawn = simulate_text(R"(
data { int<lower=2> T; vector[T] y; }
param { real<lower=-1, upper=1> phi; }
model {
  phi ~ uniform(-1, 1);
  for (t in 2:T) y[t] ~ normal(phi * y[t - 1], 1);
}
)",
                               R"({"T": 4})", {}, {"y"});
  CHECK(!undrawn->simulator);
  CHECK(undrawn->messages().find("y[1] is never drawn") != std::string::npos);
  CHECK(undrawn->messages().find("test.pm:6:18") != std::string::npos);
}

TEST_CASE("definitions in slices: an element written twice is a located error") {
  auto compiled = compile_text(R"(
data {
  int<lower=2> T;
  vector[T] y;
}
param {
  real a;
}
model {
  vector[T] m;
  m[1] = 0;
  for (t in 2:T) {
    m[1] = a * y[t - 1];
    m[t] = a;
  }
  y ~ normal(m, 1);
}
)",
                               R"({"T": 3, "y": [1, 2, 3]})");
  CHECK(!compiled->model);
  CHECK(compiled->messages().find("written before") != std::string::npos);
}

}  // namespace
}  // namespace pm::compile
