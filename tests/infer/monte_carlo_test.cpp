// Monte Carlo estimation (engine/infer/monte_carlo.hpp): log-mean-exp, its delta-method
// standard error and Kish's effective sample size against closed forms; the prior estimator
// of p(x) unbiased on a conjugate normal-normal model whose evidence is known exactly.
#include <cmath>
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "compile/simulation_support.hpp"
#include "engine/infer/monte_carlo.hpp"

namespace pm::infer {
namespace {

TEST_CASE("log_mean_exp: closed forms for weights 1, 2, 3, 4, at any scale") {
  for (double shift : {0.0, 1000.0, -1000.0}) {
    std::vector<double> log_weights = {shift, shift + std::log(2.0), shift + std::log(3.0), shift + std::log(4.0)};
    MonteCarloEstimate estimate = log_mean_exp(log_weights);
    CHECK(estimate.log_mean == doctest::Approx(shift + std::log(2.5)).epsilon(1e-14));
    // sd (divisor S - 1) = sqrt(5 / 3); se = sd / (sqrt(4) * 2.5).
    CHECK(estimate.standard_error == doctest::Approx(std::sqrt(5.0 / 3.0) / (2.0 * 2.5)).epsilon(1e-13));
    // (1 + 2 + 3 + 4)^2 / (1 + 4 + 9 + 16) = 100 / 30.
    CHECK(estimate.effective_sample_size == doctest::Approx(100.0 / 30.0).epsilon(1e-13));
    CHECK(estimate.draws == 4);
  }
}

TEST_CASE("log_mean_exp: zero weights, equal weights, and no estimate") {
  const double inf = std::numeric_limits<double>::infinity();
  MonteCarloEstimate with_zeros = log_mean_exp(std::vector<double>{-inf, 0.0, -inf, 0.0});
  CHECK(with_zeros.log_mean == doctest::Approx(std::log(0.5)));
  CHECK(with_zeros.zero_weights == 2);
  CHECK(with_zeros.effective_sample_size == doctest::Approx(2.0));
  MonteCarloEstimate equal = log_mean_exp(std::vector<double>(10, -3.0));
  CHECK(equal.log_mean == doctest::Approx(-3.0));
  CHECK(equal.standard_error == 0.0);
  CHECK(equal.effective_sample_size == doctest::Approx(10.0));
  CHECK(log_mean_exp(std::vector<double>{-inf, -inf}).log_mean == -inf);
  CHECK(std::isnan(log_mean_exp(std::vector<double>{0.0, std::nan("")}).log_mean));
  CHECK(std::isnan(log_mean_exp(std::vector<double>{}).log_mean));
}

// mu ~ normal(0, 1), y_i ~ normal(mu, 1): marginally y ~ MVN(0, I + 1 1^T), so
// log p(y) = -n/2 log(2 pi) - 1/2 log(1 + n) - 1/2 (|y|^2 - (sum y)^2 / (1 + n))
// (Sherman-Morrison: (I + 1 1^T)^{-1} = I - 1 1^T / (1 + n); det = 1 + n).
const char* kConjugate = R"(
data {
  int<lower=1> N;
  vector[N] y;
}
latent {
  real mu;
}
model {
  mu ~ normal(0, 1);
  y ~ normal(mu, 1);
}
)";

double exact_log_evidence(const std::vector<double>& y) {
  const double n = static_cast<double>(y.size());
  double sum = 0.0, squares = 0.0;
  for (double v : y) {
    sum += v;
    squares += v * v;
  }
  return -0.5 * n * std::log(2 * M_PI) - 0.5 * std::log(1 + n) - 0.5 * (squares - sum * sum / (1 + n));
}

TEST_CASE("the prior estimate of p(x) is unbiased on a conjugate model, and its se is calibrated") {
  const std::vector<double> y = {0.3, 1.1, -0.4};
  auto fixture = compile::testing::simulate_text(kConjugate, R"({"N": 3, "y": [0.3, 1.1, -0.4]})", {.given = {}, .seed = 17});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  compile::Simulator& simulator = *fixture->simulator;
  const double exact = exact_log_evidence(y);

  // R replications of S draws each (disjoint draw indices): the ratios p-hat / p(x) have
  // mean 1 exactly; their average must be within 4 standard errors of 1.
  const std::size_t replications = 2000, draws = 20;
  std::vector<double> ratios(replications), log_estimates(replications);
  double mean_reported_se = 0.0;
  for (std::size_t r = 0; r < replications; ++r) {
    std::vector<double> log_weights(draws);
    for (std::size_t s = 0; s < draws; ++s) {
      simulator.run({}, r * draws + s);
      log_weights[s] = simulator.log_likelihood();
    }
    MonteCarloEstimate estimate = log_mean_exp(log_weights);
    ratios[r] = std::exp(estimate.log_mean - exact);
    log_estimates[r] = estimate.log_mean;
    mean_reported_se += estimate.standard_error / replications;
  }
  double mean = 0.0, variance = 0.0;
  for (double ratio : ratios) mean += ratio / replications;
  for (double ratio : ratios) variance += (ratio - mean) * (ratio - mean) / (replications - 1);
  CHECK(std::abs(mean - 1.0) < 4 * std::sqrt(variance / replications));

  // The delta-method se against the spread of log p-hat over replications (within 25%: the
  // delta method is first order, and S = 20 is small).
  double log_mean = 0.0, log_variance = 0.0;
  for (double l : log_estimates) log_mean += l / replications;
  for (double l : log_estimates) log_variance += (l - log_mean) * (l - log_mean) / (replications - 1);
  CHECK(mean_reported_se == doctest::Approx(std::sqrt(log_variance)).epsilon(0.25));

  // One long run: within 3 of its standard errors of the exact value.
  MonteCarloEstimate long_run = prior_evidence(simulator, {}, 20000);
  CHECK(std::abs(long_run.log_mean - exact) < 3 * long_run.standard_error);
  CHECK(long_run.effective_sample_size > 1000);
  CHECK(long_run.effective_sample_size <= 20000);
}

}  // namespace
}  // namespace pm::infer
