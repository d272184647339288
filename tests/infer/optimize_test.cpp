// The optimization service on compiled models with closed-form optima: MLE of a normal
// sample (mean and biased sd), least squares (normal equations solved here), MAP of a
// beta-Bernoulli coin (mode (k + 1) / (n + 2)); reproducibility by seed; the saved-params
// round trip (--save-params / --init); a start where the density is never finite.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "compile/compile_support.hpp"
#include "engine/infer/optimize.hpp"
#include "engine/infer/params_json.hpp"
#include "engine/random/stream.hpp"
#include "stdlib/transforms/eigen_dense.hpp"

namespace pm::infer {
namespace {

using compile::testing::compile_text;

constexpr compile::CompileOptions kMle{.include_priors = false, .include_jacobian = false};
constexpr compile::CompileOptions kMap{.include_priors = true, .include_jacobian = false};

// Convergence by the gradient alone (|g| < 1e-6; the objective-change tests off): errors
// of about |g| / curvature, well inside the 1e-6 the closed forms are checked to. CmdStan's
// default tolerances stop at relative errors of a few 1e-6 on these models (checked too).
OptimizeOptions precise() {
  OptimizeOptions options;
  LbfgsOptions& lbfgs = options.lbfgs;
  lbfgs.tol_obj = lbfgs.tol_rel_obj = lbfgs.tol_rel_grad = lbfgs.tol_param = 0;
  lbfgs.tol_grad = 1e-6;
  return options;
}

double value_of(const OptimizeResult& result, const std::string& name) {
  for (std::size_t i = 0; i < result.names.size(); ++i)
    if (result.names[i] == name) return result.values[i];
  FAIL("no element " << name);
  return 0;
}

const char* kNormalModel = R"(
data {
  int<lower=0> N;
  vector[N] y;
}
param {
  real mu;
  real<lower=0> sigma;
}
model {
  mu ~ normal(0, 1);
  sigma ~ exponential(1);
  y ~ normal(mu, sigma);
}
)";

std::vector<double> normal_sample(std::size_t n, std::uint64_t seed) {
  random::Stream stream(seed);
  std::vector<double> y(n);
  for (double& x : y) x = stream.normal(3.0, 2.0);
  return y;
}

TEST_CASE("MLE of a normal sample: the sample mean and the biased sd") {
  std::vector<double> y = normal_sample(40, 7);
  auto compiled = compile_text(kNormalModel, nlohmann::json{{"N", y.size()}, {"y", y}}.dump(), kMle);
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  double mean = 0, squares = 0;
  for (double x : y) mean += x / static_cast<double>(y.size());
  for (double x : y) squares += (x - mean) * (x - mean);
  double sd = std::sqrt(squares / static_cast<double>(y.size()));
  OptimizeResult by_default = optimize(*compiled->model, {}, 1, {});
  REQUIRE_FALSE(by_default.failure);
  CHECK(by_default.converged());
  CHECK(value_of(by_default, "mu") == doctest::Approx(mean).epsilon(1e-5));
  CHECK(value_of(by_default, "sigma") == doctest::Approx(sd).epsilon(1e-5));
  OptimizeResult result = optimize(*compiled->model, precise(), 1, {});
  REQUIRE_FALSE(result.failure);
  CHECK(result.reason == ConvergenceReason::GradientNorm);
  CHECK(value_of(result, "mu") == doctest::Approx(mean).epsilon(1e-6));
  CHECK(value_of(result, "sigma") == doctest::Approx(sd).epsilon(1e-6));
  // The objective at the optimum is the log-likelihood: -n/2 (log(2 pi sd^2) + 1).
  double n = static_cast<double>(y.size());
  CHECK(result.log_density == doctest::Approx(-n / 2 * (std::log(2 * M_PI * sd * sd) + 1)).epsilon(1e-9));
  CHECK(result.start_log_densities.size() == 4);
}

TEST_CASE("MLE of a linear regression: least squares by the normal equations") {
  const char* model = R"(
data {
  int<lower=0> N;
  int<lower=1> K;
  matrix[N, K] X;
  vector[N] y;
}
param {
  vector[K] beta;
  real<lower=0> sigma;
}
model {
  beta ~ normal(0, 1);
  y ~ normal(X * beta, sigma);
}
)";
  const std::size_t n = 30, k = 3;
  random::Stream stream(19);
  Eigen::MatrixXd x(n, k);
  Eigen::VectorXd y(n);
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < n; ++i) {
    x(i, 0) = 1;
    x(i, 1) = stream.normal();
    x(i, 2) = stream.uniform(-1.0, 1.0);
    y(i) = 0.5 + 2 * x(i, 1) - 1.5 * x(i, 2) + stream.normal(0.0, 0.3);
    rows.push_back({x(i, 0), x(i, 1), x(i, 2)});
  }
  std::vector<double> y_values(y.data(), y.data() + n);
  auto compiled = compile_text(model, nlohmann::json{{"N", n}, {"K", k}, {"X", rows}, {"y", y_values}}.dump(), kMle);
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  Eigen::VectorXd beta = (x.transpose() * x).ldlt().solve(x.transpose() * y);
  double sigma = std::sqrt((y - x * beta).squaredNorm() / static_cast<double>(n));
  OptimizeResult result = optimize(*compiled->model, precise(), 3, {});
  REQUIRE_FALSE(result.failure);
  CHECK(result.converged());
  for (std::size_t j = 0; j < k; ++j)
    CHECK(value_of(result, "beta[" + std::to_string(j + 1) + "]") == doctest::Approx(beta(j)).epsilon(1e-6));
  CHECK(value_of(result, "sigma") == doctest::Approx(sigma).epsilon(1e-6));
}

