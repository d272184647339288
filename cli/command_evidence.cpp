// `pm evidence MODEL.pm -d DATA [--method exact|prior|is|iwae] [--draws S] [--params P.json]
// [--seed S] [--json]` (CLI.md "pm evidence"): the log marginal likelihood log p(data).
//
// One function per method, chosen in run_evidence:
// - exact (the default when possible): when every latent is discrete and the model has no
//   params (CompiledModel::exact_evidence()), the compiled log density, with every discrete
//   latent summed out, is log p(data) itself, so one evaluation gives it with no error (se 0,
//   draws 0).
// - prior: p(data) ~ (1/S) sum_s p(data | z_s), z_s drawn from the prior by forward
//   simulation (engine/compile/simulate.hpp; every param with a prior and every latent is
//   drawn, params without a prior take their values from --params), reported in log space
//   with its delta-method standard error and effective sample size
//   (engine/infer/monte_carlo.hpp). Draw s uses Stream(seed).split(s).
// - is (the default when not exact) and iwae: with a guide fitted by variational inference
//   (--params FILE.json from `pm fit --save-params`, whose "__guide__" section holds it; or,
//   without it, fitted here with fit's defaults and --guide / --iter): importance sampling
//   with the guide as proposal, or the IWAE bound with --k particles
//   (engine/infer/guide_evidence.hpp); then also the ELBO, its reconstruction and KL terms,
//   and the gap log p(data) - ELBO. prior reports no ELBO: no guide was fitted.
//
// Exit 0 success, 1 when log p(data) is not finite (the data are impossible under the
// model, or every prior draw makes them so) or the guide's fit failed, 2 for bad model, data
// or arguments.
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "engine/compile/compiled_model.hpp"
#include "engine/compile/simulate.hpp"
#include "engine/compile/variational.hpp"
#include "cli/fit_command.hpp"
#include "engine/compile/data_plate.hpp"
#include "engine/infer/guide_evidence.hpp"
#include "engine/infer/per_datum.hpp"
#include "engine/infer/monte_carlo.hpp"
#include "engine/infer/variational_fit.hpp"

namespace pm::cli {
namespace {

struct EvidenceOptions {
  std::string model_path;
  std::vector<std::string> data;
  std::string method;  // empty: exact when possible (CLI.md)
  std::size_t draws = 10000;
  std::string params_path;
  std::uint64_t seed = 1;
  bool json = false;
  std::size_t particles = 1000;  // --k, for iwae
  // Without --params, the guide is fitted first with fit's options (--guide, --iter, --lr, ...).
  FitOptions fit;
};

// The continuous latents, which keep log p(data) from being exact.
std::vector<std::string> continuous_latents(const lang::CheckedProgram& checked) {
  std::vector<std::string> names;
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Latent && !symbol.discrete) names.push_back(symbol.name);
  return names;
}

bool has_params(const lang::CheckedProgram& checked) {
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Param || symbol.kind == lang::SymbolKind::Net) return true;
  return false;
}

// The size of the model's data plate (the rows of x in vae.pm), or 0 when it has none: the
// per-datum figure of CLI.md is log p(data) divided by it.
std::size_t data_plate_rows(const lang::CheckedProgram& checked, const io::DataSet& data) {
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(checked, data, error);
  return plate ? plate->size : 0;
}

void add_per_datum(nlohmann::json& out, double log_evidence, std::size_t rows) {
  if (rows > 0) {
    out["per_datum"] = log_evidence / static_cast<double>(rows);
    out["rows"] = rows;
  }
}

// --params as JSON (cli/common.hpp's reader), an empty object without it.
std::optional<nlohmann::json> read_params(const EvidenceOptions& options) {
  if (options.params_path.empty()) return nlohmann::json::object();
  return read_json_file(options.params_path);
}

