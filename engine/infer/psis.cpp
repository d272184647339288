// PSIS as in psis.hpp; the comments name the loo 2.5 function each part mirrors.
#include "engine/infer/psis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace pm::infer {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr std::size_t kMinimumTailLength = 5;  // loo's enough_tail_samples

double log_sum_exp(std::span<const double> values) {
  double largest = -kInfinity;
  for (double value : values) largest = std::max(largest, value);
  if (!std::isfinite(largest)) return largest;
  double sum = 0;
  for (double value : values) sum += std::exp(value - largest);
  return largest + std::log(sum);
}

double mean_of_log1p(double scale, std::span<const double> values) {
  double sum = 0;
  for (double value : values) sum += std::log1p(scale * value);
  return sum / static_cast<double>(values.size());
}

// Zhang & Stephens' profile log-likelihood per observation at theta = -k / sigma (loo's lx):
// with k(theta) = mean log(1 - theta x), log(-theta / k) - k - 1.
double profile_log_likelihood(double theta, std::span<const double> sorted_exceedances) {
  double k = mean_of_log1p(-theta, sorted_exceedances);
  return std::log(-theta / k) - k - 1;
}

}  // namespace

GeneralizedPareto fit_generalized_pareto(std::span<const double> sorted_exceedances) {
  const std::size_t n = sorted_exceedances.size();
  const double count = static_cast<double>(n);
  // The grid of Zhang & Stephens (2009), eq. (8): theta_j = 1/x_(n) + (1 - sqrt(m / (j - 1/2)))
  // / (3 x*), with x* the first quartile and m = 30 + floor(sqrt(n)) points.
  constexpr double kPrior = 3;
  const std::size_t grid_size = 30 + static_cast<std::size_t>(std::floor(std::sqrt(count)));
  const std::size_t quartile_index = static_cast<std::size_t>(std::floor(count / 4 + 0.5));
  const double first_quartile = sorted_exceedances[quartile_index == 0 ? 0 : quartile_index - 1];
  const double largest = sorted_exceedances[n - 1];
  std::vector<double> thetas(grid_size), log_likelihoods(grid_size);
  for (std::size_t j = 0; j < grid_size; ++j) {
    double position = static_cast<double>(j) + 0.5;  // j - 1/2 with j 1-based
    thetas[j] = 1 / largest + (1 - std::sqrt(static_cast<double>(grid_size) / position)) / kPrior / first_quartile;
    log_likelihoods[j] = count * profile_log_likelihood(thetas[j], sorted_exceedances);
  }
  // The posterior mean of theta over the grid (flat prior on the grid points).
  const double normalizer = log_sum_exp(log_likelihoods);
  double theta_hat = 0;
  for (std::size_t j = 0; j < grid_size; ++j) theta_hat += thetas[j] * std::exp(log_likelihoods[j] - normalizer);
  GeneralizedPareto fit;
  fit.k = mean_of_log1p(-theta_hat, sorted_exceedances);
  fit.sigma = -fit.k / theta_hat;
  // loo's adjust_k_wip: a weakly informative prior on k, worth 10 draws, centred on 0.5
  // (Vehtari et al. 2024, appendix C); it matters for the short tails of small S.
  constexpr double kPriorDraws = 10, kPriorShape = 0.5;
  fit.k = (fit.k * count + kPriorDraws * kPriorShape) / (count + kPriorDraws);
  if (std::isnan(fit.k)) fit.k = kInfinity;
  return fit;
}

double generalized_pareto_quantile(const GeneralizedPareto& distribution, double p) {
  if (!(distribution.sigma > 0)) return std::numeric_limits<double>::quiet_NaN();
  return distribution.sigma * std::expm1(-distribution.k * std::log1p(-p)) / distribution.k;
}

std::size_t psis_tail_length(std::size_t draws) {
  double s = static_cast<double>(draws);
  return static_cast<std::size_t>(std::ceil(std::min(0.2 * s, 3 * std::sqrt(s))));
}

