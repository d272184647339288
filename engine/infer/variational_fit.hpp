// Variational inference (ARCHITECTURE.md decision 6): the objective estimator over the
// compiled model-and-guide program (compile/variational.hpp), the stochastic optimizer
// (stochastic_optimize.hpp), then draws from the fitted guide.
//
//   auto vm = compile::compile_variational(checked, data, {.family = GuideFamily::meanfield}, diagnostics);
//   infer::VariationalFitResult fit = infer::fit_variational(*vm, options, seed, progress);
//
// Objectives, each a Monte Carlo estimate with a reparameterized gradient:
//   elbo       (1/S) sum_s [log p(x, z_s) - log q(z_s)], S = --grad-samples, the automatic
//              guide's -log q replaced by its exact entropy (Stan's ADVI estimator)
//   iwae:K     log (1/K) sum_k w_k, w_k = p(x, z_k) / q(z_k) (Burda et al. 2016); gradient
//              sum_k softmax(log w)_k grad log w_k
//   renyi:A    1/(1-A) log (1/K) sum_k w_k^(1-A) (Li & Turner 2016, the VR bound); A -> 1
//              is the ELBO (reverse KL, mode-seeking), A = 0 the IWAE bound; A < 1 leans
//              toward mass-covering. K = --grad-samples when above 1, else 10.
// The K weights are combined by a streaming log-sum-exp, so memory stays one gradient.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/compile/variational.hpp"
#include "engine/infer/initialize.hpp"
#include "engine/infer/stochastic_optimize.hpp"

namespace pm::infer {

enum class ObjectiveKind { elbo, iwae, renyi };

struct VariationalObjective {
  ObjectiveKind kind = ObjectiveKind::elbo;
  std::size_t particles = 1;  // K for iwae (and renyi when given)
  double alpha = 0.5;         // renyi
  std::string text() const;   // "elbo", "iwae:10", "renyi:0.5"
};

// "elbo", "iwae:K" (K >= 1), "renyi:ALPHA" (ALPHA >= 0, != 1). Nullopt with a message in
// `error` otherwise.
std::optional<VariationalObjective> parse_objective(std::string_view text, std::string& error);

struct VariationalFitOptions {
  StochasticOptions optimizer;
  std::size_t grad_samples = 1;
  VariationalObjective objective;
  std::size_t draws = 1000;   // from the fitted guide, for the summary and the output
  std::vector<double> init;   // empty, or dimension() values (NaN: the default start)
  double init_radius = 2;     // InitOptions::radius (initialize.hpp)
};

struct VariationalFitResult {
  // Set: no start had a finite log density and gradient at the guide's center
  // (find_variational_start); optimization.stop is non_finite and nothing else is meaningful.
  std::optional<StartFailure> start_failure;
  StochasticResult optimization;
  bool laplace_start = false;  // the kept run started from the mode (variational_fit.cpp)
  // The search for the mode found log p(data, u) rising without bound (lbfgs.hpp
  // ConvergenceReason::Unbounded): the posterior may be improper.
  bool unbounded_density = false;
  const lang::Stmt* failed_statement = nullptr;  // stop non_finite: the statement whose term failed
  std::string failed_values;                      // what that term was computed from, as text
  std::vector<double> parameters;                // the fitted parameter vector

  // The ELBO and its two terms (LANGUAGE.md), averaged over the draws below.
  double elbo = 0, elbo_se = 0, reconstruction = 0, kl = 0;

  // Draws from the fitted guide. Columns: every param and continuous latent element
  // (CompiledModel::constrained_names), then the reported definitions.
  std::vector<std::string> names;
  std::size_t draw_count = 0;
  std::vector<double> draws;      // row-major: draw after draw
  std::vector<double> log_p, log_g;  // per draw: log_joint and log_guide (log importance ratio = difference)
  std::vector<double> mean_row;   // the guide's center (noise = 0), CmdStan's first VI row
  // The exact posteriors of summed-out latents, averaged over the draws (LANGUAGE.md).
  std::vector<compile::DiscretePosterior> discrete;
  // Per draw, each element of each summed-out latent drawn from its exact conditional
  // posterior given that draw's continuous values (CLI.md -o): names, then row-major values.
  std::vector<std::string> discrete_names;
  std::vector<double> discrete_draws;
  double draws_time_s = 0;  // the time the draws took, inside the fit's time
};

VariationalFitResult fit_variational(compile::VariationalModel& model, const VariationalFitOptions& options,
                                     std::uint64_t seed, const StochasticCallback& progress);

}  // namespace pm::infer
