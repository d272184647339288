// `pm compare FIT.csv --reference REF.csv [REF_2.csv ...] [--json]` (docs/nuts.md,
// "What an approximation cost"): per quantity in both files, the fit's mean and sd against
// the reference's (a NUTS run, one file per chain): the standardized mean error
// |mean - ref mean| / ref sd and the sd ratio sd / ref sd, with the reference's own Monte Carlo
// error in the same units (its MCSE / its sd, ESS-based: engine/infer/mcmc_diagnostics.hpp),
// so a user sees what a variational (or MAP) fit cost and whether the reference is precise
// enough to tell.
//
// Any draws files pm or CmdStan writes: the fit's rows are pooled (a VI file's mean row and a
// sampler file's warmup are left out, as `pm summary` does); several fit files are chains of
// one fit. A point estimate (optimize) has no sd: its ratio is "—". Exit 0; 2 when a file is
// unreadable, the reference's files disagree in their columns, or no quantity is shared.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "engine/infer/draw_summary.hpp"
#include "engine/infer/mcmc_diagnostics.hpp"
#include "engine/io/draws_csv.hpp"

namespace pm::cli {
namespace {

struct CompareOptions {
  std::vector<std::string> fit, reference;
  bool json = false;
};

// The files of one run, as chains: nullopt after printing why they cannot be used.
std::optional<std::vector<io::PosteriorDraws>> read_chains(const std::vector<std::string>& paths) {
  std::vector<io::PosteriorDraws> chains;
  for (const std::string& path : paths) {
    try {
      chains.push_back(io::posterior_draws(io::read_draws_csv(path), path));
    } catch (const io::DrawsCsvError& error) {
      std::cerr << "pm: compare: " << error.what() << "\n";
      return std::nullopt;
    }
    if (chains.back().rows.empty()) {
      std::cerr << "pm: compare: " << path << " holds no draws\n";
      return std::nullopt;
    }
    if (chains.back().names != chains.front().names) {
      std::cerr << "pm: compare: " << path << " has other columns than " << paths.front()
                << ": the files of one run must be chains of the same model\n";
      return std::nullopt;
    }
  }
  return chains;
}

std::vector<std::vector<double>> column_by_chain(const std::vector<io::PosteriorDraws>& chains, std::size_t j) {
  std::vector<std::vector<double>> columns;
  for (const io::PosteriorDraws& chain : chains) columns.push_back(chain.column(j));
  return columns;
}

std::string cell(double value, const char* format = "{:.4g}") {
  return std::isfinite(value) ? fmt::format(fmt::runtime(format), value) : "—";
}

nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

int run_compare(const CompareOptions& options) {
  std::optional<std::vector<io::PosteriorDraws>> fit = read_chains(options.fit);
  if (!fit) return kExitBadInput;
  std::optional<std::vector<io::PosteriorDraws>> reference = read_chains(options.reference);
  if (!reference) return kExitBadInput;
  const bool point = fit->front().method == "optimize";
  struct Row {
    std::string name;
    double mean, sd, ref_mean, ref_sd, ref_mcse, error, ratio;
  };
  std::vector<Row> rows;
  const std::vector<std::string>& ref_names = reference->front().names;
  for (std::size_t j = 0; j < fit->front().names.size(); ++j) {
    const std::string& name = fit->front().names[j];
    auto found = std::find(ref_names.begin(), ref_names.end(), name);
    if (found == ref_names.end()) continue;
    std::vector<double> pooled;
    for (const std::vector<double>& chain : column_by_chain(*fit, j)) pooled.insert(pooled.end(), chain.begin(), chain.end());
    infer::DrawSummary mine = infer::summarize_draws(pooled);
    infer::ChainSummary ref =
        infer::summarize_chains(column_by_chain(*reference, static_cast<std::size_t>(found - ref_names.begin())));
    const double sd = point || pooled.size() < 2 ? std::nan("") : mine.sd;
    rows.push_back({name, mine.mean, sd, ref.mean, ref.sd, ref.mcse_mean, std::abs(mine.mean - ref.mean) / ref.sd,
                    sd / ref.sd});
  }
  if (rows.empty()) {
    std::cerr << "pm: compare: the fit and the reference share no quantity (compare runs of the same model)\n";
    return kExitBadInput;
  }
  double worst = 0, worst_ratio = 1;
  std::string worst_name;
  for (const Row& row : rows) {
    if (std::isfinite(row.error) && row.error > worst) worst = row.error, worst_name = row.name;
    if (std::isfinite(row.ratio) && std::abs(std::log(row.ratio)) > std::abs(std::log(worst_ratio))) worst_ratio = row.ratio;
  }
  if (options.json) {
    nlohmann::json quantities = nlohmann::json::object();
    for (const Row& row : rows)
      quantities[row.name] = {{"mean", number(row.mean)},         {"sd", number(row.sd)},
                              {"ref_mean", number(row.ref_mean)}, {"ref_sd", number(row.ref_sd)},
                              {"ref_mcse", number(row.ref_mcse)}, {"std_mean_error", number(row.error)},
                              {"sd_ratio", number(row.ratio)}};
    std::cout << nlohmann::json{{"fit_method", fit->front().method},
                                {"reference_method", reference->front().method},
                                {"quantities", quantities},
                                {"worst_std_mean_error", worst},
                                {"worst_sd_ratio", point ? nlohmann::json() : nlohmann::json(worst_ratio)}}
                     .dump()
              << "\n";
    return kExitSuccess;
  }
  constexpr std::size_t kMaxRows = 60;
  std::size_t width = 8;
  for (const Row& row : rows) width = std::max(width, row.name.size() + 2);
  std::cout << fmt::format("{:<{}}{:>11}{:>11}{:>11}{:>11}{:>11}{:>10}{:>10}\n", "name", width, "mean", "ref mean", "sd",
                           "ref sd", "ref mcse", "err (sd)", "sd ratio");
  for (std::size_t i = 0; i < rows.size() && i < kMaxRows; ++i) {
    const Row& r = rows[i];
    std::cout << fmt::format("{:<{}}{:>11}{:>11}{:>11}{:>11}{:>11}{:>10}{:>10}\n", r.name, width, cell(r.mean),
                             cell(r.ref_mean), cell(r.sd), cell(r.ref_sd), cell(r.ref_mcse, "{:.2g}"),
                             cell(r.error, "{:.3f}"), cell(r.ratio, "{:.3f}"));
  }
  if (rows.size() > kMaxRows) std::cout << fmt::format("... {} more (all of them are in --json)\n", rows.size() - kMaxRows);
  std::cout << fmt::format("\n{} against {} ({} quantities): the worst mean is {:.3f} reference sds off{}", 
                           fit->front().method.empty() ? "the fit" : fit->front().method,
                           reference->front().method.empty() ? "the reference" : reference->front().method, rows.size(),
                           worst, worst_name.empty() ? "" : " (" + worst_name + ")");
  if (!point) std::cout << fmt::format("; the sd ratio farthest from 1 is {:.3f}", worst_ratio);
  std::cout << "\n";
  return kExitSuccess;
}

}  // namespace

void add_compare_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CompareOptions>();
  CLI::App* command =
      app.add_subcommand("compare", "A fit's means and sds against a reference run's (e.g. vi against nuts)");
  command->add_option("fit", options->fit, "the fit's draws file(s) (pm fit -o)")->required();
  command->add_option("-r,--reference", options->reference, "the reference's draws files, one per chain")->required();
  command->add_flag("--json", options->json, "print the comparison as JSON");
  command->callback([options, &exit_code] { exit_code = run_compare(*options); });
}

}  // namespace pm::cli
