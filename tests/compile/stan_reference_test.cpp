// Against Stan: tests/data/gradpoint_*.csv hold Stan's log density (Jacobian included, the
// constants of `~` dropped) and gradient at u_i = 0.5 sin(i) for the models of
// /work/shared/peers/stan; tests/data/*.pm are their .pm equivalents. Gradients must agree
// to 1e-8 relative (both are exact up to rounding); log densities differ by the constants
// Stan drops, which each test adds back where they are simple to write.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "compile_support.hpp"

using namespace pm::compile::testing;

namespace {

const double kLogSqrtTwoPi = 0.5 * std::log(2.0 * std::numbers::pi);

// Compiles, evaluates at Stan's point, checks the point, gradient and coordinate count;
// returns our log density there.
double expect_stan_gradient(const std::string& model_file, const std::string& data_file, const std::string& reference) {
  auto compiled = compile_files(model_file, data_file);
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  StanGradient stan = read_stan_gradient(reference);
  REQUIRE(compiled->model->dimension() == stan.point.size());
  std::vector<double> u = reference_point(stan.point.size());
  for (std::size_t i = 0; i < u.size(); ++i) REQUIRE(std::abs(u[i] - stan.point[i]) < 1e-15);
  std::vector<double> gradient;
  double log_density = compiled->evaluate(u, gradient);
  for (std::size_t i = 0; i < gradient.size(); ++i) {
    CAPTURE(stan.names[i]);
    CHECK(std::abs(gradient[i] - stan.gradient[i]) <= 1e-8 * std::max(1.0, std::abs(stan.gradient[i])));
  }
  return log_density - stan.log_density;  // the constants Stan dropped
}

}  // namespace

TEST_CASE("Stan gradpoint: coin (beta(1, 1) and bernoulli have no constants)") {
  double dropped = expect_stan_gradient("coin.pm", "coin.json", "gradpoint_coin.csv");
  CHECK(std::abs(dropped) < 1e-10);
}

TEST_CASE("Stan gradpoint: eight schools non-centered") {
  double dropped = expect_stan_gradient("eight_schools_nc.pm", "eight_schools.json", "gradpoint_eight_schools_nc.csv");
  // normal(0, 5) on mu, cauchy(0, 5) on tau, 8 standard normals, 8 normals with sigma_j.
  const double sigma[] = {15, 10, 16, 11, 9, 11, 10, 18};
  double constants = (-kLogSqrtTwoPi - std::log(5.0)) + (-std::log(std::numbers::pi) - std::log(5.0)) - 8 * kLogSqrtTwoPi;
  for (double s : sigma) constants += -kLogSqrtTwoPi - std::log(s);
  CHECK(dropped == doctest::Approx(constants).epsilon(1e-12));
}

TEST_CASE("Stan gradpoint: eight schools centered, written as a plate") {
  double dropped = expect_stan_gradient("eight_schools_cp.pm", "eight_schools.json", "gradpoint_eight_schools_cp.csv");
  // theta ~ normal(mu, tau) keeps -J log tau in Stan (tau is a parameter): only 2 pi terms drop there.
  const double sigma[] = {15, 10, 16, 11, 9, 11, 10, 18};
  double constants = (-kLogSqrtTwoPi - std::log(5.0)) + (-std::log(std::numbers::pi) - std::log(5.0)) - 8 * kLogSqrtTwoPi;
  for (double s : sigma) constants += -kLogSqrtTwoPi - std::log(s);
  CHECK(dropped == doctest::Approx(constants).epsilon(1e-12));
}

TEST_CASE("Stan gradpoint: normal with known sigma") {
  double dropped = expect_stan_gradient("normal_known.pm", "normal_known.json", "gradpoint_normal_known.csv");
  // normal(0, 10) prior, 50 normals with sigma = 2.
  CHECK(dropped == doctest::Approx((-kLogSqrtTwoPi - std::log(10.0)) + 50 * (-kLogSqrtTwoPi - std::log(2.0))).epsilon(1e-12));
}

TEST_CASE("Stan gradpoint: null model") {
  double dropped = expect_stan_gradient("null.pm", "null.json", "gradpoint_null.csv");
  CHECK(dropped == doctest::Approx(-kLogSqrtTwoPi).epsilon(1e-12));
}

TEST_CASE("Stan gradpoint: logistic regression, vectorized and as a plate") {
  // normal(0, 2.5) on alpha and on 10 betas; bernoulli_logit has no constants.
  double constants = 11 * (-kLogSqrtTwoPi - std::log(2.5));
  double vectorized = expect_stan_gradient("logreg_small.pm", "logreg_small.json", "gradpoint_logreg_small.csv");
  CHECK(vectorized == doctest::Approx(constants).epsilon(1e-12));
  double plate = expect_stan_gradient("logreg_small_plate.pm", "logreg_small.json", "gradpoint_logreg_small.csv");
  CHECK(plate == doctest::Approx(constants).epsilon(1e-12));
}

TEST_CASE("Stan gradpoint: radon, vectorized gather and as plates") {
  double vectorized = expect_stan_gradient("radon.pm", "radon.json", "gradpoint_radon.csv");
  double plate = expect_stan_gradient("radon_plate.pm", "radon.json", "gradpoint_radon.csv");
  // Same model, same constants: the two forms agree to rounding.
  CHECK(plate == doctest::Approx(vectorized).epsilon(1e-12));
  // normal(0, 10) twice, normal(0, 5) twice, then 85 + 919 normals whose sigma is a parameter.
  double constants = 2 * (-kLogSqrtTwoPi - std::log(10.0)) + 2 * (-kLogSqrtTwoPi - std::log(5.0)) - (85 + 919) * kLogSqrtTwoPi;
  CHECK(vectorized == doctest::Approx(constants).epsilon(1e-12));
}
