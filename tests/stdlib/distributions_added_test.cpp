// The distributions added for Stan users (std_normal, gumbel, chi_square, inv_chi_square,
// scaled_inv_chi_square, skew_normal, von_mises, neg_binomial_2_log, beta_binomial,
// discrete_range, ordered_logistic, ordered_probit, bernoulli_logit_glm, poisson_log_glm):
// log densities against Boost.Math distributions where Boost has them, otherwise against
// the closed form computed here by hand from Boost's special functions (the source is
// named per case); pmfs summing to 1; partials against finite differences; samplers
// against their own densities (distributions_harness.hpp, 5-sd cells).
// The gradients through the factor op are checked for every layout by
// distributions_factor_gradient_test.cpp (factor_gradient_points.hpp).
#include <doctest/doctest.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/extreme_value.hpp>
#include <boost/math/distributions/inverse_chi_squared.hpp>
#include <boost/math/distributions/negative_binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/distributions/skew_normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/bessel.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/binomial.hpp>

#include "distributions_harness.hpp"

namespace pm::test {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double pi = 3.14159265358979323846;

double inv_logit(double x) { return 1.0 / (1.0 + std::exp(-x)); }

TEST_CASE("std_normal and gumbel against Boost.Math (pdf, cdf, ccdf)") {
  check_against_boost("std_normal", boost::math::normal_distribution<double>(0.0, 1.0), {}, {-3.0, -0.4, 0.0, 1.2, 4.0});
  // Boost's extreme_value(a, b) is the Gumbel (maximum) distribution: F = exp(-exp(-(x - a) / b)).
  check_against_boost("gumbel", boost::math::extreme_value_distribution<double>(0.5, 2.0), {0.5, 2.0},
                      {-3.0, 0.0, 0.5, 2.5, 9.0});
  // Far tails: log Phi(-40) stays finite, the Gumbel's lower tail log F = -exp(-z).
  CHECK(std::isfinite(evaluate(distribution("std_normal").log_cdf, {{{-40.0}}})[0]));
  CHECK(evaluate(distribution("gumbel").log_cdf, {{{-20.0}}, {{0.0}}, {{1.0}}})[0] == doctest::Approx(-std::exp(20.0)));
  CHECK(std::isnan(log_density("gumbel", {1.0, 0.0, -1.0})));
  check_partials(distribution("std_normal"), {{{-2.0, 0.3, 5.0}}});
  check_all_partials(distribution("gumbel"), {{{-1.0, 0.2, 3.0}}, {{0.5, 0.0, 1.0}}, {{2.0, 0.7, 1.5}}});
  check_partials(distribution("std_normal").log_cdf, distribution("std_normal"), {{{-2.0, 0.3, 5.0}}});
  check_partials(distribution("std_normal").log_ccdf, distribution("std_normal"), {{{-2.0, 0.3, 5.0}}});
}

TEST_CASE("chi_square, inv_chi_square, scaled_inv_chi_square against Boost.Math") {
  for (double y : {0.05, 0.7, 2.0, 11.0}) {
    INFO("y = " << y);
    for (double nu : {0.8, 2.0, 5.5}) {
      check_close(log_density("chi_square", {y, nu}), std::log(pdf(boost::math::chi_squared_distribution<double>(nu), y)), 1e-10);
      // Boost's inverse_chi_squared(nu, scale): scale 1 / nu is the unscaled one.
      check_close(log_density("inv_chi_square", {y, nu}),
                  std::log(pdf(boost::math::inverse_chi_squared_distribution<double>(nu, 1.0 / nu), y)), 1e-10);
      check_close(log_density("scaled_inv_chi_square", {y, nu, 0.6}),
                  std::log(pdf(boost::math::inverse_chi_squared_distribution<double>(nu, 0.36), y)), 1e-10);
    }
  }
  CHECK(log_density("chi_square", {-1.0, 3.0}) == -inf);
  CHECK(log_density("inv_chi_square", {0.0, 3.0}) == -inf);
  CHECK(std::isnan(log_density("chi_square", {1.0, -3.0})));
  CHECK(std::isnan(log_density("scaled_inv_chi_square", {1.0, 3.0, 0.0})));
  check_partials(distribution("chi_square"), {{{0.5, 2.0, 7.0}}, {{1.5, 3.0, 6.0}}});
  check_partials(distribution("inv_chi_square"), {{{0.5, 2.0, 7.0}}, {{1.5, 3.0, 6.0}}});
  check_partials(distribution("scaled_inv_chi_square"), {{{0.5, 2.0, 7.0}}, {{1.5, 3.0, 6.0}}, {{0.4, 1.0, 2.5}}});
}

TEST_CASE("skew_normal against Boost.Math; von_mises against its closed form") {
  for (double y : {-4.0, -0.5, 0.3, 2.0, 6.0})
    for (double alpha : {-3.0, 0.0, 1.5, 8.0}) {
      INFO("y = " << y << ", alpha = " << alpha);
      check_close(log_density("skew_normal", {y, 0.5, 1.7, alpha}),
                  std::log(pdf(boost::math::skew_normal_distribution<double>(0.5, 1.7, alpha), y)), 1e-10);
    }
  // von Mises: p = exp(kappa cos(y - mu)) / (2 pi I0(kappa)), I0 from Boost's cyl_bessel_i.
  for (double y : {-3.0, -1.0, 0.0, 2.5})
    for (double kappa : {0.0, 0.3, 4.0, 60.0}) {
      INFO("y = " << y << ", kappa = " << kappa);
      const double expected = kappa * std::cos(y - 0.4) - std::log(2.0 * pi * boost::math::cyl_bessel_i(0, kappa));
      check_close(log_density("von_mises", {y, 0.4, kappa}), expected, 1e-10);
    }
  // Large kappa: no overflow (I0(1000) overflows a double; the scaled form does not).
  CHECK(log_density("von_mises", {0.4, 0.4, 1000.0}) ==
        doctest::Approx(0.5 * std::log(1000.0 / (2.0 * pi))).epsilon(1e-3));
  CHECK(std::isnan(log_density("von_mises", {0.0, 0.0, -1.0})));
  check_partials(distribution("skew_normal"), {{{-1.0, 0.4, 2.0}}, {{0.0, 0.1, -0.5}}, {{1.0, 2.0, 0.7}}, {{-2.0, 0.5, 3.0}}});
  check_partials(distribution("von_mises"), {{{-1.0, 0.4, 2.0}}, {{0.0, 0.1, -0.5}}, {{0.5, 2.0, 30.0}}});
}

TEST_CASE("neg_binomial_2_log against Boost.Math; beta_binomial against its closed form") {
  for (int n : {0, 1, 4, 30}) {
    const double eta = 1.3, phi = 2.2, mu = std::exp(eta);
    const double expected = std::log(pdf(boost::math::negative_binomial_distribution<double>(phi, phi / (mu + phi)), n));
    check_close(log_density("neg_binomial_2_log", {double(n), eta, phi}), expected, 1e-10);
  }
  // A large log mean does not overflow (mu = e^800).
  CHECK(std::isfinite(log_density("neg_binomial_2_log", {3.0, 800.0, 2.0})));
  // beta_binomial(n | N, a, b) = choose(N, n) B(n + a, N - n + b) / B(a, b) (Boost's
  // binomial_coefficient and beta), and the pmf sums to 1 over 0..N.
  double total = 0.0;
  for (int n = 0; n <= 12; ++n) {
    const double expected = boost::math::binomial_coefficient<double>(12, static_cast<unsigned>(n)) *
                            boost::math::beta(n + 0.7, 12 - n + 2.5) / boost::math::beta(0.7, 2.5);
    const double value = log_density("beta_binomial", {double(n), 12.0, 0.7, 2.5});
    check_close(value, std::log(expected), 1e-10);
    total += std::exp(value);
  }
  CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(log_density("beta_binomial", {13.0, 12.0, 0.7, 2.5}) == -inf);
  CHECK(std::isnan(log_density("beta_binomial", {1.0, 12.0, -0.7, 2.5})));
  check_partials(distribution("neg_binomial_2_log"), {{{0.0, 3.0, 9.0}}, {{-0.5, 1.0, 2.0}}, {{0.7, 3.0, 20.0}}});
  check_partials(distribution("beta_binomial"), {{{0.0, 3.0, 9.0}}, {{4.0, 10.0, 9.0}}, {{0.7, 3.0, 2.0}}, {{1.5, 0.4, 6.0}}});
  check_discrete_sampler(distribution("neg_binomial_2_log"), {1.0, 3.0}, 0, 12);
  check_discrete_sampler(distribution("beta_binomial"), {12.0, 0.7, 2.5}, 0, 12);
}

TEST_CASE("discrete_range: uniform on the ints between its bounds") {
  for (int y = -2; y <= 3; ++y) check_close(log_density("discrete_range", {double(y), -2.0, 3.0}), -std::log(6.0), 1e-15);
  CHECK(log_density("discrete_range", {4.0, -2.0, 3.0}) == -inf);
  CHECK(log_density("discrete_range", {0.5, -2.0, 3.0}) == -inf);
  CHECK(log_density("discrete_range", {5.0, 5.0, 5.0}) == 0.0);
  CHECK(std::isnan(log_density("discrete_range", {1.0, 3.0, 2.0})));
  check_discrete_sampler(distribution("discrete_range"), {-2.0, 3.0}, -2, 3);
}

// ordered_logistic: P(y = k) = inv_logit(eta - c_{k-1}) - inv_logit(eta - c_k) (Stan's
// definition, computed here directly); ordered_probit the same with Boost's normal CDF.
TEST_CASE("ordered_logistic and ordered_probit: category probabilities, tails, partials") {
  const std::vector<double> cuts{-1.0, 0.2, 1.5};
  for (double eta : {-2.0, 0.0, 0.7, 3.0}) {
    double logistic_total = 0.0, probit_total = 0.0;
    for (int k = 1; k <= 4; ++k) {
      INFO("eta = " << eta << ", k = " << k);
      const double upper = k == 4 ? 0.0 : inv_logit(eta - cuts[k - 1]);
      const double lower = k == 1 ? 1.0 : inv_logit(eta - cuts[k - 2]);
      const std::vector<Arg> args{{{double(k)}}, {{eta}}, {cuts, 3}};
      const double logistic = evaluate(distribution("ordered_logistic").log_density, args)[0];
      check_close(logistic, std::log(lower - upper), 1e-10);
      const boost::math::normal_distribution<double> standard;
      const double hi = k == 4 ? 1.0 : cdf(standard, cuts[k - 1] - eta), lo = k == 1 ? 0.0 : cdf(standard, cuts[k - 2] - eta);
      const double probit = evaluate(distribution("ordered_probit").log_density, args)[0];
      check_close(probit, std::log(hi - lo), 1e-10);
      logistic_total += std::exp(logistic);
      probit_total += std::exp(probit);
    }
    CHECK(logistic_total == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(probit_total == doctest::Approx(1.0).epsilon(1e-12));
  }
  // Far in the tails the middle categories keep their tiny probabilities (no 1 - 1 cancellation).
  const double far = evaluate(distribution("ordered_probit").log_density, {{{3.0}}, {{-30.0}}, {cuts, 3}})[0];
  CHECK(std::isfinite(far));
  CHECK(far < -400.0);
  CHECK(evaluate(distribution("ordered_logistic").log_density, {{{5.0}}, {{0.0}}, {cuts, 3}})[0] == -inf);
  CHECK(std::isnan(evaluate(distribution("ordered_logistic").log_density, {{{1.0}}, {{0.0}}, {{0.5, 0.2, 1.0}, 3}})[0]));
  for (const char* name : {"ordered_logistic", "ordered_probit"}) {
    check_partials(distribution(name), {{{1.0, 2.0, 3.0, 4.0}}, {{0.3, -0.5, 1.0, 2.0}}, {{-1.0, 0.2, 1.5}, 3, true}});
  }
}

TEST_CASE("ordered samplers against their pmfs") {
  const std::vector<double> cuts{-1.0, 0.2, 1.5};
  for (const char* name : {"ordered_logistic", "ordered_probit"}) {
    const std::size_t n = 20000;
    const std::vector<Arg> parameters{{std::vector<double>(n, 0.4)}, {cuts, 3, true}};
    const auto kernel_arguments = kernel_args(parameters);
    ad::KernelCall call{n, kernel_arguments.data(), kernel_arguments.size()};
    random::Stream stream(5);
    std::vector<double> draws(n);
    distribution(name).sample(call, stream, draws.data());
    for (int k = 1; k <= 4; ++k) {
      const double p = std::exp(evaluate(distribution(name).log_density, {{{double(k)}}, {{0.4}}, {cuts, 3}})[0]);
      check_cell(static_cast<double>(std::count(draws.begin(), draws.end(), double(k))), p, n,
                 std::string(name) + " category " + std::to_string(k));
    }
  }
}

// The GLMs equal their base distribution at eta = alpha + x . beta (Boost's Poisson pmf).
TEST_CASE("bernoulli_logit_glm and poisson_log_glm: the base distribution at the linear predictor") {
  const std::vector<double> row{0.5, -1.0, 2.0}, beta{0.3, 0.1, -0.2};
  const double alpha = 0.25, eta = alpha + 0.5 * 0.3 - 1.0 * 0.1 - 2.0 * 0.2;
  for (int y : {0, 1}) {
    const double value = evaluate(distribution("bernoulli_logit_glm").log_density, {{{double(y)}}, {row, 3}, {{alpha}}, {beta, 3}})[0];
    check_close(value, std::log(y == 1 ? inv_logit(eta) : 1.0 - inv_logit(eta)), 1e-12);
  }
  for (int y : {0, 2, 9}) {
    const double value = evaluate(distribution("poisson_log_glm").log_density, {{{double(y)}}, {row, 3}, {{alpha}}, {beta, 3}})[0];
    check_close(value, std::log(pdf(boost::math::poisson_distribution<double>(std::exp(eta)), y)), 1e-10);
  }
  CHECK(evaluate(distribution("bernoulli_logit_glm").log_density, {{{2.0}}, {row, 3}, {{alpha}}, {beta, 3}})[0] == -inf);
  check_partials(distribution("bernoulli_logit_glm"), {{{0.0, 1.0}}, {{0.5, -1.0, 2.0, 0.1, 0.2, 0.3}, 3}, {{0.2, -0.4}}, {beta, 3, true}});
  check_partials(distribution("poisson_log_glm"), {{{0.0, 4.0}}, {{0.5, -1.0, 2.0, 0.1, 0.2, 0.3}, 3}, {{0.2, -0.4}}, {beta, 3, true}});
}

// multi_student_t: in one dimension it is student_t(nu, mu, sqrt(Sigma)) (Boost's t pdf of
// the standardized value over sigma); in two, the closed form with the 2 x 2 inverse and
// determinant written out by hand.
TEST_CASE("multi_student_t: reference values, invalid arguments, partials, sampler") {
  for (double y : {-2.0, 0.1, 3.5}) {
    const double nu = 3.5, mu = 0.4, sigma = 1.3;
    const double expected = std::log(pdf(boost::math::students_t_distribution<double>(nu), (y - mu) / sigma) / sigma);
    check_close(evaluate(distribution("multi_student_t").log_density, {{{y}, 1}, {{nu}}, {{mu}, 1}, {{sigma * sigma}, 1}})[0],
                expected, 1e-10);
  }
  const double nu = 4.0, s11 = 2.0, s12 = 0.6, s22 = 1.5, r1 = 0.7, r2 = -1.1;
  const double det = s11 * s22 - s12 * s12;
  const double q = (s22 * r1 * r1 - 2.0 * s12 * r1 * r2 + s11 * r2 * r2) / det;
  const double expected = std::lgamma((nu + 2.0) / 2.0) - std::lgamma(nu / 2.0) - std::log(nu * pi) -
                          0.5 * std::log(det) - 0.5 * (nu + 2.0) * std::log1p(q / nu);
  const std::vector<Arg> args{{{r1 + 0.2, r2 - 0.3}, 2}, {{nu}}, {{0.2, -0.3}, 2}, {{s11, s12, s12, s22}, 4}};
  check_close(evaluate(distribution("multi_student_t").log_density, args)[0], expected, 1e-12);
  CHECK(std::isnan(evaluate(distribution("multi_student_t").log_density,
                            {{{0.0, 0.0}, 2}, {{-1.0}}, {{0.0, 0.0}, 2}, {{1.0, 0.0, 0.0, 1.0}, 4}})[0]));
  CHECK(std::isnan(evaluate(distribution("multi_student_t").log_density,
                            {{{0.0, 0.0}, 2}, {{3.0}}, {{0.0, 0.0}, 2}, {{1.0, 2.0, 2.0, 1.0}, 4}})[0]));
  // A symmetric Sigma perturbed one entry at a time stays within the 1e-8 symmetry
  // tolerance only for steps below it: step 1e-9, tolerance 1e-5 (as multi_normal's test).
  check_partials(distribution("multi_student_t").log_density, distribution("multi_student_t"), args, 1e-5, 1e-9);
  // The sampler in one dimension against its density (the t).
  const std::size_t n = 20000;
  const std::vector<Arg> parameters{{std::vector<double>(n, 3.5)}, {{0.4}, 1, true}, {{1.69}, 1, true}};
  const auto kernel_arguments = kernel_args(parameters);
  ad::KernelCall call{n, kernel_arguments.data(), kernel_arguments.size()};
  random::Stream stream(3);
  std::vector<double> draws(n);
  distribution("multi_student_t").sample(call, stream, draws.data());
  const boost::math::students_t_distribution<double> t(3.5);
  for (double edge : {-2.0, 0.0, 0.4, 1.5, 4.0}) {
    const double p = cdf(t, (edge - 0.4) / 1.3);
    check_cell(static_cast<double>(std::count_if(draws.begin(), draws.end(), [&](double x) { return x < edge; })), p, n,
               "multi_student_t below " + std::to_string(edge));
  }
}

TEST_CASE("continuous samplers of the added distributions against their densities") {
  check_continuous_sampler(distribution("std_normal"), {}, evenly_spaced(-3.0, 3.0, 12));
  check_continuous_sampler(distribution("gumbel"), {0.5, 2.0}, evenly_spaced(-3.0, 9.0, 12));
  check_continuous_sampler(distribution("chi_square"), {3.0}, evenly_spaced(0.0, 10.0, 10));
  check_continuous_sampler(distribution("inv_chi_square"), {4.0}, evenly_spaced(0.02, 1.5, 10));
  check_continuous_sampler(distribution("scaled_inv_chi_square"), {4.0, 0.6}, evenly_spaced(0.05, 2.0, 10));
  check_continuous_sampler(distribution("skew_normal"), {0.5, 1.7, 3.0}, evenly_spaced(-2.0, 5.0, 14));
  check_continuous_sampler(distribution("von_mises"), {0.4, 2.0}, evenly_spaced(0.4 - pi, 0.4 + pi, 12));
}

}  // namespace
}  // namespace pm::test
