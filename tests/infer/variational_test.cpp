// Variational inference against closed forms (compile/variational.hpp, infer/variational_fit.hpp):
// the beta-Bernoulli coin (exact posterior mean (k + 1) / (n + 2)); a normal mean with known
// variance, whose posterior is normal, so the meanfield guide can be exact and the ELBO
// equals log p(y); a linear regression whose coefficients are strongly correlated, which
// the fullrank guide recovers and the meanfield guide cannot (its sds are the conditional
// ones, 1 / sqrt(precision_ii)); a guide written in the guide block; the ELBO's two terms;
// the IWAE objective; reproducibility by seed. Every fit is seeded; tolerances are stated
// per check and are several Monte Carlo standard errors wide.
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "compile/compile_support.hpp"
#include "engine/compile/variational.hpp"
#include "engine/infer/draw_summary.hpp"
#include "engine/infer/guide_evidence.hpp"
#include "engine/infer/variational_fit.hpp"
#include "engine/random/stream.hpp"

namespace pm::infer {
namespace {

using compile::testing::compile_text;

struct Fitted {
  std::unique_ptr<compile::testing::Compiled> compiled;
  std::optional<compile::VariationalModel> model;
  VariationalFitResult fit;

  DrawSummary summary(const std::string& name) const {
    for (std::size_t c = 0; c < fit.names.size(); ++c) {
      if (fit.names[c] != name) continue;
      std::vector<double> column(fit.draw_count);
      for (std::size_t s = 0; s < fit.draw_count; ++s) column[s] = fit.draws[s * fit.names.size() + c];
      return summarize_draws(column);
    }
    FAIL("no column " << name);
    return {};
  }
  // The correlation of two columns over the draws.
  double correlation(const std::string& a, const std::string& b) const {
    std::size_t ia = 0, ib = 0;
    for (std::size_t c = 0; c < fit.names.size(); ++c) {
      if (fit.names[c] == a) ia = c;
      if (fit.names[c] == b) ib = c;
    }
    const DrawSummary sa = summary(a), sb = summary(b);
    double covariance = 0;
    for (std::size_t s = 0; s < fit.draw_count; ++s)
      covariance += (fit.draws[s * fit.names.size() + ia] - sa.mean) * (fit.draws[s * fit.names.size() + ib] - sb.mean);
    covariance /= static_cast<double>(fit.draw_count - 1);
    return covariance / (sa.sd * sb.sd);
  }
};

Fitted fit_text(const std::string& model_text, const std::string& json, compile::GuideFamily family,
                VariationalFitOptions options = {}, std::uint64_t seed = 1) {
  Fitted fitted;
  fitted.compiled = compile_text(model_text, json);
  lang::Diagnostics diagnostics;
  fitted.model = compile::compile_variational(fitted.compiled->checked, fitted.compiled->data, {.family = family}, diagnostics);
  REQUIRE_MESSAGE(fitted.model.has_value(), lang::render_all(*fitted.compiled->file, diagnostics));
  if (options.draws == 1000) options.draws = 4000;  // summaries to ~1.6% of an sd
  fitted.fit = fit_variational(*fitted.model, options, seed, {});
  REQUIRE_MESSAGE(fitted.fit.optimization.converged(), to_string(fitted.fit.optimization.stop));
  return fitted;
}

const char* kCoin = R"(
data { int<lower=0> N; array[N] int<lower=0, upper=1> y; }
latent { real<lower=0, upper=1> p; }
model { p ~ beta(1, 1); y ~ bernoulli(p); }
)";

TEST_CASE("meanfield VI of the coin: the posterior mean within 0.005 of (k + 1) / (n + 2)") {
  const std::string json = compile::testing::read_text(compile::testing::kTestData + "coin.json");
  Fitted fitted = fit_text(kCoin, json, compile::GuideFamily::meanfield);
  const io::DataValue* y = fitted.compiled->data.find("y");
  REQUIRE(y);
  const double k = std::accumulate(y->values.begin(), y->values.end(), 0.0), n = static_cast<double>(y->values.size());
  const double exact_mean = (k + 1) / (n + 2);
  // Beta(k + 1, n - k + 1) sd, for scale: about 0.048 here.
  const double a = k + 1, b = n - k + 1, exact_sd = std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
  const DrawSummary p = fitted.summary("p");
  CHECK(std::abs(p.mean - exact_mean) < 0.005);
  CHECK(std::abs(p.sd - exact_sd) < 0.1 * exact_sd);
  // The ELBO is a lower bound of log p(y) = log B(k + 1, n - k + 1), and close to it: the
  // logit-normal guide is nearly a beta this concentrated.
  const double log_evidence = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  CHECK(fitted.fit.elbo < log_evidence + 3 * fitted.fit.elbo_se);
  CHECK(fitted.fit.elbo > log_evidence - 0.05);
}

// y_i ~ normal(mu, 1), mu ~ normal(0, 10): the posterior of mu is normal with precision
// 1/100 + N and mean sum(y) / precision.
const char* kNormalMean = R"(
data { int<lower=0> N; vector[N] y; }
latent { real mu; }
model { mu ~ normal(0, 10); y ~ normal(mu, 1); }
)";

