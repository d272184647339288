// The exact posteriors of discrete latents at a point (engine/infer/discrete_report.hpp): a
// two-component normal mixture at fixed means, whose responsibilities are computed here
// directly, w_k N(x_i | mu_k, s) / sum_j w_j N(x_i | mu_j, s); Bayes rule with no params
// (0.95 * 0.01 / 0.059); the --json and --discrete-out forms.
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "compile/compile_support.hpp"
#include "engine/infer/discrete_report.hpp"
#include "engine/random/stream.hpp"

namespace pm::infer {
namespace {

using compile::testing::compile_text;

const char* kMixture = R"(
data {
  int<lower=1> N;
  int<lower=1> K;
  vector[K] w;
  real<lower=0> s;
  vector[N] x;
}
param {
  vector[K] mu;
}
latent {
  array[N] int<lower=1, upper=K> z;
}
model {
  for (i in 1:N) {
    z[i] ~ categorical(w);
    x[i] ~ normal(mu[z[i]], s);
  }
}
)";

const char* kBayesRule = R"(
data {
  int<lower=0, upper=1> positive;
}
latent {
  int<lower=0, upper=1> disease;
}
model {
  disease ~ bernoulli(0.01);
  positive ~ bernoulli(disease == 1 ? 0.95 : 0.05);
}
)";

struct MixtureCase {
  std::vector<double> x, w{0.3, 0.7}, mu{-1.0, 2.0};
  double s = 1.3;
};

MixtureCase mixture_case(std::size_t n, std::uint64_t seed) {
  MixtureCase c;
  random::Stream stream(seed);
  for (std::size_t i = 0; i < n; ++i) c.x.push_back(stream.uniform(-4.0, 5.0));
  return c;
}

// P(z_i = k | x_i, mu) by a direct, log-sum-exp stable computation.
std::vector<double> responsibilities(const MixtureCase& c, double x) {
  std::vector<double> log_terms;
  for (std::size_t k = 0; k < c.w.size(); ++k) {
    double r = (x - c.mu[k]) / c.s;
    log_terms.push_back(std::log(c.w[k]) - 0.5 * r * r);  // the shared constants cancel
  }
  double top = std::max(log_terms[0], log_terms[1]);
  double total = std::exp(log_terms[0] - top) + std::exp(log_terms[1] - top);
  return {std::exp(log_terms[0] - top) / total, std::exp(log_terms[1] - top) / total};
}

TEST_CASE("mixture responsibilities at fixed means match the direct computation") {
  MixtureCase c = mixture_case(25, 20261125);
  nlohmann::json data = {{"N", c.x.size()}, {"K", 2}, {"w", c.w}, {"s", c.s}, {"x", c.x}};
  auto compiled = compile_text(kMixture, data.dump(), {.include_priors = false, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  REQUIRE(compiled->model->dimension() == 2);
  auto posteriors = discrete_posteriors_at(*compiled->model, c.mu);  // identity transform: u = mu
  REQUIRE(posteriors.size() == 1);
  const compile::DiscretePosterior& z = posteriors[0];
  CHECK(z.name == "z");
  CHECK(z.values == std::vector<std::int64_t>{1, 2});
  REQUIRE(z.element_names.size() == c.x.size());
  for (std::size_t i = 0; i < c.x.size(); ++i) {
    CHECK(z.element_names[i] == "z[" + std::to_string(i + 1) + "]");
    std::vector<double> expected = responsibilities(c, c.x[i]);
    CHECK(z.probabilities[i][0] == doctest::Approx(expected[0]).epsilon(1e-12));
    CHECK(z.probabilities[i][1] == doctest::Approx(expected[1]).epsilon(1e-12));
  }
  CHECK(latents_without_posterior(*compiled->model, posteriors).empty());
  CHECK_THROWS_AS(discrete_posteriors_at(*compiled->model, std::vector<double>{1.0}), std::invalid_argument);

  // Another point gives other responsibilities: the forward pass really uses the point.
  c.mu = {0.5, 0.6};
  auto moved = discrete_posteriors_at(*compiled->model, c.mu);
  CHECK(moved[0].probabilities[0][0] == doctest::Approx(responsibilities(c, c.x[0])[0]).epsilon(1e-12));
}

TEST_CASE("Bayes rule with no params: the exact posterior, its JSON and CSV forms") {
  auto compiled = compile_text(kBayesRule, R"({"positive": 1})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  REQUIRE(compiled->model->dimension() == 0);
  auto posteriors = discrete_posteriors_at(*compiled->model, {});
  REQUIRE(posteriors.size() == 1);
  const double sick = 0.01 * 0.95, healthy = 0.99 * 0.05;  // p(disease, positive = 1)
  CHECK(posteriors[0].element_names == std::vector<std::string>{"disease"});
  CHECK(posteriors[0].probabilities[0][1] == doctest::Approx(sick / (sick + healthy)).epsilon(1e-12));
  CHECK(posteriors[0].probabilities[0][0] == doctest::Approx(healthy / (sick + healthy)).epsilon(1e-12));

  nlohmann::json json = discrete_posteriors_json(posteriors);
  REQUIRE(json.contains("disease"));
  CHECK(json["disease"]["1"].get<double>() == doctest::Approx(sick / (sick + healthy)).epsilon(1e-12));
  CHECK(json["disease"].size() == 2);

  std::string csv = discrete_posteriors_csv(posteriors);
  std::istringstream lines(csv);
  std::string header, row, extra;
  std::getline(lines, header);
  std::getline(lines, row);
  CHECK(header == "latent,element,p_0,p_1");
  CHECK(row.rfind("disease,disease,", 0) == 0);
  CHECK(std::stod(row.substr(row.rfind(',') + 1)) == doctest::Approx(sick / (sick + healthy)).epsilon(1e-15));
  CHECK_FALSE(std::getline(lines, extra));
}

TEST_CASE("CSV: union of supports, empty cells outside a latent's support, quoted names") {
  compile::DiscretePosterior a{"a", {"a[1,1]", "a[2,1]"}, {0, 1}, {{0.25, 0.75}, {1.0, 0.0}}};
  compile::DiscretePosterior b{"b", {"b"}, {1, 2, 3}, {{0.5, 0.25, 0.25}}};
  std::string csv = discrete_posteriors_csv({a, b});
  CHECK(csv ==
        "latent,element,p_0,p_1,p_2,p_3\n"
        "a,\"a[1,1]\",0.25,0.75,,\n"
        "a,\"a[2,1]\",1,0,,\n"
        "b,b,,0.5,0.25,0.25\n");
}

}  // namespace
}  // namespace pm::infer
