// The sampler's draws file, one per chain, in CmdStan's `method = sample` layout (CmdStan
// 2.33's output CSV), so that rstan's read_stan_csv, cmdstanpy, ArviZ's from_cmdstan and
// `pm summary` read it:
//   # model = ..., # method = sample, its settings (num_samples, num_warmup, save_warmup,
//   #   adapt: engaged, gamma, delta, kappa, t0, init_buffer, term_buffer, window;
//   #   algorithm = hmc, engine = nuts, max_depth, metric = diag_e | dense_e, stepsize),
//   # id = chain, data, init, random seed, output file
//   lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,names...
//   (the warmup rows, when save_warmup)
//   # Adaptation terminated
//   # Step size = 0.89
//   # Diagonal elements of inverse mass matrix:   (or "# Elements of inverse mass matrix:")
//   # 0.48, 1.2
//   the draws
//   #  Elapsed Time: 0.004 seconds (Warm-up) / 0.012 seconds (Sampling) / 0.016 seconds (Total)
// Values are written in the shortest form that reads back to the same double.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pm::io {

struct SampleSettings {
  std::string model;
  std::size_t num_samples = 1000, num_warmup = 1000;
  bool save_warmup = false;
  double delta = 0.8;
  std::size_t init_buffer = 75, term_buffer = 50, window = 25;
  std::size_t max_depth = 10;
  bool dense_metric = false;
  double stepsize = 1;
  std::size_t num_chains = 4;
  std::size_t id = 1;  // this chain, 1-based
  std::vector<std::string> data_files;
  std::string init = "2";
  std::uint64_t seed = 0;
  std::string output_file;
};

struct SampleChainOutput {
  std::vector<std::string> names;  // every column, sampler's first, in pm's bracket form
  std::span<const double> rows;    // row-major, names.size() per row
  std::size_t warmup_rows = 0;     // rows before "Adaptation terminated"
  double step_size = 0;
  std::vector<double> inverse_metric;  // diagonal, or dense row-major
  double warmup_seconds = 0, sampling_seconds = 0;
};

std::string format_sample_csv(const SampleSettings& settings, const SampleChainOutput& chain);

// "fit.csv" -> "fit_2.csv" for chain 2 (CmdStan's per-chain names); a name without an
// extension gets "_2" appended.
std::string chain_file_name(const std::string& path, std::size_t chain);

}  // namespace pm::io