struct NormalMeanCase {
  std::string json;
  double posterior_mean = 0, posterior_sd = 0, log_evidence = 0;
};

NormalMeanCase normal_mean_case(std::size_t n, std::uint64_t seed) {
  random::Stream stream(seed);
  std::vector<double> y(n);
  for (double& value : y) value = stream.normal(1.5, 1.0);
  NormalMeanCase result;
  result.json = fmt::format("{{\"N\": {}, \"y\": [{}]}}", n, fmt::join(y, ", "));
  const double precision = 1.0 / 100.0 + static_cast<double>(n);
  result.posterior_mean = std::accumulate(y.begin(), y.end(), 0.0) / precision;
  result.posterior_sd = 1.0 / std::sqrt(precision);
  // log p(y) = log p(y | mu) + log p(mu) - log p(mu | y) at mu = 0.
  auto log_normal = [](double x, double mean, double sd) {
    return -0.5 * std::log(2 * M_PI) - std::log(sd) - 0.5 * (x - mean) * (x - mean) / (sd * sd);
  };
  for (double value : y) result.log_evidence += log_normal(value, 0, 1);
  result.log_evidence += log_normal(0, 0, 10) - log_normal(0, result.posterior_mean, result.posterior_sd);
  return result;
}

TEST_CASE("meanfield VI of a normal mean is exact: mean, sd, and the ELBO equals log p(y)") {
  const NormalMeanCase exact = normal_mean_case(20, 11);
  Fitted fitted = fit_text(kNormalMean, exact.json, compile::GuideFamily::meanfield);
  const DrawSummary mu = fitted.summary("mu");
  CHECK(std::abs(mu.mean - exact.posterior_mean) < 0.1 * exact.posterior_sd);
  CHECK(std::abs(mu.sd - exact.posterior_sd) < 0.1 * exact.posterior_sd);
  CHECK(std::abs(fitted.fit.elbo - exact.log_evidence) < 0.05);
  // The two terms: kl = reconstruction - ELBO, and KL(q || prior) > 0 here.
  CHECK(fitted.fit.kl == doctest::Approx(fitted.fit.reconstruction - fitted.fit.elbo));
  CHECK(fitted.fit.kl > 0);
  // The log importance ratios log p - log q: constant = log p(y) when q is the posterior;
  // their mean is the ELBO and their sd small for a fit this close.
  std::vector<double> log_ratios(fitted.fit.draw_count);
  for (std::size_t s = 0; s < fitted.fit.draw_count; ++s) log_ratios[s] = fitted.fit.log_p[s] - fitted.fit.log_g[s];
  const DrawSummary ratios = summarize_draws(log_ratios);
  CHECK(std::abs(ratios.mean - exact.log_evidence) < 0.05);
  CHECK(ratios.sd < 0.1);
}

