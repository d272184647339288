// Convergence and efficiency diagnostics of Markov chains (`pm summary` of sampler files,
// `pm fit --method nuts`): rank-normalized split R-hat, bulk and tail ESS, MCSE of the mean
// and of the sd (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021, "Rank-normalization,
// folding, and localization: an improved R-hat for assessing convergence of MCMC", Bayesian
// Analysis 16(2)), and E-BFMI of a chain's energies (Betancourt 2016, "Diagnosing suboptimal
// cotangent disintegrations in Hamiltonian Monte Carlo", arXiv:1604.00695).
//
// The definitions follow the R package `posterior` 1.4.0 exactly (its functions named below),
// and tests/infer/mcmc_diagnostics_test.cpp checks them against it:
//   split:   each chain of N draws becomes two of floor(N/2): draws 1..floor(N/2) and
//            ceil(N/2 + 1)..N (the middle draw of an odd N is dropped); a chain of 1 draw is
//            not split (.split_chains);
//   z-scale: r = the rank of a draw among all split draws (ties averaged), S their number;
//            z = Phi^-1((r - 3/8) / (S + 1/4)) (z_scale, Blom's offset);
//   fold:    |x - median(x)|, the median over all draws (fold_draws);
//   R-hat of M chains of N: sqrt((B / W + N - 1) / N), B = N var(chain means), W = the mean of
//            the chains' variances (S - 1 divisors) (.rhat);
//   ESS:     M N / tau, tau = -1 + 2 sum_{t < T} rho_t + rho_T with rho_t = 1 - (W - mean_m
//            acov_m(t)) / var+ (acov: the biased autocovariance; W = mean acov(0) N/(N-1);
//            var+ = W (N-1)/N + var(chain means) when M > 1); T from Geyer's initial positive
//            sequence over pairs (rho_2k + rho_2k+1 > 0), made monotone; tau is at least
//            1 / log10(M N) (.ess). Needs N >= 3 (after splitting).
//   rhat      = max(R-hat(z-scale(split x)), R-hat(z-scale(split fold x)))      (rhat)
//   ess_bulk  = ESS(z-scale(split x))                                           (ess_bulk)
//   ess_tail  = min over p in {0.05, 0.95} of ESS(split(x <= quantile_p(x)))   (ess_tail)
//   ess_basic = ESS(split x)                                  (ess_basic, = ess_mean)
//   mcse_mean = sd(x) / sqrt(ess_basic(x))                                      (mcse_mean)
//   mcse_sd   = sqrt((mean(c^4) - mean(c^2)^2) / ESS(split c^2) / mean(c^2) / 4), c = x - mean(x)
//                                                                               (mcse_sd)
// Conventions (posterior's should_return_NA): a value is NaN when the draws it is computed
// from hold a NaN or an infinity, are constant, or are too few (R-hat: 2 per split chain;
// ESS: 3). R-hat and bulk ESS see only ranks, so infinite draws (but not NaN) still have them.
// The autocovariances are direct sums for short lags and Eigen's FFT (zero-padded, so the
// same values) once Geyer's sequence runs long: a few hundred quantities of 4 × 1000 draws
// take milliseconds.
//
//   infer::ChainSummary row = infer::summarize_chains(chains);   // chains[c][s]
//   if (row.rhat > 1.01 || row.ess_bulk < 100.0 * chains.size()) ... warn
#pragma once

#include <span>
#include <vector>

namespace pm::infer {

struct ChainSummary {      // one quantity over all chains (Vehtari et al. 2021)
  double mean = 0, sd = 0, q5 = 0, q50 = 0, q95 = 0;  // all draws pooled (draw_summary.hpp)
  double mcse_mean = 0;    // sd / sqrt(ess of the mean) (posterior::mcse_mean)
  double mcse_sd = 0;      // posterior::mcse_sd
  double ess_bulk = 0, ess_tail = 0;
  double rhat = 0;         // max of rank-normalized split R-hat and its folded version (posterior::rhat)
};

// chains[c]: chain c's draws of one quantity; at least one chain, equal lengths >= 1
// (std::invalid_argument otherwise).
ChainSummary summarize_chains(const std::vector<std::vector<double>>& chains);
double rhat(const std::vector<std::vector<double>>& chains);
double ess_bulk(const std::vector<std::vector<double>>& chains);
double ess_tail(const std::vector<std::vector<double>>& chains);
double ess_basic(const std::vector<std::vector<double>>& chains);  // posterior::ess_basic (split, not rank-normalized)
double mcse_mean(const std::vector<std::vector<double>>& chains);
double mcse_sd(const std::vector<std::vector<double>>& chains);

// E-BFMI of one chain from its energy__ draws (Betancourt 2016): sum (E_n - E_{n-1})^2 / sum (E_n - mean E)^2.
// NaN for fewer than 2 draws, constant or non-finite energies. Below 0.3 the momentum
// resampling explores the energy distribution poorly (Stan's threshold).
double e_bfmi(std::span<const double> energy);

}  // namespace pm::infer
