// The MCMC report (mcmc_report.hpp): diagnostics per quantity and per chain, the warnings,
// the table and the JSON.
#include "cli/mcmc_report.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace pm::cli {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string cell(double value, const char* format = "{:.6g}") {
  return std::isfinite(value) ? fmt::format(fmt::runtime(format), value) : "—";
}

nlohmann::json json_number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

nlohmann::json json_count(long value) { return value < 0 ? nlohmann::json() : nlohmann::json(value); }

bool is_sampler_name(const std::string& name) { return name.size() >= 2 && name.ends_with("__"); }

std::string plural(std::size_t count, const char* one, const char* many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

// "1, 0, 3" for up to 16 chains; longer lists are left to --json.
template <typename T, typename F>
std::string per_chain(const std::vector<T>& chains, F&& value) {
  if (chains.size() > 16) return "see --json";
  std::string out;
  for (std::size_t c = 0; c < chains.size(); ++c) out += (c ? ", " : "") + value(chains[c]);
  return out;
}

long total(const std::vector<McmcChainDiagnostics>& chains, long McmcChainDiagnostics::*field) {
  long sum = -1;
  for (const McmcChainDiagnostics& chain : chains)
    if (chain.*field >= 0) sum = std::max(sum, 0L) + chain.*field;
  return sum;
}

}  // namespace

McmcReport make_mcmc_report(const std::vector<std::string>& names,
                            const std::vector<std::vector<std::vector<double>>>& draws,
                            const std::vector<McmcChainColumns>& sampler, std::size_t max_depth) {
  if (names.size() != draws.size()) throw std::invalid_argument("make_mcmc_report: one draw set per name is needed");
  McmcReport report;
  report.max_depth = max_depth;
  // lp__ first, as stansummary shows it; then the quantities in their order.
  std::vector<std::size_t> order;
  for (std::size_t q = 0; q < names.size(); ++q)
    if (names[q] == "lp__") order.push_back(q);
  for (std::size_t q = 0; q < names.size(); ++q)
    if (names[q] != "lp__") order.push_back(q);
  for (std::size_t q : order) {
    report.names.push_back(names[q]);
    report.summaries.push_back(infer::summarize_chains(draws[q]));
    std::size_t bad = 0;
    for (const std::vector<double>& chain : draws[q])
      bad += static_cast<std::size_t>(std::count_if(chain.begin(), chain.end(), [](double v) { return !std::isfinite(v); }));
    report.nonfinite.push_back(bad);
  }
  report.chain_count = draws.empty() ? sampler.size() : draws.front().size();
  if (!draws.empty() && !draws.front().empty()) report.draws_per_chain = draws.front().front().size();
  for (const McmcChainColumns& columns : sampler) {
    McmcChainDiagnostics& chain = report.chains.emplace_back();
    if (!columns.divergent.empty())
      chain.divergences = static_cast<long>(std::count_if(columns.divergent.begin(), columns.divergent.end(),
                                                          [](double v) { return v != 0; }));
    if (!columns.treedepth.empty())
      chain.treedepth_hits = static_cast<long>(
          std::count_if(columns.treedepth.begin(), columns.treedepth.end(),
                        [max_depth](double v) { return v >= static_cast<double>(max_depth); }));
    chain.e_bfmi = columns.energy.empty() ? kNaN : infer::e_bfmi(columns.energy);
  }
  report.warnings = mcmc_warnings(report);
  return report;
}

