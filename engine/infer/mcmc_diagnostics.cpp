// MCMC diagnostics as defined in mcmc_diagnostics.hpp (posterior 1.4.0's R code, step by step).
#include "engine/infer/mcmc_diagnostics.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>

#include <boost/math/distributions/normal.hpp>

#include "engine/infer/draw_summary.hpp"
#include "engine/infer/mcmc_ess.hpp"

namespace pm::infer {
namespace {

using Chains = std::vector<std::vector<double>>;  // chains[c][s], equal lengths

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void require_chains(const Chains& chains) {
  if (chains.empty()) throw std::invalid_argument("MCMC diagnostics: no chains");
  const std::size_t length = chains.front().size();
  if (length == 0) throw std::invalid_argument("MCMC diagnostics: a chain has no draws");
  for (const std::vector<double>& chain : chains)
    if (chain.size() != length)
      throw std::invalid_argument("MCMC diagnostics: the chains have different numbers of draws");
}

// posterior's should_return_NA: a NaN or an infinity, or constant up to an absolute 2^-52.
bool should_return_nan(const Chains& x) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const std::vector<double>& chain : x)
    for (double value : chain) {
      if (!std::isfinite(value)) return true;
      low = std::min(low, value);
      high = std::max(high, value);
    }
  return std::abs(high - low) < std::numeric_limits<double>::epsilon();
}

bool has_nan(const Chains& x) {
  for (const std::vector<double>& chain : x)
    for (double value : chain)
      if (std::isnan(value)) return true;
  return false;
}

std::vector<double> pooled(const Chains& x) {
  std::vector<double> all;
  for (const std::vector<double>& chain : x) all.insert(all.end(), chain.begin(), chain.end());
  return all;
}

// .split_chains: halves 1..floor(N/2) and ceil(N/2 + 1)..N; the middle draw of an odd N is dropped.
Chains split_chains(const Chains& x) {
  const std::size_t n = x.front().size();
  if (n == 1) return x;
  const std::size_t half = n / 2;
  Chains out;
  out.reserve(2 * x.size());
  for (const std::vector<double>& chain : x) {
    out.emplace_back(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(half));
    out.emplace_back(chain.begin() + static_cast<std::ptrdiff_t>(n - half), chain.end());
  }
  return out;
}

// Phi^-1((r - 3/8) / (S + 1/4)) for the ranks r = 1..S, computed once per S: every quantity of
// a run has the same S, and without ties these are all the z-scores there are.
const std::vector<double>& normal_scores(std::size_t count) {
  thread_local std::vector<double> scores;
  if (scores.size() != count) {
    scores.assign(count, 0.0);
    const boost::math::normal standard;
    const double denominator = static_cast<double>(count) - 2 * 0.375 + 1;
    for (std::size_t r = 1; r <= (count + 1) / 2; ++r) {  // symmetric: z(S + 1 - r) = -z(r)
      scores[r - 1] = boost::math::quantile(standard, (static_cast<double>(r) - 0.375) / denominator);
      scores[count - r] = -scores[r - 1];
    }
    if (count % 2 == 1) scores[count / 2] = 0;
  }
  return scores;
}

using Order = std::vector<std::pair<double, std::size_t>>;  // (value, position), sorted by value

// The z-scores of `count` draws from their order (NaN left out of it, and NaN in the result):
// Phi^-1((r - 3/8) / (S + 1/4)), r the 1-based rank, ties averaged.
std::vector<double> z_of_order(const Order& order, std::size_t count) {
  const std::vector<double>& scores = normal_scores(count);
  const boost::math::normal standard;
  const double denominator = static_cast<double>(count) - 2 * 0.375 + 1;
  std::vector<double> z(count, kNaN);
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && order[j + 1].first == order[i].first) ++j;
    double value = 0;
    if (i == j && order.size() == count) {
      value = scores[i];
    } else {
      const double rank = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2;  // 1-based, averaged
      value = boost::math::quantile(standard, (rank - 0.375) / denominator);
    }
    for (std::size_t k = i; k <= j; ++k) z[order[k].second] = value;
    i = j + 1;
  }
  return z;
}

// Pooled values (chain after chain) back into chains of `length`.
Chains reshape(const std::vector<double>& pooled_values, std::size_t length) {
  Chains out(pooled_values.size() / length);
  for (std::size_t c = 0; c < out.size(); ++c)
    out[c].assign(pooled_values.begin() + static_cast<std::ptrdiff_t>(c * length),
                  pooled_values.begin() + static_cast<std::ptrdiff_t>((c + 1) * length));
  return out;
}

