// The stochastic optimizer on reparameterized ELBOs written out by hand: Gaussian targets whose
// best meanfield or full-rank Gaussian guide is the target itself, so the answer is known
// exactly; then objectives that diverge or fail, determinism, and the explicit step size.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "engine/infer/stochastic_optimize.hpp"
#include "engine/random/stream.hpp"

namespace pm::infer {
namespace {

const double kHalfLogTwoPi = 0.5 * std::log(2 * std::numbers::pi);

// A Gaussian target N(mean, diag(sd^2)) (or, with `correlation`, the 2-D target with that
// correlation) with log density shifted by `offset`: offset 0 is the normalized density.
struct GaussianTarget {
  std::vector<double> mean, sd;
  double correlation = 0;  // 2-D only
  double offset = 0;

  // log p(z) and its gradient g = -Sigma^{-1} (z - mean).
  double log_density(std::span<const double> z, std::vector<double>& gradient) const {
    std::size_t n = mean.size();
    gradient.assign(n, 0.0);
    double value = offset;
    if (correlation == 0) {
      for (std::size_t i = 0; i < n; ++i) {
        double u = (z[i] - mean[i]) / sd[i];
        value -= 0.5 * u * u + std::log(sd[i]) + kHalfLogTwoPi;
        gradient[i] = -u / sd[i];
      }
      return value;
    }
    // Bivariate: Q = (u0^2 - 2 rho u0 u1 + u1^2) / (1 - rho^2), u standardized.
    double rho = correlation, one_minus = 1 - rho * rho;
    double u0 = (z[0] - mean[0]) / sd[0], u1 = (z[1] - mean[1]) / sd[1];
    value -= 0.5 * (u0 * u0 - 2 * rho * u0 * u1 + u1 * u1) / one_minus + std::log(sd[0] * sd[1]) +
             0.5 * std::log(one_minus) + 2 * kHalfLogTwoPi;
    gradient[0] = -(u0 - rho * u1) / (one_minus * sd[0]);
    gradient[1] = -(u1 - rho * u0) / (one_minus * sd[1]);
    return value;
  }
};

// Meanfield guide q = N(m, exp(omega)^2), x = (m, omega): one reparameterized draw
// z = m + exp(omega) eps of log p(z) plus the analytic entropy sum(omega + 0.5 log(2 pi e)).
StochasticObjective meanfield_elbo(const GaussianTarget& target) {
  return [&target](std::span<const double> x, std::span<double> gradient, random::Stream& stream) {
    std::size_t n = target.mean.size();
    std::vector<double> eps(n), z(n), g;
    for (std::size_t i = 0; i < n; ++i) {
      eps[i] = stream.normal();
      z[i] = x[i] + std::exp(x[n + i]) * eps[i];
    }
    double value = target.log_density(z, g);
    for (std::size_t i = 0; i < n; ++i) {
      value += x[n + i] + 0.5 + kHalfLogTwoPi;
      gradient[i] = g[i];
      gradient[n + i] = g[i] * std::exp(x[n + i]) * eps[i] + 1;
    }
    return value;
  };
}

// Full-rank 2-D guide z = m + L eps, L = [[exp(w0), 0], [l10, exp(w1)]], x = (m0, m1, w0, w1, l10).
StochasticObjective fullrank_elbo(const GaussianTarget& target) {
  return [&target](std::span<const double> x, std::span<double> gradient, random::Stream& stream) {
    double e0 = stream.normal(), e1 = stream.normal();
    double l00 = std::exp(x[2]), l11 = std::exp(x[3]), l10 = x[4];
    std::vector<double> z{x[0] + l00 * e0, x[1] + l10 * e0 + l11 * e1}, g;
    double value = target.log_density(z, g) + x[2] + x[3] + 2 * (0.5 + kHalfLogTwoPi);
    gradient[0] = g[0];
    gradient[1] = g[1];
    gradient[2] = g[0] * e0 * l00 + 1;
    gradient[3] = g[1] * e1 * l11 + 1;
    gradient[4] = g[1] * e0;
    return value;
  };
}

const GaussianTarget kThreeDimensional{{1.5, -2.0, 4.0}, {0.5, 2.0, 1.0}, 0, 0};

StochasticResult fit(const StochasticObjective& objective, std::size_t dimension, std::uint64_t seed,
                     StochasticOptions options = {}) {
  return maximize_stochastic(objective, std::vector<double>(dimension, 0.0), options, seed, {});
}

// Tolerances: the fit stops after three plateaus (at least 900 iterations), the last at a
// tenth of the adapted step, where the averaged iterate keeps a Monte Carlo error of about
// 0.05 target sd in the means and 4% in the sds (RMS). Over seeds 100-199 (300 coordinates)
// the worst errors measured were 0.15 sd for a mean and 11% for an sd; we allow 0.25 sd and 20%.
TEST_CASE("meanfield guide recovers an unnormalized Gaussian target") {
  GaussianTarget target = kThreeDimensional;
  target.offset = -40;  // the optimal ELBO is -40: the log normalizing constant
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    StochasticResult result = fit(meanfield_elbo(target), 6, seed);
    CAPTURE(seed);
    CHECK(result.converged());
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(std::abs(result.x[i] - target.mean[i]) < 0.25 * target.sd[i]);
      CHECK(std::exp(result.x[3 + i]) == doctest::Approx(target.sd[i]).epsilon(0.2));
    }
    // The ELBO estimate (100 draws, se about sqrt(3/2)/10) is near the exact optimum -40.
    CHECK(std::abs(result.objective + 40) < 0.5);
    CHECK(result.objective_se > 0);
  }
}

