// `pm summary FILE... [--json] [--psis]` (CLI.md "pm summary", "Output", "--json"): the summary
// table of a draws file, like CmdStan's stansummary. A sampler's output (method = sample), one
// file per chain, goes to cli/summary_chains.cpp: R-hat, ESS and the sampler diagnostics.
//
// Reads the CmdStan CSV layout (engine/io/draws_csv.hpp): pm's own output and CmdStan's. The
// sampler columns (names ending in "__": lp__, log_p__, log_g__, accept_stat__, ...) are not
// summarized, nor the mean row that opens a `method = variational` file. Each element gets
// mean, sd, 5%, 50%, 95% (engine/infer/draw_summary.hpp: R's type 7 quantiles). A
// `method = optimize` file holds one point: its values are shown as the mean, the rest "—"
// (null in --json), as `pm fit` prints map/mle estimates.
//
// When the file has log_p__ and log_g__ (a variational run), log_p__ - log_g__ are the log
// importance ratios of the guide's draws, and their PSIS k-hat (engine/infer/psis.hpp) is
// printed with its verdict; --psis reweights the summaries by the smoothed weights.
// Exit 0; 2 when the file is missing, malformed or holds no draws.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "cli/mcmc_report.hpp"
#include "cli/summary_chains.hpp"
#include "engine/infer/draw_summary.hpp"
#include "engine/infer/psis.hpp"
#include "engine/io/draws_csv.hpp"

