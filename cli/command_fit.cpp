// `pm fit MODEL.pm -d DATA --method vi|mle|map [--jacobian] [--seed S] [--iter N] [--starts K]
//  [--json] [-o FILE.csv] [--discrete-out FILE.csv] [--save-params FILE.json] [--init FILE.json] [--quiet]`
// (CLI.md "pm fit"): point estimates by L-BFGS (engine/infer/optimize.hpp), and the exact
// posteriors of the summed-out discrete latents at the optimum (engine/infer/discrete_report.hpp).
// --method vi (the default with continuous latents) is fit_variational.cpp.
//
// Methods: mle maximizes the likelihood (the params' priors left out; refused when the
// model has continuous latents, whose priors cannot be dropped); map maximizes
// log p(data, theta, z), without the log-Jacobian unless --jacobian, as CmdStan's optimize.
// The default is map when there are no continuous latents. With neither params nor continuous latents there is
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
#include "engine/compile/simulate.hpp"
#include "engine/random/stream.hpp"
#include "cli/fit_command.hpp"
#include "engine/compile/compiled_model.hpp"
#include "engine/infer/discrete_report.hpp"
#include "engine/infer/optimize.hpp"
#include "engine/infer/params_json.hpp"
#include "engine/io/draws_csv.hpp"