// Stan's rule divides the change by |ELBO|, which is near 0 here: on the very estimates at
// which our rule stopped, Stan's median relative change over its buffer (the last 10 checks)
// stays above its tolerance (for 99 of seeds 100-199; these three are among them).
TEST_CASE("converges where the optimal ELBO is exactly 0") {
  for (std::uint64_t seed : {4u, 5u, 6u}) {
    std::vector<double> estimates;
    StochasticCallback record = [&estimates](const StochasticProgress& p) {
      if (!p.adapting) estimates.push_back(p.objective);
    };
    StochasticOptions options;
    StochasticResult result =
        maximize_stochastic(meanfield_elbo(kThreeDimensional), std::vector<double>(6, 0.0), options, seed, record);
    CAPTURE(seed);
    CHECK(result.stop == StochasticStop::converged);
    CHECK(result.iterations < 8000);
    CHECK(std::abs(result.objective) < 0.5);
    for (std::size_t i = 0; i < 3; ++i)
      CHECK(std::abs(result.x[i] - kThreeDimensional.mean[i]) < 0.25 * kThreeDimensional.sd[i]);

    std::vector<double> stan_changes;
    for (std::size_t k = estimates.size() >= 11 ? estimates.size() - 10 : 1; k < estimates.size(); ++k)
      stan_changes.push_back(std::abs(estimates[k] - estimates[k - 1]) / std::abs(estimates[k]));
    REQUIRE(!stan_changes.empty());
    std::sort(stan_changes.begin(), stan_changes.end());
    CHECK(stan_changes[stan_changes.size() / 2] > options.tolerance_relative);
  }
}

TEST_CASE("full-rank guide recovers a correlated covariance") {
  GaussianTarget target{{1.0, -1.0}, {2.0, 0.5}, 0.8, 0};
  // Over seeds 100-199 the worst errors were 15% in an sd and 0.042 in the correlation.
  StochasticResult result = fit(fullrank_elbo(target), 5, 7);
  CHECK(result.converged());
  double l00 = std::exp(result.x[2]), l11 = std::exp(result.x[3]), l10 = result.x[4];
  double var0 = l00 * l00, var1 = l10 * l10 + l11 * l11, cov = l00 * l10;
  CHECK(std::sqrt(var0) == doctest::Approx(2.0).epsilon(0.2));
  CHECK(std::sqrt(var1) == doctest::Approx(0.5).epsilon(0.2));
  CHECK(std::abs(cov / std::sqrt(var0 * var1) - 0.8) < 0.1);
  CHECK(std::abs(result.x[0] - 1.0) < 0.3 * 2.0);
  CHECK(std::abs(result.x[1] + 1.0) < 0.3 * 0.5);
}

TEST_CASE("an objective climbing away from its maximum is reported as diverged") {
  // f(x) = -|x|^2 + noise, but the gradient has the wrong sign: every step lowers f.
  StochasticObjective wrong_sign = [](std::span<const double> x, std::span<double> gradient, random::Stream& stream) {
    double value = stream.normal(0, 0.1);
    for (std::size_t i = 0; i < x.size(); ++i) {
      value -= x[i] * x[i];
      gradient[i] = 2 * x[i];
    }
    return value;
  };
  StochasticResult result = maximize_stochastic(wrong_sign, {1.0, 1.0}, {}, 11, {});
  CHECK(result.stop == StochasticStop::diverged);
  CHECK(result.iterations < 1000);
  CHECK(result.failed_x.size() == 2);
  CHECK(std::abs(result.failed_x[0]) > 2);
  CHECK(result.message.find("--lr") != std::string::npos);
}

