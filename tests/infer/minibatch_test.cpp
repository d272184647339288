// Minibatching and per-datum scoring against closed forms (compile/data_plate.hpp,
// compile/data_feed.hpp, infer/minibatch.hpp, infer/per_datum.hpp):
// - the data plate of a VAE-like model, its local names, and the refusal of two plates;
// - select_rows cuts column-major matrices by row;
// - a program compiled on rows {1, 2} and refilled with rows {3, 4} computes what a program
//   compiled on rows {3, 4} computes, transformed data included;
// - the N / B scaling: the mean of the scaled batch log joints over a partition of the rows
//   equals the full log joint, to rounding;
// - minibatch training of an amortized linear guide on a conjugate model, whose optimal guide
//   is the exact posterior z_n | x_n ~ N(x_n / 2, 1/2) (a = 0.5, c = 0, s = sqrt(0.5));
// - per-datum scores: exact for a model without latents (the normal log density), and the
//   IWAE estimate with the fitted guide against the exact marginal N(x_n; 0, sqrt(2)).
// Every random choice is seeded; tolerances are stated per check.
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "compile/compile_support.hpp"
#include "engine/compile/data_feed.hpp"
#include "engine/compile/data_plate.hpp"
#include "engine/compile/variational.hpp"
#include "engine/infer/minibatch.hpp"
#include "engine/infer/per_datum.hpp"
#include "engine/random/stream.hpp"

namespace pm::infer {
namespace {

using compile::testing::compile_text;

constexpr double kLogTwoPi = 1.8378770664093454836;

double normal_log_density(double x, double mean, double sd) {
  const double z = (x - mean) / sd;
  return -0.5 * z * z - std::log(sd) - 0.5 * kLogTwoPi;
}

std::string vector_json(const std::vector<double>& values) {
  std::string text = "[";
  for (std::size_t k = 0; k < values.size(); ++k) text += (k ? "," : "") + fmt::format("{:.17g}", values[k]);
  return text + "]";
}

compile::VariationalModel compile_vi(const compile::testing::Compiled& compiled, const io::DataSet& data,
                                     const compile::VariationalOptions& options) {
  lang::Diagnostics diagnostics;
  std::optional<compile::VariationalModel> model = compile::compile_variational(compiled.checked, data, options, diagnostics);
  REQUIRE_MESSAGE(model.has_value(), lang::render_all(*compiled.file, diagnostics));
  return std::move(*model);
}

const char* kVaeLike = R"(
data { int<lower=1> N; int<lower=1> D; matrix[N, D] x; vector[D] w; }
net decoder = mlp(2, 4, D, activation = tanh);
net encoder = mlp(D, 4, 4, activation = tanh);
latent { matrix[N, 2] z; }
model { z ~ normal(0, 1); x ~ normal(decoder(z), 1); }
guide { h = encoder(x); z ~ normal(h[:, 1:2], exp(h[:, 3:4])); }
)";

TEST_CASE("the data plate of a VAE-like model: its int, its data and its local names") {
  auto compiled = compile_text(kVaeLike, R"({"N": 3, "D": 2, "x": [[1, 2], [3, 4], [5, 6]], "w": [1, 1]})");
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(compiled->checked, compiled->data, error);
  REQUIRE_MESSAGE(plate.has_value(), error);
  CHECK(plate->size_name == "N");
  CHECK(plate->size == 3);
  CHECK(plate->data == std::vector<std::string>{"x"});
  CHECK(plate->is_local("z"));
  CHECK(plate->is_local("h"));  // a guide definition that reads x
  CHECK_FALSE(plate->is_local("w"));
  CHECK_FALSE(plate->is_local("D"));

  const std::vector<std::size_t> rows{2, 0};
  io::DataSet cut = compile::select_rows(compiled->data, *plate, rows);
  CHECK(cut.find("N")->scalar() == 2);
  // Column-major: x[3, 1], x[1, 1], x[3, 2], x[1, 2].
  CHECK(cut.find("x")->values == std::vector<double>{5, 1, 6, 2});
  CHECK(cut.find("w")->values == std::vector<double>{1, 1});
}

TEST_CASE("two data plates are refused, naming both") {
  auto compiled = compile_text(R"(
data { int<lower=0> N; int<lower=0> M; vector[N] y; vector[M] v; }
latent { real mu; }
model { mu ~ normal(0, 1); y ~ normal(mu, 1); v ~ normal(mu, 2); }
)",
                               R"({"N": 2, "M": 3, "y": [1, 2], "v": [0, 1, 2]})");
  std::string error;
  CHECK_FALSE(compile::find_data_plate(compiled->checked, compiled->data, error).has_value());
  CHECK(error.find("'y' is sized by N") != std::string::npos);
  CHECK(error.find("'v' by M") != std::string::npos);
}

