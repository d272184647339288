// compile_model: the unconstrained layout (one slot per param and continuous latent, then the
// nets' weights), then one term per `~` / `target +=` of the model block, summed
// (compiled_model.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

#include <fmt/format.h>

#include "engine/compile/compiled_model.hpp"
#include "engine/compile/model_assembly.hpp"
#include "lang/syntax/printer.hpp"

namespace pm::compile {

const FactorTerm* CompiledModel::first_non_finite_term() const {
  for (const FactorTerm& term : terms)
    if (!std::isfinite(program->value(term.value))) return &term;
  return nullptr;
}

std::vector<std::string> CompiledModel::constrained_names() const {
  std::vector<std::string> names;
  for (const ParameterSlot& slot : slots) names.insert(names.end(), slot.element_names.begin(), slot.element_names.end());
  return names;
}

std::vector<double> CompiledModel::constrained_values() const {
  std::vector<double> values;
  append_constrained_values(values);
  return values;
}

void CompiledModel::append_constrained_values(std::vector<double>& out) const {
  for (const ParameterSlot& slot : slots) {
    std::span<double> slot_values = program->values(slot.value);
    out.insert(out.end(), slot_values.begin(), slot_values.end());
  }
}

std::string CompiledModel::describe_arguments(const FactorTerm& term) const {
  const lang::Stmt& statement = *term.statement;
  std::vector<const lang::Expr*> expressions;
  if (statement.kind == lang::StmtKind::Tilde) {
    expressions.push_back(statement.lhs.get());
    for (const lang::ExprPtr& arg : statement.args) expressions.push_back(arg.get());
  } else {
    expressions.push_back(statement.rhs.get());
  }
  std::string text;
  for (std::size_t k = 0; k < term.arguments.size() && k < expressions.size(); ++k) {
    if (!expressions[k]) continue;
    std::span<const double> values = program->values(term.arguments[k]);
    const std::string name = lang::print_expression(*expressions[k]);
    std::string part;
    if (values.size() == 1) {
      part = fmt::format("{} = {:.6g}", name, values[0]);
    } else {
      double low = std::numeric_limits<double>::infinity(), high = -low;
      std::size_t not_finite = 0;
      for (double value : values) {
        if (!std::isfinite(value)) ++not_finite;
        else low = std::min(low, value), high = std::max(high, value);
      }
      part = not_finite == values.size() ? fmt::format("{}: {} values", name, values.size())
                                         : fmt::format("{}: {} values in [{:.6g}, {:.6g}]", name, values.size(), low, high);
      if (not_finite > 0) part += fmt::format(" ({} not finite)", not_finite);
    }
    text += (text.empty() ? "" : ", ") + part;
  }
  return text;
}

std::vector<std::string> CompiledModel::definition_names() const {
  std::vector<std::string> names;
  for (const ReportedDefinition& definition : definitions)
    names.insert(names.end(), definition.element_names.begin(), definition.element_names.end());
  return names;
}

void CompiledModel::append_reported_values(std::vector<double>& out) const {
  append_constrained_values(out);
  append_definition_values(out);
}

std::vector<double> CompiledModel::definition_values() const {
  std::vector<double> values;
  append_definition_values(values);
  return values;
}

void CompiledModel::append_definition_values(std::vector<double>& out) const {
  for (const ReportedDefinition& definition : definitions) {
    std::span<double> definition_values = program->values(definition.value);
    out.insert(out.end(), definition_values.begin(), definition_values.end());
  }
}

std::optional<CompiledModel> compile_model(const lang::CheckedProgram& checked, const io::DataSet& data,
                                           const CompileOptions& options, lang::Diagnostics& diagnostics) {
  std::optional<graph::ModelGraph> graph = graph::build_model_graph(checked, diagnostics);
  if (!graph) return std::nullopt;
  CompiledModel model;
  model.options = options;
  model.program = std::make_unique<ad::Program>();
  ad::Program& program = *model.program;
  ad::Program data_program;  // Stan's transformed data, computed once
  Lowerer data_lowerer(data_program, *graph, data, nullptr);
  Lowerer lowerer(program, *graph, data, &data_lowerer);
  const lang::Stmt* current = nullptr;
  auto lower = [&] {
    // Every parameter slot first: the program packs them at the front of its arena.
    std::size_t offset = 0;
    for (const lang::Symbol* symbol : graph->parameters) {
      model.slots.push_back(make_slot(*symbol, data, offset));
      model.slots.back().unconstrained = program.parameter(tensor::Shape::vector(model.slots.back().free_size()));
      offset += model.slots.back().free_size();
    }
    model.nets = layout_nets(checked, data);
    for (NetParameters& net : model.nets) {
      declare_net_parameters(program, net, offset);
      bind_net_parameters(lowerer, net);
    }
    for (ParameterSlot& slot : model.slots) {
      constrain_slot(slot, slot.symbol->range);
      lowerer.bind(slot.name, slot.value);
    }
    ad::Node sum = options.factors ? lower_model_factors(model, lowerer, *graph, data, current) : ad::Node{};
    auto accumulate = [&](ad::Node term) { sum = sum.valid() ? ad::add(sum, term) : term; };
    if (options.include_jacobian)
      for (const ParameterSlot& slot : model.slots) accumulate(slot.log_jacobian);
    model.log_density = sum.valid() ? sum : program.constant(0.0);
    lower_reported_definitions(model, lowerer, *graph);
    finish_program(model);
  };
  if (!lower_reporting_errors(lower, current, diagnostics)) return std::nullopt;
  return model;
}

}  // namespace pm::compile