TEST_CASE("a guide written in the guide block: its params converge to the posterior's mean and sd") {
  const NormalMeanCase exact = normal_mean_case(20, 12);
  const std::string model = std::string(kNormalMean) + R"(
guide {
  param real m;
  param real<lower=0> s;
  mu ~ normal(m, s);
}
)";
  Fitted fitted = fit_text(model, exact.json, compile::GuideFamily::meanfield);
  REQUIRE(fitted.model->guide_slots.size() == 2);
  const DrawSummary mu = fitted.summary("mu");
  CHECK(std::abs(mu.mean - exact.posterior_mean) < 0.1 * exact.posterior_sd);
  CHECK(std::abs(mu.sd - exact.posterior_sd) < 0.1 * exact.posterior_sd);
  // The guide's center is m itself (noise 0).
  std::span<double> m = fitted.model->model.program->values(fitted.model->guide_slots[0].value);
  CHECK(std::abs(m[0] - exact.posterior_mean) < 0.1 * exact.posterior_sd);
  CHECK(std::abs(fitted.fit.elbo - exact.log_evidence) < 0.05);
}

// y ~ normal(a + b x, 1) with x far from 0: a and b are strongly anti-correlated.
const char* kRegression = R"(
data { int<lower=0> N; vector[N] x; vector[N] y; }
latent { real a; real b; }
model { a ~ normal(0, 10); b ~ normal(0, 10); y ~ normal(a + b * x, 1); }
)";

TEST_CASE("fullrank VI recovers a correlated posterior; meanfield gives the conditional sds") {
  random::Stream stream(5);
  const std::size_t n = 30;
  std::vector<double> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = 5.0 + stream.uniform(0, 2);
    y[i] = 1.0 + 0.5 * x[i] + stream.normal();
  }
  const std::string json = fmt::format("{{\"N\": {}, \"x\": [{}], \"y\": [{}]}}", n, fmt::join(x, ", "), fmt::join(y, ", "));
  Eigen::Matrix2d precision = Eigen::Matrix2d::Identity() / 100.0;
  for (std::size_t i = 0; i < n; ++i) {
    Eigen::Vector2d row(1.0, x[i]);
    precision += row * row.transpose();
  }
  const Eigen::Matrix2d covariance = precision.inverse();
  const double exact_correlation = covariance(0, 1) / std::sqrt(covariance(0, 0) * covariance(1, 1));
  REQUIRE(exact_correlation < -0.9);

  VariationalFitOptions options;
  options.optimizer.max_iterations = 20000;
  options.optimizer.tolerance_relative = 0.001;
  Fitted fullrank = fit_text(kRegression, json, compile::GuideFamily::fullrank, options);
  CHECK(std::abs(fullrank.correlation("a", "b") - exact_correlation) < 0.05);
  CHECK(std::abs(fullrank.summary("b").sd - std::sqrt(covariance(1, 1))) < 0.15 * std::sqrt(covariance(1, 1)));

  Fitted meanfield = fit_text(kRegression, json, compile::GuideFamily::meanfield, options);
  CHECK(std::abs(meanfield.correlation("a", "b")) < 0.1);
  // The meanfield optimum's sds are 1 / sqrt(precision_ii): much smaller than the marginals.
  const double conditional_sd = 1.0 / std::sqrt(precision(1, 1));
  CHECK(std::abs(meanfield.summary("b").sd - conditional_sd) < 0.2 * conditional_sd);
  CHECK(meanfield.summary("b").sd < 0.6 * std::sqrt(covariance(1, 1)));
}

