// Simulation-based calibration (Talts et al. 2018) of the exact Bayes-rule posteriors of
// summed-out discrete latents: draw the latents from their prior and the data given them,
// compute the posterior with the engine, and locate the true value in it. If the posterior
// is right, the randomized probability integral transform u = F(z - 1) + U p(z) (F the
// posterior CDF, U uniform) is uniform on (0, 1) (the discrete analogue of SBC's rank; it
// needs no posterior draws). The model has a global regime g shared by every datum and a
// component z[i] per datum nested inside it, so the contraction's outer-then-inner
// elimination is exercised. Test: 10 equal bins, Pearson's chi-square against 9 degrees of
// freedom, rejected above 27.88 (p = 0.001); seeded, so the outcome is fixed.
#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "compile/compile_support.hpp"
#include "engine/random/stream.hpp"

namespace pm::compile {
namespace {

const char* kRegimeMixture = R"(
data {
  int<lower=1> N;
  vector[N] x;
}
latent {
  int<lower=1, upper=2> g;
  array[N] int<lower=1, upper=3> z;
}
model {
  g ~ categorical([0.3, 0.7]');
  for (i in 1:N) {
    z[i] ~ categorical([0.5, 0.3, 0.2]');
    x[i] ~ normal((g == 1 ? -1.0 : 1.0) + 1.5 * z[i], 0.8);
  }
}
)";

// A draw from categorical(probabilities), 1-based.
int categorical_draw(random::Stream& stream, const std::vector<double>& probabilities) {
  return static_cast<int>(stream.categorical(probabilities.data(), probabilities.size())) + 1;
}

// Randomized PIT of the true (1-based) value under a posterior row.
double pit(const std::vector<double>& row, int truth, random::Stream& stream) {
  double below = 0;
  for (int k = 1; k < truth; ++k) below += row[static_cast<std::size_t>(k - 1)];
  return below + stream.uniform() * row[static_cast<std::size_t>(truth - 1)];
}

double chi_square_uniform(const std::vector<double>& values, std::size_t bins) {
  std::vector<double> counts(bins, 0.0);
  for (double u : values) counts[std::min(bins - 1, static_cast<std::size_t>(u * static_cast<double>(bins)))] += 1;
  const double expected = static_cast<double>(values.size()) / static_cast<double>(bins);
  double statistic = 0;
  for (double count : counts) statistic += (count - expected) * (count - expected) / expected;
  return statistic;
}

TEST_CASE("SBC: the exact posteriors of a global and a nested discrete latent are calibrated") {
  random::Stream stream(20261125);
  const std::size_t simulations = 400, n = 4;
  std::vector<double> regime_pits, component_pits;
  for (std::size_t s = 0; s < simulations; ++s) {
    const int g = categorical_draw(stream, {0.3, 0.7});
    std::vector<int> z(n);
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) {
      z[i] = categorical_draw(stream, {0.5, 0.3, 0.2});
      x[i] = (g == 1 ? -1.0 : 1.0) + 1.5 * z[i] + 0.8 * stream.normal();
    }
    auto compiled = testing::compile_text(kRegimeMixture, fmt::format(R"({{"N": {}, "x": [{}]}})", n, fmt::join(x, ", ")));
    REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
    compiled->evaluate({});
    const std::vector<DiscretePosterior> posteriors = compiled->model->discrete_posteriors();
    REQUIRE(posteriors.size() == 2);
    regime_pits.push_back(pit(posteriors[0].probabilities[0], g, stream));
    for (std::size_t i = 0; i < n; ++i) component_pits.push_back(pit(posteriors[1].probabilities[i], z[i], stream));
  }
  const double critical = 27.88;  // chi-square, 9 degrees of freedom, p = 0.001
  CHECK(chi_square_uniform(regime_pits, 10) < critical);
  CHECK(chi_square_uniform(component_pits, 10) < critical);
  // The test has power: a posterior that ignores the data (the prior) is rejected.
  random::Stream again(20261125);
  std::vector<double> prior_pits;
  for (std::size_t s = 0; s < simulations * n; ++s) {
    const int truth = categorical_draw(again, {0.5, 0.3, 0.2});
    // A wrong posterior: the components' prior reversed.
    prior_pits.push_back(pit({0.2, 0.3, 0.5}, truth, again));
  }
  CHECK(chi_square_uniform(prior_pits, 10) > critical);
}

}  // namespace
}  // namespace pm::compile
