// The factor op with kernels written here (the stdlib's come later): a univariate normal
// and an isotropic multivariate normal, over broadcasting shapes, summed or not, across
// several blocks.
#include <cmath>
#include <random>
#include <vector>

#include <Eigen/Core>
#include <doctest/doctest.h>

#include "engine/ad/builder.hpp"
#include "support/expect_gradient.hpp"

using namespace pm;
using ad::FactorArgument;
using ad::Node;
using ad::Program;
using tensor::Dim;
using tensor::Shape;

namespace {

constexpr double half_log_two_pi = 0.91893853320467274178;

// normal(y | mu, sigma) = -z^2 / 2 - log sigma - log(2 pi) / 2, z = (y - mu) / sigma.
void normal_kernel(const ad::KernelCall& call, double* out, double* const* partials) {
  using Map = Eigen::Map<const Eigen::ArrayXd>;
  auto n = static_cast<Eigen::Index>(call.count);
  Map y(call.args[0].data, n), mu(call.args[1].data, n), sigma(call.args[2].data, n);
  Eigen::Map<Eigen::ArrayXd>(out, n) = -0.5 * ((y - mu) / sigma).square() - sigma.log() - half_log_two_pi;
  if (partials[0]) Eigen::Map<Eigen::ArrayXd>(partials[0], n) = -(y - mu) / sigma.square();
  if (partials[1]) Eigen::Map<Eigen::ArrayXd>(partials[1], n) = (y - mu) / sigma.square();
  if (partials[2]) Eigen::Map<Eigen::ArrayXd>(partials[2], n) = ((y - mu) / sigma).square() / sigma - 1.0 / sigma;
}

double normal_reference(double y, double mu, double sigma) {
  double z = (y - mu) / sigma;
  return -0.5 * z * z - std::log(sigma) - half_log_two_pi;
}

// -|y - mu|^2 / 2 over events of size d (y and mu may each be broadcast).
void isotropic_kernel(const ad::KernelCall& call, double* out, double* const* partials) {
  const ad::KernelArg& y = call.args[0];
  const ad::KernelArg& mu = call.args[1];
  std::size_t d = y.event_size;
  for (std::size_t j = 0; j < call.count; ++j) {
    const double* yj = y.data + (y.broadcast ? 0 : j * d);
    const double* mj = mu.data + (mu.broadcast ? 0 : j * d);
    double total = 0;
    for (std::size_t e = 0; e < d; ++e) {
      double r = yj[e] - mj[e];
      total += r * r;
      if (partials[0]) partials[0][j * d + e] = -r;
      if (partials[1]) partials[1][j * d + e] = r;
    }
    out[j] = -0.5 * total;
  }
}

std::vector<double> draws(std::size_t n, unsigned seed, double scale = 1.0) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, scale);
  std::vector<double> values(n);
  for (double& v : values) v = normal(engine);
  return values;
}

const Shape scalar = Shape::scalar();

}  // namespace

TEST_CASE("factor: scalar parameters broadcast over data, summed to one value") {
  const std::vector<double> y = draws(3000, 1);  // three blocks
  Program program;
  Node mu = program.parameter(scalar);
  Node sigma = program.parameter(scalar);
  Node data = program.constant(Shape({Dim{tensor::plate(0), y.size()}}), y);
  Node lp = ad::log_density(normal_kernel, {{data}, {mu}, {sigma}}, {tensor::plate(0)});
  CHECK(lp.shape() == scalar);
  std::vector<double> gradient(2);
  double value = program.value_and_gradient(std::vector<double>{0.3, 1.4}, gradient, lp);
  double expected = 0, d_mu = 0, d_sigma = 0;
  for (double v : y) {
    expected += normal_reference(v, 0.3, 1.4);
    d_mu += (v - 0.3) / (1.4 * 1.4);
    d_sigma += (v - 0.3) * (v - 0.3) / (1.4 * 1.4 * 1.4) - 1 / 1.4;
  }
  CHECK(value == doctest::Approx(expected).epsilon(1e-12));
  CHECK(gradient[0] == doctest::Approx(d_mu).epsilon(1e-10));
  CHECK(gradient[1] == doctest::Approx(d_sigma).epsilon(1e-10));
  // The value-only pass gives the same number.
  CHECK(program.value_only(std::vector<double>{0.3, 1.4}, lp) == value);
}

