// `pm fit --method vi` (CLI.md): compile the model with its guide (engine/compile/variational.hpp),
// fit it (engine/infer/variational_fit.hpp), then report: the summary table of the draws
// (mean, sd, 5%, 50%, 95%; PSIS-weighted with --psis), the exact posteriors of the discrete
// latents averaged over the draws, the ELBO with its two terms, the PSIS k-hat of the guide
// with its verdict (Yao et al. 2018), and the wall time; or --json. Files: -o the draws in
// CmdStan's VI layout, --save-params the point estimates and the guide's parameters,
// --discrete-out the averaged discrete posteriors.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <set>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/fit_command.hpp"
#include "engine/compile/data_plate.hpp"
#include "engine/compile/simulate.hpp"
#include "engine/compile/variational.hpp"
#include "engine/infer/discrete_report.hpp"
#include "engine/infer/draw_summary.hpp"
#include "engine/infer/params_json.hpp"
#include "engine/infer/per_datum.hpp"
#include "engine/infer/psis.hpp"
#include "engine/infer/variational_fit.hpp"
#include "engine/io/draws_csv.hpp"

namespace pm::cli {
namespace {

constexpr std::size_t kMaxRows = 60;  // longer tables are cut; -o and --json hold every element

struct Reported {
  std::vector<infer::DrawSummary> summaries;  // per column of the draws
  // Per column: whether the table and --json show it (not the local latents of an amortized
  // guide, thousands of them, unless --summary-locals; -o keeps every column).
  std::vector<bool> shown;
  std::size_t hidden = 0;
  std::string hidden_names;
  // With amortized local latents: the k-hat per datum on the first rows, reported instead
  // of the joint one (fit_command.hpp, per_datum_khat).
  std::optional<DatumKhats> per_datum;
  infer::PsisResult psis;
  bool psis_available = false;
  // Why there is no k-hat, when there is none.
  std::string psis_missing = "not available (non-finite log importance ratios)";
};

// PSIS needs a spread of draws: below this many its tail fit says nothing.
constexpr std::size_t kMinPsisDraws = 20;

Reported summarize(const compile::VariationalModel& model, const infer::VariationalFitResult& fit, bool weighted) {
  Reported reported;
  std::vector<double> log_ratios(fit.draw_count);
  for (std::size_t s = 0; s < fit.draw_count; ++s) log_ratios[s] = fit.log_p[s] - fit.log_g[s];
  const bool finite = std::all_of(log_ratios.begin(), log_ratios.end(), [](double r) { return !std::isnan(r); });
  if (model.noise_size == 0)
    reported.psis_missing = "not applicable (the guide is a point mass: there are no draws to weight)";
  else if (fit.draw_count < kMinPsisDraws)
    reported.psis_missing = fmt::format("not available (fewer than {} draws: --draws)", kMinPsisDraws);
  else if (finite) {
    reported.psis = infer::pareto_smoothed_importance_sampling(log_ratios);
    reported.psis_available = true;
  }
  const std::size_t columns = fit.names.size();
  std::vector<double> column(fit.draw_count);
  for (std::size_t c = 0; c < columns; ++c) {
    for (std::size_t s = 0; s < fit.draw_count; ++s) column[s] = fit.draws[s * columns + c];
    reported.summaries.push_back(weighted && reported.psis_available
                                     ? infer::summarize_draws(column, reported.psis.weights)
                                     : infer::summarize_draws(column));
  }
  return reported;
}

// The local latents a guide block draws from the data (vae.pm's z: one row per datum) are
// hidden from the table and --json unless --summary-locals (CLI.md).
void hide_amortized_locals(const lang::CheckedProgram& checked, const io::DataSet& data,
                           const compile::VariationalModel& model, const infer::VariationalFitResult& fit,
                           bool summary_locals, Reported& reported) {
  reported.shown.assign(fit.names.size(), true);
  if (summary_locals) return;
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(checked, data, error);
  if (!plate) return;
  std::set<std::string> hidden;
  std::string hidden_names;
  for (const compile::ParameterSlot& slot : model.model.slots)
    if (slot.symbol->kind == lang::SymbolKind::Latent && slot.symbol->handling == lang::LatentHandling::GuideBlock &&
        plate->is_local(slot.name)) {
      hidden.insert(slot.element_names.begin(), slot.element_names.end());
      hidden_names += (hidden_names.empty() ? "" : ", ") + slot.name;
    }
  // A guide block with parameters of its own per datum (`param vector[N] m; u ~ normal(m, s)`)
  // is not amortized: its latents are few enough to summarize like any other. (Asked only
  // when there is something to hide: the question compiles the model twice.)
  if (hidden.empty() || !infer::per_datum_guide_parameters(checked, data, *plate, model.family).empty()) return;
  reported.hidden_names = hidden_names;
  for (std::size_t i = 0; i < fit.names.size(); ++i)
    if (hidden.count(fit.names[i])) {
      reported.shown[i] = false;
      ++reported.hidden;
    }
}

std::string khat_text(const Reported& reported) {
  if (!reported.psis_available) return reported.psis_missing;
  // An infinite k-hat: too few distinct finite ratios to fit a tail, which happens when the
  // guide puts its draws where the posterior has (almost) none: as bad as it gets.
  if (!std::isfinite(reported.psis.khat))
    return fmt::format("inf ({})", infer::khat_verdict_text(infer::KhatVerdict::Bad));
  return fmt::format("{:.2f} ({})", reported.psis.khat,
                     infer::khat_verdict_text(infer::khat_verdict(reported.psis.khat)));
}

void print_table(const FitOptions& options, const compile::VariationalModel& model,
                 const infer::VariationalFitResult& fit, const Reported& reported, double seconds) {
  std::size_t width = 8;
  for (const std::string& name : fit.names) width = std::max(width, name.size() + 2);
  if (fit.names.size() > reported.hidden) std::cout << summary_header(width);
  for (std::size_t i = 0, printed = 0; i < fit.names.size() && printed < kMaxRows; ++i) {
    if (!reported.shown[i]) continue;
    ++printed;
    std::cout << summary_row(fit.names[i], width, reported.summaries[i], is_param_element(model, fit.names[i]));
  }
  if (fit.names.size() - reported.hidden > kMaxRows)
    std::cout << fmt::format("... {} more elements (all of them are in --json and -o FILE.csv)\n",
                             fit.names.size() - reported.hidden - kMaxRows);
  if (reported.hidden > 0)
    std::cout << fmt::format("({} elements of the amortized local latents {} are not summarized: --summary-locals, "
                             "pm encode, or -o FILE.csv)\n",
                             reported.hidden, reported.hidden_names);
  if (!fit.discrete.empty()) {
    std::cout << "\nposterior of the discrete latents (exact given the continuous ones, averaged over the draws):\n";
    print_discrete_posteriors(fit.discrete);
  }
  const infer::StochasticResult& run = fit.optimization;
  std::cout << fmt::format("\nmethod: vi ({} guide, objective {}{})\n",
                           guide_label(model), options.objective,
                           options.psis ? ", PSIS-weighted summaries" : "");
  std::cout << fmt::format("iterations: {} (Adam, step size {:.3g}; {})\n", run.iterations, run.learning_rate,
                           infer::to_string(run.stop));
  std::cout << fmt::format("ELBO: {:.6g} (se {:.2g}) = reconstruction {:.6g} - KL {:.6g}\n", fit.elbo, fit.elbo_se,
                           fit.reconstruction, fit.kl);
  if (reported.per_datum)
    std::cout << fmt::format("PSIS k-hat of the guide per datum (first {} rows): median {:.2f}, max {:.2f}; {} above 0.7\n",
                             reported.per_datum->khat.size(), reported.per_datum->median, reported.per_datum->largest,
                             reported.per_datum->bad);
  else
    std::cout << fmt::format("PSIS k-hat of the guide: {}\n", khat_text(reported));
  std::cout << fmt::format("draws: {}\nwall time: {:.3f} s\n", fit.draw_count, seconds);
}

nlohmann::json result_json(const FitOptions& options, const compile::VariationalModel& model,
                           const infer::VariationalFitResult& fit, const Reported& reported, double seconds) {
  nlohmann::json summary = nlohmann::json::object();
  for (std::size_t i = 0; i < fit.names.size(); ++i)
    if (reported.shown[i])
      summary[fit.names[i]] = summary_json(reported.summaries[i], is_param_element(model, fit.names[i]));
  auto number = [](double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); };
  return {{"method", "vi"},
          {"guide", guide_label(model)},
          {"objective", options.objective},
          {"iterations", fit.optimization.iterations},
          {"converged", fit.optimization.converged()},
          {"stop", infer::to_string(fit.optimization.stop)},
          {"learning_rate", fit.optimization.learning_rate},
          {"elbo", number(fit.elbo)},
          {"elbo_se", number(fit.elbo_se)},
          {"reconstruction", number(fit.reconstruction)},
          {"kl", number(fit.kl)},
          {"khat", reported.psis_available ? number(reported.psis.khat) : nlohmann::json(nullptr)},
          {"khat_verdict", !reported.psis_available ? nlohmann::json(reported.psis_missing)
                           : std::isfinite(reported.psis.khat)
                               ? nlohmann::json(std::string(infer::khat_verdict_text(infer::khat_verdict(reported.psis.khat))))
                               : nlohmann::json(std::string(infer::khat_verdict_text(infer::KhatVerdict::Bad)))},
          {"khat_median", reported.per_datum ? number(reported.per_datum->median) : nlohmann::json(nullptr)},
          {"khat_max", reported.per_datum ? number(reported.per_datum->largest) : nlohmann::json(nullptr)},
          {"laplace_start", fit.laplace_start},
          {"draws", fit.draw_count},
          {"time_s", seconds},
          {"summary", summary},
          {"discrete", infer::discrete_posteriors_json(fit.discrete)}};
}

std::string draws_csv(const FitOptions& options, const compile::VariationalModel& model,
                      const infer::VariationalFitResult& fit, double seconds) {
  io::VariationalSettings settings;
  settings.model = options.model_path;
  settings.algorithm = compile::to_string(model.family);
  settings.iter = options.iterations;
  settings.grad_samples = options.grad_samples;
  settings.eta = fit.optimization.learning_rate;
  settings.adapt_engaged = std::isnan(options.learning_rate);
  settings.tol_rel_obj = options.tolerance_relative;
  settings.eval_elbo = options.evaluate_every;
  settings.output_samples = fit.draw_count;
  settings.pm_settings = {{"pm_objective", options.objective}, {"pm_optimizer", "adam"}};
  settings.data_files = options.data;
  settings.seed = options.seed;
  settings.output_file = options.output;
  settings.elapsed_seconds = seconds;
  // The summed-out latents' draws follow the continuous columns; the mean row holds their
  // posterior means (the averaged exact posteriors).
  const std::size_t columns = fit.names.size(), discrete = fit.discrete_names.size();
  std::vector<std::string> names = fit.names;
  names.insert(names.end(), fit.discrete_names.begin(), fit.discrete_names.end());
  std::vector<double> mean = fit.mean_row;
  for (const compile::DiscretePosterior& posterior : fit.discrete)
    for (const std::vector<double>& probabilities : posterior.probabilities) {
      double expected = 0;
      for (std::size_t k = 0; k < probabilities.size(); ++k)
        expected += probabilities[k] * static_cast<double>(posterior.values[k]);
      mean.push_back(expected);
    }
  std::vector<std::vector<double>> rows(fit.draw_count);
  for (std::size_t s = 0; s < fit.draw_count; ++s) {
    rows[s].assign(fit.draws.begin() + static_cast<std::ptrdiff_t>(s * columns),
                   fit.draws.begin() + static_cast<std::ptrdiff_t>((s + 1) * columns));
    rows[s].insert(rows[s].end(), fit.discrete_draws.begin() + static_cast<std::ptrdiff_t>(s * discrete),
                   fit.discrete_draws.begin() + static_cast<std::ptrdiff_t>((s + 1) * discrete));
  }
  return io::format_draws_csv(io::variational_draws_file(settings, names, mean, rows, fit.log_p, fit.log_g));
}

}  // namespace

