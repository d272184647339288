// Nets (engine/compile/nets.hpp): the forward value of an mlp against the same network
// computed by hand with Eigen, the gradient against finite differences, the row-by-row form
// inside a plate, the Glorot / He initialization, and the saved-parameter layout.
#include <cmath>
#include <random>

#include <Eigen/Dense>
#include <fmt/format.h>
#include <doctest/doctest.h>

#include "compile_support.hpp"
#include "engine/compile/variational.hpp"
#include "engine/infer/params_json.hpp"

namespace pm::compile {
namespace {

using testing::compile_text;

constexpr std::size_t kRows = 5, kInputs = 3, kHidden = 4, kOutputs = 2;
constexpr double kScale = 0.5;

// Seeded inputs X (5 x 3) and outputs Y (5 x 2) as JSON.
struct Example {
  Eigen::MatrixXd X = Eigen::MatrixXd(kRows, kInputs), Y = Eigen::MatrixXd(kRows, kOutputs);
  std::string json;
};

Example make_example() {
  Example example;
  std::mt19937_64 generator(17);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (Eigen::Index r = 0; r < example.X.rows(); ++r)
    for (Eigen::Index c = 0; c < example.X.cols(); ++c) example.X(r, c) = normal(generator);
  for (Eigen::Index r = 0; r < example.Y.rows(); ++r)
    for (Eigen::Index c = 0; c < example.Y.cols(); ++c) example.Y(r, c) = normal(generator);
  auto rows = [](const Eigen::MatrixXd& m) {
    std::string text = "[";
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      text += r ? ",[" : "[";
      for (Eigen::Index c = 0; c < m.cols(); ++c) text += std::string(c ? "," : "") + fmt::format("{:.17g}", m(r, c));
      text += "]";
    }
    return text + "]";
  };
  example.json = fmt::format(R"({{"N": {}, "X": {}, "Y": {}}})", kRows, rows(example.X), rows(example.Y));
  return example;
}

const char* const kMatrixModel = R"(
data { int N; matrix[N, 3] X; matrix[N, 2] Y; }
net f = mlp(3, 4, 2, activation = tanh);
model { Y ~ normal(f(X), 0.5); }
)";

const char* const kPlateModel = R"(
data { int N; matrix[N, 3] X; matrix[N, 2] Y; }
net f = mlp(3, 4, 2, activation = tanh);
model { for (n in 1:N) Y[n] ~ normal(f(X[n]), 0.5); }
)";

// The same log density by hand: layer l reads W_l[j][i] at offset + i + n_in * j (nets.hpp).
double log_density_by_hand(const Example& example, const std::vector<double>& u) {
  Eigen::MatrixXd W1(kHidden, kInputs), W2(kOutputs, kHidden);
  Eigen::VectorXd b1(kHidden), b2(kOutputs);
  std::size_t offset = 0;
  for (std::size_t j = 0; j < kHidden; ++j)
    for (std::size_t i = 0; i < kInputs; ++i) W1(j, i) = u[offset + i + kInputs * j];
  offset += kInputs * kHidden;
  for (std::size_t j = 0; j < kHidden; ++j) b1(j) = u[offset + j];
  offset += kHidden;
  for (std::size_t j = 0; j < kOutputs; ++j)
    for (std::size_t i = 0; i < kHidden; ++i) W2(j, i) = u[offset + i + kHidden * j];
  offset += kHidden * kOutputs;
  for (std::size_t j = 0; j < kOutputs; ++j) b2(j) = u[offset + j];
  double total = 0;
  for (std::size_t n = 0; n < kRows; ++n) {
    Eigen::VectorXd hidden(kHidden), output(kOutputs);
    for (std::size_t j = 0; j < kHidden; ++j) {
      double z = b1(j);
      for (std::size_t i = 0; i < kInputs; ++i) z += W1(j, i) * example.X(n, i);
      hidden(j) = std::tanh(z);
    }
    for (std::size_t j = 0; j < kOutputs; ++j) {
      double z = b2(j);
      for (std::size_t i = 0; i < kHidden; ++i) z += W2(j, i) * hidden(i);
      output(j) = z;  // identity output
    }
    for (std::size_t j = 0; j < kOutputs; ++j) {
      const double standardized = (example.Y(n, j) - output(j)) / kScale;
      total += -0.5 * standardized * standardized - std::log(kScale) - 0.5 * std::log(2 * M_PI);
    }
  }
  return total;
}

TEST_CASE("an mlp's weights are parameters under stable names, laid out layer after layer") {
  Example example = make_example();
  auto compiled = compile_text(kMatrixModel, example.json);
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  const CompiledModel& model = *compiled->model;
  CHECK(model.dimension() == kInputs * kHidden + kHidden + kHidden * kOutputs + kOutputs);
  CHECK(model.slots.empty());
  CHECK(model.constrained_names().empty());  // nets are not summarized
  REQUIRE(model.nets.size() == 1);
  REQUIRE(model.nets[0].layers.size() == 2);
  CHECK(model.nets[0].layers[0].weight_name == "f.layer1.weight");
  CHECK(model.nets[0].layers[1].bias_name == "f.layer2.bias");
  CHECK(model.nets[0].layers[1].weight_offset == kInputs * kHidden + kHidden);
  CHECK(model.nets[0].layers[0].activation == Activation::tanh);
  CHECK(model.nets[0].layers[1].activation == Activation::identity);
}

