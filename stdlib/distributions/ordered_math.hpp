// The ordinal-regression family (ordered_logistic, ordered_probit): y in {1, ..., K} with
// K - 1 increasing cutpoints c, y = k when a latent eta + e falls in (c_{k-1}, c_k]
// (c_0 = -inf, c_K = +inf), e with a symmetric CDF F (logistic, standard normal):
//   p = F(x_hi) - F(x_lo),   x_hi = c_k - eta,  x_lo = c_{k-1} - eta.
// log p: log F(x_hi) for k = 1, log F(-x_lo) for k = K (F(-x) = 1 - F(x)), and between
// log(F(x_hi) - F(x_lo)) = log_diff_exp of the two log CDFs, taken in the lower tail (the
// arguments negated when x_lo > 0), where they do not round to 1.
// Partials with f = F': d/dc_k = f(x_hi) / p, d/dc_{k-1} = -f(x_lo) / p, d/deta the negated sum,
// each ratio exp(log f - log p).
#pragma once

#include "stdlib/distributions/kernel_math.hpp"

namespace pm::stdlib::kernel_math {

// log(exp(a) - exp(b)) for a >= b.
inline double log_diff_exp(double a, double b) {
  if (b == -infinity) return a;
  const double d = b - a;
  return a + (d > -0.6931471805599453 ? std::log(-std::expm1(d)) : std::log1p(-std::exp(d)));
}

// Family: log_cdf(x) = log F(x), log_pdf(x) = log f(x).
template <class Family>
void ordered_log_density(const ad::KernelCall& call, double* out, double* const* partials) {
  const ad::KernelArg& cut_arg = call.args[2];
  const std::size_t cuts = cut_arg.event_size;
  double* d_eta = wanted(partials, 1);
  double* d_c = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], eta = call.args[1].data[j];
    const double* c = event(cut_arg, j);
    bool valid = std::isfinite(eta);
    for (std::size_t k = 0; k < cuts; ++k) valid = valid && std::isfinite(c[k]) && (k == 0 || c[k] > c[k - 1]);
    const bool inside = is_integer(y) && y >= 1.0 && y <= static_cast<double>(cuts + 1);
    if (d_c) std::fill(d_c + j * cuts, d_c + (j + 1) * cuts, 0.0);
    if (d_eta) d_eta[j] = 0.0;
    if (!valid || !inside) {
      out[j] = valid ? -infinity : not_a_number;
      continue;
    }
    const std::size_t k = static_cast<std::size_t>(y);  // 1-based category
    const bool has_lo = k > 1, has_hi = k <= cuts;
    const double x_lo = has_lo ? c[k - 2] - eta : -infinity, x_hi = has_hi ? c[k - 1] - eta : infinity;
    double log_p;
    if (!has_hi && !has_lo) log_p = 0.0;  // one category
    else if (!has_lo) log_p = Family::log_cdf(x_hi);
    else if (!has_hi) log_p = Family::log_cdf(-x_lo);
    else if (x_lo > 0.0) log_p = log_diff_exp(Family::log_cdf(-x_lo), Family::log_cdf(-x_hi));
    else log_p = log_diff_exp(Family::log_cdf(x_hi), Family::log_cdf(x_lo));
    out[j] = log_p;
    const double w_hi = has_hi ? std::exp(Family::log_pdf(x_hi) - log_p) : 0.0;
    const double w_lo = has_lo ? std::exp(Family::log_pdf(x_lo) - log_p) : 0.0;
    if (d_c) {
      if (has_hi) d_c[j * cuts + k - 1] = w_hi;
      if (has_lo) d_c[j * cuts + k - 2] = -w_lo;
    }
    if (d_eta) d_eta[j] = w_lo - w_hi;
  }
}

// Draws k = 1 + #{c_k < eta + e}, e drawn by draw_noise(stream).
template <class DrawNoise>
void ordered_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out, DrawNoise draw_noise) {
  const ad::KernelArg& cut_arg = parameters.args[1];
  const std::size_t cuts = cut_arg.event_size;
  for (std::size_t j = 0; j < parameters.count; ++j) {
    const double eta = parameters.args[0].data[j];
    const double* c = event(cut_arg, j);
    bool valid = std::isfinite(eta);
    for (std::size_t k = 0; k < cuts; ++k) valid = valid && std::isfinite(c[k]) && (k == 0 || c[k] > c[k - 1]);
    const double latent = eta + draw_noise(stream);
    std::size_t category = 1;
    for (std::size_t k = 0; k < cuts; ++k) category += c[k] < latent ? 1 : 0;
    out[j] = valid ? static_cast<double>(category) : not_a_number;
  }
}

}  // namespace pm::stdlib::kernel_math
