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
  auto fixture = simulate_text(kNormalNormal, R"({"N": 3})", {.given = {}, .seed = 11}, {"y"});
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
  auto fixture = simulate_text(kNormalNormal, R"({"N": 2})", {.given = {}, .seed = 5}, {"y"});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  std::vector<double> first = fixture->simulator->run({}, 7);
  fixture->simulator->run({}, 8);
  CHECK(fixture->simulator->run({}, 7) == first);
  CHECK(fixture->simulator->run({}, 8) != first);
  auto other_seed = simulate_text(kNormalNormal, R"({"N": 2})", {.given = {}, .seed = 6}, {"y"});
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
                               R"({"N": 4, "g": [1, 2, 2, 1]})", {.given = {}, .seed = 2});
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
                               "{}", {.given = {}, .seed = 9});
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
                               R"({"N": 5, "w": [0.2, 0.5, 0.3]})", {.given = {}, .seed = 4});
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
                               R"({"N": 3, "location": [100, -100], "tiny": [[1e-6, 0], [0, 1e-6]]})", {.given = {}, .seed = 12},
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

TEST_CASE("given matrix-valued constrained latents keep their K x K shape in the generated block") {
  // cholesky_factor_corr[3] L and cov_matrix[2] S are given K x K, column-major (L[1,1],
  // L[2,1], L[3,1], L[1,2], ...: the draws' element names), not as K-vectors.
  auto fixture = simulate_text(R"(
latent {
  cholesky_factor_corr[3] L;
  cov_matrix[2] S;
}
model {
  L ~ lkj_corr_cholesky(2);
  target += -0.5 * (S[1, 1] + S[2, 2]);
}
generated {
  matrix[3, 3] Omega = L * L';
  matrix[3, 3] M = multiply_lower_tri_self_transpose(L);
  real rho = L[2, 1];
  matrix[2, 2] T = S * 2;
  real s12 = S[1, 2];
}
)",
                               "{}", {.given = {"L", "S"}, .generated = true, .log_likelihood = false, .seed = 3});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  REQUIRE(simulator.given_size() == 13);
  CHECK(simulator.find("L")->dims == std::vector<std::size_t>{3, 3});
  CHECK(simulator.find("Omega")->element_names ==
        std::vector<std::string>{"Omega[1,1]", "Omega[2,1]", "Omega[3,1]", "Omega[1,2]", "Omega[2,2]", "Omega[3,2]",
                                 "Omega[1,3]", "Omega[2,3]", "Omega[3,3]"});
  CHECK(simulator.find("T")->element_names == std::vector<std::string>{"T[1,1]", "T[2,1]", "T[1,2]", "T[2,2]"});
  // A Cholesky factor of a correlation matrix: rows of unit length, column-major.
  const double a = 0.6, b = -0.3, c = 0.5, L[3][3] = {{1, 0, 0}, {a, std::sqrt(1 - a * a), 0},
                                                        {b, c, std::sqrt(1 - b * b - c * c)}};
  std::vector<double> given;
  for (std::size_t j = 0; j < 3; ++j)
    for (std::size_t i = 0; i < 3; ++i) given.push_back(L[i][j]);
  const double S[2][2] = {{2.0, 0.5}, {0.5, 1.0}};
  for (std::size_t j = 0; j < 2; ++j)
    for (std::size_t i = 0; i < 2; ++i) given.push_back(S[i][j]);
  simulator.run(given, 0);
  std::span<const double> omega = simulator.values_of(*simulator.find("Omega"));
  std::span<const double> m = simulator.values_of(*simulator.find("M"));
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      double expected = 0;
      for (std::size_t k = 0; k < 3; ++k) expected += L[i][k] * L[j][k];
      CHECK(omega[i + 3 * j] == doctest::Approx(expected).epsilon(1e-14));
      CHECK(m[i + 3 * j] == doctest::Approx(expected).epsilon(1e-14));
    }
  CHECK(simulator.values_of(*simulator.find("rho"))[0] == a);
  std::span<const double> t = simulator.values_of(*simulator.find("T"));
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 2; ++j) CHECK(t[i + 2 * j] == 2 * S[i][j]);
  CHECK(simulator.values_of(*simulator.find("s12"))[0] == 0.5);
}

