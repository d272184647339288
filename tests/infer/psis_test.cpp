// PSIS and k-hat (engine/infer/psis.hpp): the generalized Pareto fit recovers a known shape;
// k-hat separates a wide proposal from a narrow one as theory predicts; it equals R's
// loo::psis on fixed ratios; it ignores an additive constant; the weights are normalized.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include <doctest/doctest.h>

#include "engine/infer/psis.hpp"
#include "engine/random/stream.hpp"

namespace pm::infer {
namespace {

constexpr double kPi = 3.14159265358979323846;

double normal_log_density(double x, double sd) { return -0.5 * std::log(2 * kPi) - std::log(sd) - 0.5 * (x / sd) * (x / sd); }

// log p(z) - log q(z) for z ~ q = normal(0, proposal_sd), target p = normal(0, 1).
std::vector<double> normal_log_ratios(double proposal_sd, std::size_t draws, std::uint64_t seed) {
  random::Stream stream(seed);
  std::vector<double> ratios(draws);
  for (double& ratio : ratios) {
    double z = stream.normal(0, proposal_sd);
    ratio = normal_log_density(z, 1) - normal_log_density(z, proposal_sd);
  }
  return ratios;
}

double sum(const std::vector<double>& values) { return std::accumulate(values.begin(), values.end(), 0.0); }

TEST_CASE("the generalized Pareto fit recovers the shape of seeded draws") {
  // Draws by inversion: X = sigma ((1 - U)^(-k) - 1) / k. With n = 10000 the estimator's sd is
  // about (1 + k) / sqrt(n) <= 0.02 (Zhang & Stephens 2009, table 2); 0.06 is three of those.
  constexpr std::size_t n = 10000;
  constexpr double sigma = 2.0, tolerance = 0.06;
  for (double k : {0.2, 0.5, 0.9}) {
    CAPTURE(k);
    random::Stream stream(20240 + static_cast<std::uint64_t>(k * 10));
    std::vector<double> draws(n);
    for (double& x : draws) x = sigma * std::expm1(-k * std::log(stream.uniform_open())) / k;
    std::sort(draws.begin(), draws.end());
    GeneralizedPareto fit = fit_generalized_pareto(draws);
    CHECK(std::abs(fit.k - k) < tolerance);
    CHECK(std::abs(fit.sigma / sigma - 1) < 0.1);  // the scale to 10% (sd about 2-3% here)
  }
}

TEST_CASE("the quantile function inverts the distribution function") {
  GeneralizedPareto distribution{0.4, 1.5};
  for (double p : {0.01, 0.3, 0.5, 0.9, 0.999}) {
    double x = generalized_pareto_quantile(distribution, p);
    double survival = std::pow(1 + distribution.k * x / distribution.sigma, -1 / distribution.k);
    CHECK(survival == doctest::Approx(1 - p).epsilon(1e-12));
  }
  CHECK(std::isnan(generalized_pareto_quantile({0.4, -1}, 0.5)));
}

TEST_CASE("PSIS of seeded generalized Pareto ratios estimates their shape") {
  // Ratios 1 + X with X generalized Pareto: the exceedances over any threshold are again
  // generalized Pareto with the same k, so k-hat estimates k from the M = 949 largest of
  // 100000, with sd about (1 + k) / sqrt(949) <= 0.062; the tolerance is a little over three
  // of those. (With S = 10000, M = 300, seed 77 gives 1.246 for k = 0.9, as loo::psis does on
  // the same ratios: the sd there is twice as large.)
  random::Stream stream(77);
  for (double k : {0.2, 0.5, 0.9}) {
    CAPTURE(k);
    std::vector<double> log_ratios(100000);
    for (double& r : log_ratios) r = std::log1p(std::expm1(-k * std::log(stream.uniform_open())) / k);
    PsisResult psis = pareto_smoothed_importance_sampling(log_ratios);
    CHECK(psis.tail_length == 949);
    CHECK(std::abs(psis.khat - k) < 0.2);
  }
}

TEST_CASE("k-hat is small for a proposal wider than the target and large for a narrower one") {
  // Target normal(0, 1), proposal normal(0, s): the weights s exp(-z^2 (1 - 1/s^2) / 2) are
  // bounded for s > 1 (no heavy tail: k <= 0), and for s < 1 have tail index 1 / (1 - s^2),
  // i.e. k = 1 - s^2 (0.75 for s = 0.5; the GPD limit is approached slowly, so only the side
  // of 0.5 / 0.7 is asserted).
  PsisResult wide = pareto_smoothed_importance_sampling(normal_log_ratios(2.0, 4000, 3));
  PsisResult narrow = pareto_smoothed_importance_sampling(normal_log_ratios(0.5, 4000, 4));
  CHECK(wide.khat < 0.3);
  CHECK(khat_verdict(wide.khat) == KhatVerdict::Good);
  CHECK(narrow.khat > 0.6);
  CHECK(narrow.khat > wide.khat + 0.4);
}

// The reference numbers printed by the R line in the test below.
constexpr double kLooReferenceKhat = 0.70448431051867766;
constexpr double kLooReferenceWeights[] = {1.6156025109873557e-05, 0.00017068651099657261, 0.020843729203715505};

TEST_CASE("k-hat equals R's loo::psis on fixed ratios") {
  // log_ratios[i] = sin(i) + i / 20 - 3 cos(i / 7), i = 1..100 (no randomness); reference from
  // loo 2.5.1: lr <- sin(1:100) + (1:100)/20 - 3*cos((1:100)/7); p <- psis(lr, r_eff = 1)
  //   sprintf("%.17g", c(pareto_k_values(p), weights(p, log = FALSE)[c(1, 50, 100)]))
  std::vector<double> log_ratios(100);
  for (std::size_t i = 1; i <= 100; ++i) {
    double x = static_cast<double>(i);
    log_ratios[i - 1] = std::sin(x) + x / 20 - 3 * std::cos(x / 7);
  }
  PsisResult psis = pareto_smoothed_importance_sampling(log_ratios);
  CHECK(psis.tail_length == 20);
  CHECK(psis.khat == doctest::Approx(kLooReferenceKhat).epsilon(1e-10));
  CHECK(psis.weights[0] == doctest::Approx(kLooReferenceWeights[0]).epsilon(1e-10));
  CHECK(psis.weights[49] == doctest::Approx(kLooReferenceWeights[1]).epsilon(1e-10));
  CHECK(psis.weights[99] == doctest::Approx(kLooReferenceWeights[2]).epsilon(1e-10));
}

TEST_CASE("k-hat and the weights ignore a constant added to every log ratio") {
  std::vector<double> ratios = normal_log_ratios(0.7, 1000, 11);
  PsisResult base = pareto_smoothed_importance_sampling(ratios);
  for (double shift : {-745.0, 800.0, 1e5}) {
    CAPTURE(shift);
    std::vector<double> shifted = ratios;
    for (double& r : shifted) r += shift;
    PsisResult moved = pareto_smoothed_importance_sampling(shifted);
    // The shift costs |shift| * 2^-53 of absolute precision in each ratio (1e-11 for 1e5).
    CHECK(moved.khat == doctest::Approx(base.khat).epsilon(1e-6));
    for (std::size_t s = 0; s < ratios.size(); s += 97)
      CHECK(moved.weights[s] == doctest::Approx(base.weights[s]).epsilon(1e-6));
  }
}

TEST_CASE("the weights are normalized, finite and truncated; extreme ratios are fine") {
  std::vector<double> ratios = normal_log_ratios(0.5, 2000, 5);
  PsisResult psis = pareto_smoothed_importance_sampling(ratios);
  CHECK(sum(psis.weights) == doctest::Approx(1).epsilon(1e-12));
  // Truncation: the smallest ratio is in the body, whose weights keep their raw ratios to one
  // another, and no smoothed weight exceeds the largest raw one; so the largest log weight is
  // at most (largest ratio - smallest ratio) above the smallest draw's log weight.
  auto [low, high] = std::minmax_element(ratios.begin(), ratios.end());
  double top = *std::max_element(psis.log_weights.begin(), psis.log_weights.end());
  CHECK(top - psis.log_weights[static_cast<std::size_t>(low - ratios.begin())] <= *high - *low + 1e-9);

  // Ratios of order 1e300 and -inf: all weight on the largest; nothing overflows.
  std::vector<double> extreme = normal_log_ratios(1.0, 100, 6);
  extreme[10] = 1e300;
  extreme[20] = -1e300;
  extreme[30] = -std::numeric_limits<double>::infinity();
  PsisResult far = pareto_smoothed_importance_sampling(extreme);
  CHECK(sum(far.weights) == doctest::Approx(1).epsilon(1e-12));
  CHECK(far.weights[10] == doctest::Approx(1));
  CHECK(far.weights[30] == 0);
  for (double w : far.weights) CHECK(std::isfinite(w));

  CHECK_THROWS_AS(pareto_smoothed_importance_sampling(std::vector<double>{0, std::nan("")}), std::invalid_argument);
  CHECK_THROWS_AS(pareto_smoothed_importance_sampling(std::vector<double>(30, -INFINITY)), std::invalid_argument);
}

TEST_CASE("fewer than 25 draws: no tail fit, k-hat infinite, raw normalized weights") {
  std::vector<double> ratios = {0.0, std::log(2.0), std::log(3.0), std::log(4.0)};
  PsisResult psis = pareto_smoothed_importance_sampling(ratios);
  CHECK(std::isinf(psis.khat));
  CHECK(khat_verdict(psis.khat) == KhatVerdict::Bad);
  CHECK(psis.weights[0] == doctest::Approx(0.1).epsilon(1e-14));
  CHECK(psis.weights[3] == doctest::Approx(0.4).epsilon(1e-14));
}

TEST_CASE("verdicts, tail length and the sample-size threshold") {
  CHECK(khat_verdict(0.49) == KhatVerdict::Good);
  CHECK(khat_verdict(0.5) == KhatVerdict::Ok);
  CHECK(khat_verdict(0.69) == KhatVerdict::Ok);
  CHECK(khat_verdict(0.7) == KhatVerdict::Bad);
  CHECK(khat_verdict_text(KhatVerdict::Ok).find("noisy") != std::string_view::npos);
  CHECK(psis_tail_length(100) == 20);     // 0.2 S
  CHECK(psis_tail_length(1000) == 95);    // ceil(3 sqrt(1000)) = ceil(94.87)
  CHECK(khat_threshold(100) == doctest::Approx(0.5));  // 1 - 1 / 2
  CHECK(khat_threshold(100000) == doctest::Approx(0.7));
}

}  // namespace
}  // namespace pm::infer

TEST_CASE("psis_refusal says why PSIS cannot take the ratios, before it would throw") {
  CHECK(pm::infer::psis_refusal(std::vector<double>{0.0, -1.0, -INFINITY}).empty());
  CHECK(pm::infer::psis_refusal(std::vector<double>{0.0, std::nan("")}).find("NaN") != std::string::npos);
  CHECK(pm::infer::psis_refusal(std::vector<double>{0.0, INFINITY}).find("+inf") != std::string::npos);
  CHECK(pm::infer::psis_refusal(std::vector<double>(30, -INFINITY)).find("every importance ratio is 0") != std::string::npos);
}
