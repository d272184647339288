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
// Without -o the data set is printed on stdout (one JSON object per line when N > 1), unless
// --png is given (then the picture is the output; -o or --json keep the data sets too).
// --json prints instead one object: {"draws", "seed", "files", "data": [...], "truth": [...]}
// where truth[k] holds the params and latents of draw k (what a fit should recover).
//
// Nets (the VAE's decoder) have no prior: their weights come from --params (the names pm fit
// --save-params writes). A saved fit also holds its local latents (z, one row per datum of
// the data it was fitted to): those are drawn from their prior instead, so that
// `--params P.json` gives new data, e.g. new digits.
//
// --png FILE.png: a grid of the drawn images, every row of the observed matrix (--png-var
// when several are drawn) of every data set, each row an H x W image (square, or
// --image-shape HxW), grey levels in [0, 1] scaled up --scale times (cli/image_output.hpp).
// It shows E[x | the rest of the draw], the mean of x's distribution at the drawn z (the
// decoder's output: bernoulli's probability, normal's mu, continuous_bernoulli's mean), not
// the noisy draw of x itself, when the distribution has a mean formula (distribution_mean.hpp).
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
#include "cli/distribution_mean.hpp"
#include "cli/image_output.hpp"
#include "engine/compile/data_plate.hpp"
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
  std::string png_path, png_variable, image_shape;
  std::size_t scale = 4;
};

// The rows of one drawn value as images, row-major (row n's D values contiguous): its mean
// given the rest of the draw when the distribution has one (else the draw itself, with a
// note the first time). A value of dims (N, D...) gives N rows; a vector one row.
std::vector<double> image_rows(const compile::Simulator& simulator, const compile::SimulatedValue& value,
                               bool& noted_draws) {
  std::span<const double> drawn = simulator.values_of(value);
  std::vector<double> shown(drawn.begin(), drawn.end());
  bool have_mean = false;
  if (value.role == compile::SimulatedRole::drawn) {
    std::vector<std::span<const double>> arguments;
    bool aligned = true;  // each argument laid out as the value (or one number)
    for (ad::Node argument : value.arguments) {
      const tensor::Shape shape = argument.shape();
      if (shape.element_count() != 1) {
        if (shape.event_rank() != shape.rank() || static_cast<std::size_t>(shape.rank()) != value.dims.size()) aligned = false;
        for (std::size_t k = 0; aligned && k < value.dims.size(); ++k)
          aligned = shape.dims()[k].size == value.dims[k];
      }
      arguments.push_back(simulator.argument_values(argument));
    }
    if (aligned)
      if (std::optional<std::vector<double>> mean = distribution_mean(value.distribution, arguments, drawn.size())) {
        shown = std::move(*mean);
        have_mean = true;
      }
  }
  if (!have_mean && value.role == compile::SimulatedRole::drawn && !noted_draws) {
    std::cerr << "pm: sample: note: the picture shows draws of '" << value.name << "' (no mean of '"
              << value.distribution << "' at these arguments here)\n";
    noted_draws = true;
  }
  // data_set.hpp layout (first dim fastest) -> rows: element (n, d) sits at n + N * d.
  if (value.dims.size() < 2) return shown;
  const std::size_t rows = value.dims.front(), width = shown.size() / std::max<std::size_t>(rows, 1);
  std::vector<double> by_row(shown.size());
  for (std::size_t n = 0; n < rows; ++n)
    for (std::size_t d = 0; d < width; ++d) by_row[n * width + d] = shown[n + rows * d];
  return by_row;
}

// The value --png pictures: --png-var, or the one data variable the run draws.
const compile::SimulatedValue* png_value(const compile::Simulator& simulator, const SampleOptions& options) {
  if (!options.png_variable.empty()) {
    const compile::SimulatedValue* value = simulator.find(options.png_variable);
    if (!value) std::cerr << "pm: sample: --png-var " << options.png_variable << ": no such value in the simulation\n";
    return value;
  }
  std::vector<const compile::SimulatedValue*> drawn;
  for (const compile::SimulatedValue& value : simulator.values())
    if (value.role == compile::SimulatedRole::drawn && value.symbol->kind == lang::SymbolKind::Data)
      drawn.push_back(&value);
  if (drawn.size() == 1) return drawn.front();
  if (drawn.empty()) {
    std::cerr << "pm: sample: --png: no data variable is drawn; name the value to picture with --png-var\n";
  } else {
    std::string names;
    for (const compile::SimulatedValue* value : drawn) names += (names.empty() ? "" : ", ") + value->name;
    std::cerr << "pm: sample: --png: several data variables are drawn (" << names << "): choose one with --png-var\n";
  }
  return nullptr;
}

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