std::string psis_refusal(std::span<const double> log_ratios) {
  bool any_weight = false;
  for (double ratio : log_ratios) {
    if (std::isnan(ratio)) return "a log importance ratio is NaN";
    if (ratio == kInfinity) return "a log importance ratio is +inf (the guide's density is 0 at a draw)";
    any_weight = any_weight || ratio > -kInfinity;
  }
  if (!any_weight) return "every importance ratio is 0 (the model's density is 0 at every draw)";
  return {};
}

PsisResult pareto_smoothed_importance_sampling(std::span<const double> log_ratios) {
  const std::size_t draws = log_ratios.size();
  double largest = -kInfinity;
  for (double ratio : log_ratios) {
    if (std::isnan(ratio) || ratio == kInfinity)
      throw std::invalid_argument("PSIS: a log importance ratio is " + std::to_string(ratio));
    largest = std::max(largest, ratio);
  }
  if (largest == -kInfinity) throw std::invalid_argument("PSIS: every importance ratio is 0 (log ratio -inf)");

  PsisResult result;
  result.khat = kInfinity;
  result.tail_length = psis_tail_length(draws);
  std::vector<double> shifted(draws);  // <= 0, the largest exactly 0
  for (std::size_t s = 0; s < draws; ++s) shifted[s] = log_ratios[s] - largest;

  if (result.tail_length >= kMinimumTailLength) {
    // Ascending order; ties keep their input order (R's sort.int with index.return is stable).
    std::vector<std::size_t> order(draws);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return shifted[a] < shifted[b]; });
    const std::size_t tail_begin = draws - result.tail_length;
    const double tail_low = shifted[order[tail_begin]], tail_high = shifted[order[draws - 1]];
    // A tail of equal values has no shape to fit (loo warns and leaves k-hat infinite).
    if (std::abs(tail_high - tail_low) >= std::numeric_limits<double>::epsilon() / 100) {
      const double exp_cutoff = std::exp(shifted[order[tail_begin - 1]]);
      std::vector<double> exceedances(result.tail_length);
      for (std::size_t i = 0; i < result.tail_length; ++i)
        exceedances[i] = std::exp(shifted[order[tail_begin + i]]) - exp_cutoff;
      GeneralizedPareto fit = fit_generalized_pareto(exceedances);
      result.khat = fit.k;
      if (std::isfinite(fit.k) && fit.sigma > 0) {
        // loo's psis_smooth_tail: the i-th smallest tail weight becomes the fitted quantile
        // at (i - 1/2) / M, shifted back above the cutoff.
        const double tail_count = static_cast<double>(result.tail_length);
        for (std::size_t i = 0; i < result.tail_length; ++i) {
          double p = (static_cast<double>(i) + 0.5) / tail_count;
          shifted[order[tail_begin + i]] = std::log(generalized_pareto_quantile(fit, p) + exp_cutoff);
        }
      }
    }
  }
  // Truncate at the largest raw weight (exp(0) after the shift), then normalize.
  for (double& value : shifted) value = std::min(value, 0.0);
  const double normalizer = log_sum_exp(shifted);
  result.log_weights.resize(draws);
  result.weights.resize(draws);
  for (std::size_t s = 0; s < draws; ++s) {
    result.log_weights[s] = shifted[s] - normalizer;
    result.weights[s] = std::exp(result.log_weights[s]);
  }
  return result;
}

KhatVerdict khat_verdict(double khat) {
  if (khat < 0.5) return KhatVerdict::Good;
  if (khat < 0.7) return KhatVerdict::Ok;
  return KhatVerdict::Bad;
}

std::string_view khat_verdict_text(KhatVerdict verdict) {
  switch (verdict) {
    case KhatVerdict::Good: return "good";
    case KhatVerdict::Ok: return "ok: the guide is usable but estimates may be noisy";
    case KhatVerdict::Bad: return "bad: the guide does not fit the posterior well; do not trust the estimates";
  }
  return "";
}

double khat_threshold(std::size_t draws) {
  return std::min(1 - 1 / std::log10(static_cast<double>(draws)), 0.7);
}

}  // namespace pm::infer