nlohmann::json saved_variational_params(const compile::VariationalModel& model, std::span<const double> center,
                                        std::span<const double> parameters) {
  const std::size_t slot_elements = model.model.constrained_names().size();
  nlohmann::json saved = infer::params_to_json(model.model, std::vector<double>(center.begin(), center.begin() + static_cast<std::ptrdiff_t>(slot_elements)));
  nlohmann::json guide = nlohmann::json::object();
  const std::vector<std::string> names = model.parameter_names();
  for (std::size_t k = 0; k < names.size(); ++k) guide[names[k]] = parameters[k];
  saved["__guide__"] = {{"family", compile::to_string(model.family)}, {"parameters", guide}};
  return saved;
}

std::optional<std::vector<double>> initial_variational_parameters(const FitOptions& options,
                                                                  const compile::VariationalModel& model) {
  std::optional<nlohmann::json> file = read_json_file(options.init);
  if (!file) return std::nullopt;
  const nlohmann::json& saved = *file;
  if (!saved_params_fit_model(saved, model.model, options.init, "", model.parameter_names(), compile::to_string(model.family)))
    return std::nullopt;
  std::vector<double> init(model.dimension(), std::numeric_limits<double>::quiet_NaN());
  if (saved.contains("__guide__") && saved["__guide__"].contains("parameters") &&
      saved["__guide__"].value("family", "") == compile::to_string(model.family)) {
    const nlohmann::json& guide = saved["__guide__"]["parameters"];
    const std::vector<std::string> names = model.parameter_names();
    for (std::size_t k = 0; k < names.size(); ++k)
      if (guide.contains(names[k]) && guide[names[k]].is_number()) init[k] = guide[names[k]].get<double>();
    return init;
  }
  std::string error;
  std::vector<double> point = infer::unconstrain_params(model.model, saved, error);
  if (!error.empty()) {
    std::cerr << "pm: " << options.init << ": " << error << "\n";
    return std::nullopt;
  }
  // Slots of params and automatically guided latents map to theta and m; guide-block
  // latents have no coordinate of their own.
  for (const compile::ParameterSlot& slot : model.model.slots) {
    if (!slot.unconstrained.valid()) continue;
    for (std::size_t k = 0; k < slot.free_size() && slot.offset + k < point.size(); ++k)
      init[slot.offset + k] = point[slot.offset + k];
  }
  // Net weights and biases (pretrained weights: transfer learning) sit at their own offsets.
  for (const compile::NetParameters& net : model.model.nets)
    for (const compile::NetLayer& layer : net.layers) {
      for (std::size_t k = 0; k < layer.inputs * layer.outputs; ++k)
        init[layer.weight_offset + k] = point[layer.weight_offset + k];
      for (std::size_t k = 0; k < layer.outputs; ++k) init[layer.bias_offset + k] = point[layer.bias_offset + k];
    }
  return init;
}

