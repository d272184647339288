// bernoulli, bernoulli_logit, binomial, binomial_logit, poisson, poisson_log, neg_binomial_2,
// categorical, categorical_logit: reference pmfs from Boost.Math, support and invalid
// arguments, partials against finite differences (real parameters only; int arguments
// have none), samplers against their pmfs cell by cell.
#include <doctest/doctest.h>

#include <boost/math/distributions/bernoulli.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/negative_binomial.hpp>
#include <boost/math/distributions/poisson.hpp>

#include "distributions_harness.hpp"

namespace pm::test {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

double inv_logit(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Tolerance 1e-10 relative: Boost's pmfs and ours are double-precision closed forms.
TEST_CASE("bernoulli and bernoulli_logit: reference values and extremes") {
  for (double theta : {0.0, 0.2, 0.5, 0.97, 1.0}) {
    boost::math::bernoulli_distribution<double> reference(theta);
    for (int n : {0, 1}) check_close(log_density("bernoulli", {double(n), theta}), std::log(boost::math::pdf(reference, n)), 1e-10);
  }
  for (double alpha : {-5.0, -0.3, 0.0, 2.0, 8.0}) {
    CHECK(log_density("bernoulli_logit", {1.0, alpha}) == doctest::Approx(std::log(inv_logit(alpha))).epsilon(1e-10));
    CHECK(log_density("bernoulli_logit", {0.0, alpha}) == doctest::Approx(std::log1p(-inv_logit(alpha))).epsilon(1e-10));
  }
  // logit = +-1000: inv_logit rounds to 0 or 1, the log stays exact and the partials finite.
  CHECK(log_density("bernoulli_logit", {1.0, 1000.0}) == 0.0);
  CHECK(log_density("bernoulli_logit", {0.0, 1000.0}) == -1000.0);
  CHECK(log_density("bernoulli_logit", {1.0, -1000.0}) == -1000.0);
  CHECK(log_density("bernoulli_logit", {0.0, -1000.0}) == 0.0);
  std::vector<std::vector<double>> partials;
  evaluate(distribution("bernoulli_logit").log_density, {{{1.0, 0.0, 1.0, 0.0}}, {{1000.0, 1000.0, -1000.0, -1000.0}}}, &partials);
  CHECK(partials[1] == std::vector<double>{0.0, -1.0, 1.0, 0.0});
  // Outside the support and invalid parameters.
  CHECK(log_density("bernoulli", {2.0, 0.5}) == -inf);
  CHECK(log_density("bernoulli", {0.5, 0.5}) == -inf);
  CHECK(log_density("bernoulli_logit", {-1.0, 0.5}) == -inf);
  CHECK(std::isnan(log_density("bernoulli", {1.0, 1.5})));
  CHECK(std::isnan(log_density("bernoulli", {1.0, -0.1})));
  CHECK(std::isnan(log_density("bernoulli_logit", {1.0, nan})));
}

TEST_CASE("binomial and binomial_logit: reference values, support, invalid") {
  for (int n : {0, 3, 10, 20}) {
    boost::math::binomial_distribution<double> reference(20, 0.3);
    const double expected = std::log(boost::math::pdf(reference, n));
    CHECK(log_density("binomial", {double(n), 20.0, 0.3}) == doctest::Approx(expected).epsilon(1e-10));
    CHECK(log_density("binomial_logit", {double(n), 20.0, std::log(0.3 / 0.7)}) == doctest::Approx(expected).epsilon(1e-10));
  }
  CHECK(log_density("binomial", {0.0, 5.0, 0.0}) == 0.0);
  CHECK(log_density("binomial", {5.0, 5.0, 1.0}) == 0.0);
  CHECK(log_density("binomial", {6.0, 5.0, 0.5}) == -inf);
  CHECK(log_density("binomial", {-1.0, 5.0, 0.5}) == -inf);
  CHECK(log_density("binomial_logit", {6.0, 5.0, 0.5}) == -inf);
  CHECK(std::isnan(log_density("binomial", {1.0, 5.0, 1.5})));
  CHECK(std::isnan(log_density("binomial", {1.0, -5.0, 0.5})));
  CHECK(std::isnan(log_density("binomial", {1.0, 5.5, 0.5})));
  CHECK(std::isfinite(log_density("binomial_logit", {3.0, 5.0, 800.0})));
  CHECK(std::isfinite(log_density("binomial_logit", {3.0, 5.0, -800.0})));
}

TEST_CASE("poisson, poisson_log, neg_binomial_2: reference values, support, invalid") {
  for (int n : {0, 1, 4, 30}) {
    const double expected = std::log(boost::math::pdf(boost::math::poisson_distribution<double>(3.7), n));
    CHECK(log_density("poisson", {double(n), 3.7}) == doctest::Approx(expected).epsilon(1e-10));
    CHECK(log_density("poisson_log", {double(n), std::log(3.7)}) == doctest::Approx(expected).epsilon(1e-10));
    // neg_binomial_2(mu, phi) is Boost's negative_binomial(r = phi, p = phi / (mu + phi)).
    const double mu = 3.7, phi = 1.3;
    const double nb = std::log(boost::math::pdf(boost::math::negative_binomial_distribution<double>(phi, phi / (mu + phi)), n));
    CHECK(log_density("neg_binomial_2", {double(n), mu, phi}) == doctest::Approx(nb).epsilon(1e-10));
  }
  CHECK(log_density("poisson", {0.0, 0.0}) == 0.0);
  CHECK(log_density("poisson_log", {0.0, -inf}) == 0.0);
  CHECK(log_density("poisson", {-1.0, 2.0}) == -inf);
  CHECK(log_density("poisson", {1.5, 2.0}) == -inf);
  CHECK(log_density("poisson_log", {-1.0, 2.0}) == -inf);
  CHECK(log_density("neg_binomial_2", {-1.0, 2.0, 1.0}) == -inf);
  CHECK(std::isnan(log_density("poisson", {1.0, -2.0})));
  CHECK(std::isnan(log_density("poisson_log", {1.0, nan})));
  CHECK(std::isnan(log_density("neg_binomial_2", {1.0, 0.0, 1.0})));
  CHECK(std::isnan(log_density("neg_binomial_2", {1.0, 1.0, -1.0})));
  // Both sides of the Stirling cutoff (phi = 1e3) agree with Boost.
  for (double phi : {999.0, 1001.0, 4e4})
    CHECK(log_density("neg_binomial_2", {7.0, 3.7, phi}) ==
          doctest::Approx(std::log(boost::math::pdf(boost::math::negative_binomial_distribution<double>(phi, phi / (3.7 + phi)), 7))).epsilon(1e-10));
  // Huge phi: the Poisson limit, without cancellation.
  CHECK(log_density("neg_binomial_2", {4.0, 3.7, 1e15}) == doctest::Approx(log_density("poisson", {4.0, 3.7})).epsilon(1e-9));
}

TEST_CASE("categorical and categorical_logit: values, support, invalid simplex") {
  const std::vector<double> theta{0.2, 0.5, 0.3};
  for (int y : {1, 2, 3}) {
    CHECK(evaluate(distribution("categorical").log_density, {{{double(y)}}, {theta, 3}})[0] ==
          doctest::Approx(std::log(theta[y - 1])));
    // softmax(log theta + 7) = theta.
    std::vector<double> beta;
    for (double t : theta) beta.push_back(std::log(t) + 7.0);
    CHECK(evaluate(distribution("categorical_logit").log_density, {{{double(y)}}, {beta, 3}})[0] ==
          doctest::Approx(std::log(theta[y - 1])).epsilon(1e-12));
  }
  CHECK(evaluate(distribution("categorical").log_density, {{{0.0}}, {theta, 3}})[0] == -inf);
  CHECK(evaluate(distribution("categorical").log_density, {{{4.0}}, {theta, 3}})[0] == -inf);
  CHECK(std::isnan(evaluate(distribution("categorical").log_density, {{{1.0}}, {{0.2, 0.5, 0.4}, 3}})[0]));
  CHECK(std::isnan(evaluate(distribution("categorical").log_density, {{{1.0}}, {{-0.2, 0.9, 0.3}, 3}})[0]));
  CHECK(evaluate(distribution("categorical_logit").log_density, {{{4.0}}, {{1.0, 2.0, 3.0}, 3}})[0] == -inf);
  CHECK(std::isnan(evaluate(distribution("categorical_logit").log_density, {{{1.0}}, {{1.0, inf, 3.0}, 3}})[0]));
  // Large logits do not overflow.
  CHECK(evaluate(distribution("categorical_logit").log_density, {{{2.0}}, {{1000.0, 1000.0}, 2}})[0] ==
        doctest::Approx(-std::log(2.0)));
}

TEST_CASE("discrete families: partials against finite differences, broadcast simplexes included") {
  check_partials(distribution("bernoulli"), {{{0.0, 1.0, 1.0}}, {{0.3, 0.6, 0.05}}});
  check_partials(distribution("bernoulli_logit"), {{{0.0, 1.0, 1.0}}, {{-2.0, 0.6, 5.0}}});
  check_partials(distribution("binomial"), {{{0.0, 3.0, 7.0}}, {{4.0, 10.0, 7.0}}, {{0.3, 0.6, 0.5}}});
  check_partials(distribution("binomial_logit"), {{{0.0, 3.0, 7.0}}, {{4.0, 10.0, 7.0}}, {{-0.3, 1.6, 0.5}}});
  check_partials(distribution("poisson"), {{{0.0, 3.0, 17.0}}, {{0.4, 10.0, 7.0}}});
  check_partials(distribution("poisson_log"), {{{0.0, 3.0, 17.0}}, {{-0.4, 1.0, 2.5}}});
  check_partials(distribution("neg_binomial_2"), {{{0.0, 3.0, 17.0, 5.0}}, {{0.4, 10.0, 7.0, 3.0}}, {{2.0, 0.3, 50.0, 5e3}}});
  // Simplex arguments stay simplexes only to 1e-8 under perturbation, so those partials use
  // a step of 1e-9: rounding error ~ 1e-16 / 1e-9 = 1e-7, hence the 1e-5 tolerance.
  const auto& categorical = distribution("categorical");
  check_partials(categorical, {{{1.0, 3.0}}, {{0.2, 0.5, 0.3, 0.6, 0.1, 0.3}, 3}}, 1e-5, 1e-9);
  check_partials(categorical, {{{1.0, 3.0, 2.0}}, {{0.2, 0.5, 0.3}, 3, true}}, 1e-5, 1e-9);
  const auto& logit = distribution("categorical_logit");
  check_partials(logit, {{{1.0, 3.0}}, {{0.2, -1.5, 3.0, 0.6, 0.1, 0.3}, 3}});
  check_partials(logit, {{{1.0, 3.0, 2.0}}, {{0.2, -1.5, 3.0}, 3, true}});
}

TEST_CASE("discrete families: samplers against their pmfs") {
  check_discrete_sampler(distribution("bernoulli"), {0.3}, 0, 1);
  check_discrete_sampler(distribution("bernoulli_logit"), {-0.8}, 0, 1);
  check_discrete_sampler(distribution("binomial"), {12.0, 0.35}, 0, 10);
  check_discrete_sampler(distribution("binomial"), {400.0, 0.5}, 185, 215);
  check_discrete_sampler(distribution("binomial_logit"), {12.0, 0.4}, 3, 11);
  check_discrete_sampler(distribution("poisson"), {3.5}, 0, 9);
  check_discrete_sampler(distribution("poisson"), {120.0}, 105, 135);
  check_discrete_sampler(distribution("poisson_log"), {1.0}, 0, 6);
  check_discrete_sampler(distribution("neg_binomial_2"), {4.0, 2.0}, 0, 10);
  // Categorical: counts per category against theta (and softmax(beta)).
  const std::size_t n = 20000;
  const std::vector<double> theta{0.2, 0.5, 0.3};
  std::vector<double> beta{std::log(0.2), std::log(0.5), std::log(0.3)};
  for (const char* name : {"categorical", "categorical_logit"}) {
    const std::vector<double>& parameter = std::string(name) == "categorical" ? theta : beta;
    const std::vector<ad::KernelArg> args{{parameter.data(), 3, true}};
    random::Stream stream(5);
    std::vector<double> draws(n);
    distribution(name).sample({n, args.data(), 1}, stream, draws.data());
    for (int y = 1; y <= 3; ++y)
      check_cell(static_cast<double>(std::count(draws.begin(), draws.end(), double(y))), theta[y - 1], n,
                 std::string(name) + " category " + std::to_string(y));
  }
}

}  // namespace
}  // namespace pm::test