TEST_CASE("the IWAE objective fits the normal mean too, and the seed fixes every number") {
  const NormalMeanCase exact = normal_mean_case(20, 13);
  VariationalFitOptions options;
  std::string error;
  options.objective = *parse_objective("iwae:8", error);
  Fitted iwae = fit_text(kNormalMean, exact.json, compile::GuideFamily::meanfield, options, 7);
  // The posterior is in the family, so it maximizes the IWAE bound too; but the bound is
  // nearly flat in the guide's scale (its gradient's signal-to-noise ratio falls with K:
  // Rainforth et al. 2018), so the fit is looser than the ELBO's: 0.3 sd.
  CHECK(std::abs(iwae.summary("mu").mean - exact.posterior_mean) < 0.3 * exact.posterior_sd);

  Fitted again = fit_text(kNormalMean, exact.json, compile::GuideFamily::meanfield, options, 7);
  CHECK(iwae.fit.parameters == again.fit.parameters);
  CHECK(iwae.fit.draws == again.fit.draws);
}

TEST_CASE("importance sampling with the fitted guide: within 3 standard errors of the exact evidence") {
  // The coin: log p(y) = log B(k + 1, n - k + 1); the logit-normal guide is close, not exact.
  const std::string json = compile::testing::read_text(compile::testing::kTestData + "coin.json");
  Fitted coin = fit_text(kCoin, json, compile::GuideFamily::meanfield);
  const io::DataValue* y = coin.compiled->data.find("y");
  const double k = std::accumulate(y->values.begin(), y->values.end(), 0.0), n = static_cast<double>(y->values.size());
  const double coin_evidence = std::lgamma(k + 1) + std::lgamma(n - k + 1) - std::lgamma(n + 2);
  for (std::uint64_t seed : {21u, 22u, 23u}) {
    const MonteCarloEstimate is = importance_sampling_evidence(*coin.model, coin.fit.parameters, 10000, seed);
    CHECK(is.standard_error > 0);
    CHECK(std::abs(is.log_mean - coin_evidence) < 3 * is.standard_error);
    CHECK(is.effective_sample_size > 5000);  // the guide is good: most draws count
  }
  // The normal mean under a deliberately poor guide (the fullrank fit stopped after few
  // steps): still unbiased, with a larger standard error.
  const NormalMeanCase exact = normal_mean_case(20, 14);
  VariationalFitOptions rough;
  rough.optimizer.max_iterations = 2000;
  Fitted normal = fit_text(kNormalMean, exact.json, compile::GuideFamily::fullrank, rough);
  std::vector<double> poor = normal.fit.parameters;
  poor[normal.model->location_offset] += 0.5 * exact.posterior_sd;  // shift the guide
  const MonteCarloEstimate is = importance_sampling_evidence(*normal.model, poor, 20000, 31);
  CHECK(std::abs(is.log_mean - exact.log_evidence) < 3 * is.standard_error);
  // IWAE: a lower bound that tightens with K, between the ELBO and log p(y).
  const IwaeEstimate iwae1 = iwae_evidence(*normal.model, poor, 1, 20000, 32);
  const IwaeEstimate iwae100 = iwae_evidence(*normal.model, poor, 100, 20000, 33);
  CHECK(iwae1.bound < iwae100.bound);
  CHECK(iwae100.bound < exact.log_evidence + 3 * iwae100.standard_error);
  CHECK(iwae100.bound > exact.log_evidence - 0.05);
}

// The mean and sd of single-draw ELBOs at fixed guide parameters.
DrawSummary elbo_draws(compile::VariationalModel& model, const std::vector<double>& parameters, std::uint64_t seed) {
  ad::Program& program = *model.model.program;
  std::copy(parameters.begin(), parameters.end(), program.parameters().begin());
  random::Stream stream(seed);
  std::vector<double> values(20000);
  for (double& value : values) {
    model.draw_noise(stream);
    program.forward(false);
    value = program.value(model.elbo);
  }
  return summarize_draws(values);
}

