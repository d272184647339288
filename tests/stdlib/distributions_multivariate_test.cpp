// dirichlet, multi_normal, multi_normal_cholesky, lkj_corr_cholesky: reference values (by
// hand and through reductions to univariate Boost densities), invalid arguments, partials
// against finite differences with per-element and broadcast events, sampler moments.
#include <doctest/doctest.h>

#include <boost/math/distributions/beta.hpp>
#include <numbers>

#include "distributions_harness.hpp"

namespace pm::test {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// Draws n outcomes of event size `outcome_size` with parameters broadcast from one event each.
std::vector<double> sample_events(const DistributionEntry& entry, const std::vector<Arg>& parameters,
                                  std::size_t n, std::size_t outcome_size, std::uint64_t seed) {
  std::vector<ad::KernelArg> args;
  for (const Arg& a : parameters) args.push_back({a.values.empty() ? nullptr : a.values.data(), a.event_size, a.broadcast});
  random::Stream stream(seed);
  std::vector<double> out(n * outcome_size);
  entry.sample({n, args.data(), args.size()}, stream, out.data());
  return out;
}

// Sample mean of f over draws, checked against `mean` within 5 standard errors (sd estimated
// from the draws): fails with probability < 6e-7 for a correct sampler.
template <class F>
void check_mean(std::size_t n, F&& f, double mean, const std::string& label) {
  double total = 0.0, total_square = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = f(i);
    total += v;
    total_square += v * v;
  }
  const double m = total / double(n);
  const double sd = std::sqrt(std::max(total_square / double(n) - m * m, 0.0));
  INFO(label << ": sample mean " << m << ", expected " << mean);
  CHECK(std::abs(m - mean) <= 5.0 * sd / std::sqrt(double(n)) + 1e-12);
}

TEST_CASE("dirichlet: reference values, support, invalid, partials, sampler") {
  const auto& entry = distribution("dirichlet");
  // K = 2 reduces to beta(theta_1 | a, b); alpha = (1, 1, 1) is uniform on the simplex, 2.
  for (double theta : {0.1, 0.5, 0.85}) {
    CHECK(evaluate(entry.log_density, {{{theta, 1.0 - theta}, 2}, {{2.5, 0.7}, 2}})[0] ==
          doctest::Approx(std::log(boost::math::pdf(boost::math::beta_distribution<double>(2.5, 0.7), theta))).epsilon(1e-10));
  }
  CHECK(evaluate(entry.log_density, {{{0.2, 0.3, 0.5}, 3}, {{1.0, 1.0, 1.0}, 3}})[0] == doctest::Approx(std::log(2.0)));
  CHECK(evaluate(entry.log_density, {{{0.2, 0.3, 0.6}, 3}, {{1.0, 1.0, 1.0}, 3}})[0] == -inf);
  CHECK(evaluate(entry.log_density, {{{-0.2, 0.7, 0.5}, 3}, {{1.0, 1.0, 1.0}, 3}})[0] == -inf);
  CHECK(std::isnan(evaluate(entry.log_density, {{{0.2, 0.3, 0.5}, 3}, {{1.0, 0.0, 1.0}, 3}})[0]));
  // Simplex outcomes tolerate 1e-8 only: step 1e-9, tolerance 1e-5 (rounding ~1e-7).
  check_partials(entry, {{{0.2, 0.3, 0.5, 0.6, 0.1, 0.3}, 3}, {{2.0, 0.5, 3.0, 1.5, 4.0, 0.8}, 3}}, 1e-5, 1e-9);
  check_partials(entry, {{{0.2, 0.3, 0.5, 0.6, 0.1, 0.3}, 3}, {{2.0, 0.5, 3.0}, 3, true}}, 1e-5, 1e-9);
  // Sampler: E theta_k = alpha_k / alpha_0; small alphas exercise the log-space normalization.
  for (const std::vector<double>& alpha : {std::vector<double>{2.0, 0.5, 3.0}, std::vector<double>{0.05, 0.1, 0.02}}) {
    const std::size_t n = 20000;
    const auto draws = sample_events(entry, {{alpha, 3, true}}, n, 3, 17);
    const double alpha_sum = alpha[0] + alpha[1] + alpha[2];
    for (std::size_t i = 0; i < n; ++i) REQUIRE(std::abs(draws[3 * i] + draws[3 * i + 1] + draws[3 * i + 2] - 1.0) < 1e-12);
    for (std::size_t k = 0; k < 3; ++k)
      check_mean(n, [&](std::size_t i) { return draws[3 * i + k]; }, alpha[k] / alpha_sum, "dirichlet component");
  }
}

// Sigma = [[2, 0.6], [0.6, 1]]: det 1.64, inverse [[1, -0.6], [-0.6, 2]] / 1.64, and its
// Cholesky factor [[sqrt 2, 0], [0.6 / sqrt 2, sqrt 0.82]], all by hand.
const std::vector<double> sigma_2x2{2.0, 0.6, 0.6, 1.0};
const std::vector<double> factor_2x2{std::sqrt(2.0), 0.6 / std::sqrt(2.0), 0.0, std::sqrt(0.82)};