std::vector<std::string> mcmc_warnings(const McmcReport& report) {
  std::vector<std::string> warnings;
  const double ess_limit = kEssPerChainLimit * static_cast<double>(std::max<std::size_t>(report.chain_count, 1));
  std::vector<std::string> nonfinite, high_rhat, low_ess, undefined;
  double worst_rhat = 0, lowest_ess = std::numeric_limits<double>::infinity();
  std::string worst_rhat_name, lowest_ess_name;
  for (std::size_t q = 0; q < report.names.size(); ++q) {
    const infer::ChainSummary& row = report.summaries[q];
    const std::string& name = report.names[q];
    if (report.nonfinite[q] > 0) {
      nonfinite.push_back(fmt::format("{}: {}", name, report.nonfinite[q]));
      continue;
    }
    if (row.rhat > kRhatLimit) {
      high_rhat.push_back(name);
      if (row.rhat > worst_rhat) worst_rhat = row.rhat, worst_rhat_name = name;
    }
    const double ess = std::min(row.ess_bulk, row.ess_tail);
    if (ess < ess_limit) {
      low_ess.push_back(name);
      if (ess < lowest_ess) lowest_ess = ess, lowest_ess_name = name;
    }
    // Constant quantities (sd 0) have no R-hat or ESS by definition; others lack them only
    // when the chains are too short.
    if ((std::isnan(row.rhat) || std::isnan(row.ess_bulk) || std::isnan(row.ess_tail)) && row.sd > 0)
      undefined.push_back(name);
  }
  if (!nonfinite.empty())
    warnings.push_back(fmt::format(
        "{} NaN or infinite draws ({}{}); their summaries and diagnostics are undefined (shown as —): look for "
        "an overflow or an improper posterior in the model",
        plural(nonfinite.size(), "quantity has", "quantities have"),
        fmt::join(nonfinite.begin(), nonfinite.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(nonfinite.size(), 5)), ", "),
        nonfinite.size() > 5 ? ", ..." : ""));
  if (!high_rhat.empty())
    warnings.push_back(fmt::format("R-hat above {} for {} of {} (worst: {} {:.3f}): the chains disagree, they have "
                                   "not mixed; run longer chains or reparameterize the model",
                                   kRhatLimit, high_rhat.size(), plural(report.names.size(), "quantity", "quantities"),
                                   worst_rhat_name, worst_rhat));
  if (!low_ess.empty())
    warnings.push_back(fmt::format("bulk or tail ESS below {:.0f} ({:.0f} per chain) for {} of {} (lowest: {} {:.0f}): "
                                   "the estimates are noisy; run longer chains or reparameterize the model",
                                   ess_limit, kEssPerChainLimit, low_ess.size(),
                                   plural(report.names.size(), "quantity", "quantities"), lowest_ess_name, lowest_ess));
  if (!undefined.empty() && report.draws_per_chain < 6)
    warnings.push_back(fmt::format("R-hat or ESS undefined for {}: {} draws per chain are too few (ESS needs 6, R-hat 4); "
                                   "run longer chains",
                                   plural(undefined.size(), "quantity", "quantities"), report.draws_per_chain));
  else if (!undefined.empty())
    // Long enough chains: what is undefined is a tail ESS (or R-hat) of a quantity whose 5% or
    // 95% quantile is its minimum or maximum, a discrete quantity with few values (a summed-out
    // latent's per-draw value) or one that sits on a bound, so its tail indicator is constant.
    warnings.push_back(fmt::format("R-hat or ESS undefined for {} (e.g. {}): each takes few distinct values, so its "
                                   "5% or 95% tail indicator is constant (a discrete quantity, or one on a bound); "
                                   "read its posterior from its values' frequencies",
                                   plural(undefined.size(), "quantity", "quantities"), undefined.front()));
  const double transitions = static_cast<double>(report.draws_per_chain * report.chain_count);
  if (long divergences = total(report.chains, &McmcChainDiagnostics::divergences); divergences > 0)
    warnings.push_back(fmt::format(
        "{} of {:.0f} transitions after warmup diverged (per chain: {}): the sampler cannot follow the posterior's "
        "curvature there and the draws may be biased; raise --adapt-delta (0.95, 0.99) or reparameterize (e.g. "
        "non-centred hierarchical scales)",
        divergences, transitions,
        per_chain(report.chains, [](const McmcChainDiagnostics& c) { return fmt::format("{}", c.divergences); })));
  if (long hits = total(report.chains, &McmcChainDiagnostics::treedepth_hits); hits > 0)
    warnings.push_back(fmt::format(
        "{} of {:.0f} transitions stopped at the maximum tree depth {} (per chain: {}): their trajectories were cut "
        "short, which costs efficiency, not correctness; raise --max-depth",
        hits, transitions, report.max_depth,
        per_chain(report.chains, [](const McmcChainDiagnostics& c) { return fmt::format("{}", c.treedepth_hits); })));
  std::vector<std::string> low_bfmi;
  for (std::size_t c = 0; c < report.chains.size(); ++c)
    if (report.chains[c].e_bfmi < kEbfmiLimit) low_bfmi.push_back(fmt::format("{} ({:.2f})", c + 1, report.chains[c].e_bfmi));
  if (!low_bfmi.empty())
    warnings.push_back(fmt::format(
        "E-BFMI below {} in chain{} {}: the momentum resampling explores the energy distribution poorly "
        "(Betancourt 2016); reparameterize (heavy tails, funnels) or run a longer warmup",
        kEbfmiLimit, low_bfmi.size() == 1 ? "" : "s", fmt::join(low_bfmi, ", ")));
  return warnings;
}