namespace pm::cli {
namespace {

std::vector<std::string> continuous_latents(const lang::CheckedProgram& checked) {
  std::vector<std::string> names;
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Latent && !symbol.discrete) names.push_back(symbol.name);
  return names;
}

bool has_params(const lang::CheckedProgram& checked) {
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Param || symbol.kind == lang::SymbolKind::Net) return true;  // net weights are params
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

// The method to run ("mle", "map" or "vi"), or empty after printing why none can run.
std::string choose_method(const FitOptions& options, const lang::CheckedProgram& checked) {
  std::vector<std::string> latents = continuous_latents(checked);
  if (options.method == "vi" || (options.method.empty() && !latents.empty())) return "vi";
  if (options.method == "nuts") return "nuts";
  if (options.method == "mle" && !latents.empty()) {
    std::cerr << "pm: fit: --method mle leaves priors out, but the continuous latents (" << joined(latents)
              << ") need theirs; use --method vi or map\n";
    return {};
  }
  if (latents.empty() && !has_params(checked) && !has_discrete_latents(checked)) {
    std::cerr << "pm: fit: the model has no params and no latents: there is nothing to estimate\n";
    return {};
  }
  return options.method.empty() ? "map" : options.method;
}

// CmdStan's optimize output (engine/io/draws_csv.hpp): comment lines with the settings, then
// `lp__,names...` and one row. rstan's read_stan_csv and cmdstanpy look for `method = optimize`.
std::string optimize_csv(const FitOptions& options, const std::string& method, const infer::LbfgsOptions& lbfgs,
                         const infer::OptimizeResult& result) {
  io::OptimizeSettings settings{.model = options.model_path,
                                .init_alpha = lbfgs.init_alpha,
                                .tol_obj = lbfgs.tol_obj,
                                .tol_rel_obj = lbfgs.tol_rel_obj,
                                .tol_grad = lbfgs.tol_grad,
                                .tol_rel_grad = lbfgs.tol_rel_grad,
                                .tol_param = lbfgs.tol_param,
                                .history_size = lbfgs.history,
                                .jacobian = options.jacobian,
                                .iter = lbfgs.max_iterations,
                                .pm_settings = {{"pm_method", method},
                                                {"starts", std::to_string(result.start_log_densities.size())}},
                                .data_files = options.data,
                                .init = options.init.empty() ? std::nullopt : std::optional<std::string>(options.init),
                                .seed = options.seed,
                                .output_file = options.output};
  io::DrawsFile file;
  file.header_comments = io::optimize_comments(settings);
  file.names = {"lp__"};
  file.names.insert(file.names.end(), result.names.begin(), result.names.end());
  std::vector<double>& row = file.rows.emplace_back(1, result.log_density);
  row.insert(row.end(), result.values.begin(), result.values.end());
  return io::format_draws_csv(file);
}

// The generated block once at the optimum, as CmdStan's optimize evaluates generated
// quantities once (compile/simulate.hpp, generated_per_row): the params and latents at their
// estimates, each summed-out latent element drawn from its exact posterior there (seeded), the
// generated block's own draws from its substream. Its names follow the estimates in the table,
// --json and -o. False after printing why the block cannot be simulated.
bool append_generated_at_optimum(const LoadedModel& loaded, const io::DataSet& data,
                                 const std::vector<compile::DiscretePosterior>& posteriors, std::uint64_t seed,
                                 infer::OptimizeResult& result) {
  std::vector<std::string> names = result.names;
  std::vector<double> row = result.values;
  random::Stream stream = random::Stream(seed).split(11);
  for (const compile::DiscretePosterior& posterior : posteriors)
    for (std::size_t e = 0; e < posterior.element_names.size(); ++e) {
      const std::vector<double>& probabilities = posterior.probabilities[e];
      names.push_back(posterior.element_names[e]);
      row.push_back(static_cast<double>(posterior.values[stream.categorical(probabilities.data(), probabilities.size())]));
    }
  std::optional<compile::GeneratedRows> generated = evaluate_generated(loaded, data, names, row, seed);
  if (!generated) return false;
  result.names.insert(result.names.end(), generated->names.begin(), generated->names.end());
  result.values.insert(result.values.end(), generated->values.begin(), generated->values.end());
  return true;
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
    std::cout << (starts == 0 ? "exact posterior of the discrete latents:\n"
                                       : "posterior of the discrete latents at the optimum:\n");
    print_discrete_posteriors(posteriors, unavailable);
  }
  if (starts == 0) {  // nothing was optimized (no params, no continuous latents)
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

int run_fit(const FitOptions& options) {
  std::vector<NamedPath> inputs = data_file_inputs(options.data);
  for (NamedPath input : {NamedPath{"model", options.model_path}, NamedPath{"--init", options.init}, NamedPath{"--test", options.test}})
    inputs.push_back(input);
  if (!refuse_overlapping_paths(inputs, {{"-o", options.output}, {"--save-params", options.save_params}, {"--discrete-out", options.discrete_out}}))
    return kExitBadInput;
  if (!output_directories_exist({options.output, options.save_params, options.discrete_out})) return kExitBadInput;
  std::unique_ptr<LoadedModel> loaded = load_model(options.model_path);
  if (!loaded) return kExitBadInput;
  std::string method = choose_method(options, loaded->checked);
  if (method.empty()) return kExitBadInput;
  if (options.batch == 0)
    for (const auto& [given, name] : {std::pair{options.epochs_given, "--epochs"}, std::pair{!options.test.empty(), "--test"},
                                      std::pair{options.summary_locals, "--summary-locals"}})
      if (given) {
        std::cerr << "pm: fit: " << name << " goes with --batch B (minibatch training, docs/minibatch.md)\n";
        return kExitBadInput;
      }
  if (method == "vi") return options.batch > 0 ? run_fit_minibatch(options, *loaded) : run_fit_variational(options, *loaded);
  if (method == "nuts") {
    if (options.batch > 0) {
      std::cerr << "pm: fit: --batch trains variational models (--method vi); --method nuts uses all the data\n";
      return kExitBadInput;
    }
    return run_fit_nuts(options, *loaded);
  }
  if (options.batch > 0) {
    std::cerr << "pm: fit: --batch trains variational models (--method vi); --method " << method << " uses all the data\n";
    return kExitBadInput;
  }
  std::optional<io::DataSet> data = load_model_data(*loaded, options.data);
  if (!data) return kExitBadInput;
  lang::Diagnostics diagnostics;
  std::optional<compile::CompiledModel> model = compile::compile_model(
      loaded->checked, *data, {.include_priors = method == "map", .include_jacobian = options.jacobian}, diagnostics);
  std::cerr << lang::render_all(*loaded->file, diagnostics);
  if (!model) return kExitBadInput;

  infer::OptimizeOptions optimize_options;
  optimize_options.lbfgs.max_iterations = options.iterations;
  optimize_options.starts = options.starts;
  optimize_options.init_radius = init_radius(options);
  if (init_file_given(options)) {
    std::optional<nlohmann::json> saved = read_json_file(options.init);
    if (!saved || !saved_params_fit_model(*saved, *model, options.init, "")) return kExitBadInput;
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
    print_start_failure(*loaded, *result.failure, "fit", options.seed);
    return kExitInferenceFailed;
  }
  if (result.unbounded_starts > 0) {
    std::cerr << fmt::format("pm: fit: the {} increases without bound (found from {} of {} starts): it has no "
                             "maximum, so there is no {} estimate; the model is improper (a density with no prior "
                             "to bound it, or a likelihood that grows without limit, e.g. a mixture component whose "
                             "scale shrinks to 0 on one point)\n",
                             method == "mle" ? "likelihood" : "log density", result.unbounded_starts,
                             result.start_log_densities.size(), method == "mle" ? "maximum-likelihood" : "MAP");
    return kExitInferenceFailed;
  }
  if (!result.converged())
    std::cerr << "pm: warning: the optimizer stopped before converging: " << infer::to_string(result.reason) << "\n";

  if (has_generated_block(loaded->checked) && !append_generated_at_optimum(*loaded, *data, posteriors, options.seed, result))
    return kExitBadInput;

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
      !write_file_atomically(options.save_params, with_sizes(infer::params_to_json(*model, result.values), loaded->checked, *data).dump(2) + "\n"))
    return kExitBadInput;
  return kExitSuccess;
}

}  // namespace

