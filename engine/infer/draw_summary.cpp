// Draw summaries as defined in draw_summary.hpp.
#include "engine/infer/draw_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace pm::infer {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void require_draws(std::span<const double> draws) {
  if (draws.empty()) throw std::invalid_argument("summarize_draws: no draws");
}

}  // namespace

double quantile_type7(std::span<const double> sorted_values, double p) {
  const std::size_t count = sorted_values.size();
  if (count == 1) return sorted_values[0];
  const double h = static_cast<double>(count - 1) * p;
  const std::size_t below = std::min(static_cast<std::size_t>(std::floor(h)), count - 1);
  if (below + 1 >= count) return sorted_values[count - 1];
  const double fraction = h - static_cast<double>(below);
  return sorted_values[below] + fraction * (sorted_values[below + 1] - sorted_values[below]);
}

double weighted_quantile(std::span<const double> values, std::span<const double> weights, double p) {
  // Draws of weight 0 (PSIS weights that underflowed) carry no mass: they are left out, or a
  // far draw of no weight would still become the 0% or 100% point.
  std::vector<std::size_t> order;
  for (std::size_t s = 0; s < values.size(); ++s)
    if (weights[s] > 0) order.push_back(s);
  if (order.empty()) throw std::invalid_argument("weighted_quantile: every weight is 0");
  const std::size_t count = order.size();
  if (count == 1) return values[order[0]];
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  // u_i as in the header; the total is recomputed so that weights summing to 1 - 1e-16 are fine.
  double total = 0;
  for (std::size_t s : order) total += weights[s];
  const double first_half = weights[order.front()] / 2, last_half = weights[order.back()] / 2;
  const double span = total - first_half - last_half;  // >= total / 2 > 0
  std::vector<double> positions(count);
  double cumulative = 0;
  for (std::size_t i = 0; i < count; ++i) {
    double weight = weights[order[i]];
    cumulative += weight;
    positions[i] = (cumulative - weight / 2 - first_half) / span;
  }
  positions.front() = 0;
  positions.back() = 1;
  // The first point at or beyond p, and linear interpolation from the one before it.
  std::size_t above = static_cast<std::size_t>(std::lower_bound(positions.begin(), positions.end(), p) -
                                               positions.begin());
  if (above == 0) return values[order.front()];
  if (above >= count) return values[order.back()];
  const double gap = positions[above] - positions[above - 1];
  const double low = values[order[above - 1]], high = values[order[above]];
  if (!(gap > 0)) return high;
  return low + (p - positions[above - 1]) / gap * (high - low);
}

DrawSummary summarize_draws(std::span<const double> draws) {
  require_draws(draws);
  const double count = static_cast<double>(draws.size());
  DrawSummary summary;
  double sum = 0;
  for (double x : draws) sum += x;
  summary.mean = sum / count;
  double squares = 0;  // two passes: no cancellation when the mean is large against the sd
  for (double x : draws) squares += (x - summary.mean) * (x - summary.mean);
  summary.sd = draws.size() > 1 ? std::sqrt(squares / (count - 1)) : kNaN;
  summary.mcse = summary.sd / std::sqrt(count);
  std::vector<double> sorted(draws.begin(), draws.end());
  std::sort(sorted.begin(), sorted.end());
  summary.q5 = quantile_type7(sorted, 0.05);
  summary.q50 = quantile_type7(sorted, 0.50);
  summary.q95 = quantile_type7(sorted, 0.95);
  return summary;
}

DrawSummary summarize_draws(std::span<const double> draws, std::span<const double> weights) {
  require_draws(draws);
  if (weights.size() != draws.size())
    throw std::invalid_argument("summarize_draws: one weight per draw is needed");
  DrawSummary summary;
  double total = 0, mean = 0;
  for (std::size_t s = 0; s < draws.size(); ++s) {
    total += weights[s];
    mean += weights[s] * draws[s];
  }
  summary.mean = mean / total;
  double spread = 0, squared_weights = 0, weighted_squares = 0;
  for (std::size_t s = 0; s < draws.size(); ++s) {
    double w = weights[s] / total, deviation = draws[s] - summary.mean;
    spread += w * deviation * deviation;
    squared_weights += w * w;
    weighted_squares += w * w * deviation * deviation;
  }
  summary.sd = draws.size() > 1 && squared_weights < 1 ? std::sqrt(spread / (1 - squared_weights)) : kNaN;
  summary.mcse = draws.size() > 1 ? std::sqrt(weighted_squares) : kNaN;
  summary.q5 = weighted_quantile(draws, weights, 0.05);
  summary.q50 = weighted_quantile(draws, weights, 0.50);
  summary.q95 = weighted_quantile(draws, weights, 0.95);
  return summary;
}

}  // namespace pm::infer
