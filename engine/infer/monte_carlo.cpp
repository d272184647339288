// Log-mean-exp with its delta-method standard error and Kish's effective sample size
// (monte_carlo.hpp).
#include "engine/infer/monte_carlo.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace pm::infer {

MonteCarloEstimate log_mean_exp(std::span<const double> log_weights) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double inf = std::numeric_limits<double>::infinity();
  MonteCarloEstimate estimate;
  estimate.draws = log_weights.size();
  if (log_weights.empty()) {
    estimate.log_mean = nan;
    estimate.standard_error = inf;
    return estimate;
  }
  double shift = -inf;
  for (double l : log_weights) {
    if (std::isnan(l) || l == inf) {
      estimate.log_mean = nan;
      estimate.standard_error = nan;
      return estimate;
    }
    shift = std::max(shift, l);
    if (l == -inf) ++estimate.zero_weights;
  }
  if (shift == -inf) {
    estimate.log_mean = -inf;
    estimate.standard_error = inf;
    return estimate;
  }
  // Shifted weights v_s = exp(l_s - m) in [0, 1]: at least one equals 1, so neither sum can
  // underflow to 0.
  const double count = static_cast<double>(log_weights.size());
  double sum = 0.0, sum_squares = 0.0;
  for (double l : log_weights) {
    double v = std::exp(l - shift);
    sum += v;
    sum_squares += v * v;
  }
  const double mean = sum / count;
  estimate.log_mean = shift + std::log(mean);
  estimate.effective_sample_size = sum * sum / sum_squares;
  if (log_weights.size() < 2) {
    estimate.standard_error = inf;
    return estimate;
  }
  // Sample variance from the deviations (two-pass: no cancellation of sum_squares - S mean^2).
  double deviations = 0.0;
  for (double l : log_weights) {
    double d = std::exp(l - shift) - mean;
    deviations += d * d;
  }
  const double sd = std::sqrt(deviations / (count - 1.0));
  estimate.standard_error = sd / (std::sqrt(count) * mean);
  return estimate;
}

MonteCarloEstimate prior_evidence(compile::Simulator& simulator, std::span<const double> given, std::size_t draws) {
  std::vector<double> log_weights(draws);
  for (std::size_t s = 0; s < draws; ++s) {
    simulator.run(given, s);
    log_weights[s] = simulator.log_likelihood();
  }
  return log_mean_exp(log_weights);
}

}  // namespace pm::infer
