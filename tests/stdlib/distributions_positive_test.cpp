// exponential, gamma, inv_gamma, weibull, beta, uniform: reference values from Boost.Math,
// support and invalid arguments, partials against finite differences, samplers against
// their densities.
#include <doctest/doctest.h>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/inverse_gamma.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <boost/math/distributions/weibull.hpp>

#include "distributions_harness.hpp"

namespace pm::test {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

TEST_CASE("exponential, gamma, inv_gamma, weibull: reference values") {
  check_against_boost("exponential", boost::math::exponential_distribution<double>(2.5), {2.5}, {0.0, 0.01, 0.4, 3.0, 20.0});
  // Stan's gamma takes a rate; Boost's a scale = 1 / rate.
  check_against_boost("gamma", boost::math::gamma_distribution<double>(2.5, 1.0 / 1.5), {2.5, 1.5}, {0.01, 0.5, 2.0, 9.0});
  check_against_boost("gamma", boost::math::gamma_distribution<double>(0.3, 1.0 / 4.0), {0.3, 4.0}, {1e-8, 0.05, 1.0});
  check_against_boost("inv_gamma", boost::math::inverse_gamma_distribution<double>(3.0, 2.0), {3.0, 2.0}, {0.05, 0.5, 1.0, 7.0});
  check_against_boost("weibull", boost::math::weibull_distribution<double>(1.7, 2.2), {1.7, 2.2}, {0.01, 0.5, 2.0, 6.0});
}

TEST_CASE("beta and uniform: reference values, bounds") {
  check_against_boost("beta", boost::math::beta_distribution<double>(2.5, 0.7), {2.5, 0.7}, {1e-6, 0.2, 0.5, 0.999});
  check_against_boost("beta", boost::math::beta_distribution<double>(1.0, 3.0), {1.0, 3.0}, {0.0, 0.3, 0.9});
  check_against_boost("uniform", boost::math::uniform_distribution<double>(-1.0, 3.0), {-1.0, 3.0}, {-0.5, 0.0, 2.9});
  // uniform's CDF outside the interval.
  const auto& uniform = distribution("uniform");
  CHECK(evaluate(uniform.log_cdf, {{{-2.0}}, {{-1.0}}, {{3.0}}})[0] == -inf);
  CHECK(evaluate(uniform.log_cdf, {{{4.0}}, {{-1.0}}, {{3.0}}})[0] == 0.0);
  CHECK(evaluate(uniform.log_ccdf, {{{4.0}}, {{-1.0}}, {{3.0}}})[0] == -inf);
}

TEST_CASE("positive families: outside the support gives -inf, invalid parameters NaN") {
  CHECK(log_density("exponential", {-0.1, 1.0}) == -inf);
  CHECK(log_density("gamma", {-0.1, 2.0, 1.0}) == -inf);
  CHECK(log_density("inv_gamma", {0.0, 2.0, 1.0}) == -inf);
  CHECK(log_density("weibull", {-1.0, 2.0, 1.0}) == -inf);
  CHECK(log_density("beta", {1.5, 2.0, 2.0}) == -inf);
  CHECK(log_density("beta", {-0.5, 2.0, 2.0}) == -inf);
  CHECK(log_density("uniform", {3.5, -1.0, 3.0}) == -inf);
  CHECK(std::isnan(log_density("exponential", {1.0, 0.0})));
  CHECK(std::isnan(log_density("exponential", {1.0, -2.0})));
  CHECK(std::isnan(log_density("gamma", {1.0, 0.0, 1.0})));
  CHECK(std::isnan(log_density("gamma", {1.0, 1.0, nan})));
  CHECK(std::isnan(log_density("inv_gamma", {1.0, -1.0, 1.0})));
  CHECK(std::isnan(log_density("weibull", {1.0, 1.0, -1.0})));
  CHECK(std::isnan(log_density("beta", {0.5, 0.0, 1.0})));
  CHECK(std::isnan(log_density("beta", {1.5, -1.0, 1.0})));  // invalid beats outside
  CHECK(std::isnan(log_density("uniform", {0.5, 1.0, 1.0})));
  CHECK(std::isnan(log_density("uniform", {0.5, 2.0, 1.0})));
}

TEST_CASE("positive families: partials against finite differences") {
  check_all_partials(distribution("exponential"), {{{0.2, 1.0, 6.0}}, {{0.5, 2.0, 0.1}}});
  check_all_partials(distribution("gamma"), {{{0.2, 1.0, 6.0}}, {{0.5, 2.0, 7.5}}, {{3.0, 0.4, 1.0}}});
  check_all_partials(distribution("inv_gamma"), {{{0.2, 1.0, 6.0}}, {{0.5, 2.0, 7.5}}, {{3.0, 0.4, 1.0}}});
  check_all_partials(distribution("weibull"), {{{0.2, 1.0, 6.0}}, {{0.5, 2.0, 3.5}}, {{3.0, 0.4, 1.0}}});
  check_all_partials(distribution("beta"), {{{0.2, 0.5, 0.93}}, {{0.5, 2.0, 7.5}}, {{3.0, 0.4, 1.0}}});
  check_all_partials(distribution("uniform"), {{{0.2, -0.5, 2.0}}, {{-1.0, -1.0, 1.5}}, {{1.0, 0.5, 4.0}}});
}

TEST_CASE("positive families: partials at the edge of the support and outside it") {
  // At the boundary with the exponent 0 (a = 1, alpha = 1) the partials stay finite.
  std::vector<std::vector<double>> partials;
  evaluate(distribution("beta").log_density, {{{0.0, 1.0}}, {{1.0, 2.0}}, {{3.0, 1.0}}}, &partials);
  CHECK(partials[0][0] == doctest::Approx(-2.0 / 1.0));  // -(b - 1) / (1 - theta)
  CHECK(partials[0][1] == doctest::Approx(1.0 / 1.0));   // (a - 1) / theta
  evaluate(distribution("gamma").log_density, {{{0.0}}, {{1.0}}, {{2.0}}}, &partials);
  CHECK(partials[0][0] == -2.0);
  evaluate(distribution("weibull").log_density, {{{0.0}}, {{1.0}}, {{2.0}}}, &partials);
  CHECK(partials[0][0] == doctest::Approx(-0.5));
  // Outside the support the partials are zero, not NaN: mixtures weigh them by exp(-inf).
  for (auto name : {"beta", "gamma", "weibull", "inv_gamma"}) {
    INFO(name);
    const auto values = evaluate(distribution(name).log_density, {{{1.5, -1.0}}, {{2.0, 2.0}}, {{2.0, 2.0}}}, &partials);
    CHECK(values[1] == -std::numeric_limits<double>::infinity());
    for (const auto& argument : partials) CHECK(argument[1] == 0.0);
  }
}

TEST_CASE("positive families: samplers against densities") {
  check_continuous_sampler(distribution("exponential"), {2.0}, evenly_spaced(0.0, 3.0, 12));
  check_continuous_sampler(distribution("gamma"), {2.5, 1.5}, evenly_spaced(0.0, 6.0, 12));
  check_continuous_sampler(distribution("gamma"), {1.0, 0.5}, evenly_spaced(0.0, 10.0, 10));
  check_continuous_sampler(distribution("inv_gamma"), {3.0, 2.0}, evenly_spaced(0.05, 3.0, 10));
  check_continuous_sampler(distribution("weibull"), {1.7, 2.2}, evenly_spaced(0.0, 6.0, 12));
  check_continuous_sampler(distribution("beta"), {2.5, 1.5}, evenly_spaced(0.0, 1.0, 10));
  check_continuous_sampler(distribution("beta"), {30.0, 10.0}, evenly_spaced(0.5, 0.95, 9));
  check_continuous_sampler(distribution("uniform"), {-1.0, 3.0}, evenly_spaced(-1.0, 3.0, 8));
}

}  // namespace
}  // namespace pm::test