void add_fit_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<FitOptions>();
  CLI::App* command =
      app.add_subcommand("fit", "Inference: variational (--method vi) or point estimates by L-BFGS (--method mle|map)");
  command->add_option("model", options->model_path, "the model file (.pm)")->required();
  command->add_option("-d,--data", options->data, "a data file (JSON or CSV), or name=value; repeatable");
  command->add_option("--method", options->method,
                      "vi, nuts, map or mle; default: vi with continuous latents, else map")
      ->check(CLI::IsMember({"vi", "nuts", "map", "mle"}));
  command->add_flag("--jacobian", options->jacobian, "add the log-Jacobians of the constraining transforms");
  command->add_option("--seed", options->seed, "every random choice follows from it")->check(seed_value())->capture_default_str();
  command->add_option("--iter", options->iterations, "maximum iterations (L-BFGS per start; Adam steps for vi)")
      ->capture_default_str();
  command->add_option("--guide", options->guide, "vi: automatic guide of the latents the guide block leaves out")
      ->check(CLI::IsMember({"meanfield", "fullrank", "map"}))
      ->capture_default_str();
  add_variational_fit_options(command, *options);
  add_nuts_options(command, *options);
  command->add_option("--draws", options->draws, "vi: draws from the fitted guide; nuts: draws per chain after warmup")
      ->check(whole_number_at_least(1))
      ->capture_default_str();
  command->add_flag("--psis", options->psis, "vi: PSIS-reweighted summaries (Yao et al. 2018)");
  command->add_option("--batch", options->batch,
                      "vi: minibatch training over the data plate, B rows per step (amortized models; docs/minibatch.md)")
      ->check(whole_number_at_least(1));
  command->add_option("--epochs", options->epochs, "vi with --batch: passes over the data")
      ->check(whole_number_at_least(1))
      ->capture_default_str();
  command->add_option("--test", options->test, "vi with --batch: held-out data (JSON or CSV); its ELBO each epoch");
  command->add_flag("--summary-locals", options->summary_locals,
                    "vi with --batch: also summarize the latents sized by the data plate (a pass over the data)");
  command->add_option("--starts", options->starts, "random starting points; the best optimum is kept")
      ->check(whole_number_at_least(1))
      ->capture_default_str();

  command->add_flag("--json", options->json, "print the result as JSON (CLI.md) instead of the table");
  command->add_option("-o,--output", options->output,
                      "CmdStan CSV: vi's draws (the mean first), or optimize's one row");
  command->add_option("--discrete-out", options->discrete_out,
                      "per-element posterior probabilities of each discrete latent, CSV: latent,element,p_1,...");
  command->add_option("--save-params", options->save_params, "write the estimates as JSON, keyed by name");
  CLI::Option* epochs = command->get_option("--epochs");
  CLI::Option* starts = command->get_option("--starts");
  command->callback([options, epochs, starts, &exit_code] {
    options->epochs_given = epochs->count() > 0;
    options->starts_given = starts->count() > 0;
    exit_code = run_fit(*options);
  });
}

}  // namespace pm::cli