bool has_generated_block(const lang::CheckedProgram& checked) {
  return checked.program->find(lang::BlockKind::Generated) != nullptr;
}

std::optional<compile::GeneratedRows> evaluate_generated(const LoadedModel& loaded, const io::DataSet& data,
                                                         std::span<const std::string> names,
                                                         std::span<const double> rows, std::uint64_t seed,
                                                         const nlohmann::json* net_weights) {
  lang::Diagnostics diagnostics;
  std::optional<compile::GeneratedRows> generated =
      compile::generated_per_row(loaded.checked, data, names, rows, seed, diagnostics, net_weights);
  std::cerr << lang::render_all(*loaded.file, diagnostics);
  if (generated)
    for (const std::string& name : generated->drawn)
      std::cerr << "pm: warning: the generated block sees '" << name
                << "' drawn from its prior: the fit has no value of it\n";
  return generated;
}

namespace {

// The generated block (LANGUAGE.md), evaluated once per draw from the draw's params and
// continuous latents and its summed-out latents, as -o writes them (compile/simulate.hpp,
// generated_per_row): each drawn from its exact conditional posterior given the draw's
// continuous values, so that `int d = z;` repeats the z column row by row; at the center (the
// first row) their posterior means, the values that row holds. Its names become extra
// columns of the draws. Draw s uses the simulator's substream s + 1 (the center 0), so the
// columns repeat with the seed.
bool append_generated(const LoadedModel& loaded, const io::DataSet& data, const compile::VariationalModel& model,
                      infer::VariationalFitResult& fit, std::uint64_t seed) {
  // The fitted nets, by their stable names, for a model that calls them.
  const nlohmann::json weights = saved_variational_params(model, fit.mean_row, fit.parameters);
  const std::size_t columns = fit.names.size(), discrete = fit.discrete_names.size(), width = columns + discrete;
  std::vector<std::string> names = fit.names;
  names.insert(names.end(), fit.discrete_names.begin(), fit.discrete_names.end());
  std::vector<double> rows;
  rows.reserve((fit.draw_count + 1) * width);
  rows.insert(rows.end(), fit.mean_row.begin(), fit.mean_row.begin() + static_cast<std::ptrdiff_t>(columns));
  for (const compile::DiscretePosterior& posterior : fit.discrete)
    for (const std::vector<double>& probabilities : posterior.probabilities) {
      double expected = 0;
      for (std::size_t k = 0; k < probabilities.size(); ++k)
        expected += probabilities[k] * static_cast<double>(posterior.values[k]);
      rows.push_back(expected);
    }
  rows.resize(width, std::numeric_limits<double>::quiet_NaN());  // (no draws: no posteriors)
  for (std::size_t s = 0; s < fit.draw_count; ++s) {
    rows.insert(rows.end(), fit.draws.begin() + static_cast<std::ptrdiff_t>(s * columns),
                fit.draws.begin() + static_cast<std::ptrdiff_t>((s + 1) * columns));
    rows.insert(rows.end(), fit.discrete_draws.begin() + static_cast<std::ptrdiff_t>(s * discrete),
                fit.discrete_draws.begin() + static_cast<std::ptrdiff_t>((s + 1) * discrete));
  }
  std::optional<compile::GeneratedRows> generated = evaluate_generated(loaded, data, names, rows, seed, &weights);
  if (!generated) return false;
  const std::size_t added = generated->names.size();
  if (added == 0) return true;
  std::vector<double> draws;
  draws.reserve(fit.draw_count * (columns + added));
  for (std::size_t s = 0; s < fit.draw_count; ++s) {
    draws.insert(draws.end(), fit.draws.begin() + static_cast<std::ptrdiff_t>(s * columns),
                 fit.draws.begin() + static_cast<std::ptrdiff_t>((s + 1) * columns));
    draws.insert(draws.end(), generated->values.begin() + static_cast<std::ptrdiff_t>((s + 1) * added),
                 generated->values.begin() + static_cast<std::ptrdiff_t>((s + 2) * added));
  }
  fit.mean_row.resize(columns);
  fit.mean_row.insert(fit.mean_row.end(), generated->values.begin(),
                      generated->values.begin() + static_cast<std::ptrdiff_t>(added));
  fit.draws = std::move(draws);
  fit.names.insert(fit.names.end(), generated->names.begin(), generated->names.end());
  return true;
}

}  // namespace

