// `pm fit --batch B --epochs E [--test FILE]` (CLI.md; docs/minibatch.md): minibatch training
// of a variational model over its data plate (engine/infer/minibatch.hpp), then the report:
// the train ELBO over the full data with its two terms (total and per datum), the test ELBO,
// the PSIS k-hat of the guide on a subsample, and the summaries of the latents and params
// that are not local to the plate (with --summary-locals, also the local ones, from a pass
// over the full data). The thousands of local latents of an amortized model (vae.pm's z) are
// not summarized by default: their summary would cost more than the training.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <numeric>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/fit_command.hpp"
#include "engine/compile/data_feed.hpp"
#include "engine/compile/data_plate.hpp"
#include "engine/compile/variational.hpp"
#include "engine/infer/draw_summary.hpp"
#include "engine/infer/minibatch.hpp"
#include "engine/infer/per_datum.hpp"
#include "engine/infer/psis.hpp"

namespace pm::cli {
namespace {

constexpr std::size_t kMaxRows = 60;
constexpr std::size_t kKhatRows = 20;  // the data whose guide k-hat is reported

std::optional<compile::VariationalModel> compile_on(const LoadedModel& loaded, const io::DataSet& data,
                                                    const compile::VariationalOptions& options) {
  lang::Diagnostics diagnostics;
  std::optional<compile::VariationalModel> model = compile::compile_variational(loaded.checked, data, options, diagnostics);
  std::cerr << lang::render_all(*loaded.file, diagnostics);
  return model;
}

std::vector<std::size_t> first_rows(std::size_t count) {
  std::vector<std::size_t> rows(count);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  return rows;
}

// Draws of the guide's columns `columns` (indices into constrained_names) and their summaries.
struct ColumnSummaries {
  std::vector<std::string> names;
  std::vector<infer::DrawSummary> summaries;
};

ColumnSummaries summarize_columns(compile::VariationalModel& model, std::span<const double> parameters, bool locals,
                                  const compile::DataPlate& plate, std::size_t draws, std::uint64_t seed) {
  ColumnSummaries result;
  std::vector<std::size_t> columns;
  std::size_t column = 0;
  for (const compile::ParameterSlot& slot : model.model.slots) {
    const bool wanted = locals || !plate.is_local(slot.name);
    for (const std::string& name : slot.element_names) {
      if (wanted) {
        columns.push_back(column);
        result.names.push_back(name);
      }
      ++column;
    }
  }
  if (columns.empty()) return result;
  ad::Program& program = *model.model.program;
  std::copy(parameters.begin(), parameters.end(), program.parameters().begin());
  random::Stream stream = random::Stream(seed).split(2);
  std::vector<std::vector<double>> values(columns.size(), std::vector<double>(draws));
  for (std::size_t s = 0; s < draws; ++s) {
    model.draw_noise(stream);
    program.forward(false);
    const std::vector<double> row = model.model.constrained_values();
    for (std::size_t c = 0; c < columns.size(); ++c) values[c][s] = row[columns[c]];
  }
  for (const std::vector<double>& draws_of : values) result.summaries.push_back(infer::summarize_draws(draws_of));
  return result;
}

nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); }

}  // namespace


std::optional<DatumKhats> per_datum_khat(const LoadedModel& loaded, const io::DataSet& data, const compile::DataPlate& plate,
                                         compile::GuideFamily family, std::span<const double> parameters, std::size_t rows,
                                         std::size_t draws, std::uint64_t seed) {
  const std::size_t first_row[1] = {0};
  lang::Diagnostics diagnostics;
  std::optional<compile::VariationalModel> model = compile::compile_variational(
      loaded.checked, compile::select_rows(data, plate, first_row), {.family = family, .discrete_posteriors = false}, diagnostics);
  if (!model || model->noise_size == 0 || !infer::global_latents(*model, plate).empty()) return std::nullopt;
  ad::Program& program = *model->model.program;
  std::copy(parameters.begin(), parameters.end(), program.parameters().begin());
  const random::Stream root = random::Stream(seed).split(8);
  DatumKhats result;
  for (std::size_t n = 0; n < rows; ++n) {
    const std::size_t row[1] = {n};
    model->model.feed->load_rows(program, data, plate, row);
    random::Stream stream = root.split(n);
    const std::vector<double> ratios = infer::datum_log_weights(*model, draws, stream);
    if (!infer::psis_refusal(ratios).empty()) return std::nullopt;
    const double khat = infer::pareto_smoothed_importance_sampling(ratios).khat;
    result.khat.push_back(std::isfinite(khat) ? khat : std::numeric_limits<double>::infinity());
  }
  if (result.khat.empty()) return std::nullopt;
  std::vector<double> sorted = result.khat;
  std::sort(sorted.begin(), sorted.end());
  result.median = sorted.size() % 2 ? sorted[sorted.size() / 2] : 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);
  result.largest = sorted.back();
  result.bad = static_cast<std::size_t>(std::count_if(sorted.begin(), sorted.end(), [](double k) { return k > 0.7; }));
  return result;
}