namespace pm::cli {
namespace {

struct SummaryOptions {
  std::vector<std::string> paths;
  bool json = false;
  bool psis = false;
};

std::string cell(double value) { return std::isfinite(value) ? fmt::format("{:.6g}", value) : "—"; }

nlohmann::json json_number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

// PSIS of the guide's draws, when the file has their log densities; nullopt otherwise (not
// a variational run, or ratios PSIS cannot use, with the reason in `why_not`).
std::optional<infer::PsisResult> guide_psis(const io::PosteriorDraws& draws, std::string& why_not) {
  if (draws.log_p.empty()) {
    why_not = "the file has no log_p__ and log_g__ columns";
    return std::nullopt;
  }
  std::vector<double> log_ratios(draws.log_p.size());
  for (std::size_t s = 0; s < log_ratios.size(); ++s) log_ratios[s] = draws.log_p[s] - draws.log_g[s];
  try {
    return infer::pareto_smoothed_importance_sampling(log_ratios);
  } catch (const std::invalid_argument& error) {
    why_not = error.what();
    return std::nullopt;
  }
}

void print_table(const io::PosteriorDraws& draws, const std::vector<infer::DrawSummary>& rows, bool point) {
  constexpr std::size_t kMaxRows = 60;  // longer tables are cut; --json holds every element
  std::size_t width = 8;
  for (const std::string& name : draws.names) width = std::max(width, name.size() + 2);
  std::cout << fmt::format("{:<{}}{:>12}{:>12}{:>12}{:>12}{:>12}\n", "name", width, "mean", "sd", "5%", "50%", "95%");
  for (std::size_t i = 0; i < rows.size() && i < kMaxRows; ++i) {
    const infer::DrawSummary& row = rows[i];
    std::cout << fmt::format("{:<{}}{:>12}{:>12}{:>12}{:>12}{:>12}\n", draws.names[i], width, cell(row.mean),
                             point ? "—" : cell(row.sd), point ? "—" : cell(row.q5), point ? "—" : cell(row.q50),
                             point ? "—" : cell(row.q95));
  }
  if (rows.size() > kMaxRows)
    std::cout << fmt::format("... {} more elements (all of them are in --json)\n", rows.size() - kMaxRows);
}

// One file's draws, or nullopt after the message (exit 2): unreadable, malformed, no draws.
std::optional<io::PosteriorDraws> read_draws(const std::string& path) {
  io::PosteriorDraws draws;
  try {
    draws = io::posterior_draws(io::read_draws_csv(path), path);
  } catch (const io::DrawsCsvError& error) {
    std::cerr << "pm: summary: " << error.what() << "\n";
    return std::nullopt;
  }
  if (draws.rows.empty()) {
    std::cerr << "pm: summary: " << path << " holds no draws (only a header"
              << (draws.method == "variational" ? " and the mean row"
                  : draws.skipped_rows > 0      ? " and warmup rows"
                                                : "")
              << ")\n";
    return std::nullopt;
  }
  if (draws.names.empty()) {
    std::cerr << "pm: summary: " << path << " has no columns to summarize (only lp__-style ones)\n";
    return std::nullopt;
  }
  return draws;
}

int run_single(const io::PosteriorDraws& draws, const SummaryOptions& options) {
  const bool point = draws.method == "optimize";
  std::string why_no_psis;
  std::optional<infer::PsisResult> psis = point ? std::nullopt : guide_psis(draws, why_no_psis);
  if (options.psis && !psis) {
    std::cerr << "pm: summary: --psis needs the guide's log densities: " << why_no_psis << "\n";
    return kExitBadInput;
  }
  const bool reweight = options.psis && psis;
  std::vector<infer::DrawSummary> rows;
  for (std::size_t j = 0; j < draws.names.size(); ++j) {
    std::vector<double> column = draws.column(j);
    rows.push_back(reweight ? infer::summarize_draws(column, psis->weights) : infer::summarize_draws(column));
  }
  const bool have_khat = psis && std::isfinite(psis->khat);

  if (options.json) {
    nlohmann::json summary = nlohmann::json::object();
    for (std::size_t j = 0; j < rows.size(); ++j) {
      const infer::DrawSummary& row = rows[j];
      summary[draws.names[j]] = {{"mean", json_number(row.mean)},
                                 {"sd", point ? nlohmann::json() : json_number(row.sd)},
                                 {"q5", point ? nlohmann::json() : json_number(row.q5)},
                                 {"q50", point ? nlohmann::json() : json_number(row.q50)},
                                 {"q95", point ? nlohmann::json() : json_number(row.q95)},
                                 {"mcse", point ? nlohmann::json() : json_number(row.mcse)}};
    }
    nlohmann::json out = {{"method", draws.method}, {"draws", draws.rows.size()}, {"psis", reweight},
                          {"khat", have_khat ? nlohmann::json(psis->khat) : nlohmann::json()},
                          {"summary", summary}};
    if (have_khat) out["khat_verdict"] = infer::khat_verdict_text(infer::khat_verdict(psis->khat));
    std::cout << out.dump() << "\n";
    return kExitSuccess;
  }
  print_table(draws, rows, point);
  std::cout << fmt::format("\nmethod: {}; {} draw{}{}\n", draws.method.empty() ? "not stated" : draws.method,
                           draws.rows.size(), draws.rows.size() == 1 ? "" : "s",
                           point ? " (a point estimate: sd and quantiles do not apply)"
                                 : reweight ? " (summaries reweighted by PSIS)" : "");
  if (have_khat)
    std::cout << fmt::format("PSIS k-hat: {:.2f} ({})\n", psis->khat,
                             infer::khat_verdict_text(infer::khat_verdict(psis->khat)));
  else if (psis)
    std::cout << "PSIS k-hat: not available (too few draws, or every ratio in the tail is equal)\n";
  return kExitSuccess;
}

int run_summary(const SummaryOptions& options) {
  std::vector<io::PosteriorDraws> chains;
  for (const std::string& path : options.paths) {
    std::optional<io::PosteriorDraws> draws = read_draws(path);
    if (!draws) return kExitBadInput;
    chains.push_back(std::move(*draws));
  }
  if (chains.size() == 1 && chains.front().method != "sample") return run_single(chains.front(), options);
  if (options.psis) {
    std::cerr << "pm: summary: --psis needs the guide's log densities: the file has no log_p__ and log_g__ columns "
                 "(a sampler's draws are not importance-weighted)\n";
    return kExitBadInput;
  }
  return run_chains(chains, options.paths, options.json);
}

}  // namespace

void add_summary_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SummaryOptions>();
  CLI::App* command = app.add_subcommand("summary", "The summary table of a draws file (CmdStan CSV), like stansummary");
  command->add_option("files", options->paths,
                      "the draws file (pm fit -o FIT.csv, or CmdStan's output); for a sampler, one file per chain")
      ->required();
  command->add_flag("--json", options->json, "print the summary as JSON (CLI.md) instead of the table");
  command->add_flag("--psis", options->psis,
                    "reweight the summaries by Pareto-smoothed importance weights (variational files)");
  command->callback([options, &exit_code] { exit_code = run_summary(*options); });
}

}  // namespace pm::cli