const char* kShiftedMean = R"(
data { int<lower=0> N; vector[N] y; }
latent { real mu; }
model { vector[N] centered = y - 1.5; mu ~ normal(0, 1); centered ~ normal(mu, 0.5); }
)";

TEST_CASE("a refilled program computes what a program compiled on those rows computes") {
  auto compiled = compile_text(kShiftedMean, R"({"N": 4, "y": [0.5, 1.0, 2.5, 4.0]})");
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(compiled->checked, compiled->data, error);
  REQUIRE_MESSAGE(plate.has_value(), error);
  const std::vector<std::size_t> first{0, 1}, second{2, 3};
  compile::VariationalModel refilled = compile_vi(*compiled, compile::select_rows(compiled->data, *plate, first), {});
  compile::VariationalModel direct = compile_vi(*compiled, compile::select_rows(compiled->data, *plate, second), {});
  refilled.model.feed->load_rows(*refilled.model.program, compiled->data, *plate, second);
  const std::vector<double> parameters{0.3, -0.2};  // loc, omega of mu
  random::Stream a(5), b(5);
  for (compile::VariationalModel* model : {&refilled, &direct}) {
    std::copy(parameters.begin(), parameters.end(), model->model.program->parameters().begin());
    model->draw_noise(model == &refilled ? a : b);
    model->model.program->forward(false);
  }
  const double expected = direct.model.program->value(direct.log_joint);
  CHECK(refilled.model.program->value(refilled.log_joint) == doctest::Approx(expected).epsilon(1e-14));
  // And by hand: mu = 0.3 + exp(-0.2) eps; the centered data are 1.0 and 2.5.
  const double mu = refilled.model.constrained_values()[0];
  const double by_hand = normal_log_density(mu, 0, 1) + normal_log_density(1.0, mu, 0.5) + normal_log_density(2.5, mu, 0.5);
  CHECK(expected == doctest::Approx(by_hand).epsilon(1e-12));
}

TEST_CASE("the N / B scaling: scaled batch log joints average to the full log joint") {
  const std::vector<double> y{0.5, 1.0, 2.5, 4.0, -1.0, 0.25};
  auto compiled = compile_text(kShiftedMean, fmt::format(R"({{"N": 6, "y": {}}})", vector_json(y)));
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(compiled->checked, compiled->data, error);
  REQUIRE_MESSAGE(plate.has_value(), error);
  compile::VariationalModel full = compile_vi(*compiled, compiled->data, {});
  const std::vector<std::size_t> first{0, 1, 2};
  compile::VariationalOptions options;
  options.batch_plate = &*plate;
  options.batch_scale = 2.0;
  compile::VariationalModel batch = compile_vi(*compiled, compile::select_rows(compiled->data, *plate, first), options);
  const std::vector<double> parameters{0.7, -0.5};
  auto log_joint = [&](compile::VariationalModel& model) {
    std::copy(parameters.begin(), parameters.end(), model.model.program->parameters().begin());
    random::Stream stream(11);  // the same eps for mu every time
    model.draw_noise(stream);
    model.model.program->forward(false);
    return model.model.program->value(model.log_joint);
  };
  const double whole = log_joint(full), first_half = log_joint(batch);
  const std::vector<std::size_t> second{3, 4, 5};
  batch.model.feed->load_rows(*batch.model.program, compiled->data, *plate, second);
  const double second_half = log_joint(batch);
  CHECK(0.5 * (first_half + second_half) == doctest::Approx(whole).epsilon(1e-13));
  CHECK(first_half != doctest::Approx(whole).epsilon(1e-3));  // the halves differ: the check has teeth
}

TEST_CASE("an automatic guide of a local latent is refused under minibatching") {
  auto compiled = compile_text(R"(
data { int<lower=1> N; vector[N] x; }
latent { vector[N] z; }
model { z ~ normal(0, 1); x ~ normal(z, 1); }
)",
                               R"({"N": 4, "x": [1, 2, 3, 4]})");
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(compiled->checked, compiled->data, error);
  REQUIRE(plate.has_value());
  compile::VariationalOptions options;
  options.batch_plate = &*plate;
  options.batch_scale = 2.0;
  const std::vector<std::size_t> rows{0, 1};
  lang::Diagnostics diagnostics;
  CHECK_FALSE(compile::compile_variational(compiled->checked, compile::select_rows(compiled->data, *plate, rows), options,
                                           diagnostics)
                  .has_value());
  CHECK(lang::render_all(*compiled->file, diagnostics).find("needs a guide block drawing 'z'") != std::string::npos);
}