int run_fit_minibatch(const FitOptions& options, const LoadedModel& loaded) {
  std::optional<compile::GuideFamily> family = compile::parse_guide_family(options.guide);
  if (!family) {
    std::cerr << "pm: fit: --guide must be meanfield, fullrank or map\n";
    return kExitBadInput;
  }
  if (options.starts_given) {
    std::cerr << "pm: fit: --starts K is for --method map and mle (L-BFGS from K starts); --batch trains from one start\n";
    return kExitBadInput;
  }
  if (options.objective != "elbo") {
    std::cerr << "pm: fit: --batch trains the ELBO; --objective " << options.objective
              << " over minibatches is not supported yet (fit without --batch, or evaluate with pm evidence "
                 "--method iwae)\n";
    return kExitBadInput;
  }
  if (!options.output.empty() || !options.discrete_out.empty()) {
    std::cerr << "pm: fit: -o and --discrete-out are not written with --batch yet; use --save-params, then pm encode "
                 "or pm sample\n";
    return kExitBadInput;
  }
  if (has_generated_block(loaded.checked))
    std::cerr << "pm: warning: the generated block is not evaluated under --batch (no draws are kept); fit without "
                 "--batch, or use pm sample --params on the saved fit\n";
  if (options.epochs == 0) {
    std::cerr << "pm: fit: --epochs must be at least 1\n";
    return kExitBadInput;
  }
  std::optional<io::DataSet> data = load_model_data(loaded, options.data);
  if (!data) return kExitBadInput;
  std::string error;
  std::optional<compile::DataPlate> plate = compile::find_data_plate(loaded.checked, *data, error);
  if (!plate) {
    std::cerr << "pm: fit: --batch: " << error << "\n";
    return kExitBadInput;
  }
  const std::size_t n = plate->size, b = std::min(options.batch, n);
  if (n == 0) {
    std::cerr << "pm: fit: --batch: the data plate " << plate->size_name << " is empty\n";
    return kExitBadInput;
  }
  const std::vector<std::size_t> batch_rows = first_rows(b);
  compile::VariationalOptions batch_options{.family = *family, .discrete_posteriors = false};
  batch_options.batch_plate = &*plate;
  batch_options.batch_scale = static_cast<double>(n) / static_cast<double>(b);
  std::optional<compile::VariationalModel> model = compile_on(loaded, compile::select_rows(*data, *plate, batch_rows), batch_options);
  if (!model) return kExitBadInput;

  std::optional<io::DataSet> test_data;
  std::optional<compile::VariationalModel> test;
  if (!options.test.empty()) {
    test_data = load_model_data(loaded, {options.test});
    if (!test_data) return kExitBadInput;
    test = compile_on(loaded, *test_data, {.family = *family, .discrete_posteriors = false});
    if (!test) return kExitBadInput;
    if (test->dimension() != model->dimension()) {
      std::cerr << "pm: fit: --test " << options.test
                << ": the held-out data give the guide a different number of parameters; only the data plate's size "
                   "may differ\n";
      return kExitBadInput;
    }
  }
  std::size_t test_rows = 0;
  if (test_data)
    if (const io::DataValue* size = test_data->find(plate->size_name); size && size->is_scalar())
      test_rows = static_cast<std::size_t>(size->scalar());

  infer::MinibatchOptions train_options;
  train_options.batch = b;
  train_options.epochs = options.epochs;
  train_options.learning_rate = std::isnan(options.learning_rate) ? 1e-3 : options.learning_rate;
  train_options.grad_samples = options.grad_samples;
  train_options.init_radius = init_radius(options);
  if (init_file_given(options)) {
    std::optional<std::vector<double>> init = initial_variational_parameters(options, *model);
    if (!init) return kExitBadInput;
    train_options.init = std::move(*init);
  }
  const bool show_progress = !options.quiet && isatty(STDERR_FILENO);
  auto per_datum = [](double value, std::size_t rows) { return rows > 0 ? value / static_cast<double>(rows) : value; };
  infer::EpochCallback on_epoch;
  if (show_progress)
    on_epoch = [&](const infer::EpochReport& epoch) {
      std::string line = fmt::format("epoch {}/{}  train ELBO/datum {:.4f} (reconstruction {:.4f}, KL {:.4f})",
                                     epoch.epoch, options.epochs, per_datum(epoch.train.elbo, n),
                                     per_datum(epoch.train.reconstruction, n), per_datum(epoch.train.kl, n));
      if (test)
        line += fmt::format("  test {:.4f} ({:.4f}, {:.4f})", per_datum(epoch.test.elbo, test_rows),
                            per_datum(epoch.test.reconstruction, test_rows), per_datum(epoch.test.kl, test_rows));
      std::cerr << line << fmt::format("  {:.3f} s\n", epoch.seconds);
    };
  const auto begin = std::chrono::steady_clock::now();
  infer::MinibatchResult result =
      infer::train_minibatch(*model, *data, *plate, test ? &*test : nullptr, train_options, options.seed, on_epoch);
  if (result.start_failure) {
    print_start_failure(loaded, *result.start_failure, "fit", options.seed);
    return kExitInferenceFailed;
  }
  if (result.failed) {
    if (result.failed_statement) {
      lang::Diagnostic diagnostic{lang::Severity::Error, result.failed_statement->range,
                                  "minibatch training failed: " + result.message +
                                      "; this statement's log density was not finite" +
                                      (result.failed_values.empty() ? "" : " (" + result.failed_values + ")")};
      std::cerr << lang::render(*loaded.file, diagnostic);
    } else {
      std::cerr << "pm: fit: minibatch training failed: " << result.message << "\n";
    }
    return kExitInferenceFailed;
  }

  // Reporting: the non-local columns from the batch program, the local ones from the full data.
  ColumnSummaries columns = summarize_columns(*model, result.parameters, false, *plate, options.draws, options.seed);
  if (options.summary_locals) {
    std::optional<compile::VariationalModel> whole = compile_on(loaded, *data, {.family = *family, .discrete_posteriors = false});
    if (!whole) return kExitBadInput;
    columns = summarize_columns(*whole, result.parameters, true, *plate, options.draws, options.seed);
  }
  const std::size_t khat_rows = std::min(n, kKhatRows);
  const std::optional<DatumKhats> khat =
      per_datum_khat(loaded, *data, *plate, *family, result.parameters, khat_rows, std::max<std::size_t>(options.draws, 100), options.seed);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();

  // Params are point estimates (summary_row, summary_json); latents have a spread.
  auto is_param = [&](const std::string& element) { return is_param_element(*model, element); };
  const std::size_t steps_per_epoch = (n + b - 1) / b;
  if (options.json) {
    nlohmann::json summary = nlohmann::json::object();
    for (std::size_t i = 0; i < columns.names.size(); ++i)
      summary[columns.names[i]] = summary_json(columns.summaries[i], is_param(columns.names[i]));
    nlohmann::json history = nlohmann::json::array();
    for (const infer::EpochReport& epoch : result.epochs)
      history.push_back({{"epoch", epoch.epoch},
                         {"train_elbo", number(epoch.train.elbo)},
                         {"train_reconstruction", number(epoch.train.reconstruction)},
                         {"train_kl", number(epoch.train.kl)},
                         {"test_elbo", number(epoch.test.elbo)},
                         {"test_reconstruction", number(epoch.test.reconstruction)},
                         {"test_kl", number(epoch.test.kl)},
                         {"seconds", epoch.seconds}});
    nlohmann::json out = {{"method", "vi"},
                          {"guide", guide_label(*model)},
                          {"objective", "elbo"},
                          {"batch", b},
                          {"epochs", options.epochs},
                          {"steps", result.steps},
                          // CLI.md's fields: the Adam steps taken; a fixed budget of epochs has
                          // no convergence test (null); the guide's k-hat is the worst per-datum one.
                          {"iterations", result.steps},
                          {"converged", nullptr},
                          {"khat", khat ? number(khat->largest) : nlohmann::json(nullptr)},
                          {"discrete", nlohmann::json::object()},
                          {"rows", n},
                          {"learning_rate", train_options.learning_rate},
                          {"elbo", number(result.train.elbo)},
                          {"elbo_per_datum", number(per_datum(result.train.elbo, n))},
                          {"reconstruction", number(result.train.reconstruction)},
                          {"kl", number(result.train.kl)},
                          {"test_rows", test ? nlohmann::json(test_rows) : nlohmann::json(nullptr)},
                          {"test_elbo", test ? number(result.test.elbo) : nlohmann::json(nullptr)},
                          {"test_elbo_per_datum", test ? number(per_datum(result.test.elbo, test_rows)) : nlohmann::json(nullptr)},
                          {"test_reconstruction", test ? number(result.test.reconstruction) : nlohmann::json(nullptr)},
                          {"test_kl", test ? number(result.test.kl) : nlohmann::json(nullptr)},
                          {"khat_median", khat ? number(khat->median) : nlohmann::json(nullptr)},
                          {"khat_max", khat ? number(khat->largest) : nlohmann::json(nullptr)},
                          {"khat_above_0.7", khat ? nlohmann::json(khat->bad) : nlohmann::json(nullptr)},
                          {"khat_rows", khat ? nlohmann::json(khat->khat.size()) : nlohmann::json(0)},
                          {"train_time_s", result.train_seconds},
                          {"time_s", seconds},
                          {"history", history},
                          {"summary", summary}};
    std::cout << out.dump() << "\n";
  } else {
    std::size_t width = 8;
    for (const std::string& name : columns.names) width = std::max(width, name.size() + 2);
    if (!columns.names.empty()) std::cout << summary_header(width);
    for (std::size_t i = 0; i < columns.names.size() && i < kMaxRows; ++i)
      std::cout << summary_row(columns.names[i], width, columns.summaries[i], is_param(columns.names[i]));
    if (columns.names.size() > kMaxRows)
      std::cout << fmt::format("... {} more elements (all of them are in --json)\n", columns.names.size() - kMaxRows);
    if (!options.summary_locals)
      std::cout << fmt::format("(latents sized by the data plate {} are not summarized; --summary-locals, or pm encode)\n",
                               plate->size_name);
    std::cout << fmt::format("\nmethod: vi, minibatches over {} = {} rows (ELBO)\n", plate->size_name, n);
    std::cout << fmt::format("training: {} epochs of {} steps, batch {}, Adam step size {:.3g}, {:.3f} s\n", options.epochs,
                             steps_per_epoch, b, train_options.learning_rate, result.train_seconds);
    std::cout << fmt::format("ELBO (train): {:.6g} = reconstruction {:.6g} - KL {:.6g}; per datum {:.4f}\n",
                             result.train.elbo, result.train.reconstruction, result.train.kl, per_datum(result.train.elbo, n));
    if (test)
      std::cout << fmt::format("ELBO (test, {} rows): {:.6g} = reconstruction {:.6g} - KL {:.6g}; per datum {:.4f}\n",
                               test_rows, result.test.elbo, result.test.reconstruction, result.test.kl,
                               per_datum(result.test.elbo, test_rows));
    if (khat)
      std::cout << fmt::format("PSIS k-hat of the guide per datum (first {} rows): median {:.2f}, max {:.2f}; {} above "
                               "0.7 (there, q(z | x) misses the posterior)\n",
                               khat->khat.size(), khat->median, khat->largest, khat->bad);
    std::cout << fmt::format("wall time: {:.3f} s\n", seconds);
  }
  if (!options.save_params.empty()) {
    ad::Program& program = *model->model.program;
    std::copy(result.parameters.begin(), result.parameters.end(), program.parameters().begin());
    for (ad::Node node : model->noise) std::fill(program.values(node).begin(), program.values(node).end(), 0.0);
    program.forward(false);
    nlohmann::json saved = saved_variational_params(*model, model->model.constrained_values(), result.parameters);
    // The batch's local latents are one batch's values: not saved.
    for (const compile::ParameterSlot& slot : model->model.slots)
      if (plate->is_local(slot.name)) saved.erase(slot.name);
    if (!write_file_atomically(options.save_params, with_sizes(std::move(saved), loaded.checked, *data).dump(2) + "\n"))
      return kExitBadInput;
  }
  return kExitSuccess;
}

}  // namespace pm::cli
