// Exact marginalization of discrete latents (engine/compile/enumeration.hpp, posterior.hpp):
// log densities and Bayes-rule posteriors against sums over every joint value written out
// in the test, gradients against central differences, located errors.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "compile_support.hpp"

using namespace pm::compile::testing;
using pm::compile::DiscretePosterior;

namespace {

double normal_lpdf(double y, double mu, double sigma) {
  double z = (y - mu) / sigma;
  return -0.5 * z * z - std::log(sigma) - 0.5 * std::log(2 * std::numbers::pi);
}

double log_sum_exp(const std::vector<double>& terms) {
  double top = -INFINITY;
  for (double t : terms) top = std::max(top, t);
  double sum = 0;
  for (double t : terms) sum += std::exp(t - top);
  return top + std::log(sum);
}



const DiscretePosterior& posterior_of(const std::vector<DiscretePosterior>& posteriors, const std::string& name) {
  for (const DiscretePosterior& posterior : posteriors)
    if (posterior.name == name) return posterior;
  FAIL("no posterior for " << name);
  return posteriors.front();
}

constexpr double kTight = 1e-9;

}  // namespace

TEST_CASE("bayes rule: the evidence and the posterior of the disease are exact") {
  auto compiled = compile_text(R"(
data { int<lower=0, upper=1> positive; }
latent { int<lower=0, upper=1> disease; }
model {
  disease ~ bernoulli(0.01);
  positive ~ bernoulli(disease == 1 ? 0.95 : 0.05);
}
)",
                               R"({"positive": 1})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  CHECK(compiled->model->dimension() == 0);
  CHECK(compiled->model->exact_evidence());
  // p(positive) = 0.01 * 0.95 + 0.99 * 0.05 = 0.059.
  CHECK(compiled->evaluate({}) == doctest::Approx(std::log(0.059)).epsilon(kTight));
  auto posteriors = compiled->model->discrete_posteriors();
  REQUIRE(posteriors.size() == 1);
  const DiscretePosterior& disease = posteriors[0];
  CHECK(disease.name == "disease");
  REQUIRE(disease.element_names == std::vector<std::string>{"disease"});
  REQUIRE(disease.values == std::vector<std::int64_t>{0, 1});
  CHECK(disease.probabilities[0][1] == doctest::Approx(0.0095 / 0.059).epsilon(kTight));  // 0.161016949...
  CHECK(disease.probabilities[0][0] == doctest::Approx(0.0495 / 0.059).epsilon(kTight));
}

