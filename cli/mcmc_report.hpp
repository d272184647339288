// The report of an MCMC run (`pm summary fit_*.csv`, `pm fit --method nuts`): per quantity
// the stansummary columns (mean, MCSE, sd, 5%, 50%, 95%) with bulk and tail ESS and R-hat
// (engine/infer/mcmc_diagnostics.hpp), per chain the sampler diagnostics from the __ columns
// (divergent transitions, iterations at the maximum tree depth, E-BFMI), and warnings that
// say what to do (docs/output.md "Sampler output: chains and diagnostics").
//
//   cli::McmcReport report = cli::make_mcmc_report(names, draws, sampler, max_depth);
//   if (json) out["mcmc"] = cli::mcmc_json(report); else cli::print_mcmc_table(report);
//
// Thresholds (Vehtari et al. 2021 for R-hat and ESS; Betancourt 2016 and Stan for E-BFMI):
// R-hat > 1.01, bulk or tail ESS < 100 per chain, any divergence, any iteration at the
// maximum tree depth, E-BFMI < 0.3.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/infer/mcmc_diagnostics.hpp"

namespace pm::cli {

inline constexpr double kRhatLimit = 1.01;
inline constexpr double kEssPerChainLimit = 100;
inline constexpr double kEbfmiLimit = 0.3;

// One chain's sampler columns over its post-warmup draws; a column the file lacks is empty.
struct McmcChainColumns {
  std::vector<double> divergent;  // divergent__: 1 for a divergent transition
  std::vector<double> treedepth;  // treedepth__
  std::vector<double> energy;     // energy__
};

// One chain's sampler diagnostics. A count is -1 when its column is absent.
struct McmcChainDiagnostics {
  long divergences = -1;     // sum of divergent__
  long treedepth_hits = -1;  // draws with treedepth__ >= max_depth
  double e_bfmi = 0;         // infer::e_bfmi of energy__; NaN when absent or undefined
};

struct McmcReport {
  std::vector<std::string> names;               // lp__ first when there is one, then the quantities
  std::vector<infer::ChainSummary> summaries;   // one per name
  std::vector<std::size_t> nonfinite;           // per name: draws that are NaN or infinite
  std::vector<McmcChainDiagnostics> chains;     // one per chain, or none without sampler columns
  std::size_t chain_count = 0;
  std::size_t draws_per_chain = 0;
  std::size_t max_depth = 10;
  std::vector<std::string> warnings;            // mcmc_warnings(*this)
};

// draws[q][c][s]: quantity q's draws in chain c (equal lengths); sampler: one per chain, or
// empty when there are no sampler columns. Fills every field, warnings included.
McmcReport make_mcmc_report(const std::vector<std::string>& names,
                            const std::vector<std::vector<std::vector<double>>>& draws,
                            const std::vector<McmcChainColumns>& sampler, std::size_t max_depth);

// The warnings, each saying what is wrong and what to do, from the report's numbers.
std::vector<std::string> mcmc_warnings(const McmcReport& report);

// The table, the sampler diagnostics and the warnings, on stdout. Tables longer than 60
// quantities are cut (mcmc_json holds every one).
void print_mcmc_table(const McmcReport& report);

// {"summary": {name: {mean, mcse, sd, q5, q50, q95, mcse_sd, ess_bulk, ess_tail, rhat,
//  nonfinite}} (names ending in "__" under "sampler_summary" instead), "chains",
//  "draws_per_chain", "sampler": {"max_depth", "divergent": [per chain], "divergent_total",
//  "treedepth_hits", "treedepth_hits_total", "e_bfmi": [per chain], "e_bfmi_limit"},
//  "thresholds": {"rhat", "ess_per_chain"}, "warnings": [...]}; NaN and absent counts are null.
// The caller adds its own keys (pm summary: method, files, draws, warmup_rows_dropped).
nlohmann::json mcmc_json(const McmcReport& report);

}  // namespace pm::cli