int run_prior_evidence(const LoadedModel& loaded, const EvidenceOptions& options) {
  if (options.draws == 0) {
    std::cerr << "pm: evidence: --draws must be at least 1\n";
    return kExitBadInput;
  }
  std::optional<nlohmann::json> params = read_params(options);
  if (!params) return kExitBadInput;
  const nlohmann::json& saved = *params;
  std::optional<io::DataSet> data = load_model_data(loaded, options.data);
  if (!data) return kExitBadInput;
  lang::Diagnostics diagnostics;
  std::unique_ptr<compile::Simulator> simulator = compile::Simulator::compile(
      loaded.checked, *data,
      {.given = compile::given_names_in_json(loaded.checked, saved), .seed = options.seed, .net_weights = &saved},
      diagnostics);
  std::cerr << lang::render_all(*loaded.file, diagnostics);
  if (!simulator) return kExitBadInput;
  std::string error;
  std::optional<std::vector<double>> given = compile::given_values_from_json(*simulator, saved, error);
  if (!given) {
    std::cerr << "pm: evidence: " << options.params_path << ": " << error << "\n";
    return kExitBadInput;
  }

  auto begin = std::chrono::steady_clock::now();
  infer::MonteCarloEstimate estimate = infer::prior_evidence(*simulator, *given, options.draws);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (std::isnan(estimate.log_mean)) {
    std::cerr << "pm: evidence: a prior draw gave a log-likelihood that is NaN or +inf: a distribution parameter is "
                 "invalid there\n";
    return kExitInferenceFailed;
  }
  if (!std::isfinite(estimate.log_mean)) {
    std::cerr << "pm: evidence: every one of the " << estimate.draws
              << " prior draws makes the data impossible (log p(data | z) = -inf)\n";
    return kExitInferenceFailed;
  }
  const std::size_t rows = data_plate_rows(loaded.checked, *data);
  if (options.json) {
    nlohmann::json out = {{"method", "prior"}, {"log_evidence", estimate.log_mean}, {"se", estimate.standard_error},
                          {"draws", estimate.draws}, {"ess", estimate.effective_sample_size}, {"time_s", seconds}};
    add_per_datum(out, estimate.log_mean, rows);
    std::cout << out.dump() << "\n";
  } else {
    if (rows > 0) std::cout << fmt::format("per datum: {:.6g} over {} rows\n", estimate.log_mean / static_cast<double>(rows), rows);
    std::cout << fmt::format("log p(data): {:.10g} (prior Monte Carlo; se {:.3g})\n", estimate.log_mean,
                             estimate.standard_error);
    std::cout << fmt::format("draws: {}, effective sample size: {:.1f}{}\n", estimate.draws,
                             estimate.effective_sample_size,
                             estimate.effective_sample_size < 0.01 * static_cast<double>(estimate.draws)
                                 ? " (few draws carry the weight: the estimate and its se are unreliable)"
                                 : "");
    std::cout << fmt::format("wall time: {:.3f} s\n", seconds);
  }
  return kExitSuccess;
}

// iwae with --params on a model whose latents are all local to the data plate (an amortized
// guide, vae.pm): the IWAE bound per datum, K particles each, summed (Burda et al. 2016 report
// the test log-likelihood this way); nullopt when the model does not separate by datum.
std::optional<int> run_per_datum_iwae(const LoadedModel& loaded, const EvidenceOptions& options, const io::DataSet& data,
                                      compile::GuideFamily family) {
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(loaded.checked, data, error);
  if (!plate || plate->size == 0) return std::nullopt;
  const std::size_t first_row[1] = {0};
  lang::Diagnostics diagnostics;
  std::optional<compile::VariationalModel> model = compile::compile_variational(
      loaded.checked, compile::select_rows(data, *plate, first_row), {.family = family, .discrete_posteriors = false},
      diagnostics);
  if (!model || !infer::global_latents(*model, *plate).empty() || model->noise_size == 0) return std::nullopt;
  // A guide with coordinates per datum (loc[n] of an automatic guide) is not amortized: one
  // row's program would give every datum row 1's guide. The whole-data bound serves it.
  if (!infer::per_datum_guide_parameters(loaded.checked, data, *plate, family).empty()) return std::nullopt;
  std::optional<std::vector<double>> parameters = saved_guide_parameters(options.params_path, *model, "evidence");
  if (!parameters) return kExitBadInput;
  const auto begin = std::chrono::steady_clock::now();
  const infer::ScoreResult result = infer::score_data(*model, data, *plate, *parameters, options.particles, options.seed);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (!std::isfinite(result.total)) {
    std::cerr << "pm: evidence: the estimate is " << result.total
              << ": every draw of the guide makes some datum impossible, or a log density is NaN there\n";
    return kExitInferenceFailed;
  }
  const double per_datum = result.total / static_cast<double>(plate->size);
  if (options.json) {
    std::cout << nlohmann::json{{"method", "iwae"},
                                {"bound", "per_datum"},
                                {"log_evidence", result.total},
                                {"se", result.total_standard_error},
                                {"draws", options.particles * plate->size},
                                {"k", options.particles},
                                {"rows", plate->size},
                                {"per_datum", per_datum},
                                {"guide", guide_label(*model)},
                                {"time_s", seconds}}
                     .dump()
              << "\n";
  } else {
    std::cout << fmt::format("log p(data) >= {:.10g} (IWAE bound per datum, K = {} each, summed over {} = {} rows; se "
                             "{:.3g})\n",
                             result.total, options.particles, plate->size_name, plate->size, result.total_standard_error);
    std::cout << fmt::format("per datum: {:.6g}\n", per_datum);
    std::cout << fmt::format("wall time: {:.3f} s\n", seconds);
  }
  return kExitSuccess;
}