// Without data files, the sizes a fit saved (--save-params' "__sizes__") stand in for the
// ints not set with -d NAME=VALUE, except the data plate's int, which is 1: each of the -n
// data sets is then one datum (one new digit of the VAE; docs/simulation.md).
void add_saved_sizes(const lang::CheckedProgram& checked, const std::string& params_path,
                     std::vector<io::DataSource>& sources) {
  for (const io::DataSource& source : sources)
    if (source.kind == io::DataSource::Kind::File) return;
  std::ifstream in(params_path);
  nlohmann::json saved = nlohmann::json::parse(in, nullptr, false);
  if (saved.is_discarded() || !saved.is_object() || !saved.contains("__sizes__") || !saved["__sizes__"].is_object())
    return;
  auto assigned = [&](const std::string& name) {
    for (const io::DataSource& source : sources)
      if (source.text.rfind(name + "=", 0) == 0) return true;
    return false;
  };
  std::string error;
  const std::optional<std::string> plate = compile::data_plate_size_name(checked, error);
  for (const auto& [name, value] : saved["__sizes__"].items()) {
    if (!value.is_number_integer() || assigned(name)) continue;
    const std::int64_t size = plate && *plate == name ? 1 : value.get<std::int64_t>();
    sources.push_back(io::DataSource::assignment(name + "=" + std::to_string(size)));
  }
}

