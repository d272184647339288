// Starting points, one rule for every method (issue 20; Stan's services initialization):
// draw a start, evaluate the log density AND its gradient there, and when either is not
// finite draw again, up to max_attempts times; then fail, naming what made the FIRST start
// non-finite. MAP / MLE starts (optimize.hpp), VI's random and Laplace starts
// (variational_fit.hpp), minibatch training (minibatch.hpp) and NUTS chains all call it.
//
//   infer::InitOptions init;                 // radius 2, 100 attempts: Stan's defaults
//   random::Stream stream = random::Stream(seed).split(chain);
//   infer::InitialPoint start = infer::find_initial_point(model, init, stream);
//   if (start.failure) { ... cli's start_failure_message names start.failure->statement ... }
//
// A start: each unconstrained coordinate uniform(-radius, radius) (Stan's init=R; radius 0 is
// the origin, Stan's init=0), except the coordinates `init` gives (not NaN), which are kept;
// net weights Glorot / He from the attempt's substream (nets.hpp), whatever the radius (a net
// at 0 cannot break its symmetry). The uniforms are drawn for every coordinate, given or not,
// so the sequence does not depend on the init. A start that cannot change (every coordinate
// given, or radius 0) is tried once.
//
// Under VI (find_variational_start) the start is the guide's parameter vector: the model's
// params theta, the guide block's params phi and the automatic guide's location m drawn the
// same way, its scales at 1 (VariationalModel::initial_point); it is checked at the guide's
// center (noise 0, so that u = m): log p(data, u) with the Jacobian, and the objective (the
// ELBO node), each with its gradient with respect to the whole vector.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/compile/compiled_model.hpp"
#include "engine/compile/variational.hpp"
#include "engine/random/stream.hpp"

namespace pm::infer {

inline constexpr std::size_t kMaxStartAttempts = 100;  // CmdStan's initialization attempts

struct InitOptions {
  double radius = 2;               // uniform(-radius, radius) per unconstrained coordinate (Stan's init=R); 0: the origin
  std::vector<double> init;        // empty, or dimension() values; NaN coordinates are drawn
  std::size_t max_attempts = kMaxStartAttempts;  // Stan's
};

// Why no start could begin: at every attempt the log density or its gradient was not finite.
// Everything but `attempts` describes the FIRST attempt (the default start a user would look at).
struct StartFailure {
  const lang::Stmt* statement = nullptr;  // null: a log-Jacobian (or a guide's own density) was not finite
  double log_density = 0;                 // the first start's log density
  double term_value = 0;                  // the statement's term there
  std::string values;                     // what the term was computed from (describe_arguments)
  bool gradient = false;                  // the value was finite, the gradient not
  std::string coordinate;                 // gradient: the first coordinate where it is not finite
  std::size_t attempts = 0;               // starts tried
  double radius = 2;                      // they were drawn from
  bool fixed = false;                     // every coordinate was given (or radius 0): nothing to redraw
};

struct InitialPoint {
  std::optional<StartFailure> failure;  // set: no finite start in max_attempts
  std::vector<double> unconstrained;
  double log_density = 0;
  std::vector<double> gradient;
  std::size_t attempts = 0;
};

// Draws starts from `stream` until log density AND gradient are finite.
InitialPoint find_initial_point(compile::CompiledModel& model, const InitOptions& options, random::Stream& stream);

// The same rule for a variational model's parameter vector (see above); `options.init` has the
// model's dimension() (the guide's whole vector) or is empty.
InitialPoint find_variational_start(compile::VariationalModel& model, const InitOptions& options,
                                    random::Stream& stream);

// The loop both share, for any parameter vector: `draw` writes attempt `attempt`'s start into u
// (every coordinate, from `stream`); `evaluate` returns the log density there and writes its
// gradient; `describe`, called once after the first attempt failed (the program still holding
// that point's forward pass), names the statement.
struct StartProblem {
  std::size_t dimension = 0;
  std::function<void(std::vector<double>& u, random::Stream& stream, std::size_t attempt)> draw;
  std::function<double(std::span<const double> u, std::span<double> gradient)> evaluate;
  std::function<void(std::span<const double> u, StartFailure& failure)> describe;
  std::function<std::string(std::size_t coordinate)> coordinate_name;
};
InitialPoint find_initial_point(const StartProblem& problem, const InitOptions& options, random::Stream& stream);

// Whether `init` gives every one of `dimension` coordinates (no NaN): the start cannot be redrawn.
bool init_fixes_start(const std::vector<double>& init, std::size_t dimension);

}  // namespace pm::infer