void print_mcmc_table(const McmcReport& report) {
  constexpr std::size_t kMaxRows = 60;  // longer tables are cut; --json holds every quantity
  std::size_t width = 8;
  for (const std::string& name : report.names) width = std::max(width, name.size() + 1);
  // Every cell after a space, so that a wide number never runs into its neighbour.
  constexpr const char* kRow = "{:<{}} {:>11} {:>9} {:>11} {:>11} {:>11} {:>11} {:>9} {:>9} {:>7}\n";
  std::cout << fmt::format(kRow, "name", width, "mean", "mcse",
                           "sd", "5%", "50%", "95%", "ess_bulk", "ess_tail", "rhat");
  for (std::size_t q = 0; q < report.names.size() && q < kMaxRows; ++q) {
    const infer::ChainSummary& row = report.summaries[q];
    std::cout << fmt::format(kRow, report.names[q], width,
                             cell(row.mean), cell(row.mcse_mean, "{:.2g}"), cell(row.sd), cell(row.q5), cell(row.q50),
                             cell(row.q95), cell(row.ess_bulk, "{:.0f}"), cell(row.ess_tail, "{:.0f}"),
                             cell(row.rhat, "{:.3f}"));
  }
  if (report.names.size() > kMaxRows)
    std::cout << fmt::format("... {} more quantities (all of them are in --json)\n", report.names.size() - kMaxRows);
  if (!report.chains.empty()) {
    auto count = [](long value) { return value < 0 ? std::string("—") : fmt::format("{}", value); };
    const long divergences = total(report.chains, &McmcChainDiagnostics::divergences);
    const long hits = total(report.chains, &McmcChainDiagnostics::treedepth_hits);
    std::cout << "\nsampler diagnostics, per chain:\n";
    std::cout << fmt::format("  divergent transitions:   {} ({} in all)\n",
                             per_chain(report.chains, [&](const McmcChainDiagnostics& c) { return count(c.divergences); }),
                             count(divergences));
    std::cout << fmt::format("  at max tree depth ({}):  {} ({} in all)\n", report.max_depth,
                             per_chain(report.chains, [&](const McmcChainDiagnostics& c) { return count(c.treedepth_hits); }),
                             count(hits));
    std::cout << fmt::format("  E-BFMI:                  {}\n", per_chain(report.chains, [](const McmcChainDiagnostics& c) {
                               return cell(c.e_bfmi, "{:.2f}") + (c.e_bfmi < kEbfmiLimit ? " (low)" : "");
                             }));
  }
  if (report.warnings.empty()) {
    std::cout << fmt::format("\nno warnings: R-hat <= {} and ESS >= {:.0f} per chain for every quantity{}\n", kRhatLimit,
                             kEssPerChainLimit,
                             report.chains.empty() ? "" : "; no divergences, no max-depth hits, E-BFMI >= 0.3");
  } else {
    std::cout << "\n";
    for (const std::string& warning : report.warnings) std::cout << "warning: " << warning << "\n";
  }
}

nlohmann::json mcmc_json(const McmcReport& report) {
  nlohmann::json summary = nlohmann::json::object(), sampler_summary = nlohmann::json::object();
  for (std::size_t q = 0; q < report.names.size(); ++q) {
    const infer::ChainSummary& row = report.summaries[q];
    nlohmann::json entry = {{"mean", json_number(row.mean)},     {"mcse", json_number(row.mcse_mean)},
                            {"sd", json_number(row.sd)},         {"q5", json_number(row.q5)},
                            {"q50", json_number(row.q50)},       {"q95", json_number(row.q95)},
                            {"mcse_sd", json_number(row.mcse_sd)}, {"ess_bulk", json_number(row.ess_bulk)},
                            {"ess_tail", json_number(row.ess_tail)}, {"rhat", json_number(row.rhat)},
                            {"nonfinite", report.nonfinite[q]}};
    (is_sampler_name(report.names[q]) ? sampler_summary : summary)[report.names[q]] = std::move(entry);
  }
  nlohmann::json divergent = nlohmann::json::array(), hits = nlohmann::json::array(), bfmi = nlohmann::json::array();
  for (const McmcChainDiagnostics& chain : report.chains) {
    divergent.push_back(json_count(chain.divergences));
    hits.push_back(json_count(chain.treedepth_hits));
    bfmi.push_back(json_number(chain.e_bfmi));
  }
  return {{"summary", summary},
          {"sampler_summary", sampler_summary},
          {"chains", report.chain_count},
          {"draws_per_chain", report.draws_per_chain},
          {"sampler",
           {{"max_depth", report.max_depth},
            {"divergent", divergent},
            {"divergent_total", json_count(total(report.chains, &McmcChainDiagnostics::divergences))},
            {"treedepth_hits", hits},
            {"treedepth_hits_total", json_count(total(report.chains, &McmcChainDiagnostics::treedepth_hits))},
            {"e_bfmi", bfmi},
            {"e_bfmi_limit", kEbfmiLimit}}},
          {"thresholds", {{"rhat", kRhatLimit}, {"ess_per_chain", kEssPerChainLimit}}},
          {"warnings", report.warnings}};
}

}  // namespace pm::cli
