// The NUTS sampler's invariants on closed-form targets (engine/infer/nuts.hpp): the leapfrog
// is reversible and its energy error is O(epsilon^2); one transition leaves the target
// invariant (detailed balance of the multinomial selection, checked statistically); the
// adaptation's windows are Stan's.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "engine/infer/hmc_adaptation.hpp"
#include "engine/infer/nuts.hpp"
#include "engine/random/stream.hpp"

namespace pm::infer {
namespace {

// log N(q | 0, Sigma) up to a constant, Sigma = [[1, rho], [rho, 1]] (scaled by s0^2, s1^2).
LogDensityFunction correlated_normal(double rho, double s0, double s1) {
  return [=](std::span<const double> q, std::span<double> gradient) {
    const double a = q[0] / s0, b = q[1] / s1, det = 1 - rho * rho;
    gradient[0] = -(a - rho * b) / det / s0;
    gradient[1] = -(b - rho * a) / det / s1;
    return -0.5 * (a * a - 2 * rho * a * b + b * b) / det;
  };
}

// log p(x) = -x^4 / 4: a light-tailed, non-Gaussian target with E[x^2] = 2 Gamma(3/4) / Gamma(1/4)
// and E[x^4] = 1 (integration by parts: E[x^4] = E[x * x^3] = E[1] for the density exp(-x^4/4)).
double quartic(std::span<const double> q, std::span<double> gradient) {
  gradient[0] = -q[0] * q[0] * q[0];
  return -0.25 * q[0] * q[0] * q[0] * q[0];
}

// Exact draws from exp(-x^4/4) by rejection from normal(0, 1): exp(-x^4/4 + x^2/2) <= e^(1/4).
double quartic_draw(random::Stream& stream) {
  for (;;) {
    double x = stream.normal();
    if (std::log(stream.uniform_open()) < -0.25 * x * x * x * x + 0.5 * x * x - 0.25) return x;
  }
}

TEST_CASE("the leapfrog integrator is reversible") {
  NutsSampler sampler(correlated_normal(0.9, 1.0, 3.0), 2, EuclideanMetric(2, false), 10);
  std::vector<double> q0 = {0.3, -1.2};
  REQUIRE(sampler.set_point(q0));
  PhasePoint z = sampler.point();
  z.p = Eigen::VectorXd(2);
  z.p << 0.7, -0.4;
  const PhasePoint start = z;
  for (int step = 0; step < 25; ++step) sampler.leapfrog(z, 0.2);
  CHECK((z.q - start.q).norm() > 0.1);  // it moved
  for (int step = 0; step < 25; ++step) sampler.leapfrog(z, -0.2);
  CHECK((z.q - start.q).norm() < 1e-12);
  CHECK((z.p - start.p).norm() < 1e-12);
}

TEST_CASE("the leapfrog's energy error falls as epsilon^2") {
  // Over a fixed integration time the global error of the Störmer-Verlet integrator is
  // O(epsilon^2): halving epsilon divides the worst energy error by about 4 (3 to 5 allowed).
  auto worst_error = [](double epsilon) {
    NutsSampler sampler(correlated_normal(0.5, 1.0, 1.0), 2, EuclideanMetric(2, false), 10);
    std::vector<double> q0 = {1.0, 0.5};
    REQUIRE(sampler.set_point(q0));
    PhasePoint z = sampler.point();
    z.p = Eigen::VectorXd(2);
    z.p << -0.3, 0.8;
    const double H0 = sampler.hamiltonian(z);
    double worst = 0;
    const int steps = static_cast<int>(std::lround(2.0 / epsilon));
    for (int step = 0; step < steps; ++step) {
      sampler.leapfrog(z, epsilon);
      worst = std::max(worst, std::abs(sampler.hamiltonian(z) - H0));
    }
    return worst;
  };
  const double coarse = worst_error(0.1), fine = worst_error(0.05);
  CHECK(coarse > 0);
  CHECK(coarse / fine > 3.0);
  CHECK(coarse / fine < 5.0);
}

TEST_CASE("one NUTS transition leaves the target invariant") {
  // Start 20000 independent points from the exact target, take one transition from each with a
  // deliberately large step size (so that the integrator's error is large and only a correct
  // multinomial selection keeps the target), and compare the moments of the results with the
  // exact ones. Each moment's standard error is estimated from the draws themselves; 4.5 se
  // bounds a seeded failure far beyond chance (for four checks, p < 3e-5).
  const std::size_t n = 20000;
  random::Stream stream(20261207);
  NutsSampler sampler(quartic, 1, EuclideanMetric(1, false), 8);
  sampler.set_step_size(1.3);
  std::vector<double> moved(n);
  std::size_t jumped = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> q = {quartic_draw(stream)};
    REQUIRE(sampler.set_point(q));
    sampler.transition(stream);
    moved[i] = sampler.point().q[0];
    jumped += moved[i] != q[0] ? 1 : 0;
  }
  CHECK(jumped > n / 2);
  auto check_moment = [&](auto f, double exact) {
    double sum = 0, sum2 = 0;
    for (double x : moved) sum += f(x), sum2 += f(x) * f(x);
    const double mean = sum / n, se = std::sqrt((sum2 / n - mean * mean) / n);
    CAPTURE(mean);
    CAPTURE(exact);
    CHECK(std::abs(mean - exact) < 4.5 * se);
  };
  const double second = 2 * std::tgamma(0.75) / std::tgamma(0.25);
  check_moment([](double x) { return x; }, 0.0);
  check_moment([](double x) { return x * x; }, second);
  check_moment([](double x) { return x * x * x * x; }, 1.0);
  // P(x > 1) by Simpson's rule on [1, 6] and [-6, 6] (the density is below 1e-140 beyond).
  auto integral = [](double a, double b) {
    const int m = 20000;
    const double h = (b - a) / m;
    double total = 0;
    for (int k = 0; k <= m; ++k) {
      const double x = a + k * h;
      total += (k == 0 || k == m ? 1 : k % 2 ? 4 : 2) * std::exp(-0.25 * x * x * x * x);
    }
    return total * h / 3;
  };
  check_moment([](double x) { return x > 1.0 ? 1.0 : 0.0; }, integral(1, 6) / integral(-6, 6));
}

TEST_CASE("a chain on a correlated normal recovers its moments") {
  // A long run with the adaptation of the service (hmc_adaptation.hpp) on a strongly
  // correlated 2-D normal: the means within 0.1 and the variances within 10% (about 4 MCSE
  // for 4000 draws at the ESS NUTS reaches here, >= 1000).
  const double rho = 0.95;
  NutsSampler sampler(correlated_normal(rho, 1.0, 2.0), 2, EuclideanMetric(2, false), 10);
  random::Stream stream(7);
  std::vector<double> q0 = {0.5, -0.5};
  REQUIRE(sampler.set_point(q0));
  StepSizeAdaptation adaptation(0.8);
  double step = sampler.find_reasonable_step_size(stream, 1.0);
  sampler.set_step_size(step);
  adaptation.set_mu(std::log(10 * step));
  MetricAdaptation metric(2, false, 1000);
  Eigen::VectorXd variance;
  Eigen::MatrixXd covariance;
  for (int i = 0; i < 1000; ++i) {
    NutsTransition t = sampler.transition(stream);
    sampler.set_step_size(adaptation.learn(t.accept_stat));
    if (metric.learn(sampler.point().q, variance, covariance)) {
      sampler.metric().set_inverse_diagonal(variance);
      double found = sampler.find_reasonable_step_size(stream, sampler.step_size());
      sampler.set_step_size(found);
      adaptation.set_mu(std::log(10 * found));
      adaptation.restart();
    }
  }
  sampler.set_step_size(adaptation.final_step_size());
  // The adapted metric is the posterior's variances, 1 and 4, to within warmup's noise.
  CHECK(sampler.metric().inverse_diagonal()[0] == doctest::Approx(1.0).epsilon(0.35));
  CHECK(sampler.metric().inverse_diagonal()[1] == doctest::Approx(4.0).epsilon(0.35));
  double m0 = 0, m1 = 0, v0 = 0, v1 = 0, c01 = 0, accept = 0;
  const int draws = 4000;
  std::size_t divergent = 0;
  for (int i = 0; i < draws; ++i) {
    NutsTransition t = sampler.transition(stream);
    const double a = sampler.point().q[0], b = sampler.point().q[1];
    m0 += a, m1 += b, v0 += a * a, v1 += b * b, c01 += a * b, accept += t.accept_stat;
    divergent += t.divergent ? 1 : 0;
  }
  m0 /= draws, m1 /= draws, v0 = v0 / draws - m0 * m0, v1 = v1 / draws - m1 * m1;
  c01 = c01 / draws - m0 * m1;
  CHECK(divergent == 0);
  CHECK(accept / draws > 0.6);  // dual averaging aims at 0.8
  CHECK(std::abs(m0) < 0.1);
  CHECK(std::abs(m1) < 0.2);
  CHECK(v0 == doctest::Approx(1.0).epsilon(0.1));
  CHECK(v1 == doctest::Approx(4.0).epsilon(0.1));
  CHECK(c01 / std::sqrt(v0 * v1) == doctest::Approx(rho).epsilon(0.02));
}

TEST_CASE("the metric windows are Stan's 75 / 25, 50, 100, ... / 50") {
  // With 1000 warmup iterations Stan ends its slow windows at iterations 99, 149, 249, 449 and
  // 949 (0-based; windows of 25, 50, 100, 200 and the last stretched to 500).
  MetricAdaptation adaptation(1, false, 1000);
  Eigen::VectorXd variance;
  Eigen::MatrixXd covariance;
  std::vector<int> ends;
  random::Stream stream(3);
  for (int i = 0; i < 1000; ++i) {
    Eigen::VectorXd q(1);
    q[0] = stream.normal();
    if (adaptation.learn(q, variance, covariance)) ends.push_back(i);
  }
  CHECK(ends == std::vector<int>{99, 149, 249, 449, 949});
  // The last window's 500 draws of normal(0, 1), regularized toward 1e-3: close to 1.
  CHECK(variance[0] == doctest::Approx(1.0).epsilon(0.15));
}

TEST_CASE("dual averaging settles on the step size whose acceptance is delta") {
  // A synthetic acceptance that falls with the step size, a(eps) = exp(-eps): the target
  // acceptance 0.8 is reached at eps = -log 0.8 = 0.2231.
  StepSizeAdaptation adaptation(0.8);
  double eps = 1.0;
  adaptation.set_mu(std::log(10 * eps));
  for (int i = 0; i < 2000; ++i) eps = adaptation.learn(std::exp(-eps));
  CHECK(adaptation.final_step_size() == doctest::Approx(-std::log(0.8)).epsilon(0.03));
}

}  // namespace
}  // namespace pm::infer