TEST_CASE("a two-component mixture: the marginal likelihood, responsibilities and gradient") {
  const std::string model = R"(
data { int<lower=1> N; int<lower=1> K = 2; vector[N] x; }
param { simplex[K] w; ordered[K] mu; vector<lower=0>[K] sigma; }
latent { array[N] int<lower=1, upper=K> z; }
model {
  for (i in 1:N) {
    z[i] ~ categorical(w);
    x[i] ~ normal(mu[z[i]], sigma[z[i]]);
  }
}
)";
  const std::vector<double> x{-1.2, 0.3, 2.5, 1.9, -0.4, 3.1};
  auto compiled = compile_text(model, R"({"N": 6, "x": [-1.2, 0.3, 2.5, 1.9, -0.4, 3.1]})",
                               {.include_priors = true, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  REQUIRE(compiled->model->dimension() == 5);
  CHECK_FALSE(compiled->model->exact_evidence());
  for (unsigned seed : {1u, 2u, 3u}) {
    std::vector<double> u = seeded_point(5, seed, 1.5);
    double lp = compiled->evaluate(u);
    std::vector<double> c = compiled->model->constrained_values();  // w1 w2 mu1 mu2 sigma1 sigma2
    REQUIRE(c.size() == 6);
    double expected = 0;
    std::vector<std::vector<double>> responsibility;
    for (double xi : x) {
      std::vector<double> joint{std::log(c[0]) + normal_lpdf(xi, c[2], c[4]),
                                std::log(c[1]) + normal_lpdf(xi, c[3], c[5])};
      double marginal = log_sum_exp(joint);
      expected += marginal;
      responsibility.push_back({std::exp(joint[0] - marginal), std::exp(joint[1] - marginal)});
    }
    CHECK(lp == doctest::Approx(expected).epsilon(kTight));
    auto posteriors = compiled->model->discrete_posteriors();
    const DiscretePosterior& z = posterior_of(posteriors, "z");
    REQUIRE(z.element_names.size() == x.size());
    CHECK(z.element_names[0] == "z[1]");
    CHECK(z.element_names[5] == "z[6]");
    REQUIRE(z.values == std::vector<std::int64_t>{1, 2});
    for (std::size_t i = 0; i < x.size(); ++i)
      for (std::size_t k = 0; k < 2; ++k) {
        CAPTURE(i);
        CHECK(z.probabilities[i][k] == doctest::Approx(responsibility[i][k]).epsilon(kTight));
      }
    expect_gradient_matches(*compiled, u);
  }
}

TEST_CASE("two discrete latents per datum: joint sum and both marginals") {
  // a[i] picks the table of b[i]; x[i] depends on both.
  auto compiled = compile_text(R"(
data { int N; vector[N] x; vector[3] q0; vector[3] q1; }
param { real<lower=0, upper=1> p; vector[2] m; }
latent { array[N] int<lower=0, upper=1> a; array[N] int<lower=1, upper=3> b; }
model {
  for (i in 1:N) {
    a[i] ~ bernoulli(p);
    b[i] ~ categorical(a[i] == 1 ? q1 : q0);
    x[i] ~ normal(m[a[i] + 1] + 0.5 * b[i], 1);
  }
}
)",
                               R"({"N": 4, "x": [0.1, 1.7, -0.8, 2.6], "q0": [0.6, 0.3, 0.1], "q1": [0.2, 0.3, 0.5]})",
                               {.include_priors = true, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  const std::vector<double> x{0.1, 1.7, -0.8, 2.6}, q0{0.6, 0.3, 0.1}, q1{0.2, 0.3, 0.5};
  std::vector<double> u = seeded_point(3, 7, 1.5);
  double lp = compiled->evaluate(u);
  std::vector<double> c = compiled->model->constrained_values();  // p m1 m2
  double expected = 0;
  auto posteriors = compiled->model->discrete_posteriors();
  const DiscretePosterior& a = posterior_of(posteriors, "a");
  const DiscretePosterior& b = posterior_of(posteriors, "b");
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<double> joint;  // index 3 * a + (b - 1)
    for (int av = 0; av <= 1; ++av)
      for (int bv = 1; bv <= 3; ++bv)
        joint.push_back(std::log(av ? c[0] : 1 - c[0]) + std::log((av ? q1 : q0)[bv - 1]) +
                        normal_lpdf(x[i], c[1 + av] + 0.5 * bv, 1));
    double marginal = log_sum_exp(joint);
    expected += marginal;
    CAPTURE(i);
    for (int av = 0; av <= 1; ++av)
      CHECK(a.probabilities[i][av] ==
            doctest::Approx(std::exp(log_sum_exp({joint[3 * av], joint[3 * av + 1], joint[3 * av + 2]}) - marginal))
                .epsilon(kTight));
    for (int bv = 0; bv < 3; ++bv)
      CHECK(b.probabilities[i][bv] == doctest::Approx(std::exp(log_sum_exp({joint[bv], joint[3 + bv]}) - marginal)).epsilon(kTight));
  }
  CHECK(lp == doctest::Approx(expected).epsilon(kTight));
  expect_gradient_matches(*compiled, u);
}

TEST_CASE("naive Bayes: a class per item, its features in a nested plate or as a vector") {
  const std::string data = R"({"N": 5, "D": 3, "x": [[1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 1, 0], [1, 0, 0]]})";
  const int x[5][3] = {{1, 0, 1}, {0, 0, 1}, {1, 1, 1}, {0, 1, 0}, {1, 0, 0}};
  const std::string nested = R"(
data { int<lower=1> N; int<lower=1> D; int<lower=1> K = 2; array[N, D] int<lower=0, upper=1> x; }
param { simplex[K] w; matrix<lower=0, upper=1>[K, D] q; }
latent { array[N] int<lower=1, upper=K> z; }
model {
  for (i in 1:N) {
    z[i] ~ categorical(w);
    for (d in 1:D) x[i, d] ~ bernoulli(q[z[i], d]);
  }
}
)";
  const std::string vectorized = R"(
data { int<lower=1> N; int<lower=1> D; int<lower=1> K = 2; array[N, D] int<lower=0, upper=1> x; }
param { simplex[K] w; matrix<lower=0, upper=1>[K, D] q; }
latent { array[N] int<lower=1, upper=K> z; }
model {
  for (i in 1:N) {
    z[i] ~ categorical(w);
    x[i] ~ bernoulli(q[z[i]]);
  }
}
)";
  for (const std::string* text : {&nested, &vectorized}) {
    auto compiled = compile_text(*text, data, {.include_priors = true, .include_jacobian = false});
    REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
    REQUIRE(compiled->model->dimension() == 7);
    std::vector<double> u = seeded_point(7, 11, 1.5);
    double lp = compiled->evaluate(u);
    std::vector<double> c = compiled->model->constrained_values();  // w1 w2, q column-major (K, D)
    auto q = [&](int k, int d) { return c[2 + k + 2 * d]; };
    double expected = 0;
    auto posteriors = compiled->model->discrete_posteriors();
    const DiscretePosterior& z = posterior_of(posteriors, "z");
    for (int i = 0; i < 5; ++i) {
      std::vector<double> joint;
      for (int k = 0; k < 2; ++k) {
        double term = std::log(c[k]);
        for (int d = 0; d < 3; ++d) term += std::log(x[i][d] ? q(k, d) : 1 - q(k, d));
        joint.push_back(term);
      }
      double marginal = log_sum_exp(joint);
      expected += marginal;
      CAPTURE(i);
      for (int k = 0; k < 2; ++k) CHECK(z.probabilities[i][k] == doctest::Approx(std::exp(joint[k] - marginal)).epsilon(kTight));
    }
    CHECK(lp == doctest::Approx(expected).epsilon(kTight));
    expect_gradient_matches(*compiled, u);
  }
}

