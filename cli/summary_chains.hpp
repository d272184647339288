// `pm summary fit_1.csv fit_2.csv ...` for a sampler's output (method = sample), one file per
// chain: the chains must have the same columns and numbers of draws (after their warmup rows);
// the table, diagnostics and warnings of cli/mcmc_report.hpp (docs/output.md).
#pragma once

#include <string>
#include <vector>

#include "engine/io/draws_csv.hpp"

namespace pm::cli {

// chains[c] read from paths[c]. Returns the exit code: 0, or 2 (with a message naming the
// file) when the chains do not agree or a file is not a sampler's.
int run_chains(const std::vector<io::PosteriorDraws>& chains, const std::vector<std::string>& paths, bool json);

}  // namespace pm::cli
