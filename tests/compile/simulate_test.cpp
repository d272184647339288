// Forward simulation (engine/compile/simulate.hpp, engine/ad/draw.hpp): moments of prior and
// posterior predictive draws against closed forms, plate-vectorized draws, truncation by a
// declared bound, discrete latents, the generated block, reproducibility, the log-likelihood
// and the located errors. Seeded; tolerances are stated in standard errors of the estimate.
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include <doctest/doctest.h>

#include "compile/simulation_support.hpp"

namespace pm::compile {
namespace {

using testing::simulate_text;

std::string testing_read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Moments {
  double mean = 0.0, variance = 0.0;
};
Moments moments_of(const std::vector<double>& x) {
  Moments m;
  for (double v : x) m.mean += v;
  m.mean /= static_cast<double>(x.size());
  for (double v : x) m.variance += (v - m.mean) * (v - m.mean);
  m.variance /= static_cast<double>(x.size() - 1);
  return m;
}

const char* kNormalNormal = R"(
data {
  int<lower=1> N;
  vector[N] y;
}
latent {
  real mu;
}
model {
  mu ~ normal(1, 2);
  y ~ normal(mu, 0.5);
}
)";

TEST_CASE("prior predictive of a normal-normal model: moments of y and its covariance across elements") {
  auto fixture = simulate_text(kNormalNormal, R"({"N": 3})", {.seed = 11}, {"y"});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  // Declaration order: the data block's y before the latent mu.
  CHECK(simulator.names() == std::vector<std::string>{"y[1]", "y[2]", "y[3]", "mu"});
  const std::size_t draws = 20000;
  std::vector<double> y1(draws), y2(draws), mu(draws);
  for (std::size_t s = 0; s < draws; ++s) {
    std::vector<double> row = simulator.run({}, s);
    y1[s] = row[0];
    y2[s] = row[1];
    mu[s] = row[3];
  }
  // y_i = mu + e_i: mean 1, variance 4 + 0.25, Cov(y_1, y_2) = Var(mu) = 4. The sample mean's
  // se is sqrt(4.25 / 20000) = 0.0146; the variance's is about 4.25 sqrt(2 / 20000) = 0.042.
  Moments m1 = moments_of(y1), m2 = moments_of(y2);
  CHECK(std::abs(m1.mean - 1.0) < 5 * 0.0146);
  CHECK(std::abs(m1.variance - 4.25) < 5 * 0.043);
  CHECK(std::abs(m2.variance - 4.25) < 5 * 0.043);
  double covariance = 0.0;
  for (std::size_t s = 0; s < draws; ++s) covariance += (y1[s] - m1.mean) * (y2[s] - m2.mean);
  covariance /= static_cast<double>(draws - 1);
  CHECK(std::abs(covariance - 4.0) < 5 * 0.045);
  // The residual y - mu is the likelihood's noise alone: sd 0.5.
  std::vector<double> residual(draws);
  for (std::size_t s = 0; s < draws; ++s) residual[s] = y1[s] - mu[s];
  CHECK(std::abs(std::sqrt(moments_of(residual).variance) - 0.5) < 5 * 0.5 / std::sqrt(2.0 * draws));
}

TEST_CASE("a draw depends on (seed, draw index) only") {
  auto fixture = simulate_text(kNormalNormal, R"({"N": 2})", {.seed = 5}, {"y"});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  std::vector<double> first = fixture->simulator->run({}, 7);
  fixture->simulator->run({}, 8);
  CHECK(fixture->simulator->run({}, 7) == first);
  CHECK(fixture->simulator->run({}, 8) != first);
  auto other_seed = simulate_text(kNormalNormal, R"({"N": 2})", {.seed = 6}, {"y"});
  CHECK(other_seed->simulator->run({}, 7) != first);
}

TEST_CASE("given values: the posterior predictive draws the data around them, and the log-likelihood") {
  auto fixture = simulate_text(kNormalNormal, R"({"N": 2})", {.given = {"mu"}, .seed = 3}, {"y"});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  CHECK(simulator.given_size() == 1);
  const double mu = -3.0;
  const std::size_t draws = 10000;
  std::vector<double> y(draws);
  for (std::size_t s = 0; s < draws; ++s) {
    std::vector<double> row = simulator.run(std::vector<double>{mu}, s);
    CHECK(row[0] == mu);
    y[s] = row[1];
    // log p(y | mu) of this draw, by hand.
    double expected = 0.0;
    for (int k = 1; k <= 2; ++k) {
      double z = (row[static_cast<std::size_t>(k)] - mu) / 0.5;
      expected += -0.5 * z * z - std::log(0.5) - 0.5 * std::log(2 * M_PI);
    }
    if (s < 10) CHECK(simulator.log_likelihood() == doctest::Approx(expected).epsilon(1e-12));
  }
  CHECK(std::abs(moments_of(y).mean - mu) < 5 * 0.5 / std::sqrt(double(draws)));
  CHECK_THROWS_AS(simulator.run({}, 0), std::invalid_argument);
}

TEST_CASE("a plate-indexed `~` draws every element at once, each with its own parameters") {
  auto fixture = simulate_text(R"(
data {
  int<lower=1> N;
  array[N] int<lower=1, upper=2> g;
}
latent {
  vector[2] center;
  vector[N] z;
}
model {
  center ~ normal(0, 0.001);
  for (i in 1:N) {
    z[i] ~ normal(10 * i + 100 * g[i] + center[g[i]], 0.001);
  }
}
)",
                               R"({"N": 4, "g": [1, 2, 2, 1]})", {.seed = 2});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  const SimulatedValue* z = fixture->simulator->find("z");
  REQUIRE(z);
  CHECK(z->element_names == std::vector<std::string>{"z[1]", "z[2]", "z[3]", "z[4]"});
  fixture->simulator->run({}, 0);
  std::span<const double> values = fixture->simulator->values_of(*z);
  const double expected[] = {110, 220, 230, 140};
  for (std::size_t i = 0; i < 4; ++i) CHECK(values[i] == doctest::Approx(expected[i]).epsilon(1e-4));
}

