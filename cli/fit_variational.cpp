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
};

Reported summarize(const infer::VariationalFitResult& fit, bool weighted) {
  Reported reported;
  std::vector<double> log_ratios(fit.draw_count);
  for (std::size_t s = 0; s < fit.draw_count; ++s) log_ratios[s] = fit.log_p[s] - fit.log_g[s];
  const bool finite = std::all_of(log_ratios.begin(), log_ratios.end(), [](double r) { return !std::isnan(r); });
  if (fit.draw_count >= 2 && finite) {
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
  for (const compile::ParameterSlot& slot : model.model.slots)
    if (slot.symbol->kind == lang::SymbolKind::Latent && slot.symbol->handling == lang::LatentHandling::GuideBlock &&
        plate->is_local(slot.name)) {
      hidden.insert(slot.element_names.begin(), slot.element_names.end());
      reported.hidden_names += (reported.hidden_names.empty() ? "" : ", ") + slot.name;
    }
  for (std::size_t i = 0; i < fit.names.size(); ++i)
    if (hidden.count(fit.names[i])) {
      reported.shown[i] = false;
      ++reported.hidden;
    }
}

std::string khat_text(const Reported& reported) {
  if (!reported.psis_available) return "not available (non-finite log importance ratios)";
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
                           compile::to_string(model.family), options.objective,
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
          {"guide", compile::to_string(model.family)},
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
          {"khat_verdict", !reported.psis_available ? nlohmann::json(nullptr)
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

namespace {

bool has_generated_block(const lang::CheckedProgram& checked) {
  return checked.program->find(lang::BlockKind::Generated) != nullptr;
}

// The generated block (LANGUAGE.md), evaluated once per draw from the draw's params and
// continuous latents (compile/simulate.hpp): its names become extra columns of the draws.
// Draw s uses the simulator's substream s, so the columns repeat with the seed.
bool append_generated(const LoadedModel& loaded, const io::DataSet& data, const compile::VariationalModel& model,
                      infer::VariationalFitResult& fit, std::uint64_t seed) {
  compile::SimulationOptions options{.given = {}, .generated = true, .log_likelihood = false, .seed = seed};
  for (const compile::ParameterSlot& slot : model.model.slots) options.given.push_back(slot.name);
  lang::Diagnostics diagnostics;
  std::unique_ptr<compile::Simulator> simulator = compile::Simulator::compile(loaded.checked, data, options, diagnostics);
  std::cerr << lang::render_all(*loaded.file, diagnostics);
  if (!simulator) return false;
  const std::size_t given = simulator->given_size(), columns = fit.names.size();
  std::vector<std::string> added;
  for (const compile::SimulatedValue& value : simulator->values())
    if (value.role == compile::SimulatedRole::generated)
      added.insert(added.end(), value.element_names.begin(), value.element_names.end());
  if (added.empty()) return true;
  auto generated_of = [&](std::span<const double> row, std::uint64_t index) {
    simulator->run(row.first(given), index);
    std::vector<double> values;
    for (const compile::SimulatedValue& value : simulator->values())
      if (value.role == compile::SimulatedRole::generated) {
        std::span<const double> v = simulator->values_of(value);
        values.insert(values.end(), v.begin(), v.end());
      }
    return values;
  };
  std::vector<double> draws;
  draws.reserve(fit.draw_count * (columns + added.size()));
  for (std::size_t s = 0; s < fit.draw_count; ++s) {
    std::span<const double> row(fit.draws.data() + s * columns, columns);
    draws.insert(draws.end(), row.begin(), row.end());
    const std::vector<double> values = generated_of(row, s + 1);
    draws.insert(draws.end(), values.begin(), values.end());
  }
  const std::vector<double> center = generated_of(fit.mean_row, 0);
  fit.mean_row.insert(fit.mean_row.end(), center.begin(), center.end());
  fit.draws = std::move(draws);
  fit.names.insert(fit.names.end(), added.begin(), added.end());
  return true;
}

}  // namespace

int run_fit_variational(const FitOptions& options, const LoadedModel& loaded) {
  std::optional<compile::GuideFamily> family = compile::parse_guide_family(options.guide);
  std::string objective_error;
  std::optional<infer::VariationalObjective> objective = infer::parse_objective(options.objective, objective_error);
  if (!family || !objective) {
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

  infer::VariationalFitOptions fit_options;
  fit_options.optimizer.max_iterations = options.iterations;
  fit_options.optimizer.learning_rate = options.learning_rate;
  fit_options.optimizer.tolerance_relative = options.tolerance_relative;
  fit_options.optimizer.evaluate_every = options.evaluate_every;
  fit_options.grad_samples = options.grad_samples;
  fit_options.objective = *objective;
  fit_options.draws = options.draws;
  if (!options.init.empty()) {
    std::optional<std::vector<double>> init = initial_variational_parameters(options, *model);
    if (!init) return kExitBadInput;
    fit_options.init = std::move(*init);
  }
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
  if (!run.converged())
    std::cerr << fmt::format("pm: warning: VI stopped before converging ({}); the estimates may be rough: raise "
                             "--iter\n",
                             infer::to_string(run.stop));
  Reported reported = summarize(fit, options.psis);
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
