// The hot kernels take a vectorized path when every element of a block is valid and the
// per-element path otherwise (kernel_math.hpp, assign_where_valid). The two must agree:
// a block of valid elements is evaluated alone (vectorized path) and again with one invalid
// element appended (which sends the whole block down the per-element path); values and
// partials of the valid elements must match, and the appended element must still be NaN
// (invalid parameter) or -inf (outcome outside the support).
#include <cmath>
#include <functional>
#include <random>

#include "distributions_harness.hpp"

namespace pm::test {
namespace {

using Draw = std::function<double(std::mt19937_64&)>;

Draw uniform(double low, double high) {
  return [=](std::mt19937_64& engine) { return std::uniform_real_distribution<double>(low, high)(engine); };
}
Draw constant(double value) {
  return [=](std::mt19937_64&) { return value; };
}
Draw coin() {
  return [](std::mt19937_64& engine) { return std::bernoulli_distribution(0.5)(engine) ? 1.0 : 0.0; };
}

struct FastPathCase {
  const char* name;
  std::vector<Draw> draws;     // one per argument, outcome first
  std::vector<double> invalid;  // one element that forces the per-element path
  bool invalid_is_nan;          // NaN (invalid parameter) or -inf (outside the support)
};

void check_fast_path_agrees(const FastPathCase& c) {
  INFO(c.name);
  const std::size_t count = 37;  // not a multiple of any packet size: the tail runs too
  std::mt19937_64 engine(20261125);
  std::vector<Arg> valid_block(c.draws.size());
  for (std::size_t j = 0; j < count; ++j)
    for (std::size_t a = 0; a < c.draws.size(); ++a) valid_block[a].values.push_back(c.draws[a](engine));
  std::vector<Arg> mixed_block = valid_block;
  for (std::size_t a = 0; a < c.draws.size(); ++a) mixed_block[a].values.push_back(c.invalid[a]);

  const DistributionEntry& entry = distribution(c.name);
  std::vector<std::vector<double>> fast_partials, slow_partials;
  const std::vector<double> fast = evaluate(entry.log_density, valid_block, &fast_partials);
  const std::vector<double> slow = evaluate(entry.log_density, mixed_block, &slow_partials);
  for (std::size_t j = 0; j < count; ++j) {
    CHECK(std::isfinite(fast[j]));
    check_close(fast[j], slow[j], 1e-13);
    for (std::size_t a = 0; a < c.draws.size(); ++a) {
      if (entry.args[a].kind == stdlib::kernels::ArgKind::integer) continue;
      CHECK(std::abs(fast_partials[a][j] - slow_partials[a][j]) <= 1e-13 * std::max(1.0, std::abs(slow_partials[a][j])));
    }
  }
  if (c.invalid_is_nan)
    CHECK(std::isnan(slow[count]));
  else
    CHECK(slow[count] == -std::numeric_limits<double>::infinity());
}

}  // namespace

TEST_CASE("hot kernels: the vectorized path agrees with the per-element path") {
  const std::vector<FastPathCase> cases{
      {"normal", {uniform(-5, 5), uniform(-2, 2), uniform(0.5, 3)}, {0.0, 0.0, -1.0}, true},
      {"lognormal", {uniform(0.1, 5), uniform(-2, 2), uniform(0.5, 3)}, {-1.0, 0.0, 1.0}, false},
      {"cauchy", {uniform(-1e3, 1e3), uniform(-2, 2), uniform(0.5, 3)}, {0.0, 0.0, 0.0}, true},
      {"exponential", {uniform(0, 5), uniform(0.5, 3)}, {-1.0, 1.0}, false},
      {"bernoulli", {coin(), uniform(0.01, 0.99)}, {1.0, 1.5}, true},
      {"bernoulli_logit", {coin(), uniform(-40, 40)}, {2.0, 0.0}, false},
      {"gamma", {uniform(0.1, 5), constant(2.5), uniform(0.5, 3)}, {1.0, 2.5, -1.0}, true},
      {"beta", {uniform(0.01, 0.99), constant(2.0), constant(3.5)}, {1.5, 2.0, 3.5}, false},
      {"student_t", {uniform(-50, 50), constant(4.0), uniform(-2, 2), uniform(0.5, 3)}, {0.0, 4.0, 0.0, -1.0}, true},
  };
  for (const FastPathCase& c : cases) check_fast_path_agrees(c);
}

}  // namespace pm::test
