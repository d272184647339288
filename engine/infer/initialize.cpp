// find_initial_point: draw, evaluate, redraw (initialize.hpp).
#include "engine/infer/initialize.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace pm::infer {
namespace {

bool all_finite(std::span<const double> values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

// Keeps the coordinates `init` gives.
void apply_init(const std::vector<double>& init, std::vector<double>& u) {
  for (std::size_t i = 0; i < u.size() && i < init.size(); ++i)
    if (!std::isnan(init[i])) u[i] = init[i];
}

// The first term of `model` whose own value or gradient is not finite at the point of the last
// forward(true) pass: the statement to name. Terms are scalars; their gradients are one
// backward pass each (this runs once, after a failure).
void name_statement(compile::CompiledModel& model, StartFailure& failure) {
  const compile::FactorTerm* found = model.first_non_finite_term();
  if (!found && failure.gradient)
    for (const compile::FactorTerm& term : model.terms) {
      model.program->backward(term.value);
      if (!all_finite(model.program->gradient())) {
        found = &term;
        break;
      }
    }
  if (!found) return;
  failure.statement = found->statement;
  failure.term_value = model.program->value(found->value);
  failure.values = model.describe_arguments(*found);
}

// "sigma" or "theta[2]" (the unconstrained coordinate k of a slot, 1-based), else "net weights".
std::string slot_coordinate(const std::vector<compile::ParameterSlot>& slots, std::size_t index) {
  for (const compile::ParameterSlot& slot : slots)
    if (slot.unconstrained.valid() && index >= slot.offset && index < slot.offset + slot.free_size())
      return slot.free_size() == 1 ? slot.name : fmt::format("{}[{}] (unconstrained)", slot.name, index - slot.offset + 1);
  return "a net weight";
}

}  // namespace

bool init_fixes_start(const std::vector<double>& init, std::size_t dimension) {
  if (init.size() != dimension) return false;
  return std::none_of(init.begin(), init.end(), [](double v) { return std::isnan(v); });
}

InitialPoint find_initial_point(const StartProblem& problem, const InitOptions& options, random::Stream& stream) {
  InitialPoint point;
  const bool fixed = init_fixes_start(options.init, problem.dimension) || options.radius == 0;
  const std::size_t attempts = fixed ? 1 : std::max<std::size_t>(options.max_attempts, 1);
  std::vector<double> u(problem.dimension), gradient(problem.dimension);
  std::optional<StartFailure> first;
  for (std::size_t attempt = 0; attempt < attempts; ++attempt) {
    problem.draw(u, stream, attempt);
    std::fill(gradient.begin(), gradient.end(), 0.0);
    const double value = problem.evaluate(u, gradient);
    point.attempts = attempt + 1;
    if (std::isfinite(value) && all_finite(gradient)) {
      point.unconstrained = u;
      point.log_density = value;
      point.gradient = gradient;
      return point;
    }
    if (!first) {
      StartFailure failure;
      failure.log_density = value;
      failure.gradient = std::isfinite(value);
      if (failure.gradient) {
        const auto bad = std::find_if(gradient.begin(), gradient.end(), [](double g) { return !std::isfinite(g); });
        if (problem.coordinate_name)
          failure.coordinate = problem.coordinate_name(static_cast<std::size_t>(bad - gradient.begin()));
      }
      if (problem.describe) problem.describe(u, failure);
      first = std::move(failure);
    }
  }
  first->attempts = point.attempts;
  first->radius = options.radius;
  first->fixed = fixed;
  point.failure = std::move(first);
  return point;
}

InitialPoint find_initial_point(compile::CompiledModel& model, const InitOptions& options, random::Stream& stream) {
  StartProblem problem;
  problem.dimension = model.dimension();
  problem.draw = [&](std::vector<double>& u, random::Stream& draws, std::size_t attempt) {
    // Drawn always (radius 0 included): the sequence does not depend on the init or the radius.
    for (double& coordinate : u) coordinate = draws.uniform(-options.radius, options.radius);
    apply_init(options.init, u);
    // Net weights: Glorot / He from the start's own substream (nets.hpp), not uniform(-R, R).
    compile::initialize_net_weights(model.nets, draws.split(compile::kNetInitStream + attempt), u, options.init);
  };
  problem.evaluate = [&](std::span<const double> u, std::span<double> gradient) {
    return model.program->value_and_gradient(u, gradient, model.log_density);
  };
  problem.describe = [&](std::span<const double>, StartFailure& failure) { name_statement(model, failure); };
  problem.coordinate_name = [&](std::size_t index) { return slot_coordinate(model.slots, index); };
  return find_initial_point(problem, options, stream);
}

InitialPoint find_variational_start(compile::VariationalModel& model, const InitOptions& options,
                                    random::Stream& stream) {
  ad::Program& program = *model.model.program;
  StartProblem problem;
  problem.dimension = model.dimension();
  problem.draw = [&](std::vector<double>& u, random::Stream& draws, std::size_t) {
    u = model.initial_point(draws, options.radius);
    apply_init(options.init, u);
  };
  // At the guide's center: log p(data, u = m) and the ELBO node, both with their gradients.
  std::vector<double> objective_gradient(problem.dimension);
  problem.evaluate = [&](std::span<const double> u, std::span<double> gradient) {
    std::span<double> parameters = program.parameters();
    std::copy(u.begin(), u.end(), parameters.begin());
    for (ad::Node node : model.noise) std::fill(program.values(node).begin(), program.values(node).end(), 0.0);
    program.forward(true);
    const double log_joint = program.value(model.log_joint), objective = program.value(model.elbo);
    if (!std::isfinite(log_joint)) return log_joint;
    if (!std::isfinite(objective)) return objective;
    program.backward(model.elbo);
    std::copy(program.gradient().begin(), program.gradient().end(), objective_gradient.begin());
    program.backward(model.log_joint);
    std::copy(program.gradient().begin(), program.gradient().end(), gradient.begin());
    // A non-finite objective gradient fails the start as a non-finite log-density gradient does.
    for (std::size_t k = 0; k < gradient.size(); ++k)
      if (!std::isfinite(objective_gradient[k])) gradient[k] = objective_gradient[k];
    return log_joint;
  };
  problem.describe = [&](std::span<const double>, StartFailure& failure) { name_statement(model.model, failure); };
  std::vector<std::string> names;
  problem.coordinate_name = [&](std::size_t index) {
    if (names.empty()) names = model.parameter_names();
    return index < names.size() ? names[index] : std::string();
  };
  return find_initial_point(problem, options, stream);
}

}  // namespace pm::infer
