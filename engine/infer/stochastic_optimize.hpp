// The stochastic optimizer of variational inference: maximizes a Monte Carlo objective (an
// ELBO, IWAE or Renyi bound) by Adam, with Stan-style step-size adaptation, a convergence
// rule that holds where the objective is near 0, and divergence detection.
//
//   infer::StochasticOptions options;     // --iter, --lr (NaN: adapt), --grad-samples
//   auto result = infer::maximize_stochastic(objective, x0, options, seed, progress);
//   if (result.stop == StochasticStop::non_finite) { ... name the statement at result.failed_x ... }
//
// The caller compiles model and guide into one objective; this loop never sees the model.
// docs/vi_optimizer.md gives every rule with its reasoning; in short:
// - Adam (Kingma & Ba 2015, bias-corrected) at a constant step size; the point returned is a
//   polynomial-decay average of the iterates (Shamir & Zhang 2013), which removes most of the
//   jitter a constant step leaves.
// - Step size: unless given, each of `candidate_learning_rates` runs `adapt_iterations` from x0
//   with the same random draws; the one whose last iterate has the highest objective estimate
//   is kept and the main loop continues its run (so `--lr` set to the chosen value repeats the
//   run bit for bit).
// - Every `evaluate_every` iterations the objective is estimated at the averaged point with the
//   same `objective_draws` draws each time (common random numbers), so that the change between
//   two estimates is the change of the objective, not Monte Carlo noise. The relative change
//   |F_k - F_{k-1}| / max(|F_k|, |F_{k-1}|, s_k, s_{k-1}, 1), s the spread (sd) of single draws, is
//   kept in Stan's circular buffer; its mean or median below tolerance marks a plateau.
// - A plateau is answered three times by a step size smaller by sqrt(10) (a constant step leaves a
//   bias that grows with it); the third plateau, at a tenth of the first step, is convergence.
//   The average runs on across these refinements.
// - Diverged: the iterate overflowed, or the estimate fell at three checks in a row to below
//   the best estimate by more than the objective's scale. Non-finite draws are redrawn up to
//   `max_draw_retries` times, then the run stops with non_finite and failed_x.
//
// All randomness comes from random::Stream(seed) through split(); same seed, same result, bit
// for bit. The engine never prints: progress goes through the callback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "engine/random/stream.hpp"

namespace pm::infer {

// One Monte Carlo estimate of the objective (to MAXIMIZE: an ELBO, IWAE or Renyi bound) at x,
// and its gradient, using fresh randomness drawn from `stream`. A non-finite return value
// (or gradient) means this draw failed (the caller retries with new draws).
using StochasticObjective =
    std::function<double(std::span<const double> x, std::span<double> gradient, random::Stream& stream)>;

struct StochasticOptions {
  std::size_t max_iterations = 10000;                                // --iter
  double learning_rate = std::numeric_limits<double>::quiet_NaN();  // --lr; NaN: adapt
  std::size_t adapt_iterations = 50;                                 // per candidate step size
  double tolerance_relative = 0.01;  // Stan's tol_rel_obj, with a rule that works near 0
  std::size_t evaluate_every = 100;  // Stan's eval_elbo
  std::size_t objective_draws = 100;  // draws per convergence estimate (Stan's elbo_samples)
  std::size_t max_draw_retries = 10;  // non-finite draws redrawn before failing
  std::size_t gradient_draws = 1;     // --grad-samples: objective calls averaged per step
  // Tried largest first; ties keep the larger. Adam moves each coordinate by about the step
  // size per iteration, so these are distances on the unconstrained scale (vi_optimizer.md).
  std::vector<double> candidate_learning_rates{1.0, 0.3, 0.1, 0.03, 0.01};
  // Adam: beta1 0.9, beta2 0.999, epsilon 1e-8 (Kingma & Ba 2015)
};

enum class StochasticStop { converged, max_iterations, diverged, non_finite };
const char* to_string(StochasticStop stop);  // "converged", "maximum iterations reached", ...

struct StochasticProgress {
  std::size_t iteration;
  double objective;        // the estimate at the averaged point
  double relative_change;  // NaN at an adaptation candidate's score
  double learning_rate;
  bool adapting;           // true: the score of one candidate step size
};
using StochasticCallback = std::function<void(const StochasticProgress&)>;

struct StochasticResult {
  std::vector<double> x;  // the final variational/params vector (the averaged iterate)
  std::size_t iterations = 0;  // of the main loop, the chosen candidate's included
  StochasticStop stop = StochasticStop::max_iterations;
  double objective = 0;     // the last convergence estimate (mean of objective_draws draws)
  double objective_se = 0;  // its Monte Carlo standard error
  double learning_rate = 0;        // the step size used (adapted or given)
  double final_learning_rate = 0;  // after the plateau refinements (learning_rate / 10^1.5 at most)
  std::vector<double> failed_x;  // for diverged / non_finite: the point where it failed
  std::string message;           // a sentence for the user when stop is diverged / non_finite
  bool converged() const { return stop == StochasticStop::converged; }
};

StochasticResult maximize_stochastic(const StochasticObjective& objective, std::vector<double> x0,
                                     const StochasticOptions& options, std::uint64_t seed,
                                     const StochasticCallback& progress);

}  // namespace pm::infer