TEST_CASE("a declared bound truncates the prior: half-normal draws") {
  auto fixture = simulate_text(R"(
latent {
  real<lower=0> tau;
}
model {
  tau ~ normal(0, 1);
}
)",
                               "{}", {.seed = 9});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  const std::size_t draws = 20000;
  std::vector<double> tau(draws);
  for (std::size_t s = 0; s < draws; ++s) tau[s] = fixture->simulator->run({}, s)[0];
  CHECK(*std::min_element(tau.begin(), tau.end()) >= 0.0);
  // Half-normal: mean sqrt(2 / pi) = 0.7979, variance 1 - 2 / pi = 0.3634.
  CHECK(std::abs(moments_of(tau).mean - std::sqrt(2 / M_PI)) < 5 * std::sqrt(0.3634 / draws));
}

TEST_CASE("discrete latents are drawn from their prior: categorical frequencies") {
  auto fixture = simulate_text(R"(
data {
  int<lower=1> N;
  vector[3] w;
}
latent {
  array[N] int<lower=1, upper=3> z;
}
model {
  for (i in 1:N) {
    z[i] ~ categorical(w);
  }
}
)",
                               R"({"N": 5, "w": [0.2, 0.5, 0.3]})", {.seed = 4});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  CHECK(fixture->simulator->find("z")->is_int);
  std::vector<double> counts(3, 0.0);
  const std::size_t draws = 4000;
  for (std::size_t s = 0; s < draws; ++s)
    for (double z : fixture->simulator->run({}, s)) counts[static_cast<std::size_t>(z) - 1] += 1;
  const double total = 5.0 * draws, weights[] = {0.2, 0.5, 0.3};
  for (std::size_t k = 0; k < 3; ++k) {
    double se = std::sqrt(weights[k] * (1 - weights[k]) / total);
    CHECK(std::abs(counts[k] / total - weights[k]) < 5 * se);
  }
}

