// pm::random::Stream: bit-for-bit repeatability, independent substreams, and the moments of
// every variate. Moment checks use n draws and accept |sample mean - mean| <= 5 standard
// errors (sd / sqrt(n)): a correct generator fails one with probability < 6e-7.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "engine/random/stream.hpp"

namespace pm::random {
namespace {

template <class Draw>
std::vector<double> draws(std::uint64_t seed, std::size_t n, Draw&& draw) {
  Stream stream(seed);
  std::vector<double> values(n);
  for (double& v : values) v = static_cast<double>(draw(stream));
  return values;
}

double sample_mean(const std::vector<double>& v) {
  double total = 0.0;
  for (double x : v) total += x;
  return total / static_cast<double>(v.size());
}

double sample_variance(const std::vector<double>& v) {
  const double m = sample_mean(v);
  double total = 0.0;
  for (double x : v) total += (x - m) * (x - m);
  return total / static_cast<double>(v.size() - 1);
}

// Mean within 5 standard errors; variance within 5 standard errors of the sample variance,
// whose sd is sqrt((m4 - var^2) / n) with m4 the fourth central moment (estimated).
void check_moments(const std::vector<double>& v, double mean, double variance, const char* what) {
  const double n = static_cast<double>(v.size());
  const double m = sample_mean(v), s2 = sample_variance(v);
  double fourth = 0.0;
  for (double x : v) fourth += std::pow(x - m, 4);
  fourth /= n;
  INFO(what << ": mean " << m << " (expected " << mean << "), variance " << s2 << " (expected " << variance << ")");
  CHECK(std::abs(m - mean) <= 5.0 * std::sqrt(variance / n));
  CHECK(std::abs(s2 - variance) <= 5.0 * std::sqrt(std::max(fourth - s2 * s2, 1e-300) / n));
}

TEST_CASE("stream: a seed repeats bit for bit; different seeds and substreams differ") {
  Stream a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next_bits();
    CHECK(x == b.next_bits());
    CHECK(x != c.next_bits());
  }
  // split depends on the seed and index only, not on draws made before.
  Stream parent(7);
  const Stream first = parent.split(3);
  parent.next_bits();
  Stream again = parent.split(3), first_copy = first;
  CHECK(again.next_bits() == first_copy.next_bits());
  // Substreams 0..999 and the parent all start differently.
  std::set<std::uint64_t> starts;
  Stream root(7);
  starts.insert(Stream(7).next_bits());
  for (std::uint64_t i = 0; i < 1000; ++i) starts.insert(root.split(i).next_bits());
  CHECK(starts.size() == 1001);
  // Nested splits are not commutative.
  CHECK(root.split(1).split(2).next_bits() != root.split(2).split(1).next_bits());
  // jump() moves to a different place in the sequence.
  Stream jumped(42), plain(42);
  jumped.jump();
  CHECK(jumped.next_bits() != plain.next_bits());
}

TEST_CASE("stream: the reference xoshiro256++ output for a known state") {
  // splitmix64 from 0 gives 0xe220a8397b1dcdaf first (the published reference value).
  std::uint64_t state = 0;
  CHECK(splitmix64(state) == 0xe220a8397b1dcdafULL);
}

TEST_CASE("stream: uniform and normal moments, vector fills match scalar draws") {
  const std::size_t n = 200000;
  const auto u = draws(1, n, [](Stream& s) { return s.uniform(); });
  CHECK(std::all_of(u.begin(), u.end(), [](double x) { return x >= 0.0 && x < 1.0; }));
  check_moments(u, 0.5, 1.0 / 12.0, "uniform");
  const auto z = draws(2, n, [](Stream& s) { return s.normal(); });
  check_moments(z, 0.0, 1.0, "normal");
  const auto e = draws(3, n, [](Stream& s) { return s.exponential(); });
  check_moments(e, 1.0, 1.0, "exponential");
  Stream scalar(5), vector(5);
  std::vector<double> filled(11);
  vector.fill_normal(filled.data(), filled.size());
  for (double x : filled) CHECK(x == scalar.normal());
  vector.fill_uniform(filled.data(), filled.size());
  for (double x : filled) CHECK(x == scalar.uniform());
}

TEST_CASE("stream: gamma and beta moments, including shapes below 1") {
  const std::size_t n = 100000;
  for (double shape : {0.1, 0.7, 1.0, 3.5, 50.0}) {
    const auto g = draws(11, n, [&](Stream& s) { return s.gamma(shape); });
    check_moments(g, shape, shape, "gamma");
  }
  for (auto [a, b] : {std::pair{0.5, 0.5}, {2.0, 5.0}, {0.05, 0.2}, {30.0, 10.0}}) {
    const auto x = draws(12, n, [&](Stream& s) { return s.beta(a, b); });
    CHECK(std::all_of(x.begin(), x.end(), [](double v) { return v >= 0.0 && v <= 1.0; }));
    check_moments(x, a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1.0)), "beta");
  }
  Stream s(1);
  CHECK(std::isnan(s.gamma(0.0)));
  CHECK(std::isnan(s.gamma(-1.0)));
  CHECK(std::isnan(s.beta(1.0, std::nan(""))));
}

TEST_CASE("stream: poisson and binomial moments in both algorithm regimes") {
  const std::size_t n = 100000;
  for (double rate : {0.0, 0.3, 4.0, 15.9, 16.1, 250.0, 1e6}) {
    const auto k = draws(21, n, [&](Stream& s) { return s.poisson(rate); });
    if (rate == 0.0) {
      CHECK(std::all_of(k.begin(), k.end(), [](double v) { return v == 0.0; }));
      continue;
    }
    check_moments(k, rate, rate, "poisson");
  }
  for (auto [trials, p] : {std::pair<std::int64_t, double>{10, 0.3}, {32, 0.9}, {33, 0.5}, {1000, 0.01}, {1000000, 0.37}}) {
    const auto k = draws(22, n, [&](Stream& s) { return s.binomial(trials, p); });
    CHECK(std::all_of(k.begin(), k.end(), [&](double v) { return v >= 0.0 && v <= static_cast<double>(trials); }));
    const double mean = static_cast<double>(trials) * p;
    check_moments(k, mean, mean * (1.0 - p), "binomial");
  }
  Stream s(3);
  CHECK(s.binomial(50, 0.0) == 0);
  CHECK(s.binomial(50, 1.0) == 50);
  CHECK(s.poisson(-1.0) == -1);
}

TEST_CASE("stream: categorical frequencies") {
  // Each frequency within 5 binomial standard deviations of n p.
  const std::vector<double> weights{0.1, 0.0, 0.6, 0.3};
  const std::size_t n = 100000;
  std::vector<double> counts(weights.size(), 0.0);
  Stream stream(31);
  for (std::size_t i = 0; i < n; ++i) counts[stream.categorical(weights.data(), weights.size())] += 1.0;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const double expected = weights[k] * static_cast<double>(n);
    CHECK(std::abs(counts[k] - expected) <= 5.0 * std::sqrt(expected * (1.0 - weights[k])) + 1e-9);
  }
}

}  // namespace
}  // namespace pm::random
