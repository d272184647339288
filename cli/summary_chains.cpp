// `pm summary` over the chains of a sampler run (summary_chains.hpp).
#include "cli/summary_chains.hpp"

#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "cli/mcmc_report.hpp"

namespace pm::cli {
namespace {

// The first difference between two column lists, as "column 3 is 'tau' here, 'mu' in X".
std::string column_difference(const std::vector<std::string>& here, const std::vector<std::string>& there,
                              const std::string& there_name) {
  for (std::size_t j = 0; j < std::min(here.size(), there.size()); ++j)
    if (here[j] != there[j]) return fmt::format("'{}' where {} has '{}'", here[j], there_name, there[j]);
  return fmt::format("{} columns where {} has {}", here.size(), there_name, there.size());
}

std::vector<double> sampler_values(const io::PosteriorDraws& chain, const char* name) {
  return chain.sampler_column(name).value_or(std::vector<double>{});
}

}  // namespace

int run_chains(const std::vector<io::PosteriorDraws>& chains, const std::vector<std::string>& paths, bool json) {
  const io::PosteriorDraws& first = chains.front();
  for (std::size_t c = 0; c < chains.size(); ++c) {
    const io::PosteriorDraws& chain = chains[c];
    if (chain.method != "sample") {
      std::cerr << fmt::format("pm: summary: {}: several files are read as the chains of one sampler run, but this "
                               "one is not a sampler's (method = {}); summarize it alone\n",
                               paths[c], chain.method.empty() ? "not stated" : chain.method);
      return kExitBadInput;
    }
    if (c == 0) continue;
    if (chain.names != first.names || chain.sampler_names != first.sampler_names) {
      std::cerr << fmt::format("pm: summary: {}: its columns differ from {}'s ({}); the chains of one run have the "
                               "same columns\n",
                               paths[c], paths[0],
                               chain.names != first.names
                                   ? column_difference(chain.names, first.names, paths[0])
                                   : column_difference(chain.sampler_names, first.sampler_names, paths[0]));
      return kExitBadInput;
    }
    if (chain.rows.size() != first.rows.size()) {
      std::cerr << fmt::format("pm: summary: {}: {} draws after warmup, but {} has {}; the chains of one run have "
                               "the same number of draws\n",
                               paths[c], chain.rows.size(), paths[0], first.rows.size());
      return kExitBadInput;
    }
  }
  // draws[q][c]: lp__ (when there) and every quantity, per chain.
  std::vector<std::string> names;
  std::vector<std::vector<std::vector<double>>> draws;
  if (first.sampler_column("lp__")) {
    names.push_back("lp__");
    std::vector<std::vector<double>>& per_chain = draws.emplace_back();
    for (const io::PosteriorDraws& chain : chains) per_chain.push_back(*chain.sampler_column("lp__"));
  }
  for (std::size_t j = 0; j < first.names.size(); ++j) {
    names.push_back(first.names[j]);
    std::vector<std::vector<double>>& per_chain = draws.emplace_back();
    for (const io::PosteriorDraws& chain : chains) per_chain.push_back(chain.column(j));
  }
  std::vector<McmcChainColumns> sampler;
  for (const io::PosteriorDraws& chain : chains)
    sampler.push_back({sampler_values(chain, "divergent__"), sampler_values(chain, "treedepth__"),
                       sampler_values(chain, "energy__")});
  const McmcReport report = make_mcmc_report(names, draws, sampler, first.layout.max_depth);

  std::vector<std::size_t> warmup;
  for (const io::PosteriorDraws& chain : chains) warmup.push_back(chain.skipped_rows);
  if (json) {
    nlohmann::json out = mcmc_json(report);
    out["method"] = "sample";
    out["files"] = paths;
    out["draws"] = first.rows.size() * chains.size();
    out["warmup_rows_dropped"] = warmup;
    out["psis"] = false;
    out["khat"] = nullptr;
    std::cout << out.dump() << "\n";
    return kExitSuccess;
  }
  const bool same_warmup = std::all_of(warmup.begin(), warmup.end(), [&](std::size_t w) { return w == warmup[0]; });
  std::cout << fmt::format("method: sample; {} chain{} of {} draws ({} in all){}\n\n", chains.size(),
                           chains.size() == 1 ? "" : "s", first.rows.size(), first.rows.size() * chains.size(),
                           warmup[0] == 0 && same_warmup ? ""
                           : same_warmup ? fmt::format("; {} warmup rows dropped per chain", warmup[0])
                                         : fmt::format("; warmup rows dropped: {}", fmt::join(warmup, ", ")));
  print_mcmc_table(report);
  return kExitSuccess;
}

}  // namespace pm::cli
