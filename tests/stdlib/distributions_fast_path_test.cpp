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
#include "engine/ad/builder.hpp"
#include "support/expect_gradient.hpp"

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

// normal with a uniform (broadcast scalar) sigma takes a path of its own (normal.cpp): 1 / sigma
// and log sigma once per block, and block sums of the uniform parameters' partials when the
// caller offers that shortcut (kernel.hpp). Both must agree with the general path.
namespace pm::test {
namespace {

struct NormalCall {
  std::vector<double> values;
  std::vector<std::vector<double>> partials;
  bool summed[3] = {false, false, false};
};

// Calls normal's kernel on y, mu (count values each) and sigma repeated count times, with the
// uniform flags given, offering the summed-partials shortcut when `offer_sums`.
NormalCall call_normal(const std::vector<double>& y, const std::vector<double>& mu, double sigma, bool mu_uniform,
                       bool sigma_uniform, bool offer_sums) {
  const std::size_t count = y.size();
  const std::vector<double> sigmas(count, sigma);
  std::vector<ad::KernelArg> args{{y.data()}, {mu.data()}, {sigmas.data()}};
  args[1].uniform = mu_uniform;
  args[2].uniform = sigma_uniform;
  NormalCall result;
  result.values.assign(count, 12345.0);
  result.partials.assign(3, std::vector<double>(count, 12345.0));
  std::vector<double*> partial_pointers{result.partials[0].data(), result.partials[1].data(), result.partials[2].data()};
  ad::KernelCall call{count, args.data(), args.size()};
  if (offer_sums) call.summed_partials = result.summed;
  distribution("normal").log_density(call, result.values.data(), partial_pointers.data());
  return result;
}

double sum_of(const std::vector<double>& values) {
  double total = 0;
  for (double v : values) total += v;
  return total;
}

}  // namespace

TEST_CASE("normal: the uniform-sigma path and its summed partials agree with the general path") {
  const std::size_t count = 37;
  std::mt19937_64 engine(20261125);
  std::vector<double> y(count), mu_varying(count);
  for (double& v : y) v = uniform(-5, 5)(engine);
  for (double& v : mu_varying) v = uniform(-2, 2)(engine);
  const std::vector<double> mu_constant(count, 0.75);
  const double sigma = 1.7;
  for (bool mu_uniform : {false, true}) {
    INFO("mu uniform: " << mu_uniform);
    const std::vector<double>& mu = mu_uniform ? mu_constant : mu_varying;
    const NormalCall general = call_normal(y, mu, sigma, false, false, false);
    const NormalCall per_element = call_normal(y, mu, sigma, mu_uniform, true, false);
    const NormalCall summed = call_normal(y, mu, sigma, mu_uniform, true, true);
    CHECK_FALSE(per_element.summed[1]);
    CHECK(summed.summed[1] == mu_uniform);  // only a uniform argument may be summed
    CHECK(summed.summed[2]);
    CHECK_FALSE(summed.summed[0]);
    for (std::size_t j = 0; j < count; ++j) {
      check_close(per_element.values[j], general.values[j], 1e-13);
      check_close(summed.values[j], general.values[j], 1e-13);
      for (std::size_t a = 0; a < 3; ++a) check_close(per_element.partials[a][j], general.partials[a][j], 1e-13);
      check_close(summed.partials[0][j], general.partials[0][j], 1e-13);
    }
    if (mu_uniform) check_close(summed.partials[1][0], sum_of(general.partials[1]), 1e-13);
    check_close(summed.partials[2][0], sum_of(general.partials[2]), 1e-13);
    // The partial sums are also the derivatives of the summed density (finite differences of
    // the general path, step 1e-6: truncation error ~1e-12, rounding ~1e-10 relative).
    const double h = 1e-6;
    const double d_sigma = (sum_of(call_normal(y, mu, sigma + h, false, false, false).values) -
                            sum_of(call_normal(y, mu, sigma - h, false, false, false).values)) /
                           (2 * h);
    check_close(summed.partials[2][0], d_sigma, 1e-7);
  }
}

TEST_CASE("normal: the uniform-sigma path falls back where it must") {
  const std::vector<double> y{0.5, -1.0, 2.0}, mu(3, 0.25);
  // Invalid sigma: NaN everywhere, as the general path.
  for (double bad_sigma : {-1.0, 0.0, std::numeric_limits<double>::infinity(), std::nan("")}) {
    const NormalCall bad = call_normal(y, mu, bad_sigma, true, true, true);
    for (double v : bad.values) CHECK(std::isnan(v));
    CHECK_FALSE(bad.summed[2]);
  }
  // Invalid mu (uniform or not): NaN everywhere.
  const std::vector<double> infinite_mu(3, std::numeric_limits<double>::infinity());
  for (bool mu_uniform : {false, true})
    for (double v : call_normal(y, infinite_mu, 1.0, mu_uniform, true, true).values) CHECK(std::isnan(v));
  // An infinite outcome gives -inf there: no sums (its partials must be zeroed), per-element
  // partials instead, finite elsewhere and zero at the -inf element.
  const std::vector<double> y_infinite{0.5, std::numeric_limits<double>::infinity(), 2.0};
  const NormalCall outside = call_normal(y_infinite, mu, 1.0, true, true, true);
  CHECK(outside.values[1] == -std::numeric_limits<double>::infinity());
  CHECK_FALSE(outside.summed[1]);
  CHECK_FALSE(outside.summed[2]);
  CHECK(outside.partials[1][1] == 0.0);
  CHECK(outside.partials[2][1] == 0.0);
  CHECK(outside.partials[2][0] == doctest::Approx((0.25 * 0.25 - 1.0)).epsilon(1e-13));
}


// The same path inside the factor op (which flags the broadcast scalars uniform and offers the
// shortcut when the output is summed): value against the closed form, gradient against finite
// differences, over several blocks with the last one partial.
TEST_CASE("normal: scalar mu and sigma over data through the factor op") {
  const std::size_t n = 2500;
  std::mt19937_64 engine(7);
  std::vector<double> y(n);
  for (double& v : y) v = uniform(-4, 6)(engine);
  auto build = [&](ad::Program& p) {
    ad::Node mu = p.parameter(tensor::Shape::scalar());
    ad::Node sigma = p.parameter(tensor::Shape::scalar());
    ad::Node data = p.constant(tensor::Shape({tensor::Dim{tensor::plate(0), n}}), y);
    return ad::log_density(distribution("normal").log_density, {{data}, {mu}, {sigma}}, {tensor::plate(0)});
  };
  const std::vector<double> point{0.8, 2.3};
  testing::expect_gradient(build, {point, {-1.5, 0.4}});
  ad::Program program;
  ad::Node total = build(program);
  program.finalize();
  std::vector<double> gradient(2);
  const double value = program.value_and_gradient(point, gradient, total);
  double expected = 0, d_mu = 0, d_sigma = 0;
  for (double v : y) {
    const double z = (v - point[0]) / point[1];
    expected += -0.5 * z * z - std::log(point[1]) - 0.91893853320467274178;  // log(2 pi) / 2
    d_mu += z / point[1];
    d_sigma += (z * z - 1.0) / point[1];
  }
  CHECK(value == doctest::Approx(expected).epsilon(1e-12));
  CHECK(gradient[0] == doctest::Approx(d_mu).epsilon(1e-11));
  CHECK(gradient[1] == doctest::Approx(d_sigma).epsilon(1e-11));
  // An invalid sigma still makes the whole statement NaN.
  CHECK(std::isnan(program.value_only(std::vector<double>{0.8, -1.0}, total)));
}

}  // namespace pm::test

