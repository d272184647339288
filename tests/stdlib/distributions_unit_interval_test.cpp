// bernoulli_probs and continuous_bernoulli, the two densities for pixel intensities in [0, 1].
#include <doctest/doctest.h>

#include "distributions_harness.hpp"

namespace pm::test {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

// Composite Simpson's rule for the integral of exp(log density) over [0, 1] with 2000 panels:
// the densities are smooth on [0, 1], so the error is far below the 1e-9 tolerance used.
double total_mass(std::string_view name, double parameter) {
  const int panels = 2000;
  const double h = 1.0 / panels;
  double sum = 0.0;
  for (int i = 0; i <= panels; ++i) {
    const double weight = (i == 0 || i == panels) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    sum += weight * std::exp(log_density(name, {i * h, parameter}));
  }
  return sum * h / 3.0;
}

TEST_CASE("bernoulli_probs: cross-entropy values, normalized on {0, 1} only") {
  CHECK(log_density("bernoulli_probs", {0.3, 0.6}) == doctest::Approx(0.3 * std::log(0.6) + 0.7 * std::log(0.4)).epsilon(1e-14));
  CHECK(log_density("bernoulli_probs", {1.0, 0.25}) == doctest::Approx(std::log(0.25)).epsilon(1e-14));
  CHECK(log_density("bernoulli_probs", {0.0, 0.25}) == doctest::Approx(std::log(0.75)).epsilon(1e-14));
  CHECK(log_density("bernoulli_probs", {1.0, 1.0}) == 0.0);  // 0 log 0 = 0
  CHECK(log_density("bernoulli_probs", {0.0, 0.0}) == 0.0);
  CHECK(log_density("bernoulli_probs", {1.2, 0.5}) == -inf);
  CHECK(log_density("bernoulli_probs", {-0.2, 0.5}) == -inf);
  CHECK(std::isnan(log_density("bernoulli_probs", {0.5, 1.5})));
  CHECK(std::isnan(log_density("bernoulli_probs", {0.5, nan})));
  // Not a density on [0, 1]: its integral is below 1 (p = 0.5 gives exactly 1/2).
  CHECK(total_mass("bernoulli_probs", 0.5) == doctest::Approx(0.5).epsilon(1e-9));
  check_partials(distribution("bernoulli_probs"), {{{0.3, 0.0, 1.0, 0.9}}, {{0.6, 0.2, 0.7, 0.01}}});
  check_discrete_sampler(distribution("bernoulli_probs"), {0.35}, 0, 1);
}

TEST_CASE("continuous_bernoulli: normalized, stable near lambda = 1/2") {
  // C(0.3) = 2 atanh(0.4) / 0.4, by hand.
  CHECK(log_density("continuous_bernoulli", {0.25, 0.3}) ==
        doctest::Approx(std::log(2.0 * std::atanh(0.4) / 0.4) + 0.25 * std::log(0.3) + 0.75 * std::log(0.7)).epsilon(1e-13));
  CHECK(log_density("continuous_bernoulli", {0.7, 0.5}) == doctest::Approx(std::log(2.0) + std::log(0.5)).epsilon(1e-15));
  // On both sides of the Taylor branch (|1 - 2 lambda| < 0.02) the direct formula is accurate
  // for the value itself (atanh(u) / u has no cancellation once u != 0): they agree to 1e-14.
  for (double lambda : {0.4901, 0.4999, 0.5 - 1e-9, 0.5 + 1e-12, 0.5099}) {
    const double u = 1.0 - 2.0 * lambda;
    CHECK(log_density("continuous_bernoulli", {0.0, lambda}) ==
          doctest::Approx(std::log(2.0 * std::atanh(u) / u) + std::log1p(-lambda)).epsilon(1e-14));
  }
  for (double lambda : {0.01, 0.3, 0.495, 0.5, 0.5 + 1e-9, 0.8, 0.999}) {
    INFO("lambda " << lambda);
    CHECK(total_mass("continuous_bernoulli", lambda) == doctest::Approx(1.0).epsilon(1e-9));
  }
  CHECK(log_density("continuous_bernoulli", {1.5, 0.3}) == -inf);
  CHECK(std::isnan(log_density("continuous_bernoulli", {0.5, 0.0})));
  CHECK(std::isnan(log_density("continuous_bernoulli", {0.5, 1.0})));
  // Partials on both branches, including lambda within 1e-7 of 1/2 where the direct
  // derivative would cancel catastrophically.
  check_partials(distribution("continuous_bernoulli"),
                 {{{0.3, 0.0, 1.0, 0.9, 0.6, 0.2}}, {{0.6, 0.2, 0.7, 0.01, 0.5 + 1e-7, 0.495}}});
  check_continuous_sampler(distribution("continuous_bernoulli"), {0.2}, evenly_spaced(0.0, 1.0, 10));
  check_continuous_sampler(distribution("continuous_bernoulli"), {0.5}, evenly_spaced(0.0, 1.0, 5));
  check_continuous_sampler(distribution("continuous_bernoulli"), {0.93}, evenly_spaced(0.0, 1.0, 10));
}

}  // namespace
}  // namespace pm::test