TEST_CASE("a global discrete latent used inside a plate, alone and with a latent per datum") {
  const std::vector<double> x{0.4, -1.1, 2.2, 0.9};
  const std::vector<double> pg{0.3, 0.7}, w{0.4, 0.6};
  SUBCASE("global only") {
    auto compiled = compile_text(R"(
data { int N; vector[N] x; vector[2] pg; }
param { vector[2] m; }
latent { int<lower=1, upper=2> g; }
model {
  g ~ categorical(pg);
  for (i in 1:N) x[i] ~ normal(m[g], 1);
}
)",
                                 R"({"N": 4, "x": [0.4, -1.1, 2.2, 0.9], "pg": [0.3, 0.7]})");
    REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
    std::vector<double> u = seeded_point(2, 5, 1.5);
    double lp = compiled->evaluate(u);
    std::vector<double> joint;
    for (int g = 0; g < 2; ++g) {
      double term = std::log(pg[g]);
      for (double xi : x) term += normal_lpdf(xi, u[g], 1);
      joint.push_back(term);
    }
    double marginal = log_sum_exp(joint);
    CHECK(lp == doctest::Approx(marginal).epsilon(kTight));
    auto posteriors = compiled->model->discrete_posteriors();
    const DiscretePosterior& g = posterior_of(posteriors, "g");
    REQUIRE(g.probabilities.size() == 1);
    for (int k = 0; k < 2; ++k) CHECK(g.probabilities[0][k] == doctest::Approx(std::exp(joint[k] - marginal)).epsilon(kTight));
    expect_gradient_matches(*compiled, u);
  }
  SUBCASE("with a latent per datum: p(z_i | x) = sum_g p(g | x) p(z_i | g, x)") {
    auto compiled = compile_text(R"(
data { int N; vector[N] x; vector[2] pg; vector[2] w; }
param { vector[2] m; vector[2] s; }
latent { int<lower=1, upper=2> g; array[N] int<lower=1, upper=2> z; }
model {
  g ~ categorical(pg);
  for (i in 1:N) {
    z[i] ~ categorical(w);
    x[i] ~ normal(m[z[i]] + s[g], 1);
  }
}
)",
                                 R"({"N": 4, "x": [0.4, -1.1, 2.2, 0.9], "pg": [0.3, 0.7], "w": [0.4, 0.6]})");
    REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
    std::vector<double> u = seeded_point(4, 9, 1.5);  // m1 m2 s1 s2
    double lp = compiled->evaluate(u);
    std::vector<double> by_g;                         // log p(g, x)
    std::vector<std::vector<std::vector<double>>> conditional(2);  // p(z_i = k | g, x)
    for (int g = 0; g < 2; ++g) {
      double term = std::log(pg[g]);
      for (double xi : x) {
        std::vector<double> joint{std::log(w[0]) + normal_lpdf(xi, u[0] + u[2 + g], 1),
                                  std::log(w[1]) + normal_lpdf(xi, u[1] + u[2 + g], 1)};
        double marginal = log_sum_exp(joint);
        term += marginal;
        conditional[g].push_back({std::exp(joint[0] - marginal), std::exp(joint[1] - marginal)});
      }
      by_g.push_back(term);
    }
    double evidence = log_sum_exp(by_g);
    CHECK(lp == doctest::Approx(evidence).epsilon(kTight));
    auto posteriors = compiled->model->discrete_posteriors();
    const DiscretePosterior& g = posterior_of(posteriors, "g");
    const DiscretePosterior& z = posterior_of(posteriors, "z");
    for (int k = 0; k < 2; ++k) CHECK(g.probabilities[0][k] == doctest::Approx(std::exp(by_g[k] - evidence)).epsilon(kTight));
    for (std::size_t i = 0; i < x.size(); ++i)
      for (int k = 0; k < 2; ++k) {
        double expected = 0;
        for (int gv = 0; gv < 2; ++gv) expected += std::exp(by_g[gv] - evidence) * conditional[gv][i][k];
        CAPTURE(i);
        CHECK(z.probabilities[i][k] == doctest::Approx(expected).epsilon(kTight));
      }
    expect_gradient_matches(*compiled, u);
  }
}