TEST_CASE("factor: gradients with every argument a parameter, summed and unsummed") {
  const Shape plates{Dim{tensor::plate(0), 4}};
  std::vector<double> point = {0.3, -1.0, 2.0, 0.5, 0.2, 1.3};  // y (4), mu, sigma
  testing::expect_gradient(
      [&](Program& p) {
        Node y = p.parameter(plates);
        Node mu = p.parameter(scalar);
        Node sigma = p.parameter(scalar);
        return ad::log_density(normal_kernel, {{y}, {mu}, {sigma}}, {tensor::plate(0)});
      },
      {point});
  testing::expect_gradient(
      [&](Program& p) {
        Node y = p.parameter(plates);
        Node mu = p.parameter(scalar);
        Node sigma = p.parameter(scalar);
        return ad::log_density(normal_kernel, {{y}, {mu}, {sigma}}, {});
      },
      {point});
}

TEST_CASE("factor: a 3-component mixture, (N plate, K enumeration), log_sum_exp over K") {
  const std::size_t n = 2500, k = 3;  // several blocks, each spanning a component boundary
  const std::vector<double> y = draws(n, 2, 2.0);
  const Shape components{Dim{tensor::enumeration(0), k}};
  auto build = [&](Program& p) {
    Node mu = p.parameter(components);
    Node sigma = p.parameter(components);
    Node log_weights = p.parameter(components);
    Node data = p.constant(Shape({Dim{tensor::plate(0), n}}), y);
    Node per_component = ad::log_density(normal_kernel, {{data}, {mu}, {sigma}}, {});
    CHECK(per_component.shape() == Shape({Dim{tensor::plate(0), n}, Dim{tensor::enumeration(0), k}}));
    return ad::sum(ad::log_sum_exp(per_component + log_weights, {tensor::enumeration(0)}));
  };
  std::vector<double> point = {-1.0, 0.5, 2.0, 0.8, 1.1, 0.6, std::log(0.2), std::log(0.5), std::log(0.3)};
  testing::expect_gradient(build, {point});
  Program program;
  Node total = build(program);
  double expected = 0;
  for (double v : y) {
    double mix = 0;
    for (std::size_t c = 0; c < k; ++c) mix += std::exp(point[6 + c] + normal_reference(v, point[c], point[3 + c]));
    expected += std::log(mix);
  }
  CHECK(program.value_only(point, total) == doctest::Approx(expected).epsilon(1e-12));
}

TEST_CASE("factor: summing over some element dims only") {
  const std::size_t n = 1500, k = 2;
  const std::vector<double> y = draws(n, 3);
  testing::expect_gradient(
      [&](Program& p) {
        Node mu = p.parameter(Shape({Dim{tensor::enumeration(0), k}}));
        Node sigma = p.parameter(scalar);
        Node data = p.constant(Shape({Dim{tensor::plate(0), n}}), y);
        Node over_k = ad::log_density(normal_kernel, {{data}, {mu}, {sigma}}, {tensor::enumeration(0)});
        CHECK(over_k.shape() == Shape({Dim{tensor::plate(0), n}}));
        Node over_n = ad::log_density(normal_kernel, {{data}, {mu}, {sigma}}, {tensor::plate(0)});
        CHECK(over_n.shape() == Shape({Dim{tensor::enumeration(0), k}}));
        return ad::sum(over_k) + ad::sum(ad::square(over_n)) * 1e-4;
      },
      {{-0.2, 0.4, 1.3}});
}

TEST_CASE("factor: multivariate arguments, per element and broadcast") {
  const std::size_t n = 700, d = 3;
  const std::vector<double> y = draws(n * d, 4);
  const Shape events_by_plate{Dim{tensor::event(0), d}, Dim{tensor::plate(0), n}};
  // One mean vector for every element (KernelArg::broadcast).
  testing::expect_gradient(
      [&](Program& p) {
        Node mu = p.parameter(Shape::vector(d));
        Node data = p.constant(events_by_plate, y);
        return ad::log_density(isotropic_kernel, {{data, 1}, {mu, 1}}, {tensor::plate(0)});
      },
      {{0.1, -0.3, 0.7}});
  // A mean vector per enumeration value, expanded per block; y broadcast over K.
  testing::expect_gradient(
      [&](Program& p) {
        Node mu = p.parameter(Shape({Dim{tensor::event(0), d}, Dim{tensor::enumeration(0), 2}}));
        Node data = p.constant(events_by_plate, y);
        Node lp = ad::log_density(isotropic_kernel, {{data, 1}, {mu, 1}}, {});
        CHECK(lp.shape() == Shape({Dim{tensor::plate(0), n}, Dim{tensor::enumeration(0), 2}}));
        return ad::sum(ad::log_sum_exp(lp, {tensor::enumeration(0)}));
      },
      {{0.1, -0.3, 0.7, 1.0, 0.0, -1.0}});
}

