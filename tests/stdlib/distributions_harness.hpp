// Helpers shared by the distribution tests: calling a registered kernel on plain vectors,
// comparing its partials with finite differences, and checking a sampler against its own
// log density statistically.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/math/distributions/complement.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/random/stream.hpp"
#include "stdlib/distributions/registry.hpp"
#include "support/finite_difference.hpp"

namespace pm::test {

using stdlib::kernels::DistributionEntry;

// One argument: `count` events of `event_size` values, or one event when broadcast.
struct Arg {
  std::vector<double> values;
  std::size_t event_size = 1;
  bool broadcast = false;
};

// actual == expected within relative tolerance; infinities must match exactly.
inline void check_close(double actual, double expected, double tolerance) {
  if (std::isinf(expected))
    CHECK(actual == expected);
  else
    CHECK(actual == doctest::Approx(expected).epsilon(tolerance));
}

inline const DistributionEntry& distribution(std::string_view name) {
  const DistributionEntry* entry = stdlib::kernels::find_distribution(name);
  REQUIRE_MESSAGE(entry != nullptr, "distribution not registered: " << std::string(name));
  return *entry;
}

inline std::vector<ad::KernelArg> kernel_args(const std::vector<Arg>& args) {
  std::vector<ad::KernelArg> kernel;
  for (const Arg& a : args) kernel.push_back({a.values.data(), a.event_size, a.broadcast});
  return kernel;
}

inline std::size_t element_count(const std::vector<Arg>& args) {
  return args[0].values.size() / args[0].event_size;
}

// Log densities of all elements (kernel = log_density, log_cdf or log_ccdf).
inline std::vector<double> evaluate(ad::LogDensityKernel kernel, const std::vector<Arg>& args,
                                    std::vector<std::vector<double>>* partials = nullptr) {
  const auto kernel_arguments = kernel_args(args);
  const std::size_t count = element_count(args);
  ad::KernelCall call{count, kernel_arguments.data(), kernel_arguments.size()};
  std::vector<double> out(count, 12345.0);
  std::vector<double*> partial_pointers(args.size(), nullptr);
  if (partials) {
    partials->assign(args.size(), {});
    for (std::size_t a = 0; a < args.size(); ++a) {
      (*partials)[a].assign(count * args[a].event_size, 12345.0);
      partial_pointers[a] = (*partials)[a].data();
    }
  }
  kernel(call, out.data(), partials ? partial_pointers.data() : nullptr);
  return out;
}

// Scalar convenience: one element, every argument a scalar.
inline double log_density(std::string_view name, std::vector<double> scalars) {
  std::vector<Arg> args;
  for (double s : scalars) args.push_back({{s}});
  return evaluate(distribution(name).log_density, args)[0];
}

// Compares every partial of every real argument with a central difference of the kernel,
// at relative tolerance `tolerance` (scaled by max(1, |partial|)). Broadcast arguments are
// perturbed once and every element's log density is differenced.
inline void check_partials(ad::LogDensityKernel kernel, const DistributionEntry& entry,
                           const std::vector<Arg>& args, double tolerance = 1e-6,
                           double relative_step = 1e-6) {
  std::vector<std::vector<double>> partials;
  const auto base = evaluate(kernel, args, &partials);
  const std::size_t count = element_count(args);
  for (double value : base) REQUIRE(std::isfinite(value));
  for (std::size_t a = 0; a < args.size(); ++a) {
    if (a < entry.arg_count && entry.args[a].kind == stdlib::kernels::ArgKind::integer) continue;
    const std::size_t size = args[a].event_size;
    const std::size_t events = args[a].broadcast ? 1 : count;
    for (std::size_t event = 0; event < events; ++event) {
      for (std::size_t e = 0; e < size; ++e) {
        const std::size_t index = event * size + e;
        for (std::size_t j = 0; j < count; ++j) {
          if (!args[a].broadcast && j != event) continue;
          auto perturbed = [&](double x) {
            std::vector<Arg> copy = args;
            copy[a].values[index] = x;
            return evaluate(kernel, copy)[j];
          };
          const double numeric = central_difference(perturbed, args[a].values[index], relative_step);
          const double analytic = partials[a][j * size + e];
          INFO("distribution " << std::string(entry.name) << ", argument " << a << ", element " << j
                               << ", component " << e);
          CHECK(std::abs(analytic - numeric) <= tolerance * std::max(1.0, std::abs(numeric)));
        }
      }
    }
  }
}

inline void check_partials(const DistributionEntry& entry, const std::vector<Arg>& args,
                           double tolerance = 1e-6, double relative_step = 1e-6) {
  check_partials(entry.log_density, entry, args, tolerance, relative_step);
}

// log pdf, log cdf and log ccdf of a distribution against a Boost.Math distribution at
// several points. Tolerance 1e-10 relative: both sides are double-precision closed forms
// (Boost's, lgamma and the incomplete functions included, are accurate to a few ulps; ours
// lose at most a few more in the logs).
template <class Reference>
void check_against_boost(std::string_view name, const Reference& reference, std::vector<double> parameters,
                         std::vector<double> points) {
  const auto& entry = distribution(name);
  for (double y : points) {
    std::vector<Arg> args{{{y}}};
    for (double p : parameters) args.push_back({{p}});
    INFO(std::string(name) << " at " << y);
    // pdf, cdf and complement are found by argument-dependent lookup in boost::math when
    // the caller's Boost distribution type instantiates this template.
    check_close(evaluate(entry.log_density, args)[0], std::log(pdf(reference, y)), 1e-10);
    if (entry.log_cdf) {
      check_close(evaluate(entry.log_cdf, args)[0], std::log(cdf(reference, y)), 1e-10);
      check_close(evaluate(entry.log_ccdf, args)[0], std::log(cdf(complement(reference, y))), 1e-10);
    }
  }
}

// Every kernel of the entry (density and, where present, log CDF and log CCDF).
inline void check_all_partials(const DistributionEntry& entry, const std::vector<Arg>& args) {
  check_partials(entry, args);
  if (entry.log_cdf) check_partials(entry.log_cdf, entry, args);
  if (entry.log_ccdf) check_partials(entry.log_ccdf, entry, args);
}

// Draws `count` outcomes with every parameter scalar (one element per draw).
inline std::vector<double> sample_scalars(const DistributionEntry& entry, std::vector<double> parameters,
                                          std::size_t count, std::uint64_t seed) {
  std::vector<Arg> args;
  for (double p : parameters) args.push_back({std::vector<double>(count, p)});
  const auto kernel_arguments = kernel_args(args);
  ad::KernelCall call{count, kernel_arguments.data(), kernel_arguments.size()};
  random::Stream stream(seed);
  std::vector<double> out(count);
  entry.sample(call, stream, out.data());
  return out;
}

// A cell of a frequency check: observed draws against expected probability. With n draws,
// the count is Binomial(n, p): the check |observed - n p| <= 5 sqrt(n p (1 - p)) fails
// with probability < 1e-6 per cell when the sampler is right (normal approximation, which
// holds for the n p >= 20 that the callers' cells have).
inline void check_cell(double observed, double probability, std::size_t n, const std::string& label) {
  const double expected = probability * static_cast<double>(n);
  const double sd = std::sqrt(expected * (1.0 - probability));
  INFO(label << ": observed " << observed << ", expected " << expected);
  CHECK(std::abs(observed - expected) <= 5.0 * sd + 1e-9);
}

// Discrete sampler against its pmf: each value in [low, high] is a cell, plus the rest.
inline void check_discrete_sampler(const DistributionEntry& entry, std::vector<double> parameters,
                                   long low, long high, std::size_t n = 20000, std::uint64_t seed = 7) {
  const auto draws = sample_scalars(entry, parameters, n, seed);
  double total_probability = 0.0;
  for (long k = low; k <= high; ++k) {
    std::vector<double> point{static_cast<double>(k)};
    point.insert(point.end(), parameters.begin(), parameters.end());
    const double p = std::exp(log_density(entry.name, point));
    total_probability += p;
    const double observed = static_cast<double>(std::count(draws.begin(), draws.end(), static_cast<double>(k)));
    check_cell(observed, p, n, std::string(entry.name) + " value " + std::to_string(k));
  }
  const double outside = static_cast<double>(std::count_if(draws.begin(), draws.end(), [&](double x) {
    return x < static_cast<double>(low) || x > static_cast<double>(high);
  }));
  check_cell(outside, std::max(0.0, 1.0 - total_probability), n, std::string(entry.name) + " outside");
}

// Continuous sampler against its density: the probability of each bin between consecutive
// edges is the integral of exp(log density) by composite Simpson's rule (400 panels, error
// far below the 5-sd band), and draws outside [edges.front(), edges.back()] form one cell.
inline void check_continuous_sampler(const DistributionEntry& entry, std::vector<double> parameters,
                                     std::vector<double> edges, std::size_t n = 20000, std::uint64_t seed = 11) {
  const auto draws = sample_scalars(entry, parameters, n, seed);
  auto density = [&](double x) {
    std::vector<double> point{x};
    point.insert(point.end(), parameters.begin(), parameters.end());
    return std::exp(log_density(entry.name, point));
  };
  double covered = 0.0;
  for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
    const double a = edges[b], c = edges[b + 1];
    const int panels = 400;
    const double h = (c - a) / panels;
    double sum = density(a) + density(c);
    for (int i = 1; i < panels; ++i) sum += density(a + i * h) * (i % 2 ? 4.0 : 2.0);
    const double p = sum * h / 3.0;
    covered += p;
    const double observed = static_cast<double>(
        std::count_if(draws.begin(), draws.end(), [&](double x) { return x >= a && x < c; }));
    check_cell(observed, p, n, std::string(entry.name) + " bin [" + std::to_string(a) + ", " + std::to_string(c) + ")");
  }
  const double outside = static_cast<double>(std::count_if(
      draws.begin(), draws.end(), [&](double x) { return x < edges.front() || x >= edges.back(); }));
  check_cell(outside, std::max(0.0, 1.0 - covered), n, std::string(entry.name) + " outside");
}

inline std::vector<double> evenly_spaced(double low, double high, int bins) {
  std::vector<double> edges;
  for (int i = 0; i <= bins; ++i) edges.push_back(low + (high - low) * i / bins);
  return edges;
}

}  // namespace pm::test