TEST_CASE("MAP of a beta(2, 2)-Bernoulli coin: the posterior mode (k + 1) / (n + 2)") {
  const char* model = R"(
data {
  int<lower=0> N;
  array[N] int<lower=0, upper=1> y;
}
param {
  real<lower=0, upper=1> theta;
}
model {
  theta ~ beta(2, 2);
  y ~ bernoulli(theta);
}
)";
  std::vector<int> y = {1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1};
  double k = 0;
  for (int value : y) k += value;
  auto compiled = compile_text(model, nlohmann::json{{"N", y.size()}, {"y", y}}.dump(), kMap);
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  OptimizeResult result = optimize(*compiled->model, precise(), 2, {});
  REQUIRE_FALSE(result.failure);
  CHECK(result.converged());
  CHECK(value_of(result, "theta") == doctest::Approx((k + 1) / (static_cast<double>(y.size()) + 2)).epsilon(1e-6));

  SUBCASE("with the Jacobian the mode moves to that of the logit: (k + 2) / (n + 4)") {
    auto jacobian = compile_text(model, nlohmann::json{{"N", y.size()}, {"y", y}}.dump(),
                                 {.include_priors = true, .include_jacobian = true});
    OptimizeResult with_jacobian = optimize(*jacobian->model, precise(), 2, {});
    CHECK(value_of(with_jacobian, "theta") ==
          doctest::Approx((k + 2) / (static_cast<double>(y.size()) + 4)).epsilon(1e-6));
  }
}

TEST_CASE("the same seed gives the same result, bit for bit; progress is reported") {
  std::vector<double> y = normal_sample(25, 3);
  auto compiled = compile_text(kNormalModel, nlohmann::json{{"N", y.size()}, {"y", y}}.dump(), kMap);
  std::size_t reports = 0;
  OptimizeResult first = optimize(*compiled->model, {}, 42, [&reports](const OptimizeProgress&) { ++reports; });
  OptimizeResult second = optimize(*compiled->model, {}, 42, {});
  CHECK(reports > 0);
  CHECK(first.unconstrained == second.unconstrained);
  CHECK(first.log_density == second.log_density);
  CHECK(first.iterations == second.iterations);
}