TEST_CASE("what enumeration cannot do is a located error") {
  SUBCASE("a latent read in another loop than its own couples the plate") {
    auto compiled = compile_text(R"(
data { int N; vector[N] x; }
param { vector[2] m; }
latent { array[N] int<lower=1, upper=2> z; }
model {
  for (i in 1:N) z[i] ~ bernoulli(0.5);
  for (j in 1:N) x[j] ~ normal(m[z[j]], 1);
}
)",
                                 R"({"N": 3, "x": [0.1, 0.2, 0.3]})");
    CHECK_FALSE(compiled->model.has_value());
    CHECK_MESSAGE(compiled->messages().find("test.pm:7:34: error: the discrete latent 'z' must be read") != std::string::npos,
                  compiled->messages());
  }
}

TEST_CASE("declared bounds cut a support without renormalizing it") {
  // n ~ poisson(3) on 0..5 only: the sum runs over n = 0..5 of the untruncated terms.
  auto compiled = compile_text(R"(
data { int y; }
latent { int<lower=0, upper=5> n; }
model {
  n ~ poisson(3);
  y ~ poisson(n + 1);
}
)",
                               R"({"y": 2})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  auto poisson_lpmf = [](int k, double rate) { return k * std::log(rate) - rate - std::lgamma(k + 1.0); };
  std::vector<double> joint;
  for (int n = 0; n <= 5; ++n) joint.push_back(poisson_lpmf(n, 3) + poisson_lpmf(2, n + 1));
  double evidence = log_sum_exp(joint);
  CHECK(compiled->evaluate({}) == doctest::Approx(evidence).epsilon(kTight));
  auto posteriors = compiled->model->discrete_posteriors();
  const DiscretePosterior& n = posterior_of(posteriors, "n");
  REQUIRE(n.values.size() == 6);
  CHECK(n.values.front() == 0);
  for (int k = 0; k <= 5; ++k) CHECK(n.probabilities[0][k] == doctest::Approx(std::exp(joint[k] - evidence)).epsilon(kTight));
}