TEST_CASE("factor: no elements sum to 0") {
  Program program;
  Node mu = program.parameter(scalar);
  Node data = program.constant(Shape({Dim{tensor::plate(0), 0}}), std::vector<double>{});
  Node lp = ad::log_density(normal_kernel, {{data}, {mu}, {program.constant(1.0)}}, {tensor::plate(0)});
  std::vector<double> gradient(1);
  CHECK(program.value_and_gradient(std::vector<double>{0.5}, gradient, lp) == 0.0);
  CHECK(gradient[0] == 0.0);
}

TEST_CASE("log_density_linear: equals the unfused factor over X * beta + alpha") {
  const std::size_t n = 2300, d = 4;  // several row blocks
  const std::vector<double> x = draws(n * d, 5), y = draws(n, 6);
  const std::vector<double> point = {0.3, -0.2, 0.5, 0.1, -0.4, 1.3};  // alpha, beta (4), sigma
  auto fused = [&](Program& p) {
    Node alpha = p.parameter(scalar);
    Node beta = p.parameter(Shape::vector(d));
    Node sigma = p.parameter(scalar);
    Node design = p.constant(Shape::matrix(n, d), x);
    Node outcome = p.constant(Shape::vector(n), y);
    return ad::log_density_linear(normal_kernel, outcome, design, beta, alpha, {sigma});
  };
  auto unfused = [&](Program& p) {
    Node alpha = p.parameter(scalar);
    Node beta = p.parameter(Shape::vector(d));
    Node sigma = p.parameter(scalar);
    Node design = p.constant(Shape::matrix(n, d), x);
    Node outcome = p.constant(Shape::vector(n), y);
    Node eta = ad::matrix_product(design, beta) + alpha;
    return ad::log_density(normal_kernel, {{outcome}, {eta}, {sigma}}, {tensor::event(0)});
  };
  testing::expect_gradient(fused, {point});
  Program a, b;
  Node fa = fused(a), fb = unfused(b);
  std::vector<double> ga(6), gb(6);
  CHECK(a.value_and_gradient(point, ga, fa) == doctest::Approx(b.value_and_gradient(point, gb, fb)).epsilon(1e-12));
  for (std::size_t i = 0; i < 6; ++i) CHECK(ga[i] == doctest::Approx(gb[i]).epsilon(1e-10));
  CHECK(a.value_only(point, fa) == doctest::Approx(b.value_only(point, fb)).epsilon(1e-12));
}

// The summed-partials shortcut (kernel.hpp): a kernel that returns the block sum of a uniform
// scalar's partials must give the same value and gradient as one that writes per-element
// partials, in every regime of the factor op.
namespace {

int shortcut_calls = 0;       // blocks in which the kernel summed some partial
int uniform_flag_misses = 0;  // blocks where a uniform flag disagreed with the values

void normal_summing_kernel(const ad::KernelCall& call, double* out, double* const* partials) {
  normal_kernel(call, out, partials);
  bool summed_any = false;
  for (std::size_t a = 0; a < call.arg_count; ++a) {
    const ad::KernelArg& arg = call.args[a];
    if (arg.uniform)
      for (std::size_t j = 0; j < call.count; ++j)
        if (arg.data[j] != arg.data[0]) ++uniform_flag_misses;
    if (!arg.uniform || !partials[a] || !call.summed_partials) continue;
    partials[a][0] = Eigen::Map<const Eigen::ArrayXd>(partials[a], static_cast<Eigen::Index>(call.count)).sum();
    call.summed_partials[a] = true;
    summed_any = true;
  }
  if (summed_any) ++shortcut_calls;
}

}  // namespace

