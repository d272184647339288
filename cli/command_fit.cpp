// `pm fit MODEL.pm -d DATA --method mle|map [--jacobian] [--seed S] [--iter N] [--starts K]
//  [--json] [-o FILE.csv] [--discrete-out FILE.csv] [--save-params FILE.json] [--init FILE.json] [--quiet]`
// (CLI.md "pm fit"): point estimates by L-BFGS (engine/infer/optimize.hpp), and the exact
// posteriors of the summed-out discrete latents at the optimum (engine/infer/discrete_report.hpp).
//
// Methods: mle maximizes the likelihood (the params' priors left out; refused when the
// model has continuous latents, whose priors cannot be dropped); map maximizes
// log p(data, theta, z), without the log-Jacobian unless --jacobian, as CmdStan's optimize.
// The default is map when there are no continuous latents, else vi, which is not
// implemented yet (exit 2, saying so). With neither params nor continuous latents there is
// nothing to optimize: fit only reports the exact posteriors of the discrete latents (method
// "map" as CLI.md's default, 0 iterations, log density = log p(data); `pm evidence` reports the
// same number).
//
// Outputs: the summary table (point estimates in the mean column; sd and quantiles are "—")
// with P(value) per element of each discrete latent (abbreviated past kMaxDiscreteRows),
// and the run's facts, or --json (CLI.md "--json", with "discrete"); -o as CmdStan's optimize CSV (one row);
// --save-params the constrained values as JSON (engine/infer/params_json.hpp), which --init
// reads back; --discrete-out every element's posterior as CSV (layout in discrete_report.hpp).
// Files are written through a temporary file renamed into place.
// Exit 0 success (a run that stopped before converging warns on stderr), 1 when no start has
// a finite log density (the statement named), 2 for bad model, data or arguments.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "engine/compile/compiled_model.hpp"
#include "engine/infer/discrete_report.hpp"
#include "engine/infer/optimize.hpp"
#include "engine/infer/params_json.hpp"

namespace pm::cli {
namespace {

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
};

std::vector<std::string> continuous_latents(const lang::CheckedProgram& checked) {
  std::vector<std::string> names;
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Latent && !symbol.discrete) names.push_back(symbol.name);
  return names;
}

bool has_params(const lang::CheckedProgram& checked) {
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Param) return true;
  return false;
}

bool has_discrete_latents(const lang::CheckedProgram& checked) {
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Latent && symbol.discrete) return true;
  return false;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// The method to run ("mle" or "map"), or empty after printing why none can run.
std::string choose_method(const FitOptions& options, const lang::CheckedProgram& checked) {
  std::vector<std::string> latents = continuous_latents(checked);
  if (options.method == "vi" || (options.method.empty() && !latents.empty())) {
    std::cerr << "pm: fit: " << (options.method.empty() ? "the default method for a model with continuous latents ("
                                                          + joined(latents) + ") is vi, which"
                                                        : std::string("--method vi"))
              << " is not implemented yet; --method map maximizes over the latents instead\n";
    return {};
  }
  if (options.method == "mle" && !latents.empty()) {
    std::cerr << "pm: fit: --method mle leaves priors out, but the continuous latents (" << joined(latents)
              << ") need theirs; use --method map (or vi, once implemented)\n";
    return {};
  }
  if (latents.empty() && !has_params(checked) && !has_discrete_latents(checked)) {
    std::cerr << "pm: fit: the model has no params and no latents: there is nothing to estimate\n";
    return {};
  }
  return options.method.empty() ? "map" : options.method;
}

// "theta[2]" -> "theta.2", "x[3,1]" -> "x.3.1" (CmdStan CSV headers).
std::string dotted(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '[' || c == ',') out += '.';
    else if (c != ']' && c != ' ') out += c;
  }
  return out;
}

