// Forward simulation of a model (docs/simulation.md): ONE autodiff program that, given the
// values of some names, draws the others from their `~` statements in dependency order
// (ancestral sampling) and computes the definitions, vectorized over plates: `z[i] ~
// normal(mu, 1)` inside `for (i in 1:N)` draws all N elements with one draw op
// (engine/ad/draw.hpp).
//
//   lang::Diagnostics diagnostics;
//   auto simulator = compile::Simulator::compile(checked, data, {.given = {"mu", "tau"}, .seed = 7}, diagnostics);
//   std::vector<double> row = simulator->run(given_values, draw_index);   // values, names()
//   double log_lik = simulator->log_likelihood();                         // after run()
//
// What is drawn: every param, latent and data variable not given and not loaded, by its `~`
// in model (drawn on first use; a declared bound truncates it by rejection); every `~` of the
// generated block when `generated`. A param or latent without a `~` that is not given is an
// error naming it. Sizes and covariates (data never on the left of `~`) must be loaded.
//
// The log-likelihood: the sum of every model `~` and `target +=` whose subject is not a param
// or latent (the factors on data and on expressions), at the given and drawn values. With
// the data loaded and the latents drawn from their priors, exp(log_likelihood()) is one
// importance weight of the prior Monte Carlo estimate of p(data) (engine/infer/monte_carlo.hpp).
//
// Reproducibility: run(given, k) draws from Stream(seed).split(k), so the k-th draw depends on
// (seed, k) only, never on what ran before.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/ad/program.hpp"
#include "engine/io/data_set.hpp"
#include "engine/random/stream.hpp"
#include "lang/check/checked_program.hpp"
#include "lang/syntax/source.hpp"

namespace pm::compile {

struct SimulationOptions {
  // Names whose constrained values run() receives (params, latents: e.g. a posterior draw),
  // concatenated in this order, each in the data_set.hpp layout of its declared dims.
  std::vector<std::string> given;
  bool generated = false;  // also evaluate the generated block (its names become outputs)
  // false: no log-likelihood terms in the program (log_likelihood() is NaN), which saves one
  // evaluation of the data's factors per run (e.g. the generated block under VI).
  bool log_likelihood = true;
  std::uint64_t seed = 1;
  // Saved params (pm fit --save-params, params_json.hpp) holding the weights of the nets the
  // model block calls, by their stable names (`decoder.layer1.weight` as [n_l][n_{l-1}],
  // `decoder.layer1.bias`): bound as constants. Nets have no prior, so a model block that
  // calls a net without them is an error naming the net. Must outlive compile() only.
  const nlohmann::json* net_weights = nullptr;
};

enum class SimulatedRole { given, drawn, defined, generated };

// One output: a whole name, in the data_set.hpp layout (first dim fastest).
struct SimulatedValue {
  std::string name;
  const lang::Symbol* symbol = nullptr;
  SimulatedRole role = SimulatedRole::drawn;
  bool is_int = false;
  std::vector<std::size_t> dims;
  std::vector<std::string> element_names;  // "y[1]", ... ("mu" for a scalar)
  ad::Node node;
  // A drawn value: the distribution of its `~` and the lowered arguments the draw read (as
  // lowered, before any renaming of array dims), e.g. the decoder's output for
  // `x ~ bernoulli_probs(decoder(z))`: after run(), values_of-like access through
  // Simulator::argument_values gives E[x | z] without the draw's noise (pm sample --png).
  std::string distribution;
  std::vector<ad::Node> arguments;
};

class Simulator {
 public:
  // Null, with located errors in `diagnostics`, when the model cannot be simulated. The
  // checked program (and its Program) and `data` must outlive the simulator.
  static std::unique_ptr<Simulator> compile(const lang::CheckedProgram& checked, const io::DataSet& data,
                                            const SimulationOptions& options, lang::Diagnostics& diagnostics);
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Outputs: the given names (in `given` order), then in declaration order the drawn names,
  // the definitions (not data-only ones) and the generated names.
  const std::vector<SimulatedValue>& values() const { return values_; }
  const SimulatedValue* find(std::string_view name) const;
  // Every output element's name, in values() order: the columns of run()'s result.
  std::vector<std::string> names() const;
  std::size_t given_size() const { return given_size_; }

  // One forward simulation; given_values.size() must be given_size() (std::invalid_argument).
  std::vector<double> run(std::span<const double> given_values, std::uint64_t draw_index);
  // After run(): log p(factors on data | the run's values) (see above).
  double log_likelihood() const { return program_->value(log_likelihood_); }
  // After run(): the values of one output.
  std::span<const double> values_of(const SimulatedValue& value) const { return program_->values(value.node); }
  // After run(): the values of one argument node of a drawn value (SimulatedValue::arguments).
  std::span<const double> argument_values(ad::Node argument) const { return program_->values(argument); }

 private:
  Simulator() = default;
  friend class SimulationBuilder;

  std::unique_ptr<ad::Program> program_;
  random::Stream base_;
  random::Stream stream_;  // the draw ops read it by pointer; reseeded per run
  std::vector<ad::Node> given_nodes_;
  std::size_t given_size_ = 0;
  std::vector<SimulatedValue> values_;
  ad::Node log_likelihood_;
};

// Saved values (`--params FILE.json`, CmdStan's JSON layout: nested arrays, outermost index
// first): the params and latents of the model that the object names, in declaration order
// (the `given` of SimulationOptions) ...
std::vector<std::string> given_names_in_json(const lang::CheckedProgram& checked, const nlohmann::json& saved);
// ... and, once compiled, the simulator's given values read from it. Nullopt, with a message
// naming the variable in `error`, when a value is missing or has the wrong shape.
std::optional<std::vector<double>> given_values_from_json(const Simulator& simulator, const nlohmann::json& saved,
                                                          std::string& error);

// The generated block once per row of named values (docs/simulation.md, "The generated
// block"), e.g. a fit's draws with, for each draw, its summed-out discrete latents drawn from
// their exact conditional posterior given that draw's continuous values. `names` are the
// columns of `rows` (row-major; rows.size() a multiple of names.size()), element names as in
// SimulatedValue::element_names ("mu", "z[3]", "L[2,1]"; matrices column-major). Every param
// and latent whose every element is a column is given that row's values; the others are drawn
// from their prior (listed in `drawn`). Row r uses the substream r of `seed`, so the result
// repeats with the seed. Nullopt, with located errors in `diagnostics`, when the model cannot
// be simulated.
struct GeneratedRows {
  std::vector<std::string> names;  // every element of every generated name, in declaration order
  std::vector<double> values;      // row-major: names.size() values per input row
  std::vector<std::string> drawn;  // the params and latents absent from `names`: drawn from their prior
};
// `net_weights`: the fitted nets by their stable names (as --save-params writes them), for a
// generated block whose model calls nets; must outlive the call.
std::optional<GeneratedRows> generated_per_row(const lang::CheckedProgram& checked, const io::DataSet& data,
                                               std::span<const std::string> names, std::span<const double> rows,
                                               std::uint64_t seed, lang::Diagnostics& diagnostics,
                                               const nlohmann::json* net_weights = nullptr);

}  // namespace pm::compile
