// The effective sample size of split chains as the R package posterior 1.4.0 computes it
// (its internal .ess; Vehtari et al. 2021, as in Stan; Geyer 1992, "Practical Markov chain
// Monte Carlo", for the truncation):
// ESS = M N / tau, tau = -1 + 2 sum_{t < T} rho_t + rho_T,
// rho_t = 1 - (W - mean_m acov_m(t)) / var+,
// acov_m the biased autocovariance of chain m, W = mean_m acov_m(0) N / (N - 1),
// var+ = W (N - 1) / N + var(chain means) (M > 1); T where Geyer's initial positive sequence of
// pair sums rho_2k + rho_2k+1 ends, the pairs made monotone; tau >= 1 / log10(M N).
// The building block of ess_bulk, ess_tail, ess_basic (mcmc_diagnostics.hpp), which apply
// posterior's NA conventions first.
#pragma once

#include <vector>

namespace pm::infer {

// x[m]: chain m (already split, rank-normalized or not), equal lengths N >= 3, every draw
// finite and not all equal (the caller checks; the result is undefined otherwise).
double geyer_ess(const std::vector<std::vector<double>>& x);

}  // namespace pm::infer