TEST_CASE("multi_normal and multi_normal_cholesky: reference values and invalid matrices") {
  const double r0 = 1.0 - 0.5, r1 = -0.5 - 1.0;  // y = (1, -0.5), mu = (0.5, 1)
  const double quadratic = (r0 * r0 * 1.0 - 2.0 * 0.6 * r0 * r1 + 2.0 * r1 * r1) / 1.64;
  const double expected = -std::log(2.0 * std::numbers::pi) - 0.5 * std::log(1.64) - 0.5 * quadratic;
  const std::vector<Arg> y_mu{{{1.0, -0.5}, 2}, {{0.5, 1.0}, 2}};
  auto with = [&](std::vector<double> matrix) {
    std::vector<Arg> args = y_mu;
    args.push_back({matrix, 4});
    return args;
  };
  CHECK(evaluate(distribution("multi_normal").log_density, with(sigma_2x2))[0] == doctest::Approx(expected).epsilon(1e-12));
  CHECK(evaluate(distribution("multi_normal_cholesky").log_density, with(factor_2x2))[0] ==
        doctest::Approx(expected).epsilon(1e-12));
  // Entries above the diagonal of L are ignored.
  CHECK(evaluate(distribution("multi_normal_cholesky").log_density, with({factor_2x2[0], factor_2x2[1], 9.0, factor_2x2[3]}))[0] ==
        doctest::Approx(expected).epsilon(1e-12));
  // K = 1 is the univariate normal.
  CHECK(evaluate(distribution("multi_normal").log_density, {{{0.3}, 1}, {{-1.0}, 1}, {{4.0}, 1}})[0] ==
        doctest::Approx(log_density("normal", {0.3, -1.0, 2.0})).epsilon(1e-12));
  CHECK(std::isnan(evaluate(distribution("multi_normal").log_density, with({1.0, 2.0, 2.0, 1.0}))[0]));  // not PD
  CHECK(std::isnan(evaluate(distribution("multi_normal").log_density, with({2.0, 0.6, 0.5, 1.0}))[0]));  // asymmetric
  CHECK(std::isnan(evaluate(distribution("multi_normal_cholesky").log_density, with({-1.0, 0.5, 0.0, 1.0}))[0]));
  CHECK(std::isnan(evaluate(distribution("multi_normal_cholesky").log_density, with({1.0, 0.5, 0.0, 0.0}))[0]));
}

TEST_CASE("multi_normal and multi_normal_cholesky: partials with own and broadcast matrices") {
  // K = 3, two elements. Sigma must stay symmetric to 1e-8 under perturbation: step 1e-9,
  // tolerance 1e-5 (rounding error ~ 1e-16 * |log p| / 1e-9 ~ 1e-6).
  const std::vector<double> y{0.3, -1.0, 2.0, 1.5, 0.2, -0.4};
  const std::vector<double> mu{0.0, 0.5, 1.0, -0.2, 0.1, 0.3};
  const std::vector<double> sigma{2.0, 0.3, -0.2, 0.3, 1.5, 0.4, -0.2, 0.4, 1.0};
  const std::vector<double> sigma_b{1.0, 0.1, 0.0, 0.1, 0.8, -0.3, 0.0, -0.3, 2.5};
  std::vector<double> both = sigma;
  both.insert(both.end(), sigma_b.begin(), sigma_b.end());
  const auto& multi_normal = distribution("multi_normal");
  check_partials(multi_normal, {{y, 3}, {mu, 3}, {both, 9}}, 1e-5, 1e-9);
  check_partials(multi_normal, {{y, 3}, {mu, 3}, {sigma, 9, true}}, 1e-5, 1e-9);
  check_partials(multi_normal, {{y, 3}, {{0.0, 0.5, 1.0}, 3, true}, {sigma, 9, true}}, 1e-5, 1e-9);
  const std::vector<double> factor{1.5, 0.3, -0.2, 0.0, 1.2, 0.4, 0.0, 0.0, 0.9};
  const auto& cholesky = distribution("multi_normal_cholesky");
  check_partials(cholesky, {{y, 3}, {mu, 3}, {factor, 9, true}});
  std::vector<double> factors = factor;
  factors.insert(factors.end(), {0.7, -0.5, 0.1, 0.0, 2.0, 0.3, 0.0, 0.0, 1.1});
  check_partials(cholesky, {{y, 3}, {mu, 3}, {factors, 9}});
}

