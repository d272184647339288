// The sampling service (Stan's services::sample::hmc_nuts_diag_e_adapt and its dense twin):
// independent NUTS chains (nuts.hpp) on a compiled model's log density over the
// unconstrained space, Jacobians included, with Stan's warmup (hmc_adaptation.hpp).
//
//   infer::NutsOptions options;   // 4 chains, 1000 warmup, 1000 draws, depth 10, delta 0.8
//   std::vector<infer::NutsWorker> workers = {{&model, &model}};   // one per thread
//   infer::NutsResult result = infer::sample_nuts(workers, options, seed, progress);
//
// Chain c draws everything from random::Stream(seed).split(c): its starting point, momenta
// and tree directions from .split(0) of that, the summed-out discrete latents' per-draw
// values from .split(1), so a chain's output depends only on (seed, c) — never on the number
// of threads or on which thread ran it. Workers run chains c = w, w + W, ... in parallel,
// each on its own compiled models (a Program's buffers are not shared).
//
// Starts: every method's rule (initialize.hpp: uniform(-R, R) per unconstrained coordinate, or
// --init with its NaN coordinates drawn, redrawn until the log density and its gradient are
// finite, up to kMaxStartAttempts times), from the chain's own stream.
//
// Per kept draw the report model (which forms the discrete posteriors when the model has
// summed-out latents) is evaluated once at the draw: its constrained values, reported
// definitions, each discrete latent element drawn from p(z | x, theta_draw), and those
// posteriors summed, so that `discrete` ends as p(z | x) averaged over every draw of every
// chain (Rao-Blackwellized).
//
// The engine never prints: progress goes through the callback, from the worker threads
// (the callback must be thread-safe).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/compile/compiled_model.hpp"
#include "engine/infer/initialize.hpp"

namespace pm::infer {

struct NutsOptions {
  std::size_t chains = 4;
  std::size_t warmup = 1000;
  std::size_t draws = 1000;
  std::size_t max_depth = 10;
  double adapt_delta = 0.8;
  bool dense_metric = false;
  double initial_step_size = 1;  // Stan's stepsize = 1
  double init_radius = 2;        // Stan's init = 2
  std::vector<double> init;      // empty, or dimension() values (NaN: draw this coordinate)
  std::size_t init_buffer = 75, term_buffer = 50, window = 25;
  bool save_warmup = false;      // keep the warmup iterations' rows too (CmdStan's save_warmup)
};

// The sampler's columns of a CmdStan sampler CSV, in order.
inline const std::vector<std::string> kNutsSamplerColumns = {"lp__",       "accept_stat__", "stepsize__",
                                                             "treedepth__", "n_leapfrog__", "divergent__",
                                                             "energy__"};

struct NutsWorker {
  compile::CompiledModel* sampler = nullptr;  // the log density and gradient (no discrete posteriors)
  compile::CompiledModel* report = nullptr;   // evaluated once per draw; may be the same model
};

struct NutsChain {
  std::optional<StartFailure> failure;  // set: the chain could not start; nothing below is meaningful
  // One row per kept iteration (warmup rows first when save_warmup): the kNutsSamplerColumns,
  // then the model's values (NutsResult::names), row-major.
  std::vector<double> rows;
  std::size_t warmup_rows = 0;   // rows that are warmup iterations (save_warmup)
  double step_size = 0;          // after warmup
  std::vector<double> inverse_metric;  // diagonal, or dense row-major
  std::size_t divergences = 0, max_depth_hits = 0;  // over the kept (post-warmup) draws
  double warmup_seconds = 0, sampling_seconds = 0;
  std::size_t gradient_evaluations = 0;  // leapfrog steps, warmup included
};

struct NutsResult {
  // The model's columns: constrained elements, reported definitions, then one per element of
  // each summed-out discrete latent (its per-draw value).
  std::vector<std::string> names;
  std::size_t continuous_columns = 0;  // names before the discrete latents' elements
  std::vector<NutsChain> chains;
  std::vector<compile::DiscretePosterior> discrete;  // averaged over every kept draw
  std::vector<std::string> unavailable;              // discrete latents with no posterior
  std::size_t columns() const { return kNutsSamplerColumns.size() + names.size(); }
};

struct NutsProgress {
  std::size_t chain = 0;
  std::size_t iteration = 0;  // 1-based, warmup included
  std::size_t total = 0;      // warmup + draws
  bool warmup = true;
};
using NutsCallback = std::function<void(const NutsProgress&)>;

// Throws std::invalid_argument on empty workers or options that cannot run (no draws).
NutsResult sample_nuts(const std::vector<NutsWorker>& workers, const NutsOptions& options, std::uint64_t seed,
                       const NutsCallback& progress);

}  // namespace pm::infer
