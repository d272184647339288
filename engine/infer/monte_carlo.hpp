// Monte Carlo estimates of a marginal likelihood from log importance weights (CLI.md
// `pm evidence --method prior|is|iwae`; docs/simulation.md).
//
// Given S log weights l_s = log w_s, the estimate of p = E[w] is p-hat = (1/S) sum_s w_s,
// reported in log space: log p-hat = m + log((1/S) sum_s exp(l_s - m)), m = max_s l_s (the
// log-sum-exp shift: no overflow, and the largest weight contributes exactly 1).
//
// Standard error of log p-hat by the delta method: Var(log p-hat) ~ Var(p-hat) / p-hat^2,
// Var(p-hat) = Var(w) / S, so se = sd(w) / (sqrt(S) mean(w)). The ratio is invariant to the
// common factor exp(m), so it is computed on the shifted weights exp(l_s - m) <= 1. sd is the
// sample standard deviation (divisor S - 1).
//
// Effective sample size (Kish): (sum w)^2 / sum w^2, between 1 (one weight dominates) and S
// (equal weights); also computed on the shifted weights.
//
// The prior method: w_s = p(data | z_s), z_s ~ p(z); an unbiased estimate of p(data) (not of
// log p(data): by Jensen, E[log p-hat] <= log p(data)).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/compile/simulate.hpp"

namespace pm::infer {

struct MonteCarloEstimate {
  double log_mean = 0.0;         // log p-hat
  double standard_error = 0.0;   // of log p-hat (delta method); +inf with fewer than 2 weights
  double effective_sample_size = 0.0;
  std::size_t draws = 0;
  std::size_t zero_weights = 0;  // l_s = -inf (data impossible under that draw)
};

// NaN log_mean when a log weight is NaN or +inf (no estimate); -inf when every weight is 0.
MonteCarloEstimate log_mean_exp(std::span<const double> log_weights);

// The prior estimate of log p(data): `draws` runs of a simulator compiled with every data
// variable loaded (so only params and latents are drawn, from their priors), each weighted by
// its log_likelihood(). `given`: values of the simulator's given names (params without a
// prior), the same for every draw. Draw s uses the simulator's stream split(s).
MonteCarloEstimate prior_evidence(compile::Simulator& simulator, std::span<const double> given, std::size_t draws);

}  // namespace pm::infer