const char* kAmortized = R"(
data { int<lower=1> N; vector[N] x; }
latent { vector[N] z; }
model { z ~ normal(0, 1); x ~ normal(z, 1); }
guide { param real a; param real c; param real<lower=0> s; z ~ normal(a * x + c, s); }
)";

TEST_CASE("minibatch training finds the exact amortized posterior; per-datum IWAE scores are the exact marginal") {
  random::Stream data_stream(3);
  std::vector<double> x(400);
  for (double& v : x) v = data_stream.normal(0, std::sqrt(2.0));
  auto compiled = compile_text(kAmortized, fmt::format(R"({{"N": 400, "x": {}}})", vector_json(x)));
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(compiled->checked, compiled->data, error);
  REQUIRE_MESSAGE(plate.has_value(), error);
  std::vector<std::size_t> rows(20);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  compile::VariationalOptions options;
  options.batch_plate = &*plate;
  options.batch_scale = 400.0 / 20.0;
  compile::VariationalModel model = compile_vi(*compiled, compile::select_rows(compiled->data, *plate, rows), options);
  compile::VariationalModel test = compile_vi(*compiled, compiled->data, {});
  MinibatchOptions train;
  train.batch = 20;
  train.epochs = 150;
  train.learning_rate = 0.01;
  std::size_t epochs_seen = 0;
  MinibatchResult result = train_minibatch(model, compiled->data, *plate, &test, train, 7,
                                           [&](const EpochReport&) { ++epochs_seen; });
  REQUIRE_FALSE(result.failed);
  CHECK(epochs_seen == 150);
  CHECK(result.steps == 150 * 20);
  // Guide params in declaration order a, c, s (s on the log scale).
  const double a = result.parameters[model.guide_slots[0].offset], c = result.parameters[model.guide_slots[1].offset],
               s = std::exp(result.parameters[model.guide_slots[2].offset]);
  // Adam's last iterate at step 0.01 jitters by about the step; 0.05 is several times that.
  CHECK(std::abs(a - 0.5) < 0.05);
  CHECK(std::abs(c) < 0.05);
  CHECK(std::abs(s - std::sqrt(0.5)) < 0.05);
  // With the exact posterior as guide the ELBO is log p(x): sum of log N(x_n; 0, sqrt 2).
  double log_evidence = 0;
  for (double v : x) log_evidence += normal_log_density(v, 0, std::sqrt(2.0));
  CHECK(std::abs(result.test.elbo - log_evidence) < 2.0);  // 400 data; KL of a near-exact guide

  // Per datum, compiled on one row: IWAE with K = 200 draws of the fitted guide.
  const std::size_t one[1] = {0};
  compile::VariationalModel single = compile_vi(*compiled, compile::select_rows(compiled->data, *plate, one), {});
  ScoreResult scores = score_data(single, compiled->data, *plate, result.parameters, 200, 9);
  REQUIRE(scores.scores.size() == 400);
  CHECK_FALSE(scores.exact);
  double largest_error = 0;
  for (std::size_t n = 0; n < x.size(); ++n)
    largest_error = std::max(largest_error, std::abs(scores.scores[n].log_p - normal_log_density(x[n], 0, std::sqrt(2.0))));
  CHECK(largest_error < 0.02);  // near-constant weights: the IWAE estimate is nearly exact
  CHECK(scores.total == doctest::Approx(log_evidence).epsilon(0.001));
}

TEST_CASE("per-datum scores of a model without latents are its exact log-likelihoods") {
  auto compiled = compile_text(R"(
data { int<lower=1> N; vector[N] x; }
param { real mu; real<lower=0> sigma; }
model { x ~ normal(mu, sigma); }
)",
                               R"({"N": 3, "x": [0.5, -1.25, 3.0]})");
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(compiled->checked, compiled->data, error);
  REQUIRE(plate.has_value());
  const std::size_t one[1] = {0};
  compile::VariationalModel single = compile_vi(*compiled, compile::select_rows(compiled->data, *plate, one), {});
  const std::vector<double> parameters{0.25, std::log(1.5)};  // mu, log sigma
  ScoreResult scores = score_data(single, compiled->data, *plate, parameters, 100, 1);
  CHECK(scores.exact);
  const std::vector<double> x{0.5, -1.25, 3.0};
  for (std::size_t n = 0; n < 3; ++n)
    CHECK(scores.scores[n].log_p == doctest::Approx(normal_log_density(x[n], 0.25, 1.5)).epsilon(1e-13));
}

}  // namespace
}  // namespace pm::infer
