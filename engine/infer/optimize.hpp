// The optimization service (Stan's services::optimize): maximizes a compiled model's log
// density over the unconstrained vector by L-BFGS from several seeded starting points, and
// keeps the best. What is maximized is set when the model is compiled (CompileOptions):
// MLE leaves the params' priors out, MAP keeps them; neither adds the log-Jacobian unless
// --jacobian asked for it (CLI.md `pm fit --method`).
//
//   infer::OptimizeOptions options;  // 4 starts, CmdStan's tolerances
//   infer::OptimizeResult result = infer::optimize(model, options, seed, progress);
//   if (result.failure) { ... name result.failure->statement ... }
//
// Starts: drawn by find_initial_point (initialize.hpp: uniform(-radius, radius) per
// coordinate, CmdStan's default init at radius 2, redrawn up to 100 times until the log
// density and its gradient are finite), start s from random::Stream(seed).split(s), so a start
// does not depend on how many draws the others took. When no start is finite the run fails
// with the StartFailure of start 0. With an initial point (`init`, from --init), every start
// begins there; its NaN coordinates (variables the init file left out) are drawn as above.
//
// The engine never prints: progress goes through the callback.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/compile/compiled_model.hpp"
#include "engine/infer/initialize.hpp"
#include "engine/infer/lbfgs.hpp"

namespace pm::infer {

struct OptimizeOptions {
  LbfgsOptions lbfgs;
  std::size_t starts = 4;
  std::vector<double> init;  // empty, or dimension() values (NaN: draw this coordinate)
  double init_radius = 2;    // --init-radius: InitOptions::radius
};

struct OptimizeProgress {
  std::size_t start = 0;  // 0-based
  std::size_t iteration = 0;
  double log_density = 0;
};
using OptimizeCallback = std::function<void(const OptimizeProgress&)>;

struct OptimizeResult {
  std::optional<StartFailure> failure;  // set: nothing below is meaningful
  std::vector<double> unconstrained;    // the best optimum found
  double log_density = 0;               // the objective there
  std::size_t iterations = 0;           // of the best start
  std::size_t best_start = 0;
  ConvergenceReason reason = ConvergenceReason::MaxIterations;  // of the best start
  bool converged() const { return is_converged(reason); }
  // Constrained elements (CompiledModel::constrained_names()), then the reported
  // definitions' elements (definition_names()); params_to_json reads the first part only.
  std::vector<std::string> names;
  std::vector<double> values;  // their values at the optimum
  std::vector<double> start_log_densities;  // each start's optimum, for reporting spread
  // Starts whose search found the objective rising without bound (ConvergenceReason::
  // Unbounded): the density has no maximum, whatever the other starts found.
  std::size_t unbounded_starts = 0;
};

OptimizeResult optimize(compile::CompiledModel& model, const OptimizeOptions& options, std::uint64_t seed,
                        const OptimizeCallback& progress);

}  // namespace pm::infer
