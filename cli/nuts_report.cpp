#include "cli/nuts_report.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "cli/common.hpp"
#include "engine/infer/discrete_report.hpp"

namespace pm::cli {
namespace {

constexpr std::size_t kMaxRows = 60;  // longer tables are cut; --json and -o hold every element

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

std::string cell(double value, const char* format = "{:.4g}") {
  return std::isfinite(value) ? fmt::format(fmt::runtime(format), value) : "—";
}

nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

template <class T>
std::string joined(const std::vector<T>& values, const char* format) {
  std::string text;
  for (const T& value : values) text += (text.empty() ? "" : " ") + fmt::format(fmt::runtime(format), value);
  return text;
}

}  // namespace

NutsReport nuts_report(const infer::NutsResult& result, const NutsRun& run) {
  NutsReport report;
  report.run = run;
  const std::size_t sampler = infer::kNutsSamplerColumns.size(), skipped = discrete_columns(result);
  std::vector<std::size_t> columns = {0};  // lp__
  for (std::size_t i = 0; i < result.names.size(); ++i)
    if (i < result.continuous_columns || i >= result.continuous_columns + skipped) columns.push_back(sampler + i);
  for (std::size_t column : columns) {
    report.names.push_back(column == 0 ? "lp__" : result.names[column - sampler]);
    report.rows.push_back(infer::summarize_chains(column_by_chain(result, column)));
  }
  std::vector<std::vector<double>> energies = column_by_chain(result, 6);  // energy__
  for (std::size_t c = 0; c < result.chains.size(); ++c) {
    const infer::NutsChain& chain = result.chains[c];
    report.step_sizes.push_back(chain.step_size);
    report.divergences.push_back(chain.divergences);
    report.max_depth_hits.push_back(chain.max_depth_hits);
    report.e_bfmi.push_back(infer::e_bfmi(energies[c]));
    report.gradient_evaluations += chain.gradient_evaluations;
    report.warmup_seconds += chain.warmup_seconds;
    report.sampling_seconds += chain.sampling_seconds;
  }
  report.warnings = nuts_warnings(report);
  return report;
}

std::vector<std::string> nuts_warnings(const NutsReport& report) {
  std::vector<std::string> warnings;
  const double chains = static_cast<double>(report.run.chains);
  std::size_t high_rhat = 0, low_ess = 0, worst_rhat = 0, worst_ess = 0;
  for (std::size_t i = 0; i < report.rows.size(); ++i) {
    const infer::ChainSummary& row = report.rows[i];
    if (std::isfinite(row.rhat) && row.rhat > 1.01) {
      if (high_rhat++ == 0 || row.rhat > report.rows[worst_rhat].rhat) worst_rhat = i;
    }
    const double ess = std::min(row.ess_bulk, row.ess_tail);
    if (std::isfinite(ess) && ess < 100 * chains) {
      if (low_ess++ == 0 || ess < std::min(report.rows[worst_ess].ess_bulk, report.rows[worst_ess].ess_tail)) worst_ess = i;
    }
  }
  if (high_rhat > 0)
    warnings.push_back(fmt::format(
        "R-hat is above 1.01 for {} quantit{} (worst {} = {:.3g}): the chains disagree, so these summaries are not "
        "trustworthy. The posterior may be multimodal (chains in different modes) or the chains too short: run "
        "longer (--warmup, --draws), reparameterize, or give the model what identifies its modes",
        high_rhat, high_rhat == 1 ? "y" : "ies", report.names[worst_rhat], report.rows[worst_rhat].rhat));
  if (low_ess > 0)
    warnings.push_back(fmt::format(
        "the effective sample size is below 100 per chain for {} quantit{} (worst {}: bulk {:.0f}, tail {:.0f}): "
        "their MCSEs are unreliable; run more --draws, or reparameterize",
        low_ess, low_ess == 1 ? "y" : "ies", report.names[worst_ess], report.rows[worst_ess].ess_bulk,
        report.rows[worst_ess].ess_tail));
  std::size_t divergences = 0, hits = 0;
  for (std::size_t d : report.divergences) divergences += d;
  for (std::size_t h : report.max_depth_hits) hits += h;
  if (divergences > 0)
    warnings.push_back(fmt::format(
        "{} of {} transitions after warmup diverged: the sampler met curvature its step size cannot follow, and "
        "the draws may be biased. Raise --adapt-delta (0.95, 0.99) or reparameterize (a non-centred "
        "parameterization for hierarchical scales)",
        divergences, report.run.chains * report.run.draws));
  if (hits > 0)
    warnings.push_back(fmt::format("{} transitions stopped at the maximum tree depth ({}): the trajectories were cut "
                                   "short, so the sampler explores slowly; raise --max-depth, or reparameterize",
                                   hits, report.run.max_depth));
  std::vector<std::size_t> low_bfmi;
  for (std::size_t c = 0; c < report.e_bfmi.size(); ++c)
    if (std::isfinite(report.e_bfmi[c]) && report.e_bfmi[c] < 0.3) low_bfmi.push_back(c + 1);
  if (!low_bfmi.empty())
    warnings.push_back(fmt::format("E-BFMI is below 0.3 in chain{} {}: the momentum resampling explores the energy "
                                   "distribution poorly (heavy tails or a funnel); reparameterize",
                                   low_bfmi.size() == 1 ? "" : "s", joined(low_bfmi, "{}")));
  return warnings;
}

nlohmann::json nuts_json(const NutsReport& report, const infer::NutsResult& result) {
  nlohmann::json summary = nlohmann::json::object();
  for (std::size_t i = 0; i < report.names.size(); ++i) {
    const infer::ChainSummary& row = report.rows[i];
    summary[report.names[i]] = {{"mean", number(row.mean)},         {"sd", number(row.sd)},
                                {"q5", number(row.q5)},             {"q50", number(row.q50)},
                                {"q95", number(row.q95)},           {"mcse_mean", number(row.mcse_mean)},
                                {"mcse_sd", number(row.mcse_sd)},   {"ess_bulk", number(row.ess_bulk)},
                                {"ess_tail", number(row.ess_tail)}, {"rhat", number(row.rhat)}};
  }
  nlohmann::json e_bfmi = nlohmann::json::array();
  for (double value : report.e_bfmi) e_bfmi.push_back(number(value));
  return {{"method", "nuts"},
          {"chains", report.run.chains},
          {"warmup", report.run.warmup},
          {"draws", report.run.draws},
          {"metric", report.run.metric},
          {"time_s", report.run.seconds},
          {"summary", summary},
          {"diagnostics",
           {{"divergences", report.divergences},
            {"max_depth", report.run.max_depth},
            {"max_depth_hits", report.max_depth_hits},
            {"e_bfmi", e_bfmi},
            {"step_size", report.step_sizes},
            {"gradient_evaluations", report.gradient_evaluations}}},
          {"warnings", report.warnings},
          {"discrete", infer::discrete_posteriors_json(result.discrete)}};
}

void print_nuts_report(const NutsReport& report, const infer::NutsResult& result) {
  std::size_t width = 8;
  for (const std::string& name : report.names) width = std::max(width, name.size() + 2);
  std::cout << fmt::format("{:<{}}{:>11}{:>10}{:>10}{:>10}{:>10}{:>10}{:>9}{:>9}{:>7}\n", "name", width, "mean", "mcse",
                           "sd", "5%", "50%", "95%", "ess_bulk", "ess_tail", "rhat");
  for (std::size_t i = 0; i < report.names.size() && i < kMaxRows; ++i) {
    const infer::ChainSummary& row = report.rows[i];
    std::cout << fmt::format("{:<{}}{:>11}{:>10}{:>10}{:>10}{:>10}{:>10}{:>9}{:>9}{:>7}\n", report.names[i], width,
                             cell(row.mean, "{:.6g}"), cell(row.mcse_mean, "{:.2g}"), cell(row.sd), cell(row.q5),
                             cell(row.q50), cell(row.q95), cell(row.ess_bulk, "{:.0f}"), cell(row.ess_tail, "{:.0f}"),
                             cell(row.rhat, "{:.3f}"));
  }
  if (report.names.size() > kMaxRows)
    std::cout << fmt::format("... {} more quantities (all of them are in --json and -o FILE.csv)\n",
                             report.names.size() - kMaxRows);
  if (!result.discrete.empty() || !result.unavailable.empty()) {
    std::cout << "\nposterior of the discrete latents (p(z | x, draw) averaged over the draws):\n";
    print_discrete_posteriors(result.discrete, result.unavailable);
  }
  std::size_t divergences = 0, hits = 0;
  for (std::size_t d : report.divergences) divergences += d;
  for (std::size_t h : report.max_depth_hits) hits += h;
  const double kept = static_cast<double>(report.run.chains * (report.run.warmup + report.run.draws));
  std::cout << fmt::format("\nmethod: nuts ({} chain{} x {} draws after {} warmup; {} metric)\n", report.run.chains,
                           report.run.chains == 1 ? "" : "s", report.run.draws, report.run.warmup, report.run.metric);
  std::cout << fmt::format("step size: {}\n", joined(report.step_sizes, "{:.3g}"));
  std::cout << fmt::format("divergences: {} (per chain: {})\n", divergences, joined(report.divergences, "{}"));
  std::cout << fmt::format("at max tree depth ({}): {}\n", report.run.max_depth, hits);
  std::vector<std::string> bfmi;
  for (double value : report.e_bfmi) bfmi.push_back(cell(value, "{:.2f}"));
  std::cout << fmt::format("E-BFMI: {}\n", joined(bfmi, "{}"));
  std::cout << fmt::format("gradient evaluations: {} ({:.1f} per iteration)\n", report.gradient_evaluations,
                           static_cast<double>(report.gradient_evaluations) / kept);
  std::cout << fmt::format("wall time: {:.3f} s (chains' warmup {:.3f} s, sampling {:.3f} s)\n", report.run.seconds,
                           report.warmup_seconds, report.sampling_seconds);
}

}  // namespace pm::cli