Order order_of(const Chains& x) {
  Order order;
  std::size_t count = 0;
  for (const std::vector<double>& chain : x)
    for (double value : chain) {
      if (!std::isnan(value)) order.emplace_back(value, count);
      ++count;
    }
  std::sort(order.begin(), order.end());
  return order;
}

// z_scale: the z-scores of the ranks among all draws (R ranks NA apart and puts NA back).
Chains z_scale(const Chains& x) {
  const std::size_t length = x.front().size();
  return reshape(z_of_order(order_of(x), length * x.size()), length);
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

// Variance with the n - 1 divisor (R's var); NaN for one value.
double variance_of(const std::vector<double>& values, double mean) {
  if (values.size() < 2) return kNaN;
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return squares / static_cast<double>(values.size() - 1);
}

// R's median of sorted values: the middle value, or the mean of the two middle values.
double median_of(const std::vector<double>& values) {
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// R's quantile(x, p) (type 7) written as R 4.2 computes it, (1 - h) x_lo + h x_hi, so that
// the tail indicators x <= q split the draws exactly where posterior's do.
double r_quantile(const std::vector<double>& values, double p) {  // values sorted ascending
  const double index = static_cast<double>(values.size() - 1) * p;  // 0-based
  const std::size_t lo = static_cast<std::size_t>(std::floor(index));
  const std::size_t hi = static_cast<std::size_t>(std::ceil(index));
  double q = values[lo];
  if (index > static_cast<double>(lo) && values[hi] != q) {
    const double h = index - static_cast<double>(lo);
    q = (1 - h) * q + h * values[hi];
  }
  return q;
}

// .rhat of (already split) chains.
double basic_rhat(const Chains& x) {
  if (should_return_nan(x)) return kNaN;
  const double n = static_cast<double>(x.front().size());
  std::vector<double> means, variances;
  for (const std::vector<double>& chain : x) {
    means.push_back(mean_of(chain));
    variances.push_back(variance_of(chain, means.back()));
  }
  const double between = n * variance_of(means, mean_of(means));
  const double within = mean_of(variances);
  return std::sqrt((between / within + n - 1) / n);
}

// posterior's .ess of (already split) chains (mcmc_ess.hpp), with its NA conventions.
double basic_ess(const Chains& x) {
  if (x.front().size() < 3 || should_return_nan(x)) return kNaN;
  return geyer_ess(x);
}

Chains map(const Chains& x, auto&& f) {
  Chains out = x;
  for (std::vector<double>& chain : out)
    for (double& v : chain) v = f(v);
  return out;
}

std::vector<double> values_of(const Order& order) {
  std::vector<double> values;
  values.reserve(order.size());
  for (const auto& [value, position] : order) values.push_back(value);
  return values;
}

std::vector<double> sorted_pool(const Chains& x) {
  std::vector<double> all = pooled(x);
  std::sort(all.begin(), all.end());
  return all;
}

// posterior's .ess_quantile: the ESS of the indicators x <= quantile_p(x); `sorted` is x pooled
// and sorted.
double ess_quantile(const Chains& x, const std::vector<double>& sorted, double p) {
  if (should_return_nan(x)) return kNaN;
  const double q = r_quantile(sorted, p);
  return basic_ess(split_chains(map(x, [q](double v) { return v <= q ? 1.0 : 0.0; })));
}

double tail_ess(const Chains& x, const std::vector<double>& sorted) {
  const double low = ess_quantile(x, sorted, 0.05), high = ess_quantile(x, sorted, 0.95);
  if (std::isnan(low) || std::isnan(high)) return kNaN;
  return std::min(low, high);
}

struct RankDiagnostics {
  double rhat = kNaN, ess_bulk = kNaN;
};

// rhat and ess_bulk share the z-scores of the split chains. `order` is order_of(x) and
// `sorted` its values. When no draw is dropped by the split (an even chain length, or 1)
// the split chains are the pooled draws cut in 2M pieces, so one sort serves both z-scales:
// the folded values |x - median| are in order when read outward from the median, a merge.
RankDiagnostics rank_diagnostics(const Chains& x, const Order& order, const std::vector<double>& sorted) {
  RankDiagnostics out;
  if (has_nan(x)) return out;
  const std::size_t length = x.front().size(), count = length * x.size();
  const double median = median_of(sorted);
  Chains z, z_folded;
  if ((length % 2 == 0 || length == 1) && std::isfinite(median)) {
    const std::size_t split_length = length == 1 ? 1 : length / 2;
    z = reshape(z_of_order(order, count), split_length);
    Order folded;
    folded.reserve(count);
    std::size_t above = static_cast<std::size_t>(
        std::lower_bound(sorted.begin(), sorted.end(), median) - sorted.begin());
    std::size_t below = above;  // order[below - 1] is the next one under the median
    auto fold = [&](std::size_t i) { return std::abs(order[i].first - median); };
    while (below > 0 || above < count) {
      const bool take_below = above == count || (below > 0 && fold(below - 1) <= fold(above));
      const std::size_t i = take_below ? --below : above++;
      folded.emplace_back(fold(i), order[i].second);
    }
    z_folded = reshape(z_of_order(folded, count), split_length);
  } else {
    z = z_scale(split_chains(x));
    z_folded = z_scale(split_chains(map(x, [median](double v) { return std::abs(v - median); })));
  }
  out.ess_bulk = basic_ess(z);
  const double bulk = basic_rhat(z), tail = basic_rhat(z_folded);
  if (!std::isnan(bulk) && !std::isnan(tail)) out.rhat = std::max(bulk, tail);  // R's max with an NA is NA
  return out;
}

}  // namespace

double rhat(const Chains& chains) {
  require_chains(chains);
  if (has_nan(chains)) return kNaN;
  const Order order = order_of(chains);
  return rank_diagnostics(chains, order, values_of(order)).rhat;
}

double ess_bulk(const Chains& chains) {
  require_chains(chains);
  return has_nan(chains) ? kNaN : basic_ess(z_scale(split_chains(chains)));
}

double ess_tail(const Chains& chains) {
  require_chains(chains);
  return should_return_nan(chains) ? kNaN : tail_ess(chains, sorted_pool(chains));
}

double ess_basic(const Chains& chains) {
  require_chains(chains);
  return basic_ess(split_chains(chains));
}

double mcse_mean(const Chains& chains) {
  require_chains(chains);
  std::vector<double> all = pooled(chains);
  return std::sqrt(variance_of(all, mean_of(all))) / std::sqrt(ess_basic(chains));
}

double mcse_sd(const Chains& chains) {
  require_chains(chains);
  std::vector<double> all = pooled(chains);
  const double mean = mean_of(all);
  const Chains squares = map(chains, [mean](double v) { return (v - mean) * (v - mean); });
  const double ess = basic_ess(split_chains(squares));
  double second = 0, fourth = 0;
  for (double v : all) {
    const double c2 = (v - mean) * (v - mean);
    second += c2;
    fourth += c2 * c2;
  }
  const double count = static_cast<double>(all.size());
  second /= count;
  fourth /= count;
  const double var_of_var = (fourth - second * second) / ess;
  return std::sqrt(var_of_var / second / 4);
}

ChainSummary summarize_chains(const Chains& chains) {
  require_chains(chains);
  ChainSummary summary;
  summary.mcse_mean = mcse_mean(chains);
  summary.mcse_sd = mcse_sd(chains);
  if (has_nan(chains)) {  // R's quantile refuses NA; posterior's summaries are NA
    summary.mean = summary.sd = summary.q5 = summary.q50 = summary.q95 = kNaN;
    summary.rhat = summary.ess_bulk = summary.ess_tail = kNaN;
    return summary;
  }
  const std::vector<double> all = pooled(chains);
  const Order order = order_of(chains);
  const std::vector<double> sorted = values_of(order);
  // As summarize_draws (draw_summary.hpp), on the one sorted copy that the diagnostics use too.
  summary.mean = mean_of(all);
  summary.sd = std::sqrt(variance_of(all, summary.mean));
  summary.q5 = quantile_type7(sorted, 0.05);
  summary.q50 = quantile_type7(sorted, 0.50);
  summary.q95 = quantile_type7(sorted, 0.95);
  const RankDiagnostics ranks = rank_diagnostics(chains, order, sorted);
  summary.rhat = ranks.rhat;
  summary.ess_bulk = ranks.ess_bulk;
  summary.ess_tail = should_return_nan(chains) ? kNaN : tail_ess(chains, sorted);
  return summary;
}

double e_bfmi(std::span<const double> energy) {
  if (energy.size() < 2) return kNaN;
  double mean = 0;
  for (double e : energy) {
    if (!std::isfinite(e)) return kNaN;
    mean += e;
  }
  mean /= static_cast<double>(energy.size());
  double numerator = 0, denominator = 0;
  for (std::size_t n = 0; n < energy.size(); ++n) {
    if (n > 0) numerator += (energy[n] - energy[n - 1]) * (energy[n] - energy[n - 1]);
    denominator += (energy[n] - mean) * (energy[n] - mean);
  }
  if (!(denominator > 0)) return kNaN;
  return numerator / denominator;
}

}  // namespace pm::infer