TEST_CASE("multi_normal and multi_normal_cholesky: sampler means and covariances") {
  // Sample covariance entries within 5 standard errors, sd of the product estimated.
  const std::size_t n = 20000;
  const std::vector<double> mu{1.0, -2.0};
  for (const char* name : {"multi_normal", "multi_normal_cholesky"}) {
    const auto& matrix = std::string(name) == "multi_normal" ? sigma_2x2 : factor_2x2;
    const auto draws = sample_events(distribution(name), {{mu, 2, true}, {matrix, 4, true}}, n, 2, 23);
    for (std::size_t k = 0; k < 2; ++k) check_mean(n, [&](std::size_t i) { return draws[2 * i + k]; }, mu[k], name);
    for (std::size_t a = 0; a < 2; ++a)
      for (std::size_t b = 0; b < 2; ++b)
        check_mean(n, [&](std::size_t i) { return (draws[2 * i + a] - mu[a]) * (draws[2 * i + b] - mu[b]); },
                   sigma_2x2[a + 2 * b], std::string(name) + " covariance");
  }
}

TEST_CASE("lkj_corr_cholesky: normalization, invalid, partials, sampler") {
  const auto& entry = distribution("lkj_corr_cholesky");
  // K = 2: L = [[1, 0], [r, sqrt(1 - r^2)]] and (r + 1) / 2 ~ Beta(eta, eta), so the density
  // of r is beta_pdf((r + 1) / 2) / 2.
  for (double eta : {0.5, 1.0, 3.0}) {
    for (double r : {-0.7, 0.1, 0.95}) {
      const double expected = std::log(0.5 * boost::math::pdf(boost::math::beta_distribution<double>(eta, eta), (r + 1.0) / 2.0));
      CHECK(evaluate(entry.log_density, {{{1.0, r, 0.0, std::sqrt(1.0 - r * r)}, 4}, {{eta}}})[0] ==
            doctest::Approx(expected).epsilon(1e-10));
    }
  }
  // K = 3, eta = 1: uniform on correlation matrices, whose volume is pi^2 / 2; the Jacobian of
  // L -> L L' is L_22^1 L_33^0, so log p = log L_22 - log(pi^2 / 2).
  const double a = 0.3, b = -0.4, c = 0.5;  // L rows: (1), (a, sqrt(1-a^2)), (b, c', ...)
  const double l22 = std::sqrt(1.0 - a * a), l32 = c * std::sqrt(1.0 - b * b), l33 = std::sqrt(1.0 - b * b - l32 * l32);
  const std::vector<double> factor{1.0, a, b, 0.0, l22, l32, 0.0, 0.0, l33};
  CHECK(evaluate(entry.log_density, {{factor, 9}, {{1.0}}})[0] ==
        doctest::Approx(std::log(l22) - std::log(std::numbers::pi * std::numbers::pi / 2.0)).epsilon(1e-12));
  CHECK(std::isnan(evaluate(entry.log_density, {{factor, 9}, {{0.0}}})[0]));
  CHECK(evaluate(entry.log_density, {{{1.0, 0.5, 0.0, 1.5}, 4}, {{2.0}}})[0] == -inf);
  // Partials in L (diagonal only) and eta; the unit diagonal L_11 tolerates 1e-8, so step 1e-9.
  std::vector<double> factors = factor;
  factors.insert(factors.end(), {1.0, -0.6, 0.2, 0.0, 0.8, 0.3, 0.0, 0.0, std::sqrt(1.0 - 0.04 - 0.09)});
  check_partials(entry, {{factors, 9}, {{0.7, 2.5}}}, 1e-5, 1e-9);
  // Sampler, K = 4, eta = 2: rows of L have unit norm, and each correlation (L L')_ij has
  // mean 0 and variance 1 / (2 eta + K - 1) = 1/7 (its (r + 1) / 2 is Beta(eta - 1 + K/2, same)).
  const std::size_t n = 20000, size = 4;
  const auto draws = sample_events(entry, {{{2.0}, 1, false}, {{}, size * size}}, 1, size * size, 3);
  std::vector<double> many(n * size * size);
  {
    const std::vector<double> eta(n, 2.0);
    const std::vector<ad::KernelArg> args{{eta.data()}, {nullptr, size * size}};
    random::Stream stream(41);
    entry.sample({n, args.data(), 2}, stream, many.data());
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double* l = many.data() + i * size * size;
    for (std::size_t r = 0; r < size; ++r) {
      double norm = 0.0;
      for (std::size_t col = 0; col <= r; ++col) norm += l[r + col * size] * l[r + col * size];
      REQUIRE(std::abs(norm - 1.0) < 1e-12);
      REQUIRE(l[r + r * size] > 0.0);
    }
  }
  auto correlation = [&](std::size_t i, std::size_t r, std::size_t s) {
    const double* l = many.data() + i * size * size;
    double total = 0.0;
    for (std::size_t col = 0; col < size; ++col) total += l[r + col * size] * l[s + col * size];
    return total;
  };
  for (auto [r, s] : {std::pair<std::size_t, std::size_t>{1, 0}, {2, 1}, {3, 0}, {3, 2}}) {
    check_mean(n, [&](std::size_t i) { return correlation(i, r, s); }, 0.0, "lkj correlation mean");
    check_mean(n, [&](std::size_t i) { return correlation(i, r, s) * correlation(i, r, s); }, 1.0 / 7.0,
               "lkj correlation variance");
  }
  CHECK(draws.size() == size * size);
}

}  // namespace
}  // namespace pm::test
