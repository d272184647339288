#include "engine/infer/optimize.hpp"

#include <algorithm>
#include <cmath>

#include "engine/random/stream.hpp"

namespace pm::infer {
OptimizeResult optimize(compile::CompiledModel& model, const OptimizeOptions& options, std::uint64_t seed,
                        const OptimizeCallback& progress) {
  OptimizeResult result;
  const std::size_t dimension = model.dimension();
  random::Stream root(seed);
  Objective objective = [&model](std::span<const double> u, std::span<double> gradient) {
    return model.program->value_and_gradient(u, gradient, model.log_density);
  };
  InitOptions init{options.init_radius, options.init, kMaxStartAttempts};
  // A fully given init is the same point for every start: one start suffices.
  std::size_t starts = init_fixes_start(options.init, dimension) || options.init_radius == 0
                           ? 1
                           : std::max<std::size_t>(options.starts, 1);
  bool have_best = false;
  for (std::size_t start = 0; start < starts; ++start) {
    random::Stream stream = root.split(start);
    InitialPoint initial = find_initial_point(model, init, stream);
    if (initial.failure) {  // kept only if no start finds a finite point: the first start's
      if (!result.failure) result.failure = std::move(initial.failure);
      continue;
    }
    std::vector<double> u = std::move(initial.unconstrained);
    IterationCallback on_iteration;
    if (progress) {
      on_iteration = [&progress, start](std::size_t iteration, double value) {
        progress({start, iteration, value});
      };
    }
    LbfgsResult run = maximize_lbfgs(objective, std::move(u), options.lbfgs, on_iteration);
    result.start_log_densities.push_back(run.value);
    if (run.reason == ConvergenceReason::Unbounded) ++result.unbounded_starts;
    if (!have_best || run.value > result.log_density) {
      have_best = true;
      result.unconstrained = std::move(run.x);
      result.log_density = run.value;
      result.iterations = run.iterations;
      result.reason = run.reason;
      result.best_start = start;
    }
  }
  if (!have_best) return result;
  result.failure.reset();
  model.program->value_only(result.unconstrained, model.log_density);  // forward pass at the optimum
  result.names = model.constrained_names();
  result.values = model.constrained_values();
  // Model-block definitions of the params (Stan's transformed parameters) follow them.
  const std::vector<std::string> definition_names = model.definition_names();
  const std::vector<double> definition_values = model.definition_values();
  result.names.insert(result.names.end(), definition_names.begin(), definition_names.end());
  result.values.insert(result.values.end(), definition_values.begin(), definition_values.end());
  return result;
}

}  // namespace pm::infer