int run_sample(const SampleOptions& options) {
  std::unique_ptr<LoadedModel> loaded = load_model(options.model_path);
  if (!loaded) return kExitBadInput;
  const lang::CheckedProgram& checked = loaded->checked;
  if (options.count == 0) {
    std::cerr << "pm: sample: -n must be at least 1\n";
    return kExitBadInput;
  }
  {
    std::vector<NamedPath> inputs = data_file_inputs(options.data);
    inputs.push_back({"model", options.model_path});
    inputs.push_back({"--params", options.params_path});
    inputs.push_back({"--from", options.from_path});
    std::vector<NamedPath> outputs = {{"--png", options.png_path}};
    // -n N writes N files (numbered_path): each is checked, as each is written.
    for (std::size_t draw = 0; !options.output_path.empty() && draw < options.count; ++draw)
      outputs.push_back({"-o", options.count == 1 ? options.output_path : numbered_path(options.output_path, draw + 1)});
    if (!refuse_overlapping_paths(inputs, outputs) || !output_directories_exist({options.output_path, options.png_path}))
      return kExitBadInput;
  }
  if (options.scale == 0) {
    std::cerr << "pm: sample: --scale must be at least 1\n";
    return kExitBadInput;
  }
  if (!options.params_path.empty() && !options.from_path.empty()) {
    std::cerr << "pm: sample: give either --params or --from, not both\n";
    return kExitBadInput;
  }

  // Data: the drawable variables may be missing; with --from they are drawn even when given.
  const std::vector<std::string> drawable = drawable_data(checked);
  std::vector<io::DataSource> sources = data_sources_from_arguments(options.data);
  if (!options.params_path.empty()) add_saved_sizes(checked, options.params_path, sources);
  io::DataMessages messages;
  std::optional<io::DataSet> data =
      io::load_data(checked, loaded->file.get(), sources, messages, {.may_be_missing = drawable});
  const std::string rendered = messages.render();
  std::cerr << rendered;
  if (!data) {
    // Sizes are never drawn: e.g. the VAE's 64 new digits need -d N=64 -d D=64.
    if (rendered.find("is missing") != std::string::npos)
      std::cerr << "pm: sample: sizes and covariates are not drawn: give them with -d (a data file, or NAME=VALUE "
                   "such as -d N=64)\n";
    return kExitBadInput;
  }
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
    // The local latents of a saved fit (sized by the data plate) are drawn anew.
    std::string plate_error;
    if (std::optional<compile::DataPlate> plate = compile::find_data_plate(checked, *data, plate_error))
      std::erase_if(given, [&](const std::string& name) {
        const lang::Symbol* symbol = checked.find(name);
        if (!symbol || symbol->kind != lang::SymbolKind::Latent || !plate->is_local(name)) return false;
        std::cerr << "pm: sample: note: '" << name << "' in " << options.params_path
                  << " is a local latent of the fitted data: drawn from its prior instead\n";
        return true;
      });
  }
  if (!options.from_path.empty()) {
    try {
      posterior = io::posterior_draws(io::read_draws_csv(options.from_path), options.from_path);
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
      compile::Simulator::compile(checked, *data,
                                  {.given = given, .generated = false, .seed = options.seed,
                                   .net_weights = params ? &*params : nullptr},
                                  diagnostics);
  std::cerr << lang::render_all(*loaded->file, diagnostics);
  if (!simulator) return kExitBadInput;
  const compile::SimulatedValue* pictured = nullptr;
  if (!options.png_path.empty()) {
    pictured = png_value(*simulator, options);
    if (!pictured) return kExitBadInput;
  }
  std::vector<double> picture_rows;
  std::size_t picture_count = 0;
  bool noted_draws = false;

  // Given values: --params once; --from per draw, by element name.
  std::vector<double> fixed;
  std::vector<std::size_t> from_columns;
  if (params) {
    for (const compile::SimulatedValue& value : simulator->values())
      if (value.role == compile::SimulatedRole::given && params->contains(value.name) &&
          !saved_value_fits(options.params_path, "sample", value.name, (*params)[value.name], value.dims))
        return kExitBadInput;
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
    if (pictured) {
      std::vector<double> rows = image_rows(*simulator, *pictured, noted_draws);
      picture_rows.insert(picture_rows.end(), rows.begin(), rows.end());
      picture_count += pictured->dims.size() < 2 ? 1 : pictured->dims.front();
    }
  }
  if (pictured && picture_count > 0) {
    std::string error;
    std::optional<ImageShape> shape = image_shape(picture_rows.size() / picture_count, options.image_shape, error);
    if (!shape) {
      std::cerr << "pm: sample: --png: " << error << "\n";
      return kExitBadInput;
    }
    if (!write_png(image_grid(picture_rows, picture_count, *shape, {.scale = options.scale}), options.png_path))
      return kExitBadInput;
    std::cerr << fmt::format("pm: sample: wrote {} ({} image{} of '{}', {}x{}, {})\n", options.png_path,
                             picture_count, picture_count == 1 ? "" : "s", pictured->name, shape->height, shape->width,
                             noted_draws ? "its draws" : "the mean of its distribution at each draw");
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
    // With --png the picture is the output: the data sets go to stdout only when asked for
    // (-o or --json), not as a screenful of JSON after "wrote grid.png".
    if (options.png_path.empty())
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
  command->add_option("--seed", options->seed, "seed of every draw")->check(seed_value())->capture_default_str();
  command->add_option("-o,--output", options->output_path,
                      "write the data set as JSON (N > 1: OUT_1.json ... OUT_N.json)");
  command->add_flag("--json", options->json, "print {draws, seed, files, data, truth} as JSON");
  command->add_option("--png", options->png_path,
                      "a PNG grid of the drawn images: every row of the drawn data matrix of every data set, "
                      "showing E[x | z] (the mean of x's distribution at the drawn values, e.g. the decoder's "
                      "probabilities), not a 0/1 draw");
  command->add_option("--png-var", options->png_variable, "--png: the value to picture (when several data are drawn)");
  command->add_option("--image-shape", options->image_shape, "--png: each row as an HxW image (default: square)");
  command->add_option("--scale", options->scale, "--png: pixels per value (nearest neighbour)")->capture_default_str();
  command->callback([options, &exit_code] { exit_code = run_sample(*options); });
}

}  // namespace pm::cli