TEST_CASE("the analytic normal/normal KL: the same ELBO in expectation, with less variance") {
  // Eight schools non-centered: eta ~ normal(0, 1) under the automatic meanfield guide, and a
  // guide-block variant whose mu is drawn from a normal against its normal(0, 5) prior.
  const std::string json = R"({"J": 8, "y": [28, 8, -3, 7, -1, 1, 18, 12], "sigma": [15, 10, 16, 11, 9, 11, 10, 18]})";
  const std::string model = R"(
data { int<lower=0> J; vector[J] y; vector<lower=0>[J] sigma; }
latent { real mu; real<lower=0> tau; vector[J] eta; }
model { mu ~ normal(0, 5); tau ~ cauchy(0, 5); eta ~ normal(0, 1); y ~ normal(mu + tau * eta, sigma); }
)";
  for (const std::string& text : {model, model + "guide { param real m; param real<lower=0> s; mu ~ normal(m, s); }\n"}) {
    auto compiled = compile_text(text, json);
    lang::Diagnostics diagnostics;
    auto analytic = compile::compile_variational(compiled->checked, compiled->data, {}, diagnostics);
    auto sampled = compile::compile_variational(compiled->checked, compiled->data, {.analytic_kl = false}, diagnostics);
    REQUIRE(analytic.has_value());
    REQUIRE(sampled.has_value());
    CHECK(analytic->analytic_kl_latents.size() == 2);  // mu and eta
    CHECK(sampled->analytic_kl_latents.empty());
    random::Stream stream(3);
    std::vector<double> parameters = analytic->initial_point(stream);
    const DrawSummary exact = elbo_draws(*analytic, parameters, 5), monte_carlo = elbo_draws(*sampled, parameters, 5);
    CHECK(std::abs(exact.mean - monte_carlo.mean) < 3 * std::hypot(exact.mcse, monte_carlo.mcse));
    CHECK(exact.sd < monte_carlo.sd);
  }
}

TEST_CASE("a guide drawn in a plate is the vectorized guide: the same ELBO and gradient at the same noise") {
  // z[n] ~ normal(h, s[n]) inside `for (n in 1:N)`, h a local of the body, against
  // z ~ normal(m, s) whole. With every noise element set to the same value the two programs
  // draw the same z whatever the noise layout, so the ELBO and its gradient must agree.
  const std::string json = R"({"N": 4, "y": [[0.5, -1.0], [2.0, 0.3], [-0.7, 1.1], [0.0, 0.9]]})";
  const std::string head = R"(
data { int<lower=1> N; matrix[N, 2] y; }
param { real mu; }
latent { matrix[N, 2] z; }
model { z ~ normal(mu, 1); y ~ normal(z, 0.5); }
)";
  const std::string whole = head + "guide { param matrix[N, 2] m; param matrix<lower=0>[N, 2] s; z ~ normal(m, s); }\n";
  const std::string plated = head + R"(guide {
  param matrix[N, 2] m;
  param matrix<lower=0>[N, 2] s;
  for (n in 1:N) {
    h = m[n] + 0;
    z[n] ~ normal(h, s[n]);
  }
}
)";
  auto compiled_whole = compile_text(whole, json), compiled_plated = compile_text(plated, json);
  REQUIRE(compiled_plated->checked.loops.size() == 1);
  CHECK_FALSE(compiled_plated->checked.loops[0].sequential);
  lang::Diagnostics diagnostics;
  auto a = compile::compile_variational(compiled_whole->checked, compiled_whole->data, {.analytic_kl = false}, diagnostics);
  auto b = compile::compile_variational(compiled_plated->checked, compiled_plated->data, {.analytic_kl = false}, diagnostics);
  REQUIRE_MESSAGE(a.has_value(), lang::render_all(*compiled_whole->file, diagnostics));
  REQUIRE_MESSAGE(b.has_value(), lang::render_all(*compiled_plated->file, diagnostics));
  REQUIRE(a->dimension() == b->dimension());
  CHECK(a->noise_size == b->noise_size);
  random::Stream stream(7);
  const std::vector<double> parameters = a->initial_point(stream);
  for (double noise : {0.0, 0.7, -1.3}) {
    for (compile::VariationalModel* model : {&*a, &*b})
      for (ad::Node node : model->noise) {
        std::span<double> values = model->model.program->values(node);
        std::fill(values.begin(), values.end(), noise);
      }
    std::vector<double> gradient_a(parameters.size()), gradient_b(parameters.size());
    const double elbo_a = a->model.program->value_and_gradient(parameters, gradient_a, a->elbo);
    const double elbo_b = b->model.program->value_and_gradient(parameters, gradient_b, b->elbo);
    CAPTURE(noise);
    CHECK(elbo_b == doctest::Approx(elbo_a).epsilon(1e-12));
    for (std::size_t k = 0; k < parameters.size(); ++k) {
      CAPTURE(k);
      CHECK(gradient_b[k] == doctest::Approx(gradient_a[k]).epsilon(1e-10));
    }
  }
  // The guide's draw is recorded in the latent's layout (what pm encode reads).
  REQUIRE(b->guide_draws.size() == 1);
  CHECK(b->guide_draws[0].value.shape() == a->guide_draws[0].value.shape());
  CHECK(b->guide_draws[0].arguments[0].shape() == a->guide_draws[0].value.shape());
}

