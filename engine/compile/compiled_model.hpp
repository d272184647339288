// A model compiled to an autodiff program for its log density (ARCHITECTURE.md decision 2):
// log p(data, z_continuous; theta) as a function of the unconstrained vector u.
//
//   lang::Diagnostics diagnostics;
//   auto model = compile::compile_model(checked, data, {.include_priors = true,
//                                                        .include_jacobian = true}, diagnostics);
//   std::vector<double> gradient(model->dimension());
//   double lp = model->program->value_and_gradient(u, gradient, model->log_density);
//
// The unconstrained layout: one slot per param and continuous latent, in declaration order,
// contiguous, then the nets' weights (nets.hpp); slot k holds transform.free_size() coordinates from `offset`. Its constrained
// value (`dims`, the data_set.hpp layout: arrays first, then vector / matrix sizes, first
// dim fastest) is named element by element for output: "theta[2]", "x[3,1]" (1-based).
//
// The log density is the sum of the factor terms (each `~` and `target +=` of the model
// block, constants included: kernels are normalized), plus the log-Jacobians of the slots
// when include_jacobian. Without include_priors, the `~` statements on params are left out
// (maximum likelihood); priors of latents always count. Each term keeps its statement, so a
// non-finite log density can name the statement it came from (first_non_finite_term).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/ad/program.hpp"
#include "engine/compile/nets.hpp"
#include "engine/compile/posterior.hpp"
#include "engine/io/data_set.hpp"
#include "lang/check/checked_program.hpp"
#include "lang/syntax/source.hpp"
#include "stdlib/transforms/transform.hpp"

namespace pm::compile {

struct CompileOptions {
  bool include_priors = true;    // false: MLE (priors on params left out)
  bool include_jacobian = true;  // VI and --jacobian: yes; MLE / MAP: no
  // Form the Bayes-rule posteriors of summed-out discrete latents (their nodes are evaluated
  // with every forward and backward pass); false leaves DiscreteLatent::log_posterior invalid.
  bool discrete_posteriors = true;
  // false: no factor is lowered, so a forward pass computes only the constrained values and
  // the reported definitions (log_density is the Jacobians' sum): a sampler's per-draw
  // report, a fraction of a log density's cost. Not for models with summed-out discrete
  // latents, whose posteriors need the factors.
  bool factors = true;
};

struct ParameterSlot {
  std::string name;
  const lang::Symbol* symbol = nullptr;
  std::size_t offset = 0;  // first coordinate in the unconstrained vector
  transforms::Transform transform;
  std::vector<double> lower_bounds, upper_bounds;  // per element (or one), data_set layout
  std::vector<std::size_t> dims;                   // constrained value, data_set.hpp layout
  std::vector<std::string> element_names;          // "theta[2]", one per constrained element
  ad::Node unconstrained, value, log_jacobian;

  std::size_t free_size() const { return transform.free_size(); }
};

struct FactorTerm {
  const lang::Stmt* statement = nullptr;
  ad::Node value;  // scalar: this statement's whole contribution
  // A factor on data, a `target +=`, or the summed-out discrete latents: the terms whose
  // expectation under the guide is the ELBO's reconstruction term (LANGUAGE.md "Guides").
  bool on_data = false;
  // What the term is computed from: the left side and the arguments of a `~`, or the
  // expression of a `target +=`, for naming the values when the term is not finite.
  std::vector<ad::Node> arguments;
};

// A model-block definition that depends on a param or latent (Stan's transformed
// parameter), reported beside them: eight schools' theta.
struct ReportedDefinition {
  std::string name;
  const lang::Symbol* symbol = nullptr;
  std::vector<std::size_t> dims;  // data_set.hpp layout
  std::vector<std::string> element_names;
  ad::Node value;
};

// A finite discrete latent summed out exactly (enumeration.hpp, posterior.hpp).
struct DiscreteLatent {
  std::string name;
  const lang::Symbol* symbol = nullptr;
  std::int64_t first_value = 0;  // its support: first_value .. first_value + support_size - 1
  std::size_t support_size = 0;
  std::vector<std::string> element_names;  // "z[1]", "z[2]", ... ("disease" for a scalar)
  // log p(element e = first_value + k | data, continuous values), shaped (its plates...,
  // its enumeration dim): element e + k * element count. Invalid when the engine cannot
  // form it (several outer latents not all global); see posterior.hpp.
  ad::Node log_posterior;
};

struct DataFeed;  // data_feed.hpp

struct CompiledModel {
  std::unique_ptr<ad::Program> program;  // owned by pointer: nodes point at it
  // Where the data entered the program, to refill it (minibatches, per-datum scoring); set by
  // compile_variational.
  std::shared_ptr<DataFeed> feed;
  std::vector<ParameterSlot> slots;
  // The nets' weights and biases (nets.hpp): unconstrained point parameters after the slots
  // (compile_model) or beside theta and phi (variational.hpp); not in constrained_names().
  std::vector<NetParameters> nets;
  std::vector<FactorTerm> terms;
  ad::Node log_density;  // scalar
  CompileOptions options;

  std::size_t dimension() const { return program->parameter_count(); }
  // After a forward pass: the first term whose value is NaN or +-inf (null when all are
  // finite, e.g. when only a log-Jacobian overflowed).
  const FactorTerm* first_non_finite_term() const;
  // After a forward pass: the values a term was computed from, as text for an error message:
  // "sigma = -0.31, mu = 4.2, y: 8 values in [-3, 28]" (with the count of NaN / inf ones).
  std::string describe_arguments(const FactorTerm& term) const;
  // Summed-out discrete latents, in declaration order. Their marginalized factors form ONE
  // entry of `terms` (the statement of the first of them).
  std::vector<DiscreteLatent> discrete_latents;
  // Model-block definitions to report, in declaration order.
  std::vector<ReportedDefinition> definitions;
  // After a forward pass: the exact posterior of every discrete latent by Bayes rule, per
  // element, given the data and the current continuous values (posterior.hpp).
  std::vector<DiscretePosterior> discrete_posteriors() const;
  // Whether log_density is exactly log p(data): no params and no continuous latents, every
  // latent summed out (then the program has no parameters at all).
  bool exact_evidence() const { return slots.empty() && nets.empty(); }
  // Every constrained element of every slot, in layout order ("mu", "theta[1]", ...).
  std::vector<std::string> constrained_names() const;
  // After a forward pass: the values of those elements, in the same order.
  std::vector<double> constrained_values() const;
  // The same for the reported definitions.
  std::vector<std::string> definition_names() const;
  std::vector<double> definition_values() const;
  // The same values appended to `out` without a temporary (a sampler's row per draw): the
  // constrained ones, the definitions', or both in that order.
  void append_constrained_values(std::vector<double>& out) const;
  void append_definition_values(std::vector<double>& out) const;
  void append_reported_values(std::vector<double>& out) const;
};

// Null (with located errors in `diagnostics`: shapes that disagree with the data, functions
// the engine lacks, unsupported features) when the model cannot be compiled. The result
// points at symbols and statements: the checked program and its lang::Program must outlive
// it. The data is copied into the program's constants.
std::optional<CompiledModel> compile_model(const lang::CheckedProgram& checked, const io::DataSet& data,
                                           const CompileOptions& options, lang::Diagnostics& diagnostics);

}  // namespace pm::compile
