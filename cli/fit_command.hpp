// `pm fit`'s options, shared by its point-estimate path (command_fit.cpp) and its
// variational path (fit_variational.cpp). CLI.md "pm fit options".
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cli/common.hpp"

namespace pm::cli {

struct FitOptions {
  std::string model_path;
  std::vector<std::string> data;
  std::string method;  // empty: the default of CLI.md
  bool jacobian = false;
  std::uint64_t seed = 1;
  std::size_t iterations = 10000;
  std::size_t starts = 4;
  bool json = false;
  std::string output, save_params, init, discrete_out;
  bool quiet = false;
  // vi
  std::string guide = "meanfield";
  std::string objective = "elbo";
  double learning_rate = std::numeric_limits<double>::quiet_NaN();
  std::size_t grad_samples = 1;
  std::size_t draws = 1000;
  double tolerance_relative = 0.01;
  std::size_t evaluate_every = 100;
  bool psis = false;
};

// The variational path of `pm fit` (the model is loaded; the data not yet). Returns the exit code.
int run_fit_variational(const FitOptions& options, const LoadedModel& loaded);

}  // namespace pm::cli
