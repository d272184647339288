// Means of distributions (distribution_mean.hpp).
#include "cli/distribution_mean.hpp"

#include <cmath>
#include <functional>
#include <limits>

namespace pm::cli {

double continuous_bernoulli_mean(double lambda) {
  // With u = 1 - 2 lambda the mean is -(1 - u) / (2u) + 1 / (2 atanh u), whose two terms
  // cancel near u = 0; there atanh u = u (1 + u^2/3 + u^4/5 + ...) gives the series
  // 1/2 - u/6 - 2 u^3 / 45 + O(u^5), used for |u| < 1e-3 (error below 1e-15).
  const double u = 1.0 - 2.0 * lambda;
  if (std::abs(u) < 1e-3) return 0.5 - u / 6.0 - 2.0 * u * u * u / 45.0;
  return -(1.0 - u) / (2.0 * u) + 1.0 / (2.0 * std::atanh(u));
}

std::optional<std::vector<double>> distribution_mean(const std::string& distribution,
                                                     const std::vector<std::span<const double>>& arguments,
                                                     std::size_t count) {
  for (std::span<const double> argument : arguments)
    if (argument.size() != count && argument.size() != 1) return std::nullopt;
  auto argument = [&](std::size_t a, std::size_t k) { return arguments[a][arguments[a].size() == 1 ? 0 : k]; };
  using Mean = std::function<double(std::size_t)>;
  Mean mean;
  std::size_t arity = 0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (distribution == "bernoulli" || distribution == "bernoulli_probs" || distribution == "poisson") {
    arity = 1, mean = [&](std::size_t k) { return argument(0, k); };
  } else if (distribution == "bernoulli_logit") {
    arity = 1, mean = [&](std::size_t k) { return 1.0 / (1.0 + std::exp(-argument(0, k))); };
  } else if (distribution == "poisson_log") {
    arity = 1, mean = [&](std::size_t k) { return std::exp(argument(0, k)); };
  } else if (distribution == "continuous_bernoulli") {
    arity = 1, mean = [&](std::size_t k) { return continuous_bernoulli_mean(argument(0, k)); };
  } else if (distribution == "exponential") {
    arity = 1, mean = [&](std::size_t k) { return 1.0 / argument(0, k); };
  } else if (distribution == "normal" || distribution == "logistic" || distribution == "double_exponential") {
    arity = 2, mean = [&](std::size_t k) { return argument(0, k); };
  } else if (distribution == "lognormal") {
    arity = 2, mean = [&](std::size_t k) {
      const double s = argument(1, k);
      return std::exp(argument(0, k) + 0.5 * s * s);
    };
  } else if (distribution == "beta") {
    arity = 2, mean = [&](std::size_t k) { return argument(0, k) / (argument(0, k) + argument(1, k)); };
  } else if (distribution == "gamma") {
    arity = 2, mean = [&](std::size_t k) { return argument(0, k) / argument(1, k); };
  } else if (distribution == "student_t") {
    // The mean exists for nu > 1 only.
    arity = 3, mean = [&](std::size_t k) { return argument(0, k) > 1.0 ? argument(1, k) : nan; };
  } else {
    return std::nullopt;
  }
  if (arguments.size() != arity) return std::nullopt;
  std::vector<double> means(count);
  for (std::size_t k = 0; k < count; ++k) means[k] = mean(k);
  return means;
}

}  // namespace pm::cli