void add_variational_fit_options(CLI::App* command, FitOptions& options) {
  command->add_option("--objective", options.objective, "vi: elbo, iwae:K or renyi:ALPHA")->capture_default_str();
  command->add_option("--lr", options.learning_rate, "vi: Adam step size (default: adapted, as Stan adapts eta)")
      ->check(positive_finite());
  command->add_option("--grad-samples", options.grad_samples, "vi: Monte Carlo draws per gradient")
      ->check(whole_number_at_least(1))
      ->capture_default_str();
  command->add_option("--tol-rel-obj", options.tolerance_relative, "vi: convergence tolerance on the relative ELBO change")
      ->check(positive_finite())
      ->capture_default_str();
  command->add_option("--eval-elbo", options.evaluate_every, "vi: iterations between convergence checks")
      ->check(whole_number_at_least(1))
      ->capture_default_str();
  command->add_option("--init", options.init, "start from saved estimates (JSON from --save-params)");
  command->add_flag("--quiet", options.quiet, "no progress on stderr");
  add_threads_option(command, options.threads);
}

std::optional<infer::VariationalFitOptions> variational_fit_options(const FitOptions& options,
                                                                   const compile::VariationalModel& model,
                                                                   std::string_view command) {
  std::string objective_error;
  std::optional<infer::VariationalObjective> objective = infer::parse_objective(options.objective, objective_error);
  if (!objective) {
    std::cerr << "pm: " << command << ": " << objective_error << "\n";
    return std::nullopt;
  }
  infer::VariationalFitOptions fit_options;
  fit_options.optimizer.max_iterations = options.iterations;
  fit_options.optimizer.learning_rate = options.learning_rate;
  fit_options.optimizer.tolerance_relative = options.tolerance_relative;
  fit_options.optimizer.evaluate_every = options.evaluate_every;
  fit_options.grad_samples = options.grad_samples;
  fit_options.objective = *objective;
  fit_options.draws = options.draws;
  if (!options.init.empty()) {
    std::optional<std::vector<double>> init = initial_variational_parameters(options, model);
    if (!init) return std::nullopt;
    fit_options.init = std::move(*init);
  }
  return fit_options;
}

