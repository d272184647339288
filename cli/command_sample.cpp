// `pm sample MODEL.pm [-d DATA] [--params P.json] [--from FIT.csv] [-n N] [--seed S]
//  [-o OUT.json] [--json]` (CLI.md; docs/simulation.md): forward simulation.
//
// From the prior (the default): every data variable on the left of a `~` that -d does not
// give is drawn, with the params and latents it depends on (ancestral sampling,
// engine/compile/simulate.hpp); sizes and covariates come from -d; params without a prior
// need --params. With --from FIT.csv (a draws file of pm fit): the posterior predictive, one
// data set per posterior draw (the first N), the params and latents of each draw given, the
// observed variables drawn anew even when -d loads them (-d still gives sizes and covariates).
//
// Output: each data set is a CmdStan JSON object holding EVERY data variable of the model
// (loaded ones copied, drawn ones drawn), so `-d` reads it back. -o OUT.json with -n 1 writes
// OUT.json; with -n N > 1, OUT_1.json ... OUT_N.json (the draw number before the extension).
// Without -o the data set is printed on stdout (one JSON object per line when N > 1).
// --json prints instead one object: {"draws", "seed", "files", "data": [...], "truth": [...]}
// where truth[k] holds the params and latents of draw k (what a fit should recover).
//
// Draw k uses the stream Stream(seed).split(k): the same seed gives the same data sets, and
// data set k does not depend on N. Exit 0 success, 1 when a draw is not finite (an invalid
// distribution parameter, or a bound that rejection could not meet), 2 bad model, data or
// arguments.
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "engine/compile/simulate.hpp"
#include "engine/io/draws_csv.hpp"

