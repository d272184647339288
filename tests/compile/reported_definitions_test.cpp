// Model-block definitions reported beside the params (Stan's transformed parameters):
// eight schools' theta = mu + tau * eta, whole and elementwise; data-only definitions are not
// reported.
#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "compile/compile_support.hpp"

namespace pm::compile {
namespace {

using testing::compile_text;

const char* kEightSchoolsJson = R"({"J": 3, "y": [28, 8, -3], "sigma": [15, 10, 16]})";

void check_theta(testing::Compiled& compiled) {
  REQUIRE(compiled.model.has_value());
  CompiledModel& model = *compiled.model;
  REQUIRE(model.definitions.size() == 1);
  CHECK(model.definitions[0].name == "theta");
  CHECK(model.definition_names() == std::vector<std::string>{"theta[1]", "theta[2]", "theta[3]"});
  // u = (mu, log tau, eta[1..3]).
  const std::vector<double> u{1.5, std::log(2.0), 0.1, -0.2, 0.3};
  compiled.evaluate(u);
  const std::vector<double> theta = model.definition_values();
  REQUIRE(theta.size() == 3);
  for (std::size_t j = 0; j < 3; ++j) CHECK(theta[j] == doctest::Approx(1.5 + 2.0 * u[2 + j]).epsilon(1e-14));
}

TEST_CASE("a definition of params is reported, whole or elementwise; data-only ones are not") {
  const std::string header = R"(
data { int<lower=0> J; vector[J] y; vector<lower=0>[J] sigma; }
latent { real mu; real<lower=0> tau; vector[J] eta; }
)";
  auto whole = compile_text(header + R"(
model {
  scale = 2 * sigma;
  mu ~ normal(0, 5); tau ~ cauchy(0, 5); eta ~ normal(0, 1);
  theta = mu + tau * eta;
  y ~ normal(theta, scale / 2);
})",
                            kEightSchoolsJson);
  check_theta(*whole);
  auto elementwise = compile_text(header + R"(
model {
  mu ~ normal(0, 5); tau ~ cauchy(0, 5); eta ~ normal(0, 1);
  for (j in 1:J) {
    theta[j] = mu + tau * eta[j];
    y[j] ~ normal(theta[j], sigma[j]);
  }
})",
                                  kEightSchoolsJson);
  check_theta(*elementwise);
}

TEST_CASE("without its factors a model reports the same values, and its density is the Jacobians' alone") {
  // The per-draw report of a sampler (CompileOptions::factors = false, fit_nuts.cpp).
  const std::string text = R"(
data { int<lower=0> J; vector[J] y; vector<lower=0>[J] sigma; }
latent { real mu; real<lower=0> tau; vector[J] eta; }
model {
  mu ~ normal(0, 5); tau ~ cauchy(0, 5); eta ~ normal(0, 1);
  theta = mu + tau * eta;
  y ~ normal(theta, sigma);
})";
  auto full = compile_text(text, kEightSchoolsJson);
  auto values_only = compile_text(text, kEightSchoolsJson, {.include_priors = true, .include_jacobian = true,
                                                            .discrete_posteriors = true, .factors = false});
  REQUIRE(full->model.has_value());
  REQUIRE(values_only->model.has_value());
  CHECK(values_only->model->terms.empty());
  CHECK(values_only->model->constrained_names() == full->model->constrained_names());
  CHECK(values_only->model->definition_names() == full->model->definition_names());
  const std::vector<double> u{1.5, std::log(2.0), 0.1, -0.2, 0.3};
  full->evaluate(u);
  // tau = exp(u[1]): the only Jacobian term is log tau = u[1].
  CHECK(values_only->evaluate(u) == doctest::Approx(u[1]).epsilon(1e-14));
  CHECK(values_only->model->constrained_values() == full->model->constrained_values());
  CHECK(values_only->model->definition_values() == full->model->definition_values());
  std::vector<double> appended;
  values_only->model->append_reported_values(appended);
  std::vector<double> expected = full->model->constrained_values();
  for (double v : full->model->definition_values()) expected.push_back(v);
  CHECK(appended == expected);
}

}  // namespace
}  // namespace pm::compile
