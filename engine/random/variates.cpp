// The non-uniform variates of Stream built on uniform() and normal(): gamma, beta, Poisson,
// binomial, categorical. Every algorithm is exact (no normal approximations), so samplers
// can be checked against their densities at any parameter value.
#include <cmath>
#include <limits>

#include "engine/random/stream.hpp"

namespace pm::random {
namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// log(exp(a) + exp(b)) without overflow.
double log_add_exp(double a, double b) {
  const double larger = a > b ? a : b;
  return larger + std::log1p(std::exp(-std::abs(a - b)));
}

}  // namespace

double Stream::gamma(double shape) {
  if (!(shape > 0.0) || !std::isfinite(shape)) return not_a_number;
  if (shape < 1.0) return std::exp(log_gamma(shape));
  // Marsaglia & Tsang (2000), "A simple method for generating gamma variables":
  // d = a - 1/3, c = 1/sqrt(9d); x ~ N(0,1), v = (1 + c x)^3; accept d v when
  // log U < x^2/2 + d - d v + d log v.
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = normal();
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = uniform_open();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

double Stream::log_gamma(double shape) {
  if (!(shape > 0.0) || !std::isfinite(shape)) return not_a_number;
  if (shape >= 1.0) return std::log(gamma(shape));
  // Gamma(a) = Gamma(a + 1) * U^(1/a) (Marsaglia & Tsang, section 6), taken in logs because
  // U^(1/a) underflows for small a.
  return std::log(gamma(shape + 1.0)) + std::log(uniform_open()) / shape;
}

double Stream::beta(double a, double b) {
  if (!(a > 0.0) || !(b > 0.0) || !std::isfinite(a) || !std::isfinite(b)) return not_a_number;
  const double log_x = log_gamma(a);
  const double log_y = log_gamma(b);
  return std::exp(log_x - log_add_exp(log_x, log_y));
}

std::int64_t Stream::poisson(double rate) {
  if (!(rate >= 0.0) || !(rate < 0x1.0p62)) return -1;
  std::int64_t count = 0;
  // Ahrens & Dieter's reduction: in a unit-rate Poisson process the m-th arrival time is
  // X ~ Gamma(m). If X < rate, m arrivals happened and Poisson(rate - X) more follow;
  // otherwise the arrivals before `rate` are Binomial(m - 1, rate / X) of the first m - 1.
  while (rate > 16.0) {
    const auto m = static_cast<std::int64_t>(std::floor(rate * 0.875));
    const double arrival = gamma(static_cast<double>(m));
    if (arrival < rate) {
      count += m;
      rate -= arrival;
    } else {
      return count + binomial(m - 1, rate / arrival);
    }
  }
  // Multiply uniforms until the product drops below exp(-rate) (Knuth, TAOCP 3.4.1).
  const double threshold = std::exp(-rate);
  double product = uniform_open();
  while (product > threshold) {
    ++count;
    product *= uniform_open();
  }
  return count;
}

std::int64_t Stream::binomial(std::int64_t trials, double probability) {
  if (trials < 0 || !(probability >= 0.0 && probability <= 1.0)) return -1;
  std::int64_t successes = 0;
  // Knuth's reduction: the a-th smallest of n uniforms is X ~ Beta(a, n + 1 - a). If X >= p
  // the successes are among the a - 1 smaller ones, uniform on [0, X]: Binomial(a - 1, p/X);
  // else the a smaller ones all succeed and the n - a larger ones, uniform on [X, 1], give
  // Binomial(n - a, (p - X) / (1 - X)).
  while (trials > 32) {
    const std::int64_t a = 1 + trials / 2;
    const std::int64_t b = trials + 1 - a;
    const double x = beta(static_cast<double>(a), static_cast<double>(b));
    if (x >= probability) {
      trials = a - 1;
      probability = probability / x;
    } else {
      successes += a;
      trials = b - 1;
      probability = (probability - x) / (1.0 - x);
    }
    // Rounding can push the ratio a hair past 1.
    if (probability > 1.0) probability = 1.0;
  }
  for (std::int64_t i = 0; i < trials; ++i) successes += uniform() < probability ? 1 : 0;
  return successes;
}

std::size_t Stream::categorical(const double* weights, std::size_t count) {
  double total = 0.0;
  for (std::size_t k = 0; k < count; ++k) total += weights[k];
  const double target = uniform() * total;
  double cumulative = 0.0;
  std::size_t last_positive = 0;
  for (std::size_t k = 0; k < count; ++k) {
    if (weights[k] <= 0.0) continue;
    cumulative += weights[k];
    last_positive = k;
    if (target < cumulative) return k;
  }
  // Only reached through rounding of the cumulative sum: the last category with weight.
  return last_positive;
}

}  // namespace pm::random
