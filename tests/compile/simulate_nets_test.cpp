// Nets in forward simulation (engine/compile/simulate.hpp, SimulationOptions::net_weights):
// a one-layer linear decoder with known weights, given as saved params. With z given, the
// drawn x has mean W z + b (checked within 4 standard errors of the Monte Carlo mean) and the
// `~`'s recorded argument is exactly W z + b; with z drawn from its prior, x has mean b and
// variance sum_i W_ji^2 + s^2. Missing or misshapen weights are located errors naming them.
#include <cmath>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "compile/simulation_support.hpp"

namespace pm::compile {
namespace {

using testing::simulate_text;

const char* kLinearDecoder = R"(
data {
  int<lower=1> N;
  matrix[N, 3] x;
}
net decoder = mlp(2, 3);
latent {
  matrix[N, 2] z;
}
model {
  z ~ normal(0, 1);
  x ~ normal(decoder(z), 0.5);
}
)";

// W[j][i] (output j, input i) as pm fit --save-params writes it, and b.
const double kWeight[3][2] = {{1.0, -2.0}, {0.5, 0.5}, {0.0, 3.0}};
const double kBias[3] = {1.0, -1.0, 0.25};
constexpr double kNoiseSd = 0.5;

nlohmann::json saved_weights() {
  nlohmann::json saved = nlohmann::json::object();
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : kWeight) rows.push_back({row[0], row[1]});
  saved["decoder.layer1.weight"] = rows;
  saved["decoder.layer1.bias"] = {kBias[0], kBias[1], kBias[2]};
  return saved;
}

TEST_CASE("a net's weights from saved params: x given z has mean W z + b") {
  const nlohmann::json saved = saved_weights();
  auto fixture = simulate_text(kLinearDecoder, R"({"N": 2})", {.given = {"z"}, .seed = 5, .net_weights = &saved}, {"x"});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  // z (N = 2 rows, 2 columns) in the data_set.hpp layout: element (n, k) at n + 2 k.
  const double z[2][2] = {{0.3, -1.2}, {2.0, 0.7}};
  const std::vector<double> given = {z[0][0], z[1][0], z[0][1], z[1][1]};
  const SimulatedValue* x = simulator.find("x");
  REQUIRE(x != nullptr);
  CHECK(x->role == SimulatedRole::drawn);
  CHECK(x->distribution == "normal");
  REQUIRE(x->arguments.size() == 2);

  const std::size_t draws = 4000;
  std::vector<double> sums(6, 0.0);
  for (std::size_t s = 0; s < draws; ++s) {
    simulator.run(given, s);
    std::span<const double> values = simulator.values_of(*x);
    for (std::size_t k = 0; k < 6; ++k) sums[k] += values[k];
    if (s == 0) {
      // The recorded location argument is the decoder's output itself, exactly.
      std::span<const double> location = simulator.argument_values(x->arguments[0]);
      REQUIRE(location.size() == 6);
      for (std::size_t n = 0; n < 2; ++n)
        for (std::size_t j = 0; j < 3; ++j)
          CHECK(location[n + 2 * j] ==
                doctest::Approx(kWeight[j][0] * z[n][0] + kWeight[j][1] * z[n][1] + kBias[j]).epsilon(1e-12));
    }
  }
  // Each element's mean within 4 standard errors (sd 0.5 / sqrt(4000) = 0.0079).
  const double tolerance = 4.0 * kNoiseSd / std::sqrt(static_cast<double>(draws));
  for (std::size_t n = 0; n < 2; ++n)
    for (std::size_t j = 0; j < 3; ++j) {
      const double expected = kWeight[j][0] * z[n][0] + kWeight[j][1] * z[n][1] + kBias[j];
      CHECK(std::abs(sums[n + 2 * j] / static_cast<double>(draws) - expected) < tolerance);
    }
}

TEST_CASE("z drawn from its prior: x has mean b and variance |W_j|^2 + s^2") {
  const nlohmann::json saved = saved_weights();
  auto fixture = simulate_text(kLinearDecoder, R"({"N": 1})", {.given = {}, .seed = 9, .net_weights = &saved}, {"x"});
  REQUIRE_MESSAGE(fixture->simulator, fixture->messages());
  Simulator& simulator = *fixture->simulator;
  const SimulatedValue* x = simulator.find("x");
  REQUIRE(x != nullptr);
  const std::size_t draws = 20000;
  std::vector<double> sum(3, 0.0), squares(3, 0.0);
  for (std::size_t s = 0; s < draws; ++s) {
    simulator.run({}, s);
    std::span<const double> values = simulator.values_of(*x);
    for (std::size_t j = 0; j < 3; ++j) sum[j] += values[j], squares[j] += values[j] * values[j];
  }
  for (std::size_t j = 0; j < 3; ++j) {
    const double variance = kWeight[j][0] * kWeight[j][0] + kWeight[j][1] * kWeight[j][1] + kNoiseSd * kNoiseSd;
    const double mean = sum[j] / draws, sample_variance = squares[j] / draws - mean * mean;
    // The mean within 4 standard errors; the variance within 4 of its (normal: sqrt(2 / n) var).
    CHECK(std::abs(mean - kBias[j]) < 4.0 * std::sqrt(variance / draws));
    CHECK(std::abs(sample_variance - variance) < 4.0 * variance * std::sqrt(2.0 / draws));
  }
}

TEST_CASE("a net without weights, a missing weight and a misshapen one are errors naming them") {
  auto without = simulate_text(kLinearDecoder, R"({"N": 1})", {}, {"x"});
  CHECK(without->simulator == nullptr);
  CHECK(without->messages().find("the net 'decoder' has no prior") != std::string::npos);

  nlohmann::json missing = saved_weights();
  missing.erase("decoder.layer1.bias");
  auto no_bias = simulate_text(kLinearDecoder, R"({"N": 1})", {.given = {}, .net_weights = &missing}, {"x"});
  CHECK(no_bias->simulator == nullptr);
  CHECK(no_bias->messages().find("'decoder.layer1.bias' is missing") != std::string::npos);

  nlohmann::json transposed = saved_weights();
  transposed["decoder.layer1.weight"] = {{1.0, 0.5, 0.0}, {-2.0, 0.5, 3.0}};  // [n_in][n_out]: wrong
  auto wrong = simulate_text(kLinearDecoder, R"({"N": 1})", {.given = {}, .net_weights = &transposed}, {"x"});
  CHECK(wrong->simulator == nullptr);
  CHECK(wrong->messages().find("'decoder.layer1.weight' in the params file should be nested arrays of 3 x 2") !=
        std::string::npos);
}

}  // namespace
}  // namespace pm::compile