// bernoulli with a uniform (broadcast scalar) theta takes a path of its own (bernoulli.cpp): its
// two logs once per block and, when offered, the block sum of the theta partial. It must agree
// with the general path, and leave invalid blocks to it.
namespace pm::test {
namespace {

struct BernoulliCall {
  std::vector<double> values, d_theta;
  bool summed[2] = {false, false};
};

BernoulliCall call_bernoulli(const std::vector<double>& n, double theta, bool uniform, bool offer_sums) {
  const std::size_t count = n.size();
  const std::vector<double> thetas(count, theta);
  std::vector<ad::KernelArg> args{{n.data()}, {thetas.data()}};
  args[1].uniform = uniform;
  BernoulliCall result;
  result.values.assign(count, 12345.0);
  result.d_theta.assign(count, 12345.0);
  std::vector<double*> partial_pointers{nullptr, result.d_theta.data()};
  ad::KernelCall call{count, args.data(), args.size()};
  if (offer_sums) call.summed_partials = result.summed;
  distribution("bernoulli").log_density(call, result.values.data(), partial_pointers.data());
  return result;
}

}  // namespace

TEST_CASE("bernoulli: the uniform-theta path and its summed partial agree with the general path") {
  std::mt19937_64 engine(20261207);
  std::vector<double> n(37);
  for (double& v : n) v = coin()(engine);
  for (double theta : {0.013, 0.37, 0.999}) {
    INFO("theta " << theta);
    const BernoulliCall general = call_bernoulli(n, theta, false, false);
    const BernoulliCall per_element = call_bernoulli(n, theta, true, false);
    const BernoulliCall summed = call_bernoulli(n, theta, true, true);
    CHECK_FALSE(per_element.summed[1]);
    CHECK(summed.summed[1]);
    double total = 0;
    for (std::size_t j = 0; j < n.size(); ++j) {
      // std::log and std::log1p once against Eigen's vectorized ones per element: last bits.
      check_close(per_element.values[j], general.values[j], 1e-14);
      check_close(summed.values[j], general.values[j], 1e-14);
      check_close(per_element.d_theta[j], general.d_theta[j], 1e-13);
      total += general.d_theta[j];
    }
    check_close(summed.d_theta[0], total, 1e-12);
  }
  // Outside the fast path's conditions the general path answers: NaN for theta outside
  // [0, 1], -inf for an outcome that is not 0 or 1, and no sum.
  const BernoulliCall bad_theta = call_bernoulli(n, 1.5, true, true);
  for (double v : bad_theta.values) CHECK(std::isnan(v));
  CHECK_FALSE(bad_theta.summed[1]);
  std::vector<double> bad_n = n;
  bad_n[3] = 2.0;
  const BernoulliCall outside = call_bernoulli(bad_n, 0.4, true, true);
  CHECK(outside.values[3] == -std::numeric_limits<double>::infinity());
  CHECK(std::isfinite(outside.values[2]));
  CHECK_FALSE(outside.summed[1]);
  // theta on the boundary: log 0 where the outcome has probability 0, as the general path.
  const BernoulliCall edge = call_bernoulli(n, 1.0, true, true);
  const BernoulliCall edge_general = call_bernoulli(n, 1.0, false, false);
  for (std::size_t j = 0; j < n.size(); ++j) CHECK(edge.values[j] == edge_general.values[j]);
}

}  // namespace pm::test