// is and iwae: the guide's parameter vector from --params ("__guide__", written by
// `pm fit --method vi --save-params`), or a fit with fit's options. exact, for a model whose
// latents are all discrete but which has params: the same compiled program, whose guide then
// has no coordinate and no noise, evaluated once at the params (from --params, or fitted).
int run_guide_evidence(const LoadedModel& loaded, const EvidenceOptions& options) {
  if (options.draws == 0 || options.particles == 0) {
    std::cerr << "pm: evidence: --draws and --k must be at least 1\n";
    return kExitBadInput;
  }
  std::optional<nlohmann::json> saved = read_params(options);
  if (!saved) return kExitBadInput;
  std::string family_name = options.fit.guide;
  const bool has_guide = saved->contains("__guide__") && (*saved)["__guide__"].contains("parameters");
  if (has_guide) family_name = (*saved)["__guide__"].value("family", options.fit.guide);
  std::optional<compile::GuideFamily> family = compile::parse_guide_family(family_name);
  if (!family) {
    std::cerr << "pm: evidence: unknown guide family '" << family_name << "'\n";
    return kExitBadInput;
  }
  std::optional<io::DataSet> data = load_model_data(loaded, options.data);
  if (!data) return kExitBadInput;
  if (options.method == "iwae" && has_guide)
    if (std::optional<int> code = run_per_datum_iwae(loaded, options, *data, *family)) return *code;
  lang::Diagnostics diagnostics;
  std::optional<compile::VariationalModel> model =
      compile::compile_variational(loaded.checked, *data, {.family = *family, .discrete_posteriors = false}, diagnostics);
  std::cerr << lang::render_all(*loaded.file, diagnostics);
  if (!model) return kExitBadInput;
  const bool exact = options.method == "exact";

  auto begin = std::chrono::steady_clock::now();
  std::vector<double> parameters;
  const bool use_saved = !options.params_path.empty() && (has_guide || model->automatic_size + model->noise_size == 0);
  if (use_saved) {
    // A vi fit's guide as saved, or a saved point (a map / mle fit) when there is no guide to fit.
    std::optional<std::vector<double>> loaded_parameters = saved_guide_parameters(options.params_path, *model, "evidence");
    if (!loaded_parameters) return kExitBadInput;
    parameters = std::move(*loaded_parameters);
  } else {
    // A params file without a guide (a map / mle fit) is the fit's starting point.
    FitOptions settings = options.fit;
    if (!options.params_path.empty()) settings.init = options.params_path;
    std::optional<infer::VariationalFitOptions> fit_options = variational_fit_options(settings, *model, "evidence");
    if (!fit_options) return kExitBadInput;
    fit_options->draws = 0;
    infer::VariationalFitResult fit = infer::fit_variational(*model, *fit_options, options.seed, {});
    if (fit.optimization.stop == infer::StochasticStop::diverged ||
        fit.optimization.stop == infer::StochasticStop::non_finite) {
      std::cerr << "pm: evidence: fitting the guide failed: " << fit.optimization.message << "\n";
      return kExitInferenceFailed;
    }
    parameters = fit.parameters;
  }
  // The estimate and the ELBO from the same draws: log p-hat = log mean w >= mean log w = the
  // ELBO's estimate (Jensen), so the reported gap is never negative. The ELBO here is the
  // plain Monte Carlo one (no closed-form KL), which is what the weights are.
  const std::uint64_t estimate_seed = random::Stream(options.seed).split(7).next_bits();
  const std::size_t weight_count =
      exact ? 1 : options.method == "iwae" ? infer::iwae_weight_count(options.particles, options.draws) : options.draws;
  std::vector<double> reconstruction;
  const std::vector<double> log_weights =
      infer::guide_log_weights(*model, parameters, weight_count, estimate_seed, &reconstruction);
  double log_evidence = 0, se = 0, ess = 0;
  std::size_t draws = exact ? 0 : weight_count;
  if (exact) {
    log_evidence = log_weights.front();
  } else if (options.method == "iwae") {
    infer::IwaeEstimate estimate = infer::iwae_from_log_weights(log_weights, options.particles);
    log_evidence = estimate.bound;
    se = estimate.standard_error;
  } else {
    infer::MonteCarloEstimate estimate = infer::log_mean_exp(log_weights);
    log_evidence = estimate.log_mean;
    se = estimate.standard_error;
    ess = estimate.effective_sample_size;
  }
  double elbo = 0, squares = 0, reconstruction_mean = 0;
  for (std::size_t k = 0; k < log_weights.size(); ++k) {
    elbo += log_weights[k];
    squares += log_weights[k] * log_weights[k];
    reconstruction_mean += reconstruction[k];
  }
  const double n = static_cast<double>(log_weights.size());
  elbo /= n;
  reconstruction_mean /= n;
  const double elbo_se = exact ? 0.0 : std::sqrt(std::max(0.0, squares / n - elbo * elbo) / n);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (!std::isfinite(log_evidence)) {
    std::cerr << "pm: evidence: the estimate is " << log_evidence
              << (exact ? ": the data are impossible under the model at these params, or a log density is NaN there\n"
                        : ": every draw of the guide makes the data impossible, or a log density is NaN there\n");
    return kExitInferenceFailed;
  }
  const std::size_t rows = data_plate_rows(loaded.checked, *data);
  const std::string fitted = use_saved ? "from " + options.params_path : "fitted here";
  if (options.json) {
    nlohmann::json out = {{"method", options.method},
                          {"log_evidence", log_evidence},
                          {"se", se},
                          {"draws", draws},
                          {"elbo", elbo},
                          {"elbo_se", elbo_se},
                          {"reconstruction", reconstruction_mean},
                          {"kl", reconstruction_mean - elbo},
                          {"gap", log_evidence - elbo},
                          {"guide", guide_label(*model)},
                          {"time_s", seconds}};
    if (options.method == "iwae") out["k"] = options.particles;
    if (options.method == "is") out["ess"] = ess;
    if (exact) out["at"] = has_params(loaded.checked) ? "params " + fitted : "no params";
    add_per_datum(out, log_evidence, rows);
    std::cout << out.dump() << "\n";
  } else {
    if (exact)
      std::cout << fmt::format("log p(data): {:.10g} (exact: every latent summed out, at the params {}; se 0)\n",
                               log_evidence, fitted);
    else if (options.method == "iwae")
      std::cout << fmt::format("log p(data) >= {:.10g} (IWAE bound, K = {}; se {:.3g})\n", log_evidence,
                               options.particles, se);
    else
      std::cout << fmt::format("log p(data): {:.10g} (importance sampling with the {} guide; se {:.3g})\n",
                               log_evidence, guide_label(*model), se);
    if (rows > 0) std::cout << fmt::format("per datum: {:.6g} over {} rows\n", log_evidence / static_cast<double>(rows), rows);
    if (options.method == "is") std::cout << fmt::format("draws: {}, effective sample size: {:.1f}\n", draws, ess);
    if (!exact) {
      std::cout << fmt::format("ELBO: {:.10g} (se {:.3g}) = reconstruction {:.10g} - KL {:.10g}\n", elbo, elbo_se,
                               reconstruction_mean, reconstruction_mean - elbo);
      std::cout << fmt::format("gap log p(data) - ELBO: {:.4g} (from the same {} draws)\n", log_evidence - elbo, draws);
    }
    std::cout << fmt::format("wall time: {:.3f} s\n", seconds);
  }
  return kExitSuccess;
}

