// The pieces every compiled form of a model shares (compile_model for MLE / MAP / diagnose,
// compile_variational for VI): the slots of params and continuous latents, the lowering of
// the model block's factors (with the exact elimination of discrete latents), and the
// model-block definitions reported beside the params (Stan's transformed parameters).
// Internal to engine/compile.
#pragma once

#include <cstddef>
#include <functional>

#include "engine/compile/compiled_model.hpp"
#include "engine/compile/lowering.hpp"

namespace pm::compile {

// The value of a declared size: a non-negative int known from the data (LocatedError else).
std::size_t evaluate_size(const lang::Expr& expr, const io::DataSet& data);

// A slot's layout (transform, bounds, dims, element names) for a param, continuous latent or
// guide param; its nodes are left for the caller to make. Throws LocatedError.
ParameterSlot make_slot(const lang::Symbol& symbol, const io::DataSet& data, std::size_t offset);

// slot.value and slot.log_jacobian from slot.unconstrained (which the caller has set).
void constrain_slot(ParameterSlot& slot, lang::SourceRange where);

// Lowers every `~` and `target +=` of the model block into model.terms (the finite discrete
// latents summed out into one term, their Bayes-rule posteriors into
// model.discrete_latents) and returns their sum (an invalid node when there is none).
// `current` follows the statement being lowered, for error messages.
ad::Node lower_model_factors(CompiledModel& model, Lowerer& lowerer, const graph::ModelGraph& graph,
                             const io::DataSet& data, const lang::Stmt*& current);

// Every model-block definition that depends on a param or latent, lowered whole (an
// elementwise `theta[j] = ...` becomes the vector theta), into model.definitions.
void lower_reported_definitions(CompiledModel& model, Lowerer& lowerer, const graph::ModelGraph& graph);

// The last step of a compilation: check_memory_budget (at the first enumerated latent's
// prior, where an enumeration is the usual cause), then lay out the program's arena.
void finish_program(CompiledModel& model);

// Runs `lower`, turning the compiler's exceptions into diagnostics: a LocatedError at its
// place, a shape error (std::invalid_argument from the builder) at `current`, the statement
// being lowered. False when `lower` failed.
bool lower_reporting_errors(const std::function<void()>& lower, const lang::Stmt* const& current,
                            lang::Diagnostics& diagnostics);

// The memory a compiled program may take (ISSUE 7 "Limits"): 8 GiB, or PM_MEMORY_BUDGET_GB.
std::size_t memory_budget_bytes();

// Before finalize() allocates the arena: refuses (LocatedError at `where`, naming the bytes
// needed, the budget and the largest tensor's shape) a program that would need more than
// the budget, e.g. an enumeration of several large discrete latents at once.
void check_memory_budget(ad::Program& program, lang::SourceRange where);

}  // namespace pm::compile