int run_fit_variational(const FitOptions& options, const LoadedModel& loaded) {
  std::optional<compile::GuideFamily> family = compile::parse_guide_family(options.guide);
  std::string objective_error;
  if (!family || !infer::parse_objective(options.objective, objective_error)) {
    std::cerr << "pm: fit: " << (family ? objective_error : "--guide must be meanfield, fullrank or map") << "\n";
    return kExitBadInput;
  }
  std::optional<io::DataSet> data = load_model_data(loaded, options.data);
  if (!data) return kExitBadInput;
  lang::Diagnostics diagnostics;
  std::optional<compile::VariationalModel> model =
      compile::compile_variational(loaded.checked, *data, {.family = *family}, diagnostics);
  std::cerr << lang::render_all(*loaded.file, diagnostics);
  if (!model) return kExitBadInput;

  std::optional<infer::VariationalFitOptions> prepared = variational_fit_options(options, *model, "fit");
  if (!prepared) return kExitBadInput;
  infer::VariationalFitOptions& fit_options = *prepared;
  const bool show_progress = !options.quiet && isatty(STDERR_FILENO);
  const auto begin = std::chrono::steady_clock::now();
  infer::StochasticCallback progress;
  if (show_progress) {
    progress = [&](const infer::StochasticProgress& step) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
      if (step.adapting) {
        std::cerr << fmt::format("\radapting step size: {:.3g} gives {:.6g}          ", step.learning_rate, step.objective);
        return;
      }
      const double remaining =
          step.iteration > 0 ? elapsed / static_cast<double>(step.iteration) * static_cast<double>(options.iterations - std::min(options.iterations, step.iteration)) : 0.0;
      std::cerr << fmt::format("\riteration {}  ELBO {:.6g}  relative change {:.3g}  ETA at most {:.0f} s     ",
                               step.iteration, step.objective, step.relative_change, remaining);
    };
  }
  infer::VariationalFitResult fit = infer::fit_variational(*model, fit_options, options.seed, progress);
  const bool fitted = fit.optimization.stop != infer::StochasticStop::diverged &&
                      fit.optimization.stop != infer::StochasticStop::non_finite;
  if (fitted && has_generated_block(loaded.checked) && !append_generated(loaded, *data, *model, fit, options.seed))
    return kExitBadInput;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (show_progress) std::cerr << "\r" << std::string(90, ' ') << "\r";

  const infer::StochasticResult& run = fit.optimization;
  if (run.stop == infer::StochasticStop::diverged || run.stop == infer::StochasticStop::non_finite) {
    if (fit.failed_statement) {
      lang::Diagnostic diagnostic{lang::Severity::Error, fit.failed_statement->range,
                                  "variational inference failed: " + run.message +
                                      "; this statement's log density was not finite" +
                                      (fit.failed_values.empty() ? "" : " (" + fit.failed_values + ")")};
      std::cerr << lang::render(*loaded.file, diagnostic);
    } else {
      std::cerr << "pm: fit: variational inference failed: " << run.message << "\n";
    }
    return kExitInferenceFailed;
  }
  if (fit.unbounded_density && !run.converged()) {
    std::cerr << "pm: fit: variational inference failed: the log density increases without bound (the search for its "
                 "mode found no maximum) and the ELBO did not converge: the posterior is improper (a latent with a flat "
                 "prior on an unbounded space whose likelihood does not bound it, or a target += that grows without "
                 "limit)\n";
    return kExitInferenceFailed;
  }
  if (!run.converged())
    std::cerr << fmt::format("pm: warning: VI stopped before converging ({}); the estimates may be rough: raise "
                             "--iter\n",
                             infer::to_string(run.stop));
  Reported reported = summarize(*model, fit, options.psis);
  hide_amortized_locals(loaded.checked, *data, *model, fit, options.summary_locals, reported);
  if (reported.hidden > 0) {
    std::string error;
    if (std::optional<compile::DataPlate> plate = compile::find_data_plate(loaded.checked, *data, error)) {
      reported.per_datum = per_datum_khat(loaded, *data, *plate, *family, fit.parameters, std::min<std::size_t>(plate->size, 20),
                                          std::max<std::size_t>(options.draws, 100), options.seed);
      if (reported.per_datum) reported.psis_available = false;  // the joint k-hat is not the verdict here
    }
  }
  if (reported.psis_available &&
      (!std::isfinite(reported.psis.khat) || infer::khat_verdict(reported.psis.khat) == infer::KhatVerdict::Bad))
    std::cerr << fmt::format("pm: warning: PSIS k-hat {:.2f}: the guide does not fit the posterior well; do not "
                             "trust the estimates (a richer guide may help: --guide fullrank, or a guide block)\n",
                             reported.psis.khat);
  if (options.json)
    std::cout << result_json(options, *model, fit, reported, seconds).dump() << "\n";
  else
    print_table(options, *model, fit, reported, seconds);
  if (!options.output.empty() && !write_file_atomically(options.output, draws_csv(options, *model, fit, seconds)))
    return kExitBadInput;
  if (!options.discrete_out.empty() &&
      !write_file_atomically(options.discrete_out, infer::discrete_posteriors_csv(fit.discrete)))
    return kExitBadInput;
  if (!options.save_params.empty() && !write_file_atomically(options.save_params, with_sizes(saved_variational_params(*model, fit.mean_row, fit.parameters), loaded.checked, *data).dump(2) + "\n"))
    return kExitBadInput;
  return kExitSuccess;
}

}  // namespace pm::cli

