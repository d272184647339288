// `pm diagnose MODEL.pm -d DATA [--seed S (1)] [--evaluations N (200)] [--epsilon H (1e-6)]
// [--json]`: at a seeded random point u ~ uniform(-2, 2) of the unconstrained space
// (CmdStan's diagnose initializes the same way), the log density (priors and log-Jacobians
// included), the autodiff gradient beside central finite differences per coordinate with the
// largest absolute and relative error, and the median wall time of one
// log-density-and-gradient evaluation over N runs (CmdStan's gradient timing).
//
// Exit 2 for --evaluations below 1 or an --epsilon that is not finite and > 0 (the shared
// validators of common.hpp: `pm: diagnose: --epsilon must be ...`), a bad model or data (diagnostics rendered file:line:col with a caret), 1 when
// the log density is not finite at the point (naming the statement), 0 otherwise.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "engine/compile/compiled_model.hpp"
#include "engine/io/load_data.hpp"
#include "engine/random/stream.hpp"

namespace pm::cli {
namespace {

struct DiagnoseOptions {
  std::string model_path;
  std::vector<std::string> data;
  std::uint64_t seed = 1;
  std::size_t evaluations = 200;
  double step = 1e-6;  // CmdStan's diagnose epsilon
  bool json = false;
};

// CLI.md: `-d FILE` or `-d name=value` (one scalar).
// The name of unconstrained coordinate k of a slot: its element's name when the transform
// is elementwise ("theta[3]"), otherwise the slot with a free index ("w.free[2]").
std::string coordinate_name(const compile::ParameterSlot& slot, std::size_t k) {
  if (slot.free_size() == slot.element_names.size()) return slot.element_names[k];
  return fmt::format("{}.free[{}]", slot.name, k + 1);
}

struct Comparison {
  std::vector<double> gradient, finite_difference;
  double max_abs_error = 0, max_rel_error = 0;
};

Comparison compare_gradient(compile::CompiledModel& model, const std::vector<double>& u, double step) {
  Comparison result;
  result.gradient.assign(u.size(), 0.0);
  model.program->value_and_gradient(u, result.gradient, model.log_density);
  for (std::size_t i = 0; i < u.size(); ++i) {
    std::vector<double> shifted = u;
    shifted[i] = u[i] + step;
    double plus = model.program->value_only(shifted, model.log_density);
    shifted[i] = u[i] - step;
    double minus = model.program->value_only(shifted, model.log_density);
    double difference = (plus - minus) / (2 * step);
    result.finite_difference.push_back(difference);
    double error = std::abs(result.gradient[i] - difference);
    // Relative to the gradient's size, but never below 1: a central difference carries an
    // absolute rounding error of about eps |f| / h whatever the coordinate, so a tiny
    // gradient entry would otherwise report noise as a large relative error.
    double scale = std::max({1.0, std::abs(result.gradient[i]), std::abs(difference)});
    result.max_abs_error = std::max(result.max_abs_error, error);
    result.max_rel_error = std::max(result.max_rel_error, error / scale);
  }
  return result;
}

double median_gradient_ns(compile::CompiledModel& model, const std::vector<double>& u, std::size_t evaluations) {
  std::vector<double> gradient(u.size()), times;
  for (std::size_t k = 0; k < evaluations; ++k) {
    auto start = std::chrono::steady_clock::now();
    model.program->value_and_gradient(u, gradient, model.log_density);
    auto stop = std::chrono::steady_clock::now();
    times.push_back(static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count()));
  }
  if (times.empty()) return 0;
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2), times.end());
  return times[times.size() / 2];
}

int run_diagnose(const DiagnoseOptions& options) {
  std::unique_ptr<LoadedModel> loaded = load_model(options.model_path);
  if (!loaded) return kExitBadInput;
  std::optional<compile::CompiledModel> model =
      load_data_and_compile(*loaded, options.data,
                            {.include_priors = true, .include_jacobian = true, .discrete_posteriors = false});
  if (!model) return kExitBadInput;

  random::Stream stream(options.seed);
  std::vector<double> u(model->dimension());
  for (double& x : u) x = stream.uniform(-2.0, 2.0);
  double log_density = model->program->value_only(u, model->log_density);
  if (!std::isfinite(log_density)) {
    const compile::FactorTerm* term = model->first_non_finite_term();
    std::string message = fmt::format("the log density is {} at the random point (seed {})", log_density, options.seed);
    if (term) {
      lang::Diagnostic diagnostic{lang::Severity::Error, term->statement->range,
                                  message + "; this statement's term is " +
                                      fmt::format("{} ({})", model->program->value(term->value),
                                                  model->describe_arguments(*term))};
      std::cerr << lang::render(*loaded->file, diagnostic);
    } else {
      std::cerr << "pm: " << message << " (in the log-Jacobian of a constrained variable)\n";
    }
    return kExitInferenceFailed;
  }
  Comparison comparison = compare_gradient(*model, u, options.step);
  double gradient_ns = median_gradient_ns(*model, u, options.evaluations);

  if (options.json) {
    nlohmann::json out = {{"dims", u.size()},
                          {"log_density", log_density},
                          {"max_abs_error", comparison.max_abs_error},
                          {"max_rel_error", comparison.max_rel_error},
                          {"gradient_ns", gradient_ns},
                          {"evaluations", options.evaluations}};
    std::cout << out.dump() << "\n";
    return kExitSuccess;
  }
  std::cout << fmt::format("log density at a random point (seed {}, u ~ uniform(-2, 2)): {:.10g}\n", options.seed, log_density);
  std::cout << fmt::format("{:>5}  {:<20} {:>14} {:>16} {:>16} {:>12}\n", "index", "coordinate", "u", "gradient",
                           "finite diff", "error");
  std::size_t index = 0;
  for (const compile::ParameterSlot& slot : model->slots) {
    for (std::size_t k = 0; k < slot.free_size(); ++k, ++index) {
      std::cout << fmt::format("{:>5}  {:<20} {:>14.6g} {:>16.8g} {:>16.8g} {:>12.3g}\n", index + 1, coordinate_name(slot, k),
                               u[index], comparison.gradient[index], comparison.finite_difference[index],
                               comparison.gradient[index] - comparison.finite_difference[index]);
    }
  }
  std::cout << fmt::format("largest absolute error {:.3g}, largest relative error {:.3g}\n", comparison.max_abs_error,
                           comparison.max_rel_error);
  std::cout << fmt::format("one log density and gradient: {:.0f} ns (median of {} evaluations)\n", gradient_ns,
                           options.evaluations);
  return kExitSuccess;
}

}  // namespace

void add_diagnose_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DiagnoseOptions>();
  CLI::App* command = app.add_subcommand("diagnose", "At a random point: the log density, its gradient against finite "
                                                     "differences, and the time of one gradient");
  command->add_option("model", options->model_path, "the model file (.pm)")->required();
  command->add_option("-d,--data", options->data, "a data file (JSON or CSV), or name=value; repeatable");
  command->add_option("--seed", options->seed, "seed of the random point")->check(seed_value())->capture_default_str();
  command->add_option("--evaluations", options->evaluations, "evaluations timed (the median is reported)")
      ->check(whole_number_at_least(1))
      ->capture_default_str();
  command->add_option("--epsilon", options->step, "finite-difference step (central differences)")
      ->check(positive_finite())
      ->capture_default_str();
  command->add_flag("--json", options->json, "print {dims, log_density, max_abs_error, max_rel_error, gradient_ns, evaluations}");
  command->callback([options, &exit_code] { exit_code = run_diagnose(*options); });
}

}  // namespace pm::cli