TEST_CASE("a cholesky_factor_corr latent is drawn K x K from lkj_corr_cholesky") {
  auto fixture = simulate_text(R"(
latent {
  cholesky_factor_corr[3] L;
}
model {
  L ~ lkj_corr_cholesky(2);
}
generated {
  matrix[3, 3] Omega = L * L';
}
)",
                               "{}", {.given = {}, .generated = true, .seed = 5});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  CHECK(simulator.find("L")->dims == std::vector<std::size_t>{3, 3});
  for (std::size_t s = 0; s < 20; ++s) {
    simulator.run({}, s);
    std::span<const double> L = simulator.values_of(*simulator.find("L"));
    std::span<const double> omega = simulator.values_of(*simulator.find("Omega"));
    CHECK(L[3] == 0.0);  // L[1,2], L[1,3], L[2,3]: lower triangular
    CHECK(L[6] == 0.0);
    CHECK(L[7] == 0.0);
    for (std::size_t i = 0; i < 3; ++i) CHECK(omega[i + 3 * i] == doctest::Approx(1.0).epsilon(1e-12));
  }
}

TEST_CASE("generated_per_row: each row's params and latents by element name, discrete ones included") {
  // The columns in another order than the declarations', with a model definition and a
  // column of nothing: each name is found by its element names. z and k are given by the
  // rows (as a fit's draws give the summed-out latents); w is absent, so drawn from its prior.
  auto fixture = simulate_text(R"(
data {
  int<lower=1> N;
}
latent {
  real mu;
  array[N] int<lower=1, upper=3> z;
  int<lower=0, upper=1> k;
  real w;
}
model {
  mu ~ normal(0, 1);
  w ~ normal(100, 0.001);
  k ~ bernoulli(0.01);
  for (i in 1:N) z[i] ~ categorical([0.98, 0.01, 0.01]');
}
generated {
  array[N] int zz = z;
  int kk = k;
  real shifted = mu + 10 * k;
  real ww = w;
  int big = z[2] > 1 ? 1 : 0;
}
)",
                               R"({"N": 2})");
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  const std::vector<std::string> names = {"z[2]", "other", "k", "mu", "z[1]"};
  std::vector<double> rows;
  const std::size_t count = 300;
  for (std::size_t r = 0; r < count; ++r) {
    const double z2 = static_cast<double>(1 + r % 3), kr = static_cast<double>(r % 2), z1 = static_cast<double>(3 - r % 3);
    rows.insert(rows.end(), {z2, -1.0, kr, 0.5 * static_cast<double>(r), z1});
  }
  lang::Diagnostics diagnostics;
  std::optional<GeneratedRows> generated =
      generated_per_row(fixture->checked, fixture->data, names, rows, 9, diagnostics);
  REQUIRE_MESSAGE(generated.has_value(), lang::render_all(*fixture->file, diagnostics));
  CHECK(generated->names == std::vector<std::string>{"zz[1]", "zz[2]", "kk", "shifted", "ww", "big"});
  CHECK(generated->drawn == std::vector<std::string>{"w"});
  REQUIRE(generated->values.size() == count * 6);
  for (std::size_t r = 0; r < count; ++r) {
    const double* row = &rows[r * 5];
    const double* out = &generated->values[r * 6];
    CHECK(out[0] == row[4]);
    CHECK(out[1] == row[0]);
    CHECK(out[2] == row[2]);
    CHECK(out[3] == row[3] + 10 * row[2]);
    CHECK(std::abs(out[4] - 100) < 0.01);
    CHECK(out[5] == (row[0] > 1 ? 1.0 : 0.0));
  }
  // The same seed repeats every row; another seed draws w anew.
  std::optional<GeneratedRows> again = generated_per_row(fixture->checked, fixture->data, names, rows, 9, diagnostics);
  REQUIRE(again.has_value());
  CHECK(again->values == generated->values);
  std::optional<GeneratedRows> other = generated_per_row(fixture->checked, fixture->data, names, rows, 10, diagnostics);
  REQUIRE(other.has_value());
  CHECK(other->values[4] != generated->values[4]);
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
