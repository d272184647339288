// The generated block per VI draw (compile::generated_per_row, as `pm fit` runs it): the
// summed-out discrete latents are given, per draw, the values drawn from their exact
// conditional posterior given the draw's continuous values (VariationalFitResult::
// discrete_draws), so the generated block sees the same discrete values as the draws file:
// never their prior. Seeded; tolerances in binomial standard errors.
#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "compile/compile_support.hpp"
#include "engine/compile/simulate.hpp"
#include "engine/compile/variational.hpp"
#include "engine/infer/variational_fit.hpp"

namespace pm::infer {
namespace {

using compile::testing::compile_text;

struct FittedRows {
  std::unique_ptr<compile::testing::Compiled> compiled;
  VariationalFitResult fit;
  std::vector<std::string> names;  // the continuous columns, then the discrete draws'
  std::vector<double> rows;        // one row per draw
  compile::GeneratedRows generated;

  double column(std::size_t row, const std::string& name) const {
    for (std::size_t c = 0; c < names.size(); ++c)
      if (names[c] == name) return rows[row * names.size() + c];
    for (std::size_t c = 0; c < generated.names.size(); ++c)
      if (generated.names[c] == name) return generated.values[row * generated.names.size() + c];
    FAIL("no column " << name);
    return 0;
  }
};

FittedRows fit_and_generate(const std::string& model_text, const std::string& json, std::size_t draws) {
  FittedRows result;
  result.compiled = compile_text(model_text, json);
  lang::Diagnostics diagnostics;
  std::optional<compile::VariationalModel> model = compile::compile_variational(
      result.compiled->checked, result.compiled->data, {.family = compile::GuideFamily::meanfield}, diagnostics);
  REQUIRE_MESSAGE(model.has_value(), lang::render_all(*result.compiled->file, diagnostics));
  VariationalFitOptions options;
  options.draws = draws;
  result.fit = fit_variational(*model, options, 1, {});
  REQUIRE_MESSAGE(result.fit.optimization.converged(), to_string(result.fit.optimization.stop));
  const std::size_t columns = result.fit.names.size(), discrete = result.fit.discrete_names.size();
  REQUIRE(discrete > 0);
  result.names = result.fit.names;
  result.names.insert(result.names.end(), result.fit.discrete_names.begin(), result.fit.discrete_names.end());
  for (std::size_t s = 0; s < result.fit.draw_count; ++s) {
    result.rows.insert(result.rows.end(), result.fit.draws.begin() + static_cast<std::ptrdiff_t>(s * columns),
                       result.fit.draws.begin() + static_cast<std::ptrdiff_t>((s + 1) * columns));
    result.rows.insert(result.rows.end(), result.fit.discrete_draws.begin() + static_cast<std::ptrdiff_t>(s * discrete),
                       result.fit.discrete_draws.begin() + static_cast<std::ptrdiff_t>((s + 1) * discrete));
  }
  std::optional<compile::GeneratedRows> generated = compile::generated_per_row(
      result.compiled->checked, result.compiled->data, result.names, result.rows, 1, diagnostics);
  REQUIRE_MESSAGE(generated.has_value(), lang::render_all(*result.compiled->file, diagnostics));
  CHECK(generated->drawn.empty());
  result.generated = std::move(*generated);
  return result;
}

TEST_CASE("VI: the generated block reads a summed-out latent's posterior draw, not its prior") {
  // Bayes rule: P(disease = 1 | positive) = 0.01 * 0.95 / (0.01 * 0.95 + 0.99 * 0.05) = 0.16102,
  // whatever u; the prior's 0.01 would be 26 standard errors away.
  const std::size_t draws = 4000;
  FittedRows fitted = fit_and_generate(R"(
data { int<lower=0, upper=1> positive; }
latent { int<lower=0, upper=1> disease; real u; }
model { u ~ normal(0, 1); disease ~ bernoulli(0.01); positive ~ bernoulli(disease == 1 ? 0.95 : 0.05); }
generated { int d = disease; real shifted = u + 10 * disease; }
)",
                                       R"({"positive": 1})", draws);
  REQUIRE(fitted.generated.names == std::vector<std::string>{"d", "shifted"});
  double mean = 0;
  for (std::size_t s = 0; s < draws; ++s) {
    CHECK(fitted.column(s, "d") == fitted.column(s, "disease"));
    CHECK(fitted.column(s, "shifted") == doctest::Approx(fitted.column(s, "u") + 10 * fitted.column(s, "disease")));
    mean += fitted.column(s, "d") / static_cast<double>(draws);
  }
  const double p = 0.0095 / (0.0095 + 0.0495);
  CHECK(std::abs(mean - p) < 4 * std::sqrt(p * (1 - p) / static_cast<double>(draws)));
}

TEST_CASE("VI: a change point's generated indicator agrees with the change point in every draw") {
  // A discrete change point s outside the plate of the counts, read by a generated indicator.
  const std::size_t draws = 1000;
  FittedRows fitted = fit_and_generate(R"(
data { int<lower=1> T; array[T] int<lower=0> y; }
latent { int<lower=1, upper=T> s; real<lower=0> e; real<lower=0> l; }
model {
  e ~ exponential(0.5);
  l ~ exponential(0.5);
  s ~ categorical(rep_vector(1.0 / T, T));
  for (t in 1:T) y[t] ~ poisson(t < s ? e : l);
}
generated { int after7 = s > 7 ? 1 : 0; }
)",
                                       R"({"T": 12, "y": [4, 5, 3, 4, 6, 2, 5, 3, 1, 0, 2, 1]})", draws);
  double after = 0, expected = 0;
  for (std::size_t s = 0; s < draws; ++s) {
    CHECK(fitted.column(s, "after7") == (fitted.column(s, "s") > 7 ? 1.0 : 0.0));
    after += fitted.column(s, "after7") / static_cast<double>(draws);
  }
  // The averaged exact posterior of s gives P(s > 7); the draws' frequency is within 4 se.
  const compile::DiscretePosterior& posterior = fitted.fit.discrete.at(0);
  for (std::size_t k = 0; k < posterior.values.size(); ++k)
    if (posterior.values[k] > 7) expected += posterior.probabilities[0][k];
  CHECK(expected > 0.5);  // the data put the change late: far from the prior's 5/12
  CHECK(std::abs(after - expected) < 4 * std::sqrt(expected * (1 - expected) / static_cast<double>(draws)));
}

}  // namespace
}  // namespace pm::infer