// CmdStan's optimize output: comment lines with the settings, then `lp__,names...` and one
// row. rstan's read_stan_csv and cmdstanpy look for `method = optimize`.
std::string optimize_csv(const FitOptions& options, const std::string& method, const infer::LbfgsOptions& lbfgs,
                         const infer::OptimizeResult& result) {
  std::string text = "# model = " + options.model_path + "\n";
  text += "# method = optimize\n#   optimize\n#     algorithm = lbfgs\n#       lbfgs\n";
  text += fmt::format("#         init_alpha = {}\n#         tol_obj = {}\n#         tol_rel_obj = {}\n", lbfgs.init_alpha,
                      lbfgs.tol_obj, lbfgs.tol_rel_obj);
  text += fmt::format("#         tol_grad = {}\n#         tol_rel_grad = {}\n#         tol_param = {}\n", lbfgs.tol_grad,
                      lbfgs.tol_rel_grad, lbfgs.tol_param);
  text += fmt::format("#         history_size = {}\n", lbfgs.history);
  text += fmt::format("#     jacobian = {}\n#     iter = {}\n", options.jacobian ? 1 : 0, lbfgs.max_iterations);
  text += fmt::format("#   pm_method = {}\n#   starts = {}\n", method, result.start_log_densities.size());
  for (const std::string& file : options.data) text += "# data\n#   file = " + file + "\n";
  if (!options.init.empty()) text += "# init = " + options.init + "\n";
  text += fmt::format("# random\n#   seed = {}\n", options.seed);
  text += fmt::format("# output\n#   file = {}\n", options.output);
  text += "lp__";
  for (const std::string& name : result.names) text += "," + dotted(name);
  text += fmt::format("\n{}", result.log_density);
  for (double value : result.values) text += fmt::format(",{}", value);
  return text + "\n";
}

// "disease  P(0) = 0.838983  P(1) = 0.161017", one line per element; long latents are cut.
void print_discrete(const std::vector<compile::DiscretePosterior>& posteriors,
                    const std::vector<std::string>& unavailable) {
  constexpr std::size_t kMaxDiscreteRows = 10;  // per latent; --discrete-out and --json hold all
  for (const compile::DiscretePosterior& posterior : posteriors) {
    std::size_t width = 8;
    for (const std::string& name : posterior.element_names) width = std::max(width, name.size() + 2);
    for (std::size_t e = 0; e < posterior.element_names.size() && e < kMaxDiscreteRows; ++e) {
      std::string line = fmt::format("{:<{}}", posterior.element_names[e], width);
      for (std::size_t k = 0; k < posterior.values.size(); ++k)
        line += fmt::format("{}P({}) = {:.6f}", k ? "  " : "", posterior.values[k], posterior.probabilities[e][k]);
      std::cout << line << "\n";
    }
    if (posterior.element_names.size() > kMaxDiscreteRows)
      std::cout << fmt::format("... {} more: see --discrete-out FILE.csv or --json\n",
                               posterior.element_names.size() - kMaxDiscreteRows);
  }
  for (const std::string& name : unavailable)
    std::cout << name << "  (its exact posterior cannot be formed for this model yet)\n";
}

