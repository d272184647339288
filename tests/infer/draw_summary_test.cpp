// Draw summaries (engine/infer/draw_summary.hpp) against values computed by hand; R's
// quantile(x, type = 7) gives the same quantiles (noted per case).
#include <cmath>
#include <stdexcept>
#include <vector>

#include <doctest/doctest.h>

#include "engine/infer/draw_summary.hpp"
#include "engine/random/stream.hpp"

namespace pm::infer {
namespace {

TEST_CASE("unweighted: mean, sd with S - 1, type 7 quantiles, mcse") {
  // 1..5 in shuffled order: mean 3, var 10 / 4; quantile(1:5, c(.05, .5, .95)) = 1.2, 3, 4.8.
  std::vector<double> draws = {5, 1, 4, 2, 3};
  DrawSummary summary = summarize_draws(draws);
  CHECK(summary.mean == doctest::Approx(3).epsilon(1e-15));
  CHECK(summary.sd == doctest::Approx(std::sqrt(2.5)).epsilon(1e-15));
  CHECK(summary.q5 == doctest::Approx(1.2).epsilon(1e-15));
  CHECK(summary.q50 == doctest::Approx(3).epsilon(1e-15));
  CHECK(summary.q95 == doctest::Approx(4.8).epsilon(1e-15));
  CHECK(summary.mcse == doctest::Approx(std::sqrt(2.5 / 5)).epsilon(1e-15));

  // quantile(c(0, 10, 20, 100), .95) = 20 + 0.85 * 80 = 88 (h = 3 * 0.95 = 2.85).
  std::vector<double> sorted = {0, 10, 20, 100};
  CHECK(quantile_type7(sorted, 0.95) == doctest::Approx(88));
  CHECK(quantile_type7(sorted, 0.0) == 0);
  CHECK(quantile_type7(sorted, 1.0) == 100);
}

TEST_CASE("the sd has no cancellation when the mean is large") {
  // 1e9 + {-1, 0, 1}: var 1 exactly; the one-pass formula would lose every digit.
  std::vector<double> draws = {1e9 - 1, 1e9, 1e9 + 1};
  CHECK(summarize_draws(draws).sd == doctest::Approx(1).epsilon(1e-12));
}

TEST_CASE("one draw: the value, sd and mcse undefined") {
  DrawSummary summary = summarize_draws(std::vector<double>{2.5});
  CHECK(summary.mean == 2.5);
  CHECK(summary.q5 == 2.5);
  CHECK(summary.q95 == 2.5);
  CHECK(std::isnan(summary.sd));
  CHECK(std::isnan(summary.mcse));
  CHECK_THROWS_AS(summarize_draws(std::vector<double>{}), std::invalid_argument);
}

TEST_CASE("weighted by hand: values 0, 1, 2 with weights 1/2, 1/4, 1/4") {
  // mean = 0.75; sum w (x - m)^2 = 0.6875, sum w^2 = 0.375, sd^2 = 0.6875 / 0.625 = 1.1;
  // mcse^2 = sum w^2 (x - m)^2 = 0.2421875. Quantile nodes: u = (W_i - w_i/2 - 1/4) / (5/8)
  // = 0, 0.6, 1, so q5 = 0.05 / 0.6, q50 = 0.5 / 0.6, q95 = 1 + 0.35 / 0.4.
  std::vector<double> draws = {2, 0, 1};
  std::vector<double> weights = {0.25, 0.5, 0.25};
  DrawSummary summary = summarize_draws(draws, weights);
  CHECK(summary.mean == doctest::Approx(0.75).epsilon(1e-15));
  CHECK(summary.sd == doctest::Approx(std::sqrt(1.1)).epsilon(1e-14));
  CHECK(summary.mcse == doctest::Approx(std::sqrt(0.2421875)).epsilon(1e-14));
  CHECK(summary.q5 == doctest::Approx(0.05 / 0.6).epsilon(1e-14));
  CHECK(summary.q50 == doctest::Approx(0.5 / 0.6).epsilon(1e-14));
  CHECK(summary.q95 == doctest::Approx(1.875).epsilon(1e-14));
}

TEST_CASE("a draw of weight 0 does not move the weighted quantiles") {
  // The case above plus a far draw of weight 0: the same nodes, the same quantiles.
  std::vector<double> draws = {2, 0, 100, 1};
  std::vector<double> weights = {0.25, 0.5, 0.0, 0.25};
  CHECK(weighted_quantile(draws, weights, 0.95) == doctest::Approx(1.875).epsilon(1e-14));
  CHECK(weighted_quantile(draws, weights, 0.05) == doctest::Approx(0.05 / 0.6).epsilon(1e-14));
  CHECK(summarize_draws(draws, weights).mean == doctest::Approx(0.75).epsilon(1e-15));
  CHECK_THROWS_AS(weighted_quantile(draws, std::vector<double>(4, 0.0), 0.5), std::invalid_argument);
}

TEST_CASE("equal weights reproduce the unweighted summary") {
  random::Stream stream(2718);
  std::vector<double> draws(257);
  for (double& x : draws) x = stream.normal(1, 3);
  std::vector<double> weights(draws.size(), 1.0 / static_cast<double>(draws.size()));
  DrawSummary plain = summarize_draws(draws);
  DrawSummary weighted = summarize_draws(draws, weights);
  CHECK(weighted.mean == doctest::Approx(plain.mean).epsilon(1e-12));
  CHECK(weighted.sd == doctest::Approx(plain.sd).epsilon(1e-12));
  CHECK(weighted.q5 == doctest::Approx(plain.q5).epsilon(1e-12));
  CHECK(weighted.q50 == doctest::Approx(plain.q50).epsilon(1e-12));
  CHECK(weighted.q95 == doctest::Approx(plain.q95).epsilon(1e-12));
  // mcse: sqrt(sum (x - m)^2) / S against sd / sqrt(S): ratio sqrt((S - 1) / S).
  CHECK(weighted.mcse == doctest::Approx(plain.mcse * std::sqrt(256.0 / 257.0)).epsilon(1e-12));
}

TEST_CASE("weights move the summary toward the heavily weighted draws") {
  // Weights proportional to exp(x) reweight normal(0, 1) draws to normal(1, 1) (exponential
  // tilting); with 20000 draws the weighted mean is 1 within 0.05 (its mcse is about 0.02)
  // and the median is near 1 as well.
  random::Stream stream(99);
  std::vector<double> draws(20000), weights(draws.size());
  double total = 0;
  for (std::size_t s = 0; s < draws.size(); ++s) {
    draws[s] = stream.normal();
    weights[s] = std::exp(draws[s]);
    total += weights[s];
  }
  for (double& w : weights) w /= total;
  DrawSummary summary = summarize_draws(draws, weights);
  CHECK(std::abs(summary.mean - 1) < 0.05);
  CHECK(std::abs(summary.sd - 1) < 0.05);
  CHECK(std::abs(summary.q50 - 1) < 0.05);
  CHECK(summary.mcse < 0.03);
  CHECK_THROWS_AS(summarize_draws(draws, std::vector<double>{1.0}), std::invalid_argument);
}

}  // namespace
}  // namespace pm::infer
