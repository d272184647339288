// The report of `pm fit --method nuts` (fit_nuts.cpp, docs/nuts.md): per quantity the
// summaries over every chain's kept draws (engine/infer/mcmc_diagnostics.hpp: mean, MCSE,
// sd, quantiles, bulk and tail ESS, R-hat), the sampler's diagnostics per chain (step size,
// divergences, transitions at the maximum depth, E-BFMI), and warnings that say what to try.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/infer/mcmc_diagnostics.hpp"
#include "engine/infer/sample_nuts.hpp"

namespace pm::cli {

struct NutsRun {  // the settings the report states
  std::size_t chains = 4, warmup = 1000, draws = 1000, max_depth = 10;
  std::string metric = "diag";
  double seconds = 0;
};

struct NutsReport {
  NutsRun run;
  std::vector<std::string> names;  // lp__, then every reported quantity (no discrete columns)
  std::vector<infer::ChainSummary> rows;
  std::vector<double> step_sizes, e_bfmi;
  std::vector<std::size_t> divergences, max_depth_hits;
  std::size_t gradient_evaluations = 0;
  double warmup_seconds = 0, sampling_seconds = 0;  // summed over chains
  std::vector<std::string> warnings;
};

NutsReport nuts_report(const infer::NutsResult& result, const NutsRun& run);
// The thresholds of the warnings (Vehtari et al. 2021; Stan's): R-hat above 1.01, bulk or
// tail ESS under 100 per chain, any divergence, any transition at the maximum depth, E-BFMI
// under 0.3.
std::vector<std::string> nuts_warnings(const NutsReport& report);
nlohmann::json nuts_json(const NutsReport& report, const infer::NutsResult& result);
void print_nuts_report(const NutsReport& report, const infer::NutsResult& result);

}  // namespace pm::cli
