// The mean of a `~`'s distribution at given argument values, element by element: what the
// pictures of pm sample --png and pm encode --reconstruct show (E[x | z], the decoder's
// output, rather than a noisy draw of x).
//
//   std::optional<std::vector<double>> mean = distribution_mean("bernoulli_probs", {p}, 64);
//
// Each argument holds `count` values or one (broadcast). Nullopt when the distribution has no
// mean formula here (multivariate ones, cauchy) or an argument has another length; the
// caller then shows the draws themselves.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pm::cli {

std::optional<std::vector<double>> distribution_mean(const std::string& distribution,
                                                     const std::vector<std::span<const double>>& arguments,
                                                     std::size_t count);

// E[x] of continuous_bernoulli(lambda) (Loaiza-Ganem & Cunningham 2019, eq. 5):
// lambda / (2 lambda - 1) + 1 / (2 atanh(1 - 2 lambda)), 1/2 at lambda = 1/2.
double continuous_bernoulli_mean(double lambda);

}  // namespace pm::cli