namespace pm::cli {

std::optional<std::vector<double>> saved_guide_parameters(const std::string& path, const compile::VariationalModel& model,
                                                          std::string_view command) {
  FitOptions options;
  options.init = path;
  options.guide = compile::to_string(model.family);
  std::optional<std::vector<double>> parameters = initial_variational_parameters(options, model);
  if (!parameters) return std::nullopt;
  const std::vector<std::string> names = model.parameter_names();
  for (std::size_t k = 0; k < parameters->size(); ++k)
    if (std::isnan((*parameters)[k])) {
      std::cerr << "pm: " << command << ": " << path << ": no value for '" << names[k]
                << "' (save the params of this model with pm fit --save-params)\n";
      return std::nullopt;
    }
  return parameters;
}

std::optional<compile::GuideFamily> saved_guide_family(const std::string& path) {
  std::optional<nlohmann::json> saved = read_json_file(path);
  if (!saved) return std::nullopt;
  std::string family = "meanfield";
  if (saved->contains("__guide__") && (*saved)["__guide__"].is_object())
    family = (*saved)["__guide__"].value("family", family);
  std::optional<compile::GuideFamily> parsed = compile::parse_guide_family(family);
  if (!parsed) std::cerr << "pm: " << path << ": unknown guide family '" << family << "'\n";
  return parsed;
}

std::optional<PerDatumInput> load_per_datum_input(const std::string& model_path,
                                                  const std::vector<std::string>& data_arguments,
                                                  const std::string& params_path, std::string_view command) {
  std::unique_ptr<LoadedModel> loaded = load_model(model_path);
  if (!loaded) return std::nullopt;
  std::optional<compile::GuideFamily> family = saved_guide_family(params_path);
  if (!family) return std::nullopt;
  std::optional<io::DataSet> data = load_model_data(*loaded, data_arguments);
  if (!data) return std::nullopt;
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(loaded->checked, *data, error);
  if (!plate) {
    std::cerr << "pm: " << command << ": " << error << "\n";
    return std::nullopt;
  }
  return PerDatumInput{std::move(loaded), *family, std::move(*data), std::move(*plate)};
}

std::string guide_label(const compile::VariationalModel& model) {
  const bool automatic = model.automatic_size > 0, block = !model.guide_draws.empty();
  if (automatic && block) return std::string("block+") + compile::to_string(model.family);
  if (block) return "block";
  if (automatic) return compile::to_string(model.family);
  return "none";
}

bool is_param_element(const compile::VariationalModel& model, const std::string& element) {
  for (const compile::ParameterSlot& slot : model.model.slots)
    if (slot.symbol->kind == lang::SymbolKind::Param &&
        std::find(slot.element_names.begin(), slot.element_names.end(), element) != slot.element_names.end())
      return true;
  return false;
}

std::string summary_header(std::size_t width) {
  return fmt::format("{:<{}}{:>12}{:>12}{:>12}{:>12}{:>12}\n", "name", width, "mean", "sd", "5%", "50%", "95%");
}

std::string summary_row(const std::string& name, std::size_t width, const infer::DrawSummary& s, bool point) {
  if (point) return fmt::format("{:<{}}{:>12.4g}{:>12}{:>12}{:>12}{:>12}\n", name, width, s.mean, "—", "—", "—", "—");
  return fmt::format("{:<{}}{:>12.4g}{:>12.4g}{:>12.4g}{:>12.4g}{:>12.4g}\n", name, width, s.mean, s.sd, s.q5, s.q50, s.q95);
}

nlohmann::json summary_json(const infer::DrawSummary& s, bool point) {
  if (point) return {{"mean", s.mean}, {"sd", nullptr}, {"q5", nullptr}, {"q50", nullptr}, {"q95", nullptr}};
  return {{"mean", s.mean}, {"sd", s.sd}, {"q5", s.q5}, {"q50", s.q50}, {"q95", s.q95}};
}

}  // namespace pm::cli