int run_exact_evidence(const LoadedModel& loaded, const EvidenceOptions& options) {
  std::vector<std::string> blocking = continuous_latents(loaded.checked);
  if (!blocking.empty()) {
    std::string names;
    for (const std::string& name : blocking) names += (names.empty() ? "" : ", ") + name;
    std::cerr << "pm: evidence: log p(data) is exact only when every latent is discrete; this model has the "
                 "continuous latent"
              << (blocking.size() > 1 ? "s " : " ") << names
              << ", so it needs a Monte Carlo method: --method is (importance sampling with a fitted guide), iwae "
                 "or prior\n";
    return kExitBadInput;
  }
  // Params: p(data; theta) at theta from --params or fitted first (the guide path, whose
  // guide then has nothing to draw).
  if (has_params(loaded.checked)) return run_guide_evidence(loaded, options);
  // Priors included (they are the discrete latents' own): the density is p(data, z) summed over z.
  std::optional<compile::CompiledModel> model = load_data_and_compile(
      loaded, options.data, {.include_priors = true, .include_jacobian = false, .discrete_posteriors = false});
  if (!model) return kExitBadInput;
  if (!model->exact_evidence()) {
    std::cerr << "pm: evidence: the compiled model has free coordinates, so log p(data) is not exact\n";
    return kExitBadInput;
  }

  auto begin = std::chrono::steady_clock::now();
  double log_evidence = model->program->value_only({}, model->log_density);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (!std::isfinite(log_evidence)) {
    std::cerr << "pm: evidence: log p(data) is " << log_evidence << ": the data are impossible under the model\n";
    return kExitInferenceFailed;
  }
  if (options.json) {
    nlohmann::json out = {{"method", "exact"}, {"log_evidence", log_evidence}, {"se", 0}, {"draws", 0},
                          {"time_s", seconds}};
    std::cout << out.dump() << "\n";
  } else {
    std::cout << fmt::format("log p(data): {:.10g} (exact: every latent summed out; se 0)\n", log_evidence);
    std::cout << fmt::format("p(data): {:.10g}\n", std::exp(log_evidence));
    std::cout << fmt::format("wall time: {:.3f} s\n", seconds);
  }
  return kExitSuccess;
}