TEST_CASE("non-finite draws are redrawn; persistent ones stop the run") {
  // 20% of draws fail: 11 failures in a row (the retry limit) have probability 0.2^11 = 2e-9
  // per draw, negligible over the ~3e4 draws of a run.
  SUBCASE("a fifth of the draws fail: the fit still converges to the target") {
    StochasticObjective elbo = meanfield_elbo(kThreeDimensional);
    StochasticObjective flaky = [&elbo](std::span<const double> x, std::span<double> gradient, random::Stream& stream) {
      if (stream.uniform() < 0.2) return std::numeric_limits<double>::quiet_NaN();
      return elbo(x, gradient, stream);
    };
    StochasticResult result = fit(flaky, 6, 12);
    CHECK(result.converged());
    for (std::size_t i = 0; i < 3; ++i)
      CHECK(std::abs(result.x[i] - kThreeDimensional.mean[i]) < 0.25 * kThreeDimensional.sd[i]);
  }
  SUBCASE("always NaN: non_finite at the start") {
    StochasticObjective broken = [](std::span<const double>, std::span<double>, random::Stream&) {
      return std::numeric_limits<double>::quiet_NaN();
    };
    StochasticResult result = maximize_stochastic(broken, {0.5, 0.25}, {}, 13, {});
    CHECK(result.stop == StochasticStop::non_finite);
    CHECK(result.failed_x == std::vector<double>{0.5, 0.25});
    CHECK(!result.message.empty());
  }
  SUBCASE("NaN beyond a boundary the optimum lies past: failed_x is beyond it") {
    StochasticObjective elbo = meanfield_elbo(kThreeDimensional);
    StochasticObjective bounded = [&elbo](std::span<const double> x, std::span<double> gradient,
                                          random::Stream& stream) {
      double value = elbo(x, gradient, stream);
      return x[2] > 2.0 ? std::numeric_limits<double>::quiet_NaN() : value;  // target mean 4
    };
    StochasticResult result = fit(bounded, 6, 14);
    CHECK(result.stop == StochasticStop::non_finite);
    REQUIRE(result.failed_x.size() == 6);
    CHECK(result.failed_x[2] > 2.0);
  }
}

TEST_CASE("same seed, same result bit for bit; another seed differs") {
  StochasticObjective elbo = meanfield_elbo(kThreeDimensional);
  StochasticResult first = fit(elbo, 6, 21), second = fit(elbo, 6, 21), other = fit(elbo, 6, 22);
  CHECK(first.x == second.x);  // exact equality of doubles
  CHECK(first.objective == second.objective);
  CHECK(first.iterations == second.iterations);
  CHECK(first.learning_rate == second.learning_rate);
  CHECK(first.x != other.x);
}

TEST_CASE("an explicit learning rate skips adaptation and repeats the adapted run") {
  StochasticObjective elbo = meanfield_elbo(kThreeDimensional);
  bool saw_adapting = false;
  StochasticCallback watch = [&saw_adapting](const StochasticProgress& p) { saw_adapting |= p.adapting; };
  StochasticResult adapted = maximize_stochastic(elbo, std::vector<double>(6, 0.0), {}, 31, watch);
  CHECK(saw_adapting);

  saw_adapting = false;
  StochasticOptions options;
  options.learning_rate = adapted.learning_rate;
  StochasticResult given = maximize_stochastic(elbo, std::vector<double>(6, 0.0), options, 31, watch);
  CHECK_FALSE(saw_adapting);
  CHECK(given.learning_rate == adapted.learning_rate);
  // The main loop continues the chosen candidate's run, which used the main loop's draws.
  CHECK(given.x == adapted.x);
  CHECK(given.iterations == adapted.iterations);

  options.learning_rate = 0.05;  // not a candidate: used as given
  CHECK(maximize_stochastic(elbo, std::vector<double>(6, 0.0), options, 31, {}).learning_rate == 0.05);
}

TEST_CASE("an iteration limit inside the adaptation still estimates at the returned point") {
  StochasticOptions options;
  options.max_iterations = 20;  // fewer than adapt_iterations
  StochasticResult result = fit(meanfield_elbo(kThreeDimensional), 6, 41, options);
  CHECK(result.stop == StochasticStop::max_iterations);
  CHECK(result.iterations == 20);
  // The start's ELBO is -KL(N(0, I) || target) = -14.1; after 20 steps
  // the estimate at the averaged point is higher, so it was taken there, not at x0.
  StochasticOptions none;
  none.max_iterations = 0;
  StochasticResult start = fit(meanfield_elbo(kThreeDimensional), 6, 41, none);
  CHECK(start.iterations == 0);
  CHECK(start.x == std::vector<double>(6, 0.0));
  CHECK(result.objective > start.objective + 1);
}

TEST_CASE("invalid options are rejected") {
  StochasticOptions options;
  options.learning_rate = -1;
  CHECK_THROWS_AS(fit(meanfield_elbo(kThreeDimensional), 6, 1, options), std::invalid_argument);
}

}  // namespace
}  // namespace pm::infer
