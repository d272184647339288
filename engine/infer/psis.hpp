// Pareto smoothed importance sampling (PSIS) and its k-hat diagnostic: how far a proposal
// (the fitted guide q) is from the target (the posterior p) as seen by importance sampling.
//
//   infer::PsisResult psis = infer::pareto_smoothed_importance_sampling(log_ratios);
//   // log_ratios[s] = log p(x, z_s) - log q(z_s), z_s ~ q   (any additive constant is fine)
//   if (infer::khat_verdict(psis.khat) == infer::KhatVerdict::Bad) ...
//   // psis.weights: normalized smoothed weights, for weighted summaries (draw_summary.hpp)
//
// The method (Vehtari, Simpson, Gelman, Yao, Gabry, "Pareto smoothed importance sampling",
// JMLR 2024, arXiv:1507.02646; as a VI diagnostic: Yao, Vehtari, Simpson, Gelman, "Yes, but
// did it work?: evaluating variational inference", ICML 2018), step by step as R's loo 2.5
// (do_psis_i, psis_smooth_tail, gpdfit) computes it, so that our k-hat equals loo::psis's:
//   1. shift the log ratios by their maximum (the largest raw weight becomes exp(0) = 1);
//   2. take the M = ceil(min(0.2 S, 3 sqrt(S))) largest; the (M+1)-th largest is the cutoff u;
//   3. fit a generalized Pareto distribution to the exceedances exp(r) - exp(u) of the tail
//      by Zhang & Stephens (2009, Technometrics 51:316), with the weakly informative prior
//      of loo, k <- (M k + 10 * 0.5) / (M + 10), which pulls k toward 0.5 for small M;
//   4. replace the tail weights, in their order, by the fitted quantiles at (i - 1/2) / M
//      plus exp(u), then truncate every weight at the largest raw weight;
//   5. normalize (in log space, log-sum-exp).
// With M < 5 (S < 25) no fit is attempted: k-hat is +infinity, as in loo, and the weights are
// the truncated raw ones. The shape k of the fit is the k-hat: the importance weights have
// about 1/k finite moments, so k < 1/2 means finite variance.
//
// Verdicts (Yao et al. 2018, sec. 3): k < 0.5 good; 0.5 <= k < 0.7 the guide is usable but
// estimates may be noisy; k >= 0.7 bad. loo >= 2.6 uses the sample-size-dependent threshold
// min(1 - 1 / log10(S), 0.7) (Vehtari et al. 2024, sec. 3.2.4): khat_threshold below.
//
// Numerics: everything before step 3 is in log space, so log ratios of order +-1e300 are
// fine as long as they are finite relative to each other; exp is taken only of values <= 0.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pm::infer {

struct PsisResult {
  double khat = 0;                   // +infinity when there were too few draws to fit the tail
  std::size_t tail_length = 0;       // M
  std::vector<double> log_weights;   // smoothed, truncated, normalized: log-sum-exp is 0
  std::vector<double> weights;       // exp(log_weights): they sum to 1
};

// PSIS of S log importance ratios (steps above). Throws std::invalid_argument when a ratio
// is NaN or +infinity or when every ratio is -infinity (no draw has any weight); single
// ratios of -infinity (a draw where the target density is 0) get weight 0.
PsisResult pareto_smoothed_importance_sampling(std::span<const double> log_ratios);
// Why PSIS cannot take these ratios, as the end of a sentence ("a log importance ratio is
// +inf"), or empty when it can: callers ask first, so that no numerical condition of a fit
// reaches the exception.
std::string psis_refusal(std::span<const double> log_ratios);

// A generalized Pareto distribution with location 0: P(X > x) = (1 + k x / sigma)^(-1/k).
struct GeneralizedPareto {
  double k = 0;      // shape; larger k, heavier tail
  double sigma = 0;  // scale
};

// Zhang & Stephens' (2009) posterior-mean estimate of (k, sigma) from positive exceedances
// sorted ascending, with loo's prior adjustment of k (step 3). k is +infinity when the fit
// is not defined (NaN), as in loo.
GeneralizedPareto fit_generalized_pareto(std::span<const double> sorted_exceedances);

// The p-quantile of the distribution: sigma (exp(-k log(1 - p)) - 1) / k (expm1 form).
double generalized_pareto_quantile(const GeneralizedPareto& distribution, double p);

// ceil(min(0.2 S, 3 sqrt(S))): how many of the largest ratios PSIS fits (loo's n_pareto with
// relative efficiency 1: draws from a guide are independent).
std::size_t psis_tail_length(std::size_t draws);

enum class KhatVerdict { Good, Ok, Bad };
KhatVerdict khat_verdict(double khat);
// "good", "ok: the guide is usable but estimates may be noisy", "bad: the guide does not
// fit the posterior well; do not trust the estimates"
std::string_view khat_verdict_text(KhatVerdict verdict);

// min(1 - 1 / log10(S), 0.7): the largest k-hat at which S draws still give a reliable
// estimate (Vehtari et al. 2024); below 0.7 only for S < 2154.
double khat_threshold(std::size_t draws);

}  // namespace pm::infer
