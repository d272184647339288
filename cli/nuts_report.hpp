// The report of `pm fit --method nuts` (fit_nuts.cpp, docs/nuts.md): the MCMC report that
// `pm summary` prints for sampler files (cli/mcmc_report.hpp: per quantity mean, MCSE, sd,
// quantiles, bulk and tail ESS, R-hat; per chain divergences, max-depth hits, E-BFMI; the
// warnings), built from the sampler's rows, and the run's own facts beside it (step sizes,
// gradient evaluations, the chains' warmup and sampling times).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/mcmc_report.hpp"
#include "engine/infer/sample_nuts.hpp"

namespace pm::cli {

struct NutsRun {  // the settings the report states
  std::size_t chains = 4, warmup = 1000, draws = 1000, max_depth = 10;
  std::string metric = "diag";
  double seconds = 0;
};

struct NutsReport {
  NutsRun run;
  McmcReport mcmc;  // lp__ and every reported quantity (not the discrete latents' columns)
  std::vector<double> step_sizes;
  std::size_t gradient_evaluations = 0;
  double warmup_seconds = 0, sampling_seconds = 0;  // summed over chains
};

NutsReport nuts_report(const infer::NutsResult& result, const NutsRun& run);
// mcmc_json's object with "method": "nuts", "warmup", "draws", "metric", "time_s",
// "diagnostics" (step_size per chain, gradient_evaluations, warmup_s, sampling_s) and
// "discrete" (p(z | x) averaged over the draws).
nlohmann::json nuts_json(const NutsReport& report, const infer::NutsResult& result);
void print_nuts_report(const NutsReport& report, const infer::NutsResult& result);

}  // namespace pm::cli
