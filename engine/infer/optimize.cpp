#include "engine/infer/optimize.hpp"

#include <cmath>

#include "engine/random/stream.hpp"

namespace pm::infer {
namespace {

// A start for stream `stream`: the init's coordinates, NaN ones drawn uniform(-2, 2).
std::vector<double> draw_start(const std::vector<double>& init, std::size_t dimension, random::Stream& stream) {
  std::vector<double> u(dimension);
  for (std::size_t i = 0; i < dimension; ++i) {
    double drawn = stream.uniform(-2.0, 2.0);  // drawn always: the sequence does not depend on init
    u[i] = (i < init.size() && !std::isnan(init[i])) ? init[i] : drawn;
  }
  return u;
}

bool all_given(const std::vector<double>& init, std::size_t dimension) {
  if (init.size() != dimension) return false;
  for (double value : init)
    if (std::isnan(value)) return false;
  return true;
}

}  // namespace

OptimizeResult optimize(compile::CompiledModel& model, const OptimizeOptions& options, std::uint64_t seed,
                        const OptimizeCallback& progress) {
  OptimizeResult result;
  const std::size_t dimension = model.dimension();
  random::Stream root(seed);
  Objective objective = [&model](std::span<const double> u, std::span<double> gradient) {
    return model.program->value_and_gradient(u, gradient, model.log_density);
  };
  // A fully given init is the same point for every start: one start suffices.
  std::size_t starts = all_given(options.init, dimension) ? 1 : std::max<std::size_t>(options.starts, 1);
  bool have_best = false;
  for (std::size_t start = 0; start < starts; ++start) {
    random::Stream stream = root.split(start);
    std::vector<double> u;
    double log_density = 0;
    std::size_t attempt = 0;
    for (; attempt < kMaxStartAttempts; ++attempt) {
      u = draw_start(options.init, dimension, stream);
      // Net weights: Glorot / He from the start's own substream (nets.hpp), not uniform(-2, 2).
      compile::initialize_net_weights(model.nets, stream.split(compile::kNetInitStream + attempt), u, options.init);
      log_density = model.program->value_only(u, model.log_density);
      if (std::isfinite(log_density)) break;
      if (all_given(options.init, dimension)) {
        attempt = kMaxStartAttempts;  // a fixed point cannot be redrawn
        break;
      }
    }
    if (!std::isfinite(log_density)) {
      StartFailure failure;
      failure.log_density = log_density;
      failure.attempts = std::min(attempt, kMaxStartAttempts);
      if (const compile::FactorTerm* term = model.first_non_finite_term()) {
        failure.statement = term->statement;
        failure.term_value = model.program->value(term->value);
        failure.values = model.describe_arguments(*term);
      }
      result.failure = failure;
      return result;
    }
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