TEST_CASE("an mlp on a matrix gives the hand-computed log density, and row by row in a plate the same") {
  Example example = make_example();
  auto matrix_form = compile_text(kMatrixModel, example.json);
  auto plate_form = compile_text(kPlateModel, example.json);
  REQUIRE_MESSAGE(matrix_form->model.has_value(), matrix_form->messages());
  REQUIRE_MESSAGE(plate_form->model.has_value(), plate_form->messages());
  for (unsigned seed : {1u, 2u, 3u}) {
    std::vector<double> u = testing::seeded_point(matrix_form->model->dimension(), seed, 1.5);
    const double expected = log_density_by_hand(example, u);
    CAPTURE(seed);
    CHECK(matrix_form->evaluate(u) == doctest::Approx(expected).epsilon(1e-12));
    CHECK(plate_form->evaluate(u) == doctest::Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("the gradient of a model with an mlp matches finite differences, in both forms") {
  Example example = make_example();
  for (const char* text : {kMatrixModel, kPlateModel}) {
    auto compiled = compile_text(text, example.json);
    REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
    testing::expect_gradient_matches(*compiled, testing::seeded_point(compiled->model->dimension(), 11, 1.0));
  }
}

TEST_CASE("relu hidden layers, a sigmoid output and a vector input") {
  // One datum: p = sigmoid(w2 . relu(W1 x + b1) + b2), y ~ bernoulli(p).
  auto compiled = compile_text(R"(
data { vector[2] x; int<lower=0, upper=1> y; }
net g = mlp(2, 3, 1, output = sigmoid);
model { y ~ bernoulli(g(x)[1]); }
)",
                               R"({"x": [0.7, -1.3], "y": 1})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  REQUIRE(compiled->model->dimension() == 2 * 3 + 3 + 3 + 1);
  CHECK(compiled->model->nets[0].layers[0].activation == Activation::relu);  // the default
  const std::vector<double> u = testing::seeded_point(compiled->model->dimension(), 5, 1.0);
  const double x[2] = {0.7, -1.3};
  double logit = u[12];
  for (std::size_t j = 0; j < 3; ++j) {
    double z = u[6 + j] + u[0 + 2 * j] * x[0] + u[1 + 2 * j] * x[1];
    logit += u[9 + j] * std::max(z, 0.0);
  }
  const double p = 1.0 / (1.0 + std::exp(-logit));
  CHECK(compiled->evaluate(u) == doctest::Approx(std::log(p)).epsilon(1e-12));
}

TEST_CASE("Glorot uniform for tanh layers, He normal for relu layers, zero biases, given values kept") {
  NetParameters net;
  net.layers.resize(2);
  net.layers[0] = {200, 100, Activation::relu, "h.layer1.weight", "h.layer1.bias", 0, 20000, {}, {}};
  net.layers[1] = {100, 50, Activation::tanh, "h.layer2.weight", "h.layer2.bias", 20100, 25100, {}, {}};
  std::vector<double> point(25150, 7.0), given(25150, std::nan(""));
  given[3] = 0.25;
  initialize_net_weights({net}, random::Stream(42), point, given);
  CHECK(point[3] == 7.0);  // given: left as the caller set it
  double sum = 0, sum_squares = 0;
  for (std::size_t k = 0; k < 20000; ++k) {
    sum += point[k];
    sum_squares += point[k] * point[k];
  }
  // He: variance 2 / fan_in = 0.01; the sample variance of 20000 normals has relative sd
  // sqrt(2 / 20000) = 1%: 5% is 5 sd.
  CHECK(sum_squares / 20000 == doctest::Approx(2.0 / 200).epsilon(0.05));
  CHECK(std::abs(sum / 20000) < 5 * std::sqrt(0.01 / 20000));
  const double limit = std::sqrt(6.0 / 150);
  double glorot_squares = 0;
  for (std::size_t k = 20100; k < 25100; ++k) {
    CHECK(std::abs(point[k]) <= limit);
    glorot_squares += point[k] * point[k];
  }
  // Uniform(-a, a): variance a^2 / 3, relative sd of the estimate sqrt(0.8 / 5000) = 1.3%.
  CHECK(glorot_squares / 5000 == doctest::Approx(limit * limit / 3).epsilon(0.07));
  for (std::size_t k = 20000; k < 20100; ++k) CHECK(point[k] == 0.0);
  for (std::size_t k = 25100; k < 25150; ++k) CHECK(point[k] == 0.0);
  // The same seed gives the same draws.
  std::vector<double> again(25150, 7.0);
  initialize_net_weights({net}, random::Stream(42), again, given);
  CHECK(again == point);
}

TEST_CASE("saved net weights are nested [outputs][inputs] under stable names and read back exactly") {
  Example example = make_example();
  auto compiled = compile_text(kMatrixModel, example.json);
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  CompiledModel& model = *compiled->model;
  const std::vector<double> u = testing::seeded_point(model.dimension(), 9, 1.0);
  compiled->evaluate(u);  // params_to_json reads the last forward pass
  nlohmann::json saved = infer::params_to_json(model, model.constrained_values());
  REQUIRE(saved.contains("f.layer1.weight"));
  REQUIRE(saved["f.layer1.weight"].size() == kHidden);
  REQUIRE(saved["f.layer1.weight"][0].size() == kInputs);
  CHECK(saved["f.layer1.weight"][2][1].get<double>() == u[1 + kInputs * 2]);
  CHECK(saved["f.layer1.bias"][3].get<double>() == u[kInputs * kHidden + 3]);
  CHECK(saved["f.layer2.weight"].size() == kOutputs);
  CHECK(saved["f.layer2.bias"].size() == kOutputs);
  std::string error;
  std::vector<double> read = infer::unconstrain_params(model, saved, error);
  CHECK(error.empty());
  CHECK(read == u);
  saved["f.layer2.weight"] = nlohmann::json::array({1.0, 2.0});
  CHECK(infer::unconstrain_params(model, saved, error).empty());
  CHECK(error.find("f.layer2.weight") != std::string::npos);
}

}  // namespace
}  // namespace pm::compile

namespace pm::compile {
namespace {

// An amortized guide (vae.pm in miniature): the decoder is theta, the encoder (read by the
// guide only) phi; the reparameterized ELBO at fixed noise is differentiable in both.
TEST_CASE("under VI a guide's net is phi, after the model's net, and the ELBO's gradient is right") {
  const Example example = make_example();
  auto compiled = compile_text(R"(
data { int N; matrix[N, 3] X; matrix[N, 2] Y; }
net decoder = mlp(2, 4, 3, activation = tanh);
net encoder = mlp(3, 4, 4, activation = elu);
latent { matrix[N, 2] z; }
model { z ~ normal(0, 1); X ~ normal(decoder(z), 0.5); }
guide {
  h = encoder(X);
  z ~ normal(h[:, 1:2], softplus(h[:, 3:4]));
}
)",
                               example.json);
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());  // compile_model: the model alone
  lang::Diagnostics diagnostics;
  std::optional<VariationalModel> vi = compile_variational(compiled->checked, compiled->data, {}, diagnostics);
  REQUIRE_MESSAGE(vi.has_value(), lang::render_all(*compiled->file, diagnostics));
  const std::size_t decoder_size = 2 * 4 + 4 + 4 * 3 + 3, encoder_size = 3 * 4 + 4 + 4 * 4 + 4;
  CHECK(vi->dimension() == decoder_size + encoder_size);
  CHECK(vi->automatic_size == 0);
  REQUIRE(vi->model.nets.size() == 2);
  CHECK(vi->model.nets[0].name == "decoder");
  CHECK(vi->model.nets[0].layers[0].weight_offset == 0);
  CHECK(vi->model.nets[1].layers[0].weight_offset == decoder_size);
  const std::vector<std::string> names = vi->parameter_names();
  CHECK(names[0] == "decoder.layer1.weight[1,1]");
  CHECK(names[1] == "decoder.layer1.weight[1,2]");  // row-major: input index fastest
  CHECK(names[decoder_size] == "encoder.layer1.weight[1,1]");
  CHECK(names.back() == "encoder.layer2.bias[4]");

  random::Stream stream(3);
  const std::vector<double> start = vi->initial_point(stream);
  CHECK(start[2 * 4] == 0.0);  // decoder.layer1.bias[1]
  CHECK(start[decoder_size - 1] == 0.0);  // decoder.layer2.bias[3]
  // Fixed noise: the ELBO is a deterministic function of the parameters.
  vi->draw_noise(stream);
  ad::Program& program = *vi->model.program;
  std::vector<double> gradient(vi->dimension());
  const double f = program.value_and_gradient(start, gradient, vi->elbo);
  REQUIRE(std::isfinite(f));
  for (std::size_t i = 0; i < start.size(); ++i) {
    std::vector<double> shifted = start;
    const double h = 1e-6 * std::max(1.0, std::abs(start[i]));
    shifted[i] = start[i] + h;
    const double plus = program.value_only(shifted, vi->elbo);
    shifted[i] = start[i] - h;
    const double minus = program.value_only(shifted, vi->elbo);
    const double finite_difference = (plus - minus) / (2 * h);
    CAPTURE(i);
    CHECK(std::abs(gradient[i] - finite_difference) <= 1e-6 * std::max(1.0, std::abs(finite_difference)) + 1e-9 * std::max(1.0, std::abs(f)));
  }
}

}  // namespace
}  // namespace pm::compile