TEST_CASE("multivariate draws: a dirichlet simplex, and an array of multi_normal vectors in one `~`") {
  auto fixture = simulate_text(R"(
data {
  int<lower=1> N;
  array[N] vector[2] v;
  vector[2] location;
  cov_matrix[2] tiny;
}
latent {
  simplex[3] w;
  array[N] vector[2] centers;
}
model {
  w ~ dirichlet([2, 3, 5]');
  centers ~ multi_normal(location, tiny);
  v ~ multi_normal(centers, tiny);
}
)",
                               R"({"N": 3, "location": [100, -100], "tiny": [[1e-6, 0], [0, 1e-6]]})", {.seed = 12},
                               {"v"});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  CHECK(simulator.find("v")->element_names ==
        std::vector<std::string>{"v[1,1]", "v[2,1]", "v[3,1]", "v[1,2]", "v[2,2]", "v[3,2]"});
  const std::size_t draws = 4000;
  double w3 = 0.0;
  for (std::size_t s = 0; s < draws; ++s) {
    simulator.run({}, s);
    std::span<const double> w = simulator.values_of(*simulator.find("w"));
    CHECK(w[0] + w[1] + w[2] == doctest::Approx(1.0).epsilon(1e-12));
    w3 += w[2] / draws;
    // v[i] sits at centers[i] = (100, -100): first dim fastest, so v[i, 1] then v[i, 2].
    std::span<const double> v = simulator.values_of(*simulator.find("v"));
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(v[i] == doctest::Approx(100).epsilon(1e-4));
      CHECK(v[3 + i] == doctest::Approx(-100).epsilon(1e-4));
    }
  }
  // Dirichlet(2, 3, 5): E[w3] = 0.5, Var = 0.5 * 0.5 / 11; se of the mean sqrt(0.0227 / 4000).
  CHECK(std::abs(w3 - 0.5) < 5 * std::sqrt(0.25 / 11 / draws));
}

TEST_CASE("the generated block: definitions and draws per given draw") {
  auto fixture = simulate_text(R"(
data {
  int<lower=1> N;
  vector[N] y;
}
param {
  real mu;
}
model {
  y ~ normal(mu, 1);
}
generated {
  twice = 2 * mu;
  y_rep ~ normal(mu, 1);
}
)",
                               R"({"N": 2, "y": [0.5, 1.5]})", {.given = {"mu"}, .generated = true, .seed = 8});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  CHECK(simulator.names() == std::vector<std::string>{"mu", "twice", "y_rep"});
  const std::size_t draws = 5000;
  double sum = 0.0;
  for (std::size_t s = 0; s < draws; ++s) {
    double mu = static_cast<double>(s % 3);
    std::vector<double> row = simulator.run(std::vector<double>{mu}, s);
    CHECK(row[1] == 2 * mu);
    sum += row[2] - mu;
  }
  CHECK(std::abs(sum / draws) < 5 / std::sqrt(double(draws)));
  CHECK(std::isfinite(simulator.log_likelihood()));

  auto without = simulate_text(fixture->file->text(), R"({"N": 2, "y": [0.5, 1.5]})",
                               {.given = {"mu"}, .generated = true, .log_likelihood = false, .seed = 8});
  REQUIRE_MESSAGE(without->simulator, without->messages());
  // Same seed and draw index: the same draws, with or without the likelihood's terms.
  CHECK(without->simulator->run(std::vector<double>{1.0}, 4) == simulator.run(std::vector<double>{1.0}, 4));
  CHECK(std::isnan(without->simulator->log_likelihood()));
}