TEST_CASE("factor: a kernel returning summed partials of uniform scalars agrees with the per-element path") {
  const std::vector<double> y = draws(2500, 4, 1.5);  // three blocks, the last one partial
  auto build = [&](Program& p, ad::LogDensityKernel kernel) {
    Node mu = p.parameter(scalar);
    Node sigma = p.parameter(scalar);
    Node data = p.constant(Shape({Dim{tensor::plate(0), y.size()}}), y);
    return ad::log_density(kernel, {{data}, {mu}, {sigma}}, {tensor::plate(0)});
  };
  Program plain_program, summing_program;
  Node plain = build(plain_program, normal_kernel);
  Node summing = build(summing_program, normal_summing_kernel);
  plain_program.finalize();
  summing_program.finalize();
  shortcut_calls = uniform_flag_misses = 0;
  // Two points in turn: the uniform scratch must follow the parameter's new value.
  for (const std::vector<double>& point : {std::vector<double>{0.3, 1.4}, std::vector<double>{-0.7, 0.6}}) {
    std::vector<double> plain_gradient(2), summing_gradient(2);
    const double plain_value = plain_program.value_and_gradient(point, plain_gradient, plain);
    const double summing_value = summing_program.value_and_gradient(point, summing_gradient, summing);
    double expected = 0;
    for (double v : y) expected += normal_reference(v, point[0], point[1]);
    CHECK(summing_value == doctest::Approx(expected).epsilon(1e-12));
    CHECK(summing_value == doctest::Approx(plain_value).epsilon(1e-13));
    for (int i = 0; i < 2; ++i) CHECK(summing_gradient[i] == doctest::Approx(plain_gradient[i]).epsilon(1e-13));
  }
  CHECK(shortcut_calls == 6);  // 3 blocks x 2 gradient evaluations
  CHECK(uniform_flag_misses == 0);
}

TEST_CASE("factor: summed partials only where the op can use them; gradients stay exact") {
  const Shape plates{Dim{tensor::plate(0), 1100}};  // two blocks
  const std::vector<double> y = draws(1100, 5);
  std::vector<double> point = y;
  point.push_back(0.2);  // mu
  point.push_back(1.3);  // sigma
  shortcut_calls = uniform_flag_misses = 0;
  // Summed output, y a parameter too (direct, per-element partials) next to uniform mu, sigma.
  testing::expect_gradient(
      [&](Program& p) {
        Node yp = p.parameter(plates);
        Node mu = p.parameter(scalar);
        Node sigma = p.parameter(scalar);
        return ad::log_density(normal_summing_kernel, {{yp}, {mu}, {sigma}}, {tensor::plate(0)});
      },
      {point});
  CHECK(shortcut_calls > 0);
  // Unsummed output: the backward pass needs per-element partials times per-element
  // adjoints, so the op must not offer the shortcut.
  shortcut_calls = 0;
  testing::expect_gradient(
      [&](Program& p) {
        Node yp = p.parameter(plates);
        Node mu = p.parameter(scalar);
        Node sigma = p.parameter(scalar);
        return ad::log_density(normal_summing_kernel, {{yp}, {mu}, {sigma}}, {});
      },
      {point});
  CHECK(shortcut_calls == 0);
  CHECK(uniform_flag_misses == 0);
}

TEST_CASE("factor: a (K) parameter is uniform on blocks inside one component; sums land on that component") {
  const std::size_t n = 2100, k = 3;  // blocks inside one component and blocks spanning two
  const std::vector<double> y = draws(n, 6, 2.0);
  const Shape components{Dim{tensor::enumeration(0), k}};
  auto build = [&](Program& p, ad::LogDensityKernel kernel) {
    Node mu = p.parameter(components);
    Node sigma = p.parameter(components);
    Node data = p.constant(Shape({Dim{tensor::plate(0), n}}), y);
    return ad::log_density(kernel, {{data}, {mu}, {sigma}}, {tensor::plate(0), tensor::enumeration(0)});
  };
  const std::vector<double> point{-1.0, 0.5, 2.0, 0.8, 1.1, 0.6};
  Program plain_program, summing_program;
  Node plain = build(plain_program, normal_kernel);
  Node summing = build(summing_program, normal_summing_kernel);
  plain_program.finalize();
  summing_program.finalize();
  shortcut_calls = uniform_flag_misses = 0;
  std::vector<double> plain_gradient(6), summing_gradient(6);
  const double plain_value = plain_program.value_and_gradient(point, plain_gradient, plain);
  const double summing_value = summing_program.value_and_gradient(point, summing_gradient, summing);
  CHECK(shortcut_calls > 0);
  CHECK(uniform_flag_misses == 0);
  CHECK(summing_value == doctest::Approx(plain_value).epsilon(1e-13));
  for (std::size_t i = 0; i < 6; ++i) CHECK(summing_gradient[i] == doctest::Approx(plain_gradient[i]).epsilon(1e-13));
  testing::expect_gradient([&](Program& p) { return build(p, normal_summing_kernel); }, {point});
}