TEST_CASE("a latent per cell nested under a latent per row") {
  // a[i] per row, b[i, j] per cell of the row: b is summed out inside plate j, then a.
  auto compiled = compile_text(R"(
data { int N; int M; array[N, M] real y; }
param { real<lower=0, upper=1> p; real s; }
latent { array[N] int<lower=0, upper=1> a; array[N, M] int<lower=0, upper=1> b; }
model {
  for (i in 1:N) {
    a[i] ~ bernoulli(p);
    for (j in 1:M) {
      b[i, j] ~ bernoulli(a[i] == 1 ? 0.8 : 0.3);
      y[i, j] ~ normal(a[i] + s * b[i, j], 1);
    }
  }
}
)",
                               R"({"N": 2, "M": 3, "y": [[0.2, 1.4, 2.1], [-0.3, 0.5, 0.0]]})",
                               {.include_priors = true, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  const double y[2][3] = {{0.2, 1.4, 2.1}, {-0.3, 0.5, 0.0}};
  std::vector<double> u = seeded_point(2, 13, 1.5);
  double lp = compiled->evaluate(u);
  std::vector<double> c = compiled->model->constrained_values();  // p s
  double expected = 0;
  std::vector<std::vector<double>> a_posterior;
  for (int i = 0; i < 2; ++i) {
    std::vector<double> by_a;
    for (int a = 0; a <= 1; ++a) {
      double term = std::log(a ? c[0] : 1 - c[0]);
      const double on = a ? 0.8 : 0.3;
      for (int j = 0; j < 3; ++j)
        term += log_sum_exp({std::log(1 - on) + normal_lpdf(y[i][j], a, 1), std::log(on) + normal_lpdf(y[i][j], a + c[1], 1)});
      by_a.push_back(term);
    }
    double marginal = log_sum_exp(by_a);
    expected += marginal;
    a_posterior.push_back({std::exp(by_a[0] - marginal), std::exp(by_a[1] - marginal)});
  }
  CHECK(lp == doctest::Approx(expected).epsilon(kTight));
  auto posteriors = compiled->model->discrete_posteriors();
  const DiscretePosterior& a = posterior_of(posteriors, "a");
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 2; ++k) CHECK(a.probabilities[i][k] == doctest::Approx(a_posterior[i][k]).epsilon(kTight));
  // p(b[i, j] | y) = sum_a p(a[i] | y) p(b[i, j] | a[i], y[i, j]).
  const DiscretePosterior& b = posterior_of(posteriors, "b");
  REQUIRE(b.element_names.size() == 6);
  CHECK(b.element_names[1] == "b[2,1]");  // first index fastest
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      double on_given[2];
      for (int av = 0; av <= 1; ++av) {
        const double on = av ? 0.8 : 0.3;
        double with = std::log(on) + normal_lpdf(y[i][j], av + c[1], 1), without = std::log(1 - on) + normal_lpdf(y[i][j], av, 1);
        on_given[av] = std::exp(with - log_sum_exp({with, without}));
      }
      double expected_on = a_posterior[i][0] * on_given[0] + a_posterior[i][1] * on_given[1];
      CAPTURE(i);
      CAPTURE(j);
      CHECK(b.probabilities[i + 2 * j][1] == doctest::Approx(expected_on).epsilon(kTight));
    }
  expect_gradient_matches(*compiled, u);
}