TEST_CASE("saved params round trip: JSON layout, unconstrain, and a restart from them") {
  const char* model = R"(
data {
  int<lower=0> N;
  vector[N] y;
}
param {
  vector[2] mu;
  simplex[3] w;
  array[2] real<lower=0> sigma;
}
model {
  mu ~ normal(0, 5);
  w ~ dirichlet([2, 3, 4]');
  sigma ~ exponential(1);
  y ~ normal(mu[1] + mu[2] * w[1], sigma[1] + sigma[2]);
}
)";
  std::vector<double> y = normal_sample(20, 5);
  auto compiled = compile_text(model, nlohmann::json{{"N", y.size()}, {"y", y}}.dump(), kMap);
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  OptimizeResult result = optimize(*compiled->model, {}, 9, {});
  REQUIRE_FALSE(result.failure);
  nlohmann::json saved = params_to_json(*compiled->model, result.values);
  REQUIRE(saved["mu"].is_array());
  CHECK(saved["mu"].size() == 2);
  CHECK(saved["w"].size() == 3);
  CHECK(saved["sigma"].size() == 2);
  CHECK(saved["w"][1].get<double>() == value_of(result, "w[2]"));
  CHECK(saved["sigma"][0].get<double>() == value_of(result, "sigma[1]"));

  std::string error;
  std::vector<double> u = unconstrain_params(*compiled->model, saved, error);
  REQUIRE_MESSAGE(error.empty(), error);
  REQUIRE(u.size() == result.unconstrained.size());
  for (std::size_t i = 0; i < u.size(); ++i) CHECK(u[i] == doctest::Approx(result.unconstrained[i]).epsilon(1e-9));

  OptimizeOptions restart;
  restart.init = u;
  OptimizeResult resumed = optimize(*compiled->model, restart, 1, {});
  REQUIRE_FALSE(resumed.failure);
  CHECK(resumed.log_density >= result.log_density - 1e-9);
  CHECK(resumed.iterations <= 3);

  SUBCASE("a value outside its support is an error naming it") {
    nlohmann::json bad = saved;
    bad["sigma"][1] = -0.5;
    CHECK(unconstrain_params(*compiled->model, bad, error).empty());
    CHECK(error.find("'sigma'") != std::string::npos);
  }
  SUBCASE("a value of the wrong shape is an error naming it") {
    nlohmann::json bad = saved;
    bad["mu"] = 1.0;
    CHECK(unconstrain_params(*compiled->model, bad, error).empty());
    CHECK(error.find("'mu'") != std::string::npos);
  }
  SUBCASE("a variable left out is drawn (NaN coordinates)") {
    nlohmann::json partial = saved;
    partial.erase("mu");
    std::vector<double> partial_u = unconstrain_params(*compiled->model, partial, error);
    REQUIRE(error.empty());
    const compile::ParameterSlot& mu = compiled->model->slots[0];
    CHECK(std::isnan(partial_u[mu.offset]));
    CHECK(std::isnan(partial_u[mu.offset + 1]));
    CHECK_FALSE(std::isnan(partial_u[compiled->model->slots[1].offset]));
  }
}

TEST_CASE("a log density that is never finite fails, naming the statement") {
  const char* model = R"(
param {
  real mu;
}
model {
  mu ~ normal(0, 1);
  target += log(-1 - mu * mu);
}
)";
  auto compiled = compile_text(model, "{}", kMap);
  REQUIRE_MESSAGE(compiled->model, compiled->messages());
  OptimizeResult result = optimize(*compiled->model, {}, 1, {});
  REQUIRE(result.failure);
  CHECK(result.failure->attempts == kMaxStartAttempts);
  REQUIRE(result.failure->statement != nullptr);
  CHECK(compiled->file->locate(result.failure->statement->range.begin).line == 7);
}

}  // namespace
}  // namespace pm::infer