void print_table(const std::string& method, bool jacobian, const infer::OptimizeResult& result, double seconds,
                 const std::vector<compile::DiscretePosterior>& posteriors,
                 const std::vector<std::string>& unavailable) {
  const std::size_t starts = result.start_log_densities.size();
  constexpr std::size_t kMaxRows = 60;  // longer tables are cut; -o and --json hold every element
  std::size_t width = 8;
  for (const std::string& name : result.names) width = std::max(width, name.size() + 2);
  if (!result.names.empty())
    std::cout << fmt::format("{:<{}}{:>14}{:>10}{:>10}{:>10}{:>10}\n", "name", width, "mean", "sd", "5%", "50%", "95%");
  for (std::size_t i = 0; i < result.names.size() && i < kMaxRows; ++i)
    std::cout << fmt::format("{:<{}}{:>14.6g}{:>10}{:>10}{:>10}{:>10}\n", result.names[i], width, result.values[i], "—",
                             "—", "—", "—");
  if (result.names.size() > kMaxRows)
    std::cout << fmt::format("... {} more elements (all of them are in --json and -o FILE.csv)\n",
                             result.names.size() - kMaxRows);
  if (!posteriors.empty() || !unavailable.empty()) {
    if (!result.names.empty()) std::cout << "\n";
    std::cout << (result.names.empty() ? "exact posterior of the discrete latents:\n"
                                       : "posterior of the discrete latents at the optimum:\n");
    print_discrete(posteriors, unavailable);
  }
  if (result.names.empty()) {
    std::cout << fmt::format("\nmethod: {} (no params and no continuous latents: nothing to optimize; the "
                             "posteriors are exact)\n",
                             method);
    std::cout << fmt::format("log p(data): {:.10g}\n", result.log_density);
    std::cout << fmt::format("wall time: {:.3f} s\n", seconds);
    return;
  }
  std::cout << fmt::format("\nmethod: {} ({}; point estimates: sd and quantiles do not apply)\n", method,
                           jacobian ? "with the log-Jacobian" : "no Jacobian");
  std::cout << fmt::format("iterations: {} (L-BFGS, best of {} start{})\n", result.iterations, starts,
                           starts == 1 ? "" : "s");
  std::cout << fmt::format("convergence: {}\n", infer::to_string(result.reason));
  std::cout << fmt::format("log density at the optimum: {:.10g}{}\n", result.log_density,
                           method == "mle" ? " (the log-likelihood)" : "");
  std::cout << fmt::format("wall time: {:.3f} s\n", seconds);
}

std::optional<nlohmann::json> read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "pm: cannot read '" << path << "'\n";
    return std::nullopt;
  }
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    std::cerr << "pm: '" << path << "' is not valid JSON: " << error.what() << "\n";
    return std::nullopt;
  }
}

