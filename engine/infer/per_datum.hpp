// Per-datum log-likelihoods log p(x_n; theta) over the data plate (`pm score`, and the
// per-datum IWAE of `pm evidence --method iwae`; CLI.md, ISSUE 6 item 5).
//
// The model-and-guide program is compiled once for ONE row of the plate
// (compile::select_rows with one row) and each datum is written into it in turn
// (compile/data_feed.hpp). For datum n, with K draws z_k ~ q(z | x_n):
//   log p-hat(x_n) = log (1/K) sum_k p(x_n, z_k; theta) / q(z_k | x_n)
// the IWAE bound with K particles (Burda et al. 2016): a lower bound in expectation that
// tightens as K grows, and exact when the datum has no continuous latent (one evaluation:
// discrete latents are summed out, autoregressive likelihoods are products of conditionals).
// The params' priors are left out (p(x; theta)). The draws of datum n come from
// Stream(seed).split(n), so a datum's score does not depend on which other data are scored.
// Every latent must be local to the plate (given theta the data are independent); a global
// latent makes the scores dependent, and the caller refuses it (global_latents).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/compile/data_plate.hpp"
#include "engine/compile/variational.hpp"

namespace pm::infer {

struct DatumScore {
  double log_p = 0;  // the estimate (exact when exact)
  // Delta-method standard error of log p-hat: sd(w) / (sqrt(K) mean(w)); 0 when exact.
  double standard_error = 0;
  double effective_sample_size = 0;  // (sum w)^2 / sum w^2 of the K weights
};

struct ScoreResult {
  bool exact = false;  // no continuous latent: one evaluation per datum
  std::size_t particles = 0;
  std::vector<DatumScore> scores;  // one per row of the plate, in order
  double total = 0, total_standard_error = 0;  // sum of log_p; sqrt of the summed variances
};

// The continuous latents that are not local to the plate (empty: scoring is possible).
std::vector<std::string> global_latents(const compile::VariationalModel& model, const compile::DataPlate& plate);

// The guide's coordinates that come one per datum (an automatic guide's loc[n] and omega[n] of
// a latent sized by the plate, a guide `param vector[N] m`): a program compiled for one row
// would give every datum row 1's. Found by compiling the model and guide for one row and for
// two and comparing their parameter names; empty when the guide is amortized (its
// parameters do not grow with the data, as vae.pm's nets), or when the plate has one row.
std::vector<std::string> per_datum_guide_parameters(const lang::CheckedProgram& checked, const io::DataSet& full,
                                                    const compile::DataPlate& plate, compile::GuideFamily family);

// `model` compiled on one row of the plate; `full` the data to score.
ScoreResult score_data(compile::VariationalModel& model, const io::DataSet& full, const compile::DataPlate& plate,
                       std::span<const double> parameters, std::size_t particles, std::uint64_t seed);

// The K log importance weights of one datum (already loaded into the model): for PSIS k-hat.
std::vector<double> datum_log_weights(compile::VariationalModel& model, std::size_t particles, random::Stream& stream);

}  // namespace pm::infer
