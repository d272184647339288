// normal, lognormal, student_t, cauchy, logistic, double_exponential: reference values from
// Boost.Math, invalid arguments, partials against finite differences, samplers against
// their densities (the harness states the statistical tolerance).
#include <doctest/doctest.h>

#include <boost/math/distributions/cauchy.hpp>
#include <boost/math/distributions/laplace.hpp>
#include <boost/math/distributions/logistic.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "distributions_harness.hpp"

namespace pm::test {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

TEST_CASE("normal: reference values, extremes, invalid sigma") {
  check_against_boost("normal", boost::math::normal_distribution<double>(0.5, 2.0), {0.5, 2.0},
                      {-3.0, -0.5, 0.0, 1.25, 7.0});
  // sigma = 1e-300 with y - mu = sigma: z = 1, log p = -1/2 + 690.78 - log(2 pi)/2.
  CHECK(log_density("normal", {1e-300, 0.0, 1e-300}) == doctest::Approx(-0.5 + 690.7755278982137 - 0.9189385332046727));
  CHECK(std::isnan(log_density("normal", {0.0, 0.0, 0.0})));
  CHECK(std::isnan(log_density("normal", {0.0, 0.0, -1.0})));
  CHECK(std::isnan(log_density("normal", {0.0, nan, 1.0})));
  // Far tails of the log CDF: log Phi(-40) = -804.608442013754 (mpmath), where Phi underflows.
  const auto& entry = distribution("normal");
  CHECK(evaluate(entry.log_cdf, {{{-40.0}}, {{0.0}}, {{1.0}}})[0] == doctest::Approx(-804.608442013754).epsilon(1e-12));
  CHECK(evaluate(entry.log_ccdf, {{{40.0}}, {{0.0}}, {{1.0}}})[0] == doctest::Approx(-804.608442013754).epsilon(1e-12));
  CHECK(evaluate(entry.log_cdf, {{{40.0}}, {{0.0}}, {{1.0}}})[0] == doctest::Approx(0.0));
}

TEST_CASE("lognormal: reference values, support, invalid") {
  check_against_boost("lognormal", boost::math::lognormal_distribution<double>(0.3, 0.8), {0.3, 0.8},
                      {0.05, 0.5, 1.0, 2.5, 9.0});
  CHECK(log_density("lognormal", {-1.0, 0.0, 1.0}) == -inf);
  CHECK(log_density("lognormal", {0.0, 0.0, 1.0}) == -inf);
  CHECK(std::isnan(log_density("lognormal", {1.0, 0.0, -2.0})));
}

TEST_CASE("student_t: reference values and invalid nu") {
  // Boost's students_t is standard; shift and scale by hand: p(y) = t((y - mu)/sigma) / sigma.
  for (double y : {-4.0, -1.0, 0.3, 2.0, 30.0}) {
    const double nu = 3.5, mu = -0.5, sigma = 1.7;
    const double reference = std::log(boost::math::pdf(boost::math::students_t_distribution<double>(nu), (y - mu) / sigma) / sigma);
    CHECK(log_density("student_t", {y, nu, mu, sigma}) == doctest::Approx(reference).epsilon(1e-10));
    const boost::math::students_t_distribution<double> standard(nu);
    const std::vector<Arg> args{{{y}}, {{nu}}, {{mu}}, {{sigma}}};
    CHECK(evaluate(distribution("student_t").log_cdf, args)[0] ==
          doctest::Approx(std::log(boost::math::cdf(standard, (y - mu) / sigma))).epsilon(1e-10));
    CHECK(evaluate(distribution("student_t").log_ccdf, args)[0] ==
          doctest::Approx(std::log(boost::math::cdf(boost::math::complement(standard, (y - mu) / sigma)))).epsilon(1e-10));
  }
  CHECK(std::isnan(log_density("student_t", {0.0, 0.0, 0.0, 1.0})));
  CHECK(std::isnan(log_density("student_t", {0.0, 1.0, 0.0, -1.0})));
  CHECK(std::isfinite(log_density("student_t", {1e200, 2.0, 0.0, 1.0})));
}

TEST_CASE("cauchy, logistic, double_exponential: reference values and invalid scale") {
  check_against_boost("cauchy", boost::math::cauchy_distribution<double>(1.0, 2.5), {1.0, 2.5},
                      {-1e6, -3.0, 1.0, 4.0, 1e6});
  check_against_boost("logistic", boost::math::logistic_distribution<double>(-1.0, 0.5), {-1.0, 0.5},
                      {-12.0, -1.5, 0.0, 2.0, 10.0});
  check_against_boost("double_exponential", boost::math::laplace_distribution<double>(2.0, 1.5), {2.0, 1.5},
                      {-10.0, 0.0, 1.9, 2.1, 12.0});
  for (auto name : {"cauchy", "logistic", "double_exponential"}) {
    CHECK(std::isnan(log_density(name, {0.0, 0.0, 0.0})));
    CHECK(std::isnan(log_density(name, {0.0, 0.0, -1.0})));
    CHECK(std::isnan(log_density(name, {0.0, inf, 1.0})));
  }
  // Far tails stay finite in log space.
  CHECK(std::isfinite(evaluate(distribution("logistic").log_cdf, {{{-800.0}}, {{0.0}}, {{1.0}}})[0]));
  CHECK(std::isfinite(evaluate(distribution("double_exponential").log_ccdf, {{{800.0}}, {{0.0}}, {{1.0}}})[0]));
}

TEST_CASE("normal family: partials of every kernel against finite differences") {
  // Three elements per call, points on both sides of the location.
  const std::vector<Arg> location_scale{{{-1.0, 0.3, 4.0}}, {{0.5, 0.0, -2.0}}, {{2.0, 0.7, 3.0}}};
  for (auto name : {"normal", "cauchy", "logistic", "double_exponential"}) check_all_partials(distribution(name), location_scale);
  check_all_partials(distribution("lognormal"), {{{0.2, 1.0, 6.0}}, {{0.5, 0.0, -1.0}}, {{2.0, 0.7, 1.5}}});
  check_all_partials(distribution("student_t"), {{{-1.0, 0.3, 40.0}}, {{2.5, 7.0, 1.2}}, {{0.5, 0.0, -2.0}}, {{2.0, 0.7, 3.0}}});
}

TEST_CASE("normal_id_glm: the normal of the linear predictor, partials with rows and broadcast beta") {
  const auto& entry = distribution("normal_id_glm");
  // Two rows of K = 3: mu_j = alpha_j + x_j . beta.
  const std::vector<double> x{1.0, -0.5, 2.0, 0.3, 0.0, -1.2}, beta{0.4, 1.5, -0.3};
  const std::vector<Arg> args{{{0.7, -1.1}}, {x, 3}, {{0.2, -0.4}}, {beta, 3, true}, {{1.3, 0.6}}};
  const auto values = evaluate(entry.log_density, args);
  CHECK(values[0] == doctest::Approx(log_density("normal", {0.7, 0.2 + 0.4 - 0.75 - 0.6, 1.3})).epsilon(1e-14));
  CHECK(values[1] == doctest::Approx(log_density("normal", {-1.1, -0.4 + 0.12 + 0.36, 0.6})).epsilon(1e-14));
  CHECK(std::isnan(evaluate(entry.log_density, {{{0.7}}, {{1.0, 2.0, 3.0}, 3}, {{0.0}}, {beta, 3, true}, {{0.0}}})[0]));
  check_partials(entry, args);
  check_partials(entry, {{{0.7, -1.1}}, {x, 3}, {{0.2, -0.4}}, {{0.4, 1.5, -0.3, -1.0, 0.2, 0.9}, 3}, {{1.3, 0.6}}});
  // Sampler: n draws for row x_0; the mean of the draws within 5 standard errors
  // (sigma / sqrt n) of mu_0 = -0.75, and the standardized draws' second moment within 5
  // standard errors (sqrt(2 / n), the sd of a squared normal over n) of 1.
  const std::size_t n = 20000;
  const std::vector<double> alpha(n, 0.2), sigma(n, 1.3);
  const std::vector<ad::KernelArg> parameters{{x.data(), 3, true}, {alpha.data()}, {beta.data(), 3, true}, {sigma.data()}};
  random::Stream stream(8);
  std::vector<double> draws(n);
  entry.sample({n, parameters.data(), parameters.size()}, stream, draws.data());
  double total = 0.0, second = 0.0;
  for (double d : draws) {
    total += d;
    second += (d + 0.75) * (d + 0.75) / (1.3 * 1.3);
  }
  CHECK(std::abs(total / n + 0.75) <= 5.0 * 1.3 / std::sqrt(double(n)));
  CHECK(std::abs(second / n - 1.0) <= 5.0 * std::sqrt(2.0 / double(n)));
}

TEST_CASE("normal family: samplers against densities") {
  check_continuous_sampler(distribution("normal"), {1.0, 2.0}, evenly_spaced(-5.0, 7.0, 12));
  check_continuous_sampler(distribution("lognormal"), {0.0, 0.5}, evenly_spaced(0.0, 4.0, 10));
  check_continuous_sampler(distribution("student_t"), {3.0, 1.0, 2.0}, evenly_spaced(-9.0, 11.0, 10));
  check_continuous_sampler(distribution("cauchy"), {-1.0, 0.5}, evenly_spaced(-6.0, 4.0, 10));
  check_continuous_sampler(distribution("logistic"), {0.0, 1.5}, evenly_spaced(-8.0, 8.0, 8));
  check_continuous_sampler(distribution("double_exponential"), {1.0, 1.0}, {-6.0, -2.0, 0.0, 0.5, 1.0, 1.5, 2.0, 4.0, 8.0});
}

}  // namespace
}  // namespace pm::test
