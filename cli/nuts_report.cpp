#include "cli/nuts_report.hpp"

#include <iostream>

#include <fmt/format.h>

#include "cli/common.hpp"
#include "engine/infer/discrete_report.hpp"

namespace pm::cli {
namespace {

std::size_t discrete_columns(const infer::NutsResult& result) {
  std::size_t count = 0;
  for (const compile::DiscretePosterior& posterior : result.discrete) count += posterior.element_names.size();
  return count;
}

// Chain c's kept draws of column `column` (of the rows' full width).
std::vector<std::vector<double>> column_by_chain(const infer::NutsResult& result, std::size_t column) {
  const std::size_t width = result.columns();
  std::vector<std::vector<double>> chains;
  for (const infer::NutsChain& chain : result.chains) {
    std::vector<double>& draws = chains.emplace_back();
    for (std::size_t r = chain.warmup_rows; r < chain.rows.size() / width; ++r) draws.push_back(chain.rows[r * width + column]);
  }
  return chains;
}

std::size_t column_of(std::string_view sampler_name) {
  const auto& columns = infer::kNutsSamplerColumns;
  return static_cast<std::size_t>(std::find(columns.begin(), columns.end(), sampler_name) - columns.begin());
}

}  // namespace

NutsReport nuts_report(const infer::NutsResult& result, const NutsRun& run) {
  NutsReport report;
  report.run = run;
  const std::size_t sampler = infer::kNutsSamplerColumns.size(), skipped = discrete_columns(result);
  std::vector<std::string> names = {"lp__"};
  std::vector<std::vector<std::vector<double>>> draws = {column_by_chain(result, 0)};
  for (std::size_t i = 0; i < result.names.size(); ++i)
    if (i < result.continuous_columns || i >= result.continuous_columns + skipped) {
      names.push_back(result.names[i]);
      draws.push_back(column_by_chain(result, sampler + i));
    }
  std::vector<std::vector<double>> divergent = column_by_chain(result, column_of("divergent__")),
                                   depth = column_by_chain(result, column_of("treedepth__")),
                                   energy = column_by_chain(result, column_of("energy__"));
  std::vector<McmcChainColumns> columns;
  for (std::size_t c = 0; c < result.chains.size(); ++c) {
    columns.push_back({divergent[c], depth[c], energy[c]});
    const infer::NutsChain& chain = result.chains[c];
    report.step_sizes.push_back(chain.step_size);
    report.gradient_evaluations += chain.gradient_evaluations;
    report.warmup_seconds += chain.warmup_seconds;
    report.sampling_seconds += chain.sampling_seconds;
  }
  report.mcmc = make_mcmc_report(names, draws, columns, run.max_depth);
  return report;
}

nlohmann::json nuts_json(const NutsReport& report, const infer::NutsResult& result) {
  nlohmann::json out = mcmc_json(report.mcmc);
  out["method"] = "nuts";
  out["warmup"] = report.run.warmup;
  out["draws"] = report.run.draws;
  out["metric"] = report.run.metric;
  out["time_s"] = report.run.seconds;
  out["diagnostics"] = {{"step_size", report.step_sizes},
                        {"gradient_evaluations", report.gradient_evaluations},
                        {"warmup_s", report.warmup_seconds},
                        {"sampling_s", report.sampling_seconds}};
  out["discrete"] = infer::discrete_posteriors_json(result.discrete);
  return out;
}

void print_nuts_report(const NutsReport& report, const infer::NutsResult& result) {
  print_mcmc_table(report.mcmc);
  if (!result.discrete.empty() || !result.unavailable.empty()) {
    std::cout << "\nposterior of the discrete latents (p(z | x, draw) averaged over the draws):\n";
    print_discrete_posteriors(result.discrete, result.unavailable);
  }
  const double iterations = static_cast<double>(report.run.chains * (report.run.warmup + report.run.draws));
  std::cout << fmt::format("\nmethod: nuts ({} chain{} x {} draws after {} warmup; {} metric)\n", report.run.chains,
                           report.run.chains == 1 ? "" : "s", report.run.draws, report.run.warmup, report.run.metric);
  std::vector<std::string> steps;
  for (double step : report.step_sizes) steps.push_back(fmt::format("{:.3g}", step));
  std::cout << fmt::format("step size: {}\n", fmt::join(steps, " "));
  std::cout << fmt::format("gradient evaluations: {} ({:.1f} per iteration)\n", report.gradient_evaluations,
                           static_cast<double>(report.gradient_evaluations) / iterations);
  std::cout << fmt::format("wall time: {:.3f} s (the chains' warmup {:.3f} s and sampling {:.3f} s, summed)\n",
                           report.run.seconds, report.warmup_seconds, report.sampling_seconds);
}

}  // namespace pm::cli
