// `pm score MODEL.pm -d DATA --params P [--k K] [--json] [-o FILE.csv]` (CLI.md): per-datum
// log p(x_n; theta) over the data plate, for density estimation and anomaly scores: exact
// when the model has no continuous latent (an autoregressive model, a mixture with its
// indicator summed out), else the IWAE estimate with K particles from the fitted guide
// (engine/infer/per_datum.hpp). One row per datum; the total and the mean.
#include <chrono>
#include <cmath>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/fit_command.hpp"
#include "engine/compile/data_plate.hpp"
#include "engine/infer/per_datum.hpp"
#include "engine/io/data_set.hpp"

namespace pm::cli {
namespace {

constexpr std::size_t kShownRows = 20;

struct ScoreOptions {
  std::string model_path;
  std::vector<std::string> data;
  std::string params_path, output;
  std::size_t particles = 1000;
  std::uint64_t seed = 1;
  bool json = false;
};

std::string scores_csv(const infer::ScoreResult& result) {
  std::ostringstream out;
  out << "datum,log_p,se,ess\n";
  for (std::size_t n = 0; n < result.scores.size(); ++n) {
    const infer::DatumScore& score = result.scores[n];
    out << n + 1 << ',' << io::format_number(score.log_p) << ',' << io::format_number(score.standard_error) << ','
        << io::format_number(score.effective_sample_size) << '\n';
  }
  return out.str();
}

int run_score(const ScoreOptions& options) {
  if (options.particles == 0) {
    std::cerr << "pm: score: --k must be at least 1\n";
    return kExitBadInput;
  }
  std::vector<NamedPath> inputs = data_file_inputs(options.data);
  inputs.push_back({"model", options.model_path});
  inputs.push_back({"--params", options.params_path});
  if (!refuse_overlapping_paths(inputs, {{"-o", options.output}}) || !output_directories_exist({options.output}))
    return kExitBadInput;
  std::optional<PerDatumInput> input = load_per_datum_input(options.model_path, options.data, options.params_path, "score");
  if (!input) return kExitBadInput;
  const LoadedModel& loaded = *input->loaded;
  const io::DataSet& data = input->data;
  const compile::DataPlate& plate = input->plate;
  if (plate.size == 0) {
    std::cerr << "pm: score: the data plate " << plate.size_name << " is empty: nothing to score\n";
    return kExitBadInput;
  }
  const std::size_t first_row[1] = {0};
  lang::Diagnostics diagnostics;
  std::optional<compile::VariationalModel> model = compile::compile_variational(
      loaded.checked, compile::select_rows(data, plate, first_row), {.family = input->family, .discrete_posteriors = false},
      diagnostics);
  std::cerr << lang::render_all(*loaded.file, diagnostics);
  if (!model) return kExitBadInput;
  if (std::vector<std::string> global = infer::global_latents(*model, plate); !global.empty()) {
    std::cerr << "pm: score: the latent '" << global.front() << "' is not sized by the data plate " << plate.size_name
              << ": it is shared by every datum, so log p(x_n) does not separate by datum; use pm evidence for the "
                 "whole data\n";
    return kExitBadInput;
  }
  if (std::vector<std::string> own = infer::per_datum_guide_parameters(loaded.checked, data, plate, input->family);
      !own.empty()) {
    std::cerr << "pm: score: the guide has parameters of its own for each datum ('" << own.front()
              << "' ...): scoring one datum at a time needs a guide that computes q(z_n | x_n) from the datum (a guide "
                 "block drawing the local latents from the data, as vae.pm's encoder); use pm evidence for the whole "
                 "data\n";
    return kExitBadInput;
  }
  std::optional<std::vector<double>> parameters = saved_guide_parameters(options.params_path, *model, "score");
  if (!parameters) return kExitBadInput;

  const auto begin = std::chrono::steady_clock::now();
  const infer::ScoreResult result = infer::score_data(*model, data, plate, *parameters, options.particles, options.seed);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  const double mean = result.total / static_cast<double>(plate.size);
  if (!std::isfinite(result.total))
    std::cerr << "pm: warning: some scores are not finite (a datum impossible under the model, or NaN)\n";
  const std::string method = result.exact ? "exact" : "iwae";
  if (options.json) {
    nlohmann::json scores = nlohmann::json::array(), errors = nlohmann::json::array();
    auto number = [](double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); };
    for (const infer::DatumScore& score : result.scores) {
      scores.push_back(number(score.log_p));
      errors.push_back(number(score.standard_error));
    }
    nlohmann::json out = {{"method", method},   {"k", result.particles}, {"rows", plate.size},
                          {"total", number(result.total)}, {"total_se", number(result.total_standard_error)},
                          {"mean", number(mean)}, {"log_p", scores}, {"se", errors}, {"time_s", seconds}};
    std::cout << out.dump() << "\n";
  } else {
    std::cout << fmt::format("{:>8}{:>14}{:>10}{:>10}\n", "datum", "log p", "se", "ess");
    for (std::size_t n = 0; n < result.scores.size() && n < kShownRows; ++n) {
      const infer::DatumScore& score = result.scores[n];
      std::cout << fmt::format("{:>8}{:>14.6g}{:>10.3g}{:>10.1f}\n", n + 1, score.log_p, score.standard_error,
                               score.effective_sample_size);
    }
    if (result.scores.size() > kShownRows)
      std::cout << fmt::format("... {} more rows (all of them are in --json and -o FILE.csv)\n",
                               result.scores.size() - kShownRows);
    std::cout << fmt::format("\nmethod: {}\n", result.exact ? "exact (no continuous latent)"
                                                              : fmt::format("IWAE bound with the fitted guide, K = {}", result.particles));
    std::cout << fmt::format("total log p(data): {:.10g} (se {:.3g}); per datum {:.6g} over {} rows\n", result.total,
                             result.total_standard_error, mean, plate.size);
    std::cout << fmt::format("wall time: {:.3f} s\n", seconds);
  }
  if (!options.output.empty() && !write_file_atomically(options.output, scores_csv(result))) return kExitBadInput;
  return kExitSuccess;
}

}  // namespace

void add_score_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ScoreOptions>();
  CLI::App* command = app.add_subcommand(
      "score", "Per-datum log p(x_i): exact without continuous latents, else the IWAE estimate with the fitted guide");
  command->add_option("model", options->model_path, "the model file (.pm)")->required();
  command->add_option("-d,--data", options->data, "a data file (JSON or CSV), or name=value; repeatable");
  command->add_option("--params", options->params_path, "saved params and guide (pm fit --save-params)")->required();
  command->add_option("--k", options->particles, "IWAE particles per datum")->capture_default_str();
  command->add_option("--seed", options->seed, "seed of the guide's draws")->check(seed_value())->capture_default_str();
  command->add_flag("--json", options->json, "print the result as JSON");
  command->add_option("-o,--output", options->output, "write datum,log_p,se,ess per datum (CSV)");
  command->callback([options, &exit_code] { exit_code = run_score(*options); });
}

}  // namespace pm::cli