int run_evidence(const EvidenceOptions& options) {
  std::unique_ptr<LoadedModel> loaded = load_model(options.model_path);
  if (!loaded) return kExitBadInput;
  EvidenceOptions chosen = options;
  if (chosen.method.empty()) chosen.method = continuous_latents(loaded->checked).empty() ? "exact" : "is";
  if (chosen.method == "exact") return run_exact_evidence(*loaded, chosen);
  if (chosen.method == "prior") return run_prior_evidence(*loaded, chosen);
  return run_guide_evidence(*loaded, chosen);
}

}  // namespace

void add_evidence_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<EvidenceOptions>();
  CLI::App* command = app.add_subcommand("evidence", "The log marginal likelihood log p(data) (exact when every "
                                                     "latent is discrete)");
  command->add_option("model", options->model_path, "the model file (.pm)")->required();
  command->add_option("-d,--data", options->data, "a data file (JSON or CSV), or name=value; repeatable");
  command->add_option("--method", options->method,
                      "exact (default when every latent is discrete); is (default otherwise: importance sampling "
                      "with the fitted guide); iwae (the IWAE bound, --k particles); prior (naive Monte Carlo over "
                      "the prior)")
      ->check(CLI::IsMember({"exact", "prior", "is", "iwae"}));
  command->add_option("--draws", options->draws, "Monte Carlo draws for prior and is (iwae: K particles per group)")
      ->check(whole_number_at_least(1))
      ->capture_default_str();
  command->add_option("--k", options->particles, "particles for iwae")->check(whole_number_at_least(1))->capture_default_str();
  command->add_option("--params", options->params_path,
                      "saved params (pm fit --save-params): the fitted guide for is / iwae, values of params "
                      "without a prior for prior");
  command->add_option("--guide", options->fit.guide, "is / iwae without --params: the guide fitted first")
      ->check(CLI::IsMember({"meanfield", "fullrank"}))
      ->capture_default_str();
  command->add_option("--iter", options->fit.iterations, "without --params: the fit's iterations")
      ->capture_default_str();
  add_variational_fit_options(command, options->fit);
  command->add_option("--seed", options->seed, "seed of the Monte Carlo methods")->check(seed_value())->capture_default_str();
  command->add_flag("--json", options->json, "print the result as JSON (CLI.md)");
  command->callback([options, &exit_code] { exit_code = run_evidence(*options); });
}

}  // namespace pm::cli
