// Summaries of one column of draws (`pm summary`, the table of `pm fit`, CLI.md "Output"):
// mean, sd, the 5%, 50% and 95% quantiles and the Monte Carlo standard error of the mean,
// from equally weighted draws or from importance weights (PSIS, psis.hpp).
//
//   infer::DrawSummary row = infer::summarize_draws(column);             // draws from the guide
//   infer::DrawSummary reweighted = infer::summarize_draws(column, psis.weights);
//
// Definitions, unweighted (S draws, x_(1) <= ... <= x_(S)):
//   mean, sd with the S - 1 divisor (as stansummary and R's sd);
//   quantile p: R's type 7, as stansummary: h = (S - 1) p, x_(floor h + 1) + (h - floor h)
//     (x_(floor h + 2) - x_(floor h + 1)), i.e. linear interpolation between order statistics
//     placed at 0, 1/(S-1), ..., 1 (Hyndman & Fan 1996, definition 7);
//   mcse = sd / sqrt(S): draws from a guide are independent (no autocorrelation to correct).
// Weighted (normalized weights w_s, summing to 1; self-normalized importance sampling):
//   mean = sum w_s x_s;
//   sd^2 = sum w_s (x_s - mean)^2 / (1 - sum w_s^2) (the reliability-weights correction, as
//     loo's E_loo; equal weights give the S - 1 divisor above);
//   quantile p: type 7 generalized to weights: the sorted x_(i) sits at
//     u_i = (W_i - w_(i)/2 - w_(1)/2) / (1 - w_(1)/2 - w_(S)/2), W_i = w_(1) + ... + w_(i), the
//     midpoint of its mass rescaled so that u_1 = 0 and u_S = 1, and the quantile interpolates
//     linearly between these points. Equal weights give u_i = (i-1)/(S-1): type 7 exactly.
//     Draws of weight 0 are left out (they have no mass to place);
//   mcse = sqrt(sum w_s^2 (x_s - mean)^2), the delta-method standard error of the
//     self-normalized estimate (Owen, "Monte Carlo theory, methods and examples", 2013, eq. 9.8).
// A single draw has sd and mcse NaN (undefined) and every quantile equal to it.
#pragma once

#include <span>

namespace pm::infer {

struct DrawSummary {
  double mean = 0;
  double sd = 0;
  double q5 = 0, q50 = 0, q95 = 0;
  double mcse = 0;  // Monte Carlo standard error of the mean
};

// Requires at least one draw; throws std::invalid_argument on none.
DrawSummary summarize_draws(std::span<const double> draws);
// `weights` has one non-negative weight per draw, summing to 1 (up to rounding).
DrawSummary summarize_draws(std::span<const double> draws, std::span<const double> weights);

// R's type 7 quantile of values sorted ascending, 0 <= p <= 1.
double quantile_type7(std::span<const double> sorted_values, double p);

// The weighted quantile defined above; `values` need not be sorted.
double weighted_quantile(std::span<const double> values, std::span<const double> weights, double p);

}  // namespace pm::infer