TEST_CASE("guide draws in loops: located errors for a missing index and a partial loop") {
  const std::string head = R"(
data { int<lower=1> N; vector[N] y; }
latent { vector[N] z; }
model { z ~ normal(0, 1); y ~ normal(z, 1); }
)";
  auto errors_of = [&](const std::string& guide) {
    auto compiled = compile_text(head + guide, R"({"N": 3, "y": [1, 2, 3]})");
    lang::Diagnostics diagnostics;
    auto model = compile::compile_variational(compiled->checked, compiled->data, {}, diagnostics);
    CHECK_FALSE(model.has_value());
    return lang::render_all(*compiled->file, diagnostics);
  };
  const std::string partial = errors_of("guide { param vector[N] m; for (n in 2:N) z[n] ~ normal(m[n], 1); }\n");
  CHECK(partial.find("this loop must cover its every element (1..3)") != std::string::npos);
  const std::string by_other = errors_of("guide { param vector[N] m; for (n in 1:N) z[1] ~ normal(m[n], 1); }\n");
  CHECK(by_other.find("indexed by loop variables only") != std::string::npos);
}

TEST_CASE("importance sampling is unbiased for p(y) itself: the mean of p-hat / p over replications is 1") {
  // The estimator of p(y) (not of log p(y)) is unbiased whatever the proposal; checked on
  // the coin with 400 replications of 10 draws each, to 3 standard errors of their mean.
  const std::string json = compile::testing::read_text(compile::testing::kTestData + "coin.json");
  Fitted coin = fit_text(kCoin, json, compile::GuideFamily::meanfield);
  const io::DataValue* y = coin.compiled->data.find("y");
  const double k = std::accumulate(y->values.begin(), y->values.end(), 0.0), n = static_cast<double>(y->values.size());
  const double log_evidence = std::lgamma(k + 1) + std::lgamma(n - k + 1) - std::lgamma(n + 2);
  std::vector<double> ratios;
  for (std::uint64_t replication = 0; replication < 400; ++replication)
    ratios.push_back(std::exp(importance_sampling_evidence(*coin.model, coin.fit.parameters, 10, 1000 + replication).log_mean -
                              log_evidence));
  const DrawSummary summary = summarize_draws(ratios);
  CHECK(std::abs(summary.mean - 1.0) < 3 * summary.mcse);
  CHECK(summary.mcse > 0);
}

TEST_CASE("objective names parse, and bad ones say what is expected") {
  std::string error;
  CHECK(parse_objective("elbo", error)->kind == ObjectiveKind::elbo);
  CHECK(parse_objective("iwae:16", error)->particles == 16);
  CHECK(parse_objective("renyi:0.5", error)->alpha == 0.5);
  CHECK_FALSE(parse_objective("iwae:0", error));
  CHECK(error.find("iwae:10") != std::string::npos);
  CHECK_FALSE(parse_objective("renyi:1", error));
  CHECK_FALSE(parse_objective("kl", error));
}

}  // namespace
}  // namespace pm::infer