int run_fit(const FitOptions& options) {
  std::unique_ptr<LoadedModel> loaded = load_model(options.model_path);
  if (!loaded) return kExitBadInput;
  std::string method = choose_method(options, loaded->checked);
  if (method.empty()) return kExitBadInput;
  std::optional<compile::CompiledModel> model = load_data_and_compile(
      *loaded, options.data, {.include_priors = method == "map", .include_jacobian = options.jacobian});
  if (!model) return kExitBadInput;

  infer::OptimizeOptions optimize_options;
  optimize_options.lbfgs.max_iterations = options.iterations;
  optimize_options.starts = options.starts;
  if (!options.init.empty()) {
    std::optional<nlohmann::json> saved = read_json_file(options.init);
    if (!saved) return kExitBadInput;
    std::string error;
    optimize_options.init = infer::unconstrain_params(*model, *saved, error);
    if (!error.empty()) {
      std::cerr << "pm: " << options.init << ": " << error << "\n";
      return kExitBadInput;
    }
  }
  bool show_progress = !options.quiet && isatty(STDERR_FILENO);
  infer::OptimizeCallback progress;
  if (show_progress) {
    progress = [](const infer::OptimizeProgress& step) {
      if (step.iteration % 50 == 0)
        std::cerr << fmt::format("\rstart {} iteration {} log density {:.6g}   ", step.start + 1, step.iteration,
                                 step.log_density);
    };
  }
  auto begin = std::chrono::steady_clock::now();
  infer::OptimizeResult result;
  if (model->dimension() == 0) {
    // Nothing to optimize: one evaluation gives log p(data) and the exact posteriors.
    result.log_density = model->program->value_only({}, model->log_density);
    result.reason = infer::ConvergenceReason::GradientNorm;  // a function of no coordinates
    if (!std::isfinite(result.log_density)) {
      std::cerr << "pm: fit: log p(data) is " << result.log_density << ": the data are impossible under the model\n";
      return kExitInferenceFailed;
    }
  } else {
    result = infer::optimize(*model, optimize_options, options.seed, progress);
  }
  std::vector<compile::DiscretePosterior> posteriors;
  if (!result.failure) posteriors = infer::discrete_posteriors_at(*model, result.unconstrained);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  std::vector<std::string> unavailable = infer::latents_without_posterior(*model, posteriors);
  if (show_progress) std::cerr << "\r" << std::string(60, ' ') << "\r";

  if (result.failure) {
    std::string message = fmt::format("the log density is {} at every starting point tried ({} attempts, seed {})",
                                      result.failure->log_density, result.failure->attempts, options.seed);
    if (result.failure->statement) {
      lang::Diagnostic diagnostic{lang::Severity::Error, result.failure->statement->range,
                                  message + fmt::format("; this statement's term is {}", result.failure->term_value)};
      std::cerr << lang::render(*loaded->file, diagnostic);
    } else {
      std::cerr << "pm: " << message << " (in the log-Jacobian of a constrained variable)\n";
    }
    return kExitInferenceFailed;
  }
  if (!result.converged())
    std::cerr << "pm: warning: the optimizer stopped before converging: " << infer::to_string(result.reason) << "\n";

  if (options.json) {
    nlohmann::json summary = nlohmann::json::object();
    for (std::size_t i = 0; i < result.names.size(); ++i)
      summary[result.names[i]] = {{"mean", result.values[i]}, {"sd", nullptr}, {"q5", nullptr}, {"q50", nullptr},
                                  {"q95", nullptr}};
    nlohmann::json out = {{"method", method},
                          {"iterations", result.iterations},
                          {"converged", result.converged()},
                          {"log_density", result.log_density},
                          {"time_s", seconds},
                          {"summary", summary},
                          {"discrete", infer::discrete_posteriors_json(posteriors)}};
    std::cout << out.dump() << "\n";
  } else {
    print_table(method, options.jacobian, result, seconds, posteriors, unavailable);
  }
  if (!options.output.empty() &&
      !write_file_atomically(options.output, optimize_csv(options, method, optimize_options.lbfgs, result)))
    return kExitBadInput;
  if (!options.discrete_out.empty() &&
      !write_file_atomically(options.discrete_out, infer::discrete_posteriors_csv(posteriors)))
    return kExitBadInput;
  if (!options.save_params.empty() &&
      !write_file_atomically(options.save_params, infer::params_to_json(*model, result.values).dump(2) + "\n"))
    return kExitBadInput;
  return kExitSuccess;
}

}  // namespace

void add_fit_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<FitOptions>();
  CLI::App* command = app.add_subcommand("fit", "Inference: point estimates by L-BFGS (--method mle|map)");
  command->add_option("model", options->model_path, "the model file (.pm)")->required();
  command->add_option("-d,--data", options->data, "a data file (JSON or CSV), or name=value; repeatable");
  command->add_option("--method", options->method,
                      "mle, map, or vi (not implemented yet); default: map without continuous latents, else vi")
      ->check(CLI::IsMember({"vi", "map", "mle"}));
  command->add_flag("--jacobian", options->jacobian, "add the log-Jacobians of the constraining transforms");
  command->add_option("--seed", options->seed, "seed of the starting points")->capture_default_str();
  command->add_option("--iter", options->iterations, "maximum L-BFGS iterations per start")->capture_default_str();
  command->add_option("--starts", options->starts, "random starting points; the best optimum is kept")
      ->capture_default_str();
  command->add_flag("--json", options->json, "print the result as JSON (CLI.md) instead of the table");
  command->add_option("-o,--output", options->output, "CmdStan optimize CSV: lp__ and every element, one row");
  command->add_option("--discrete-out", options->discrete_out,
                      "per-element posterior probabilities of each discrete latent, CSV: latent,element,p_1,...");
  command->add_option("--save-params", options->save_params, "write the estimates as JSON, keyed by name");
  command->add_option("--init", options->init, "start from saved estimates (JSON from --save-params)");
  command->add_flag("--quiet", options->quiet, "no progress on stderr");
  command->callback([options, &exit_code] { exit_code = run_fit(*options); });
}

}  // namespace pm::cli