TEST_CASE("eight schools' generated block per posterior draw: y_rep and the pointwise log-likelihood") {
  auto fixture = simulate_text(testing_read(std::string(PM_SOURCE_DIR) + "/examples/eight_schools_noncentered.pm"),
                               testing_read(std::string(PM_SOURCE_DIR) + "/examples/eight_schools.json"),
                               {.given = {"mu", "tau", "eta"}, .generated = true, .seed = 1});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  REQUIRE(simulator.given_size() == 10);
  const double y[] = {28, 8, -3, 7, -1, 1, 18, 12}, sigma[] = {15, 10, 16, 11, 9, 11, 10, 18};
  std::vector<double> given = {4.0, 2.0, 1.0, -1.0, 0.5, 0.0, 2.0, -2.0, 0.25, 1.5};
  simulator.run(given, 3);
  std::span<const double> theta = simulator.values_of(*simulator.find("theta"));
  std::span<const double> log_lik = simulator.values_of(*simulator.find("log_lik"));
  REQUIRE(simulator.find("y_rep")->element_names.size() == 8);
  double total = 0.0;
  for (std::size_t j = 0; j < 8; ++j) {
    CHECK(theta[j] == doctest::Approx(4.0 + 2.0 * given[2 + j]).epsilon(1e-14));
    double z = (y[j] - theta[j]) / sigma[j];
    double expected = -0.5 * z * z - std::log(sigma[j]) - 0.5 * std::log(2 * M_PI);
    CHECK(log_lik[j] == doctest::Approx(expected).epsilon(1e-12));
    total += expected;
  }
  // The model's likelihood at the given values is the sum of the pointwise terms.
  CHECK(simulator.log_likelihood() == doctest::Approx(total).epsilon(1e-12));
}

TEST_CASE("logistic regression's generated block: typed definitions over a matrix product") {
  auto fixture = simulate_text(testing_read(std::string(PM_SOURCE_DIR) + "/examples/logistic_regression.pm"),
                               testing_read(std::string(PM_SOURCE_DIR) + "/examples/logistic_regression.json"),
                               {.given = {"alpha", "beta"}, .generated = true, .seed = 1});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  std::vector<double> given(11);
  for (std::size_t k = 0; k < given.size(); ++k) given[k] = 0.1 * static_cast<double>(k) - 0.4;
  simulator.run(given, 0);
  const io::DataValue& X = *fixture->data.find("X");
  const io::DataValue& y = *fixture->data.find("y");
  std::span<const double> p = simulator.values_of(*simulator.find("p"));
  std::span<const double> log_lik = simulator.values_of(*simulator.find("log_lik"));
  REQUIRE(p.size() == 200);
  double total = 0.0;
  for (std::size_t i = 0; i < 200; ++i) {
    double eta = given[0];
    for (std::size_t d = 0; d < 10; ++d) eta += X.values[i + 200 * d] * given[1 + d];  // X column-major
    CHECK(p[i] == doctest::Approx(1 / (1 + std::exp(-eta))).epsilon(1e-12));
    double expected = y.values[i] == 1 ? -std::log1p(std::exp(-eta)) : -std::log1p(std::exp(eta));
    CHECK(log_lik[i] == doctest::Approx(expected).epsilon(1e-12));
    total += expected;
  }
  CHECK(simulator.log_likelihood() == doctest::Approx(total).epsilon(1e-10));
}

// (Sequential loops are simulated in order: tests/compile/sequential_test.cpp.)
TEST_CASE("located errors: a param without a prior, a latent with a flat prior") {
  auto param = simulate_text(R"(
param {
  real mu;
}
model {
  target += -mu * mu;
}
)",
                             "{}");
  CHECK(!param->simulator);
  CHECK(param->messages().find("the param 'mu' has no prior") != std::string::npos);
  CHECK(param->messages().find("test.pm:3:8") != std::string::npos);

  auto flat = simulate_text("latent {\n  real z;\n}\nmodel {\n}\n", "{}");
  CHECK(!flat->simulator);
  CHECK(flat->messages().find("flat prior") != std::string::npos);
}

}  // namespace
}  // namespace pm::compile