namespace pm::cli {
namespace {

struct SampleOptions {
  std::string model_path;
  std::vector<std::string> data;
  std::string params_path;
  std::string from_path;
  std::size_t count = 1;
  std::uint64_t seed = 1;
  std::string output_path;
  bool json = false;
};

// CmdStan's JSON layout from the data_set.hpp layout (first dim fastest): nested arrays,
// outermost index first; ints written as ints.
nlohmann::json nested_json(std::span<const double> values, std::span<const std::size_t> dims, bool is_int,
                           std::size_t depth = 0, std::size_t offset = 0, std::size_t stride = 1) {
  if (depth == dims.size()) {
    double value = values[offset];
    if (is_int && std::isfinite(value)) return static_cast<std::int64_t>(value);
    return value;
  }
  nlohmann::json array = nlohmann::json::array();
  for (std::size_t k = 0; k < dims[depth]; ++k)
    array.push_back(nested_json(values, dims, is_int, depth + 1, offset + k * stride, stride * dims[depth]));
  return array;
}

// Data variables a `~` of the model block can draw.
std::vector<std::string> drawable_data(const lang::CheckedProgram& checked) {
  std::set<std::string> names;
  for (const lang::Factor& factor : checked.factors) {
    if (factor.block != lang::BlockKind::Model || factor.subject.empty()) continue;
    const lang::Symbol* symbol = checked.find(factor.subject);
    if (symbol && symbol->kind == lang::SymbolKind::Data) names.insert(factor.subject);
  }
  return {names.begin(), names.end()};
}

std::string numbered_path(const std::string& path, std::size_t number) {
  std::size_t slash = path.find_last_of('/');
  std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return fmt::format("{}_{}", path, number);
  return fmt::format("{}_{}{}", path.substr(0, dot), number, path.substr(dot));
}

int run_sample(const SampleOptions& options) {
  std::unique_ptr<LoadedModel> loaded = load_model(options.model_path);
  if (!loaded) return kExitBadInput;
  const lang::CheckedProgram& checked = loaded->checked;
  if (options.count == 0) {
    std::cerr << "pm: sample: -n must be at least 1\n";
    return kExitBadInput;
  }
  if (!options.params_path.empty() && !options.from_path.empty()) {
    std::cerr << "pm: sample: give either --params or --from, not both\n";
    return kExitBadInput;
  }

  // Data: the drawable variables may be missing; with --from they are drawn even when given.
  const std::vector<std::string> drawable = drawable_data(checked);
  io::DataMessages messages;
  std::optional<io::DataSet> data = io::load_data(checked, loaded->file.get(), data_sources_from_arguments(options.data),
                                                  messages, {.may_be_missing = drawable});
  std::cerr << messages.render();
  if (!data) return kExitBadInput;
  if (!options.from_path.empty())
    for (const std::string& name : drawable) {
      data->values.erase(name);
      std::erase(data->order, name);
    }

  // The given names and their values.
  std::optional<nlohmann::json> params;
  std::optional<io::PosteriorDraws> posterior;
  std::vector<std::string> given;
  if (!options.params_path.empty()) {
    params = read_json_file(options.params_path);
    if (!params) return kExitBadInput;
    if (!params->is_object()) {
      std::cerr << "pm: sample: " << options.params_path << " must hold a JSON object keyed by name\n";
      return kExitBadInput;
    }
    given = compile::given_names_in_json(checked, *params);
  }
  if (!options.from_path.empty()) {
    try {
      posterior = io::posterior_draws(io::read_draws_csv(options.from_path));
    } catch (const std::exception& error) {
      std::cerr << "pm: sample: " << error.what() << "\n";
      return kExitBadInput;
    }
    std::set<std::string> columns(posterior->names.begin(), posterior->names.end());
    for (const lang::Symbol& symbol : checked.symbols)
      if ((symbol.kind == lang::SymbolKind::Param || symbol.kind == lang::SymbolKind::Latent) &&
          (columns.count(symbol.name) || columns.count(symbol.name + "[1]") || columns.count(symbol.name + "[1,1]")))
        given.push_back(symbol.name);
    if (posterior->rows.size() < options.count) {
      std::cerr << "pm: sample: " << options.from_path << " has " << posterior->rows.size() << " draws, fewer than -n "
                << options.count << "\n";
      return kExitBadInput;
    }
  }

  lang::Diagnostics diagnostics;
  std::unique_ptr<compile::Simulator> simulator =
      compile::Simulator::compile(checked, *data, {.given = given, .generated = false, .seed = options.seed}, diagnostics);
  std::cerr << lang::render_all(*loaded->file, diagnostics);
  if (!simulator) return kExitBadInput;

  // Given values: --params once; --from per draw, by element name.
  std::vector<double> fixed;
  std::vector<std::size_t> from_columns;
  if (params) {
    std::string error;
    std::optional<std::vector<double>> values = compile::given_values_from_json(*simulator, *params, error);
    if (!values) {
      std::cerr << "pm: sample: " << options.params_path << ": " << error << "\n";
      return kExitBadInput;
    }
    fixed = std::move(*values);
  }
  if (posterior)
    for (const compile::SimulatedValue& value : simulator->values()) {
      if (value.role != compile::SimulatedRole::given) continue;
      for (const std::string& element : value.element_names) {
        auto found = std::find(posterior->names.begin(), posterior->names.end(), element);
        if (found == posterior->names.end()) {
          std::cerr << "pm: sample: " << options.from_path << " has no column for '" << element << "'\n";
          return kExitBadInput;
        }
        from_columns.push_back(static_cast<std::size_t>(found - posterior->names.begin()));
      }
    }

  nlohmann::json data_sets = nlohmann::json::array(), truths = nlohmann::json::array();
  for (std::size_t draw = 0; draw < options.count; ++draw) {
    std::vector<double> given_values = fixed;
    if (posterior)
      for (std::size_t column : from_columns) given_values.push_back(posterior->rows[draw][column]);
    simulator->run(given_values, draw);
    nlohmann::json data_set = nlohmann::json::object(), truth = nlohmann::json::object();
    for (const compile::SimulatedValue& value : simulator->values()) {
      std::span<const double> values = simulator->values_of(value);
      for (std::size_t k = 0; k < values.size(); ++k)
        if (!std::isfinite(values[k])) {
          std::cerr << fmt::format("pm: sample: draw {} gave {} = {}: a distribution parameter is invalid there, or a "
                                   "declared bound could not be met\n",
                                   draw + 1, value.element_names[k], values[k]);
          return kExitInferenceFailed;
        }
      if (value.symbol->kind == lang::SymbolKind::Param || value.symbol->kind == lang::SymbolKind::Latent)
        truth[value.name] = nested_json(values, value.dims, value.is_int);
    }
    for (const lang::Symbol& symbol : checked.symbols) {
      if (symbol.kind != lang::SymbolKind::Data) continue;
      if (const io::DataValue* loaded_value = data->find(symbol.name))
        data_set[symbol.name] = nested_json(loaded_value->values, loaded_value->dims, loaded_value->is_int());
      else if (const compile::SimulatedValue* drawn = simulator->find(symbol.name))
        data_set[symbol.name] = nested_json(simulator->values_of(*drawn), drawn->dims, drawn->is_int);
    }
    data_sets.push_back(std::move(data_set));
    truths.push_back(std::move(truth));
  }

  std::vector<std::string> files;
  if (!options.output_path.empty()) {
    for (std::size_t draw = 0; draw < options.count; ++draw) {
      std::string path = options.count == 1 ? options.output_path : numbered_path(options.output_path, draw + 1);
      if (!write_file_atomically(path, data_sets[draw].dump(2) + "\n")) return kExitBadInput;
      files.push_back(path);
    }
  }
  if (options.json) {
    nlohmann::json out = {{"draws", options.count}, {"seed", options.seed}, {"files", files},
                          {"data", data_sets}, {"truth", truths}};
    std::cout << out.dump() << "\n";
  } else if (options.output_path.empty()) {
    for (const nlohmann::json& data_set : data_sets) std::cout << data_set.dump() << "\n";
  } else {
    std::cout << fmt::format("wrote {} data set{} ({}): {}{}\n", options.count, options.count == 1 ? "" : "s",
                             posterior ? "posterior predictive" : "prior predictive", files.front(),
                             files.size() > 1 ? " ... " + files.back() : "");
  }
  return kExitSuccess;
}

}  // namespace

void add_sample_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SampleOptions>();
  CLI::App* command = app.add_subcommand("sample", "Forward simulation: fake data from the prior, or with --from the "
                                                   "posterior predictive");
  command->add_option("model", options->model_path, "the model file (.pm)")->required();
  command->add_option("-d,--data", options->data, "sizes and covariates: a data file (JSON or CSV), or name=value");
  command->add_option("--params", options->params_path, "values of params (and latents) as JSON, keyed by name");
  command->add_option("--from", options->from_path, "a draws file of pm fit: the posterior predictive, one data set "
                                                    "per draw");
  command->add_option("-n,--draws", options->count, "number of data sets")->capture_default_str();
  command->add_option("--seed", options->seed, "seed of every draw")->capture_default_str();
  command->add_option("-o,--output", options->output_path,
                      "write the data set as JSON (N > 1: OUT_1.json ... OUT_N.json)");
  command->add_flag("--json", options->json, "print {draws, seed, files, data, truth} as JSON");
  command->callback([options, &exit_code] { exit_code = run_sample(*options); });
}

}  // namespace pm::cli