TEST_CASE("the vectorized mixture z ~ categorical(w); x ~ normal(mu[z], sigma[z]) equals the loop") {
  const std::string data = R"({"N": 5, "x": [-0.7, 0.2, 1.8, 2.4, -1.5]})";
  const std::string looped = R"(
data { int<lower=1> N; vector[N] x; }
param { simplex[2] w; vector[2] mu; vector<lower=0>[2] sigma; }
latent { array[N] int<lower=1, upper=2> z; }
model {
  for (i in 1:N) {
    z[i] ~ categorical(w);
    x[i] ~ normal(mu[z[i]], sigma[z[i]]);
  }
}
)";
  const std::string vectorized = R"(
data { int<lower=1> N; vector[N] x; }
param { simplex[2] w; vector[2] mu; vector<lower=0>[2] sigma; }
latent { array[N] int<lower=1, upper=2> z; }
model {
  z ~ categorical(w);
  x ~ normal(mu[z], sigma[z]);
}
)";
  auto loop_model = compile_text(looped, data);
  auto vector_model = compile_text(vectorized, data);
  REQUIRE_MESSAGE(loop_model->model.has_value(), loop_model->messages());
  REQUIRE_MESSAGE(vector_model->model.has_value(), vector_model->messages());
  std::vector<double> u = seeded_point(5, 17, 1.5);
  CHECK(vector_model->evaluate(u) == doctest::Approx(loop_model->evaluate(u)).epsilon(1e-12));
  auto expected = posterior_of(loop_model->model->discrete_posteriors(), "z");
  auto actual = posterior_of(vector_model->model->discrete_posteriors(), "z");
  CHECK(actual.element_names == expected.element_names);
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t k = 0; k < 2; ++k) CHECK(actual.probabilities[i][k] == doctest::Approx(expected.probabilities[i][k]).epsilon(1e-12));
  expect_gradient_matches(*vector_model, u);
}

TEST_CASE("target += of a latent's density and switching posteriors off") {
  const std::string data = R"({"N": 3, "x": [0.5, -0.2, 1.3]})";
  const std::string tilde = R"(
data { int N; vector[N] x; }
param { vector[2] mu; }
latent { array[N] int<lower=1, upper=2> z; }
model {
  for (i in 1:N) {
    z[i] ~ bernoulli(0.25);
    x[i] ~ normal(mu[z[i]], 1);
  }
}
)";
  const std::string target = R"(
data { int N; vector[N] x; }
param { vector[2] mu; }
latent { array[N] int<lower=1, upper=2> z; }
model {
  for (i in 1:N) {
    z[i] ~ bernoulli(0.25);
    target += normal_lpdf(x[i] | mu[z[i]], 1);
  }
}
)";
  // bernoulli on {1, 2} cut to {1}: only z = 1 (probability 0.25) is enumerated.
  auto with_tilde = compile_text(tilde, data);
  auto with_target = compile_text(target, data, {.include_priors = true, .include_jacobian = true, .discrete_posteriors = false});
  REQUIRE_MESSAGE(with_tilde->model.has_value(), with_tilde->messages());
  REQUIRE_MESSAGE(with_target->model.has_value(), with_target->messages());
  REQUIRE(with_tilde->model->discrete_latents.at(0).support_size == 1);
  std::vector<double> u{0.3, -0.8};
  double expected = 0;
  for (double xi : {0.5, -0.2, 1.3}) expected += std::log(0.25) + normal_lpdf(xi, u[0], 1);
  CHECK(with_tilde->evaluate(u) == doctest::Approx(expected).epsilon(kTight));
  CHECK(with_target->evaluate(u) == doctest::Approx(expected).epsilon(kTight));
  CHECK(with_tilde->model->discrete_posteriors().size() == 1);
  CHECK(with_target->model->discrete_posteriors().empty());
  expect_gradient_matches(*with_target, u);
}
