// `pm encode MODEL.pm -d DATA --params P.json [--draws S] [--json] [-o FILE.csv] [--png FILE]
//  [--label NAME] [--reconstruct FILE] [--n K]` (CLI.md; docs/cli.md "pm encode"): each
// datum's local latents under the fitted guide, q_phi(z_n | x_n), as a mean and an sd per
// coordinate (representation learning: the VAE's codes).
//
// The guide is compiled on the whole data (compile_variational) with the saved parameter
// vector (`pm fit --save-params`). A local latent is one drawn by the guide block whose
// leading size is the data plate (vae.pm's matrix[N, 8] z). Its mean and sd per element:
//   normal(m, s)      exact: m and s (broadcast to the latent's shape)
//   lognormal(m, s)   exact: exp(m + s^2/2) and exp(m + s^2/2) sqrt(exp(s^2) - 1)
//   otherwise         Monte Carlo over --draws draws of the guide (the method line says so)
//
// --png FILE: the first two coordinates of the first local latent's means, one point per
// datum coloured by its label (--label NAME, default `label` when the data file has it: an
// int array with one entry per datum, read from the JSON data files). --reconstruct FILE:
// the first --n data (default 16) above their reconstructions, the mean of the observed
// variable's distribution with every guide draw at its center (the noise set to 0: z = m
// for a normal guide), e.g. the decoder's probabilities at z = the encoder's mean.
//
// Exit 0 success, 1 non-finite guide values, 2 bad model, data, params or arguments.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/distribution_mean.hpp"
#include "cli/fit_command.hpp"
#include "cli/image_output.hpp"
#include "engine/compile/data_plate.hpp"
#include "engine/compile/variational.hpp"
#include "engine/io/data_set.hpp"

namespace pm::cli {
namespace {

constexpr std::size_t kShownRows = 10;

struct EncodeOptions {
  std::string model_path;
  std::vector<std::string> data;
  std::string params_path, output, png_path, reconstruct_path, label_name, image_shape, image_variable;
  std::size_t draws = 1000, reconstruct_count = 16, scale = 4;
  std::uint64_t seed = 1;
  bool json = false;
};

// One local latent's code: mean and sd of datum n, coordinate c at n * columns + c.
struct Encoding {
  std::string name;
  std::size_t rows = 0, columns = 0;
  std::string method;
  std::vector<double> mean, sd;
};

// Whether a node holds one value per element of dims in the same (data_set.hpp) layout.
bool laid_out_as(ad::Node node, const std::vector<std::size_t>& dims) {
  const tensor::Shape shape = node.shape();
  if (shape.event_rank() != shape.rank() || static_cast<std::size_t>(shape.rank()) != dims.size()) return false;
  for (std::size_t k = 0; k < dims.size(); ++k)
    if (shape.dims()[k].size != dims[k]) return false;
  return true;
}

// Runs the program at `parameters` with every noise at 0: each guide draw at its center.
void run_at_center(compile::VariationalModel& model, std::span<const double> parameters) {
  ad::Program& program = *model.model.program;
  std::copy(parameters.begin(), parameters.end(), program.parameters().begin());
  for (ad::Node node : model.noise) std::fill(program.values(node).begin(), program.values(node).end(), 0.0);
  program.forward(false);
}

// data_set.hpp layout (element (n, c) at n + rows * c) -> row-major (n * columns + c).
std::vector<double> by_datum(std::span<const double> values, std::size_t rows) {
  const std::size_t columns = rows == 0 ? 0 : values.size() / rows;
  std::vector<double> out(values.size());
  for (std::size_t n = 0; n < rows; ++n)
    for (std::size_t c = 0; c < columns; ++c) out[n * columns + c] = values[n + rows * c];
  return out;
}

// The closed forms of a normal or lognormal guide draw, read at the center; false when the
// draw is another distribution or its arguments are not laid out as the latent.
bool exact_encoding(compile::VariationalModel& model, const compile::VariationalModel::GuideDraw& draw,
                    const std::vector<std::size_t>& dims, Encoding& encoding) {
  if ((draw.distribution != "normal" && draw.distribution != "lognormal") || draw.arguments.size() != 2) return false;
  ad::Program& program = *model.model.program;
  const std::size_t count = io::element_count(dims);
  std::vector<double> location(count), scale(count);
  for (std::size_t a = 0; a < 2; ++a) {
    std::span<const double> values = program.values(draw.arguments[a]);
    std::vector<double>& out = a == 0 ? location : scale;
    if (values.size() == 1) std::fill(out.begin(), out.end(), values[0]);
    else if (laid_out_as(draw.arguments[a], dims)) std::copy(values.begin(), values.end(), out.begin());
    else return false;
  }
  if (draw.distribution == "lognormal")
    for (std::size_t k = 0; k < count; ++k) {
      const double mean = std::exp(location[k] + 0.5 * scale[k] * scale[k]);
      scale[k] = mean * std::sqrt(std::expm1(scale[k] * scale[k]));
      location[k] = mean;
    }
  encoding.mean = by_datum(location, encoding.rows);
  encoding.sd = by_datum(scale, encoding.rows);
  encoding.method = draw.distribution == "normal" ? "exact (the normal guide's location and scale)"
                                                  : "exact (the lognormal guide's closed-form mean and sd)";
  return true;
}

// Mean and sd over `draws` draws of the guide (Welford's running moments).
void monte_carlo_encoding(compile::VariationalModel& model, const compile::VariationalModel::GuideDraw& draw,
                          std::span<const double> parameters, std::size_t draws, std::uint64_t seed, Encoding& encoding) {
  ad::Program& program = *model.model.program;
  std::copy(parameters.begin(), parameters.end(), program.parameters().begin());
  random::Stream stream = random::Stream(seed).split(11);
  const std::size_t count = program.values(draw.value).size();
  std::vector<double> mean(count, 0.0), squares(count, 0.0);
  for (std::size_t s = 0; s < draws; ++s) {
    model.draw_noise(stream);
    program.forward(false);
    std::span<const double> values = program.values(draw.value);
    for (std::size_t k = 0; k < count; ++k) {
      const double delta = values[k] - mean[k];
      mean[k] += delta / static_cast<double>(s + 1);
      squares[k] += delta * (values[k] - mean[k]);
    }
  }
  for (double& v : squares) v = draws > 1 ? std::sqrt(v / static_cast<double>(draws - 1)) : 0.0;
  encoding.mean = by_datum(mean, encoding.rows);
  encoding.sd = by_datum(squares, encoding.rows);
  encoding.method = fmt::format("Monte Carlo over {} draws of the '{}' guide", draws, draw.distribution);
}

// The labels: --label NAME, or `label` when a JSON data file has it. Empty without labels;
// nullopt after printing why the asked-for labels cannot be used.
std::optional<std::vector<std::int64_t>> read_labels(const EncodeOptions& options, std::size_t rows) {
  const std::string name = options.label_name.empty() ? "label" : options.label_name;
  for (const std::string& argument : options.data) {
    if (argument.size() < 5 || argument.substr(argument.size() - 5) != ".json") continue;
    std::optional<nlohmann::json> file = read_json_file(argument);
    if (!file) return std::nullopt;
    if (!file->is_object() || !file->contains(name)) continue;
    const nlohmann::json& values = (*file)[name];
    std::vector<std::int64_t> labels;
    for (const nlohmann::json& value : values.is_array() ? values : nlohmann::json::array()) {
      if (!value.is_number_integer()) break;
      labels.push_back(value.get<std::int64_t>());
    }
    if (!values.is_array() || labels.size() != rows) {
      std::cerr << "pm: encode: '" << name << "' in " << argument << " must be an array of " << rows
                << " ints, one label per datum\n";
      return std::nullopt;
    }
    std::cerr << "pm: encode: labels: '" << name << "' in " << argument << "\n";
    return labels;
  }
  if (!options.label_name.empty()) {
    std::cerr << "pm: encode: --label " << name << ": no JSON data file (-d) has '" << name << "'\n";
    return std::nullopt;
  }
  return std::vector<std::int64_t>{};
}

std::string encodings_csv(const std::vector<Encoding>& encodings, const std::vector<std::int64_t>& labels,
                          const std::string& label_name) {
  std::ostringstream out;
  std::vector<std::string> header;
  for (const Encoding& encoding : encodings)
    for (const char* part : {"_mean.", "_sd."})
      for (std::size_t c = 0; c < encoding.columns; ++c) header.push_back(encoding.name + part + std::to_string(c + 1));
  if (!labels.empty()) header.push_back(label_name);
  for (std::size_t k = 0; k < header.size(); ++k) out << (k ? "," : "") << header[k];
  out << '\n';
  const std::size_t rows = encodings.front().rows;
  for (std::size_t n = 0; n < rows; ++n) {
    bool first = true;
    for (const Encoding& encoding : encodings)
      for (const std::vector<double>* values : {&encoding.mean, &encoding.sd})
        for (std::size_t c = 0; c < encoding.columns; ++c) {
          out << (first ? "" : ",") << io::format_number((*values)[n * encoding.columns + c]);
          first = false;
        }
    if (!labels.empty()) out << ',' << labels[n];
    out << '\n';
  }
  return out.str();
}

void print_table(const std::vector<Encoding>& encodings, const std::vector<std::int64_t>& labels) {
  for (const Encoding& encoding : encodings) {
    std::cout << fmt::format("{}: {} data x {} coordinates; mean (sd) under the guide\n", encoding.name, encoding.rows,
                             encoding.columns);
    std::cout << fmt::format("{:>7}", "datum") << (labels.empty() ? "" : fmt::format("{:>7}", "label"));
    for (std::size_t c = 0; c < encoding.columns; ++c)
      std::cout << fmt::format("{:>20}", fmt::format("{}.{}", encoding.name, c + 1));
    std::cout << '\n';
    for (std::size_t n = 0; n < encoding.rows && n < kShownRows; ++n) {
      std::cout << fmt::format("{:>7}", n + 1) << (labels.empty() ? "" : fmt::format("{:>7}", labels[n]));
      for (std::size_t c = 0; c < encoding.columns; ++c) {
        const std::size_t k = n * encoding.columns + c;
        std::cout << fmt::format("{:>20}", fmt::format("{:.4g} ({:.3g})", encoding.mean[k], encoding.sd[k]));
      }
      std::cout << '\n';
    }
    if (encoding.rows > kShownRows)
      std::cout << fmt::format("... {} more rows (all of them are in --json and -o FILE.csv)\n", encoding.rows - kShownRows);
    std::cout << "method: " << encoding.method << "\n\n";
  }
}

// The term observing a local data variable as a whole (`x ~ bernoulli_probs(decoder(z))`):
// --image-var, or the only one. Null after printing why.
const compile::FactorTerm* observed_term(const compile::VariationalModel& model, const compile::DataPlate& plate,
                                         const std::string& wanted) {
  std::vector<const compile::FactorTerm*> found;
  for (const compile::FactorTerm& term : model.model.terms) {
    const lang::Stmt* statement = term.statement;
    if (!statement || statement->kind != lang::StmtKind::Tilde || !statement->lhs ||
        statement->lhs->kind != lang::ExprKind::Name)
      continue;
    const std::string& name = statement->lhs->name;
    if (std::find(plate.data.begin(), plate.data.end(), name) == plate.data.end()) continue;
    if (!wanted.empty() && name != wanted) continue;
    found.push_back(&term);
  }
  if (found.size() == 1) return found.front();
  if (found.empty())
    std::cerr << "pm: encode: --reconstruct: no `~` observes " << (wanted.empty() ? "a data matrix" : "'" + wanted + "'")
              << " of the data plate as a whole (x ~ ..., outside any loop)\n";
  else
    std::cerr << "pm: encode: --reconstruct: several data variables are observed: choose one with --image-var\n";
  return nullptr;
}

// The first `count` data above their reconstructions (the program already run at the center).
bool write_reconstruction(const compile::VariationalModel& model, const compile::DataPlate& plate,
                          const io::DataSet& data, const EncodeOptions& options) {
  const compile::FactorTerm* term = observed_term(model, plate, options.image_variable);
  if (!term) return false;
  const std::string& name = term->statement->lhs->name;
  const io::DataValue* observed = data.find(name);
  const std::size_t rows = plate.size, count = std::min(options.reconstruct_count, rows);
  ad::Program& program = *model.model.program;
  std::vector<std::span<const double>> arguments;
  for (std::size_t a = 1; a < term->arguments.size(); ++a) {
    if (program.values(term->arguments[a]).size() != 1 && !laid_out_as(term->arguments[a], observed->dims)) {
      std::cerr << "pm: encode: --reconstruct: the arguments of '" << name << "''s `~` are not shaped like it\n";
      return false;
    }
    arguments.push_back(program.values(term->arguments[a]));
  }
  std::optional<std::vector<double>> mean =
      distribution_mean(term->statement->distribution, arguments, observed->values.size());
  if (!mean) {
    std::cerr << "pm: encode: --reconstruct: no mean of '" << term->statement->distribution << "' here\n";
    return false;
  }
  const std::vector<double> originals = by_datum(observed->values, rows), reconstructions = by_datum(*mean, rows);
  std::string error;
  std::optional<ImageShape> shape = image_shape(originals.size() / rows, options.image_shape, error);
  if (!shape) {
    std::cerr << "pm: encode: --reconstruct: " << error << "\n";
    return false;
  }
  const std::size_t pixels = shape->height * shape->width;
  const GridOptions grid{.scale = options.scale, .columns = std::min<std::size_t>(count, 16)};
  Canvas top = image_grid(std::span(originals).first(count * pixels), count, *shape, grid);
  Canvas bottom = image_grid(std::span(reconstructions).first(count * pixels), count, *shape, grid);
  if (!write_png(stack_vertically(top, bottom, 4), options.reconstruct_path)) return false;
  std::cerr << fmt::format("pm: encode: wrote {}: {} data of '{}' (top) and their reconstructions (bottom)\n",
                           options.reconstruct_path, count, name);
  return true;
}

int run_encode(const EncodeOptions& options) {
  if (options.params_path.empty()) {
    std::cerr << "pm: encode: --params P.json is required (the fitted guide: pm fit --save-params)\n";
    return kExitBadInput;
  }
  if (options.draws == 0 || options.scale == 0 || options.reconstruct_count == 0) {
    std::cerr << "pm: encode: --draws, --scale and --n must be at least 1\n";
    return kExitBadInput;
  }
  std::vector<NamedPath> inputs = data_file_inputs(options.data);
  inputs.push_back({"model", options.model_path});
  inputs.push_back({"--params", options.params_path});
  if (!refuse_overlapping_paths(inputs, {{"-o", options.output}, {"--png", options.png_path}, {"--reconstruct", options.reconstruct_path}}) ||
      !output_directories_exist({options.output, options.png_path, options.reconstruct_path}))
    return kExitBadInput;
  std::optional<PerDatumInput> input = load_per_datum_input(options.model_path, options.data, options.params_path, "encode");
  if (!input) return kExitBadInput;
  const LoadedModel& loaded = *input->loaded;
  const io::DataSet& data = input->data;
  const compile::DataPlate& plate = input->plate;
  lang::Diagnostics diagnostics;
  std::optional<compile::VariationalModel> model = compile::compile_variational(
      loaded.checked, data, {.family = input->family, .discrete_posteriors = false}, diagnostics);
  std::cerr << lang::render_all(*loaded.file, diagnostics);
  if (!model) return kExitBadInput;
  std::optional<std::vector<double>> parameters = saved_guide_parameters(options.params_path, *model, "encode");
  if (!parameters) return kExitBadInput;
  std::optional<std::vector<std::int64_t>> labels = read_labels(options, plate.size);
  if (!labels) return kExitBadInput;
  const std::string label_name = options.label_name.empty() ? "label" : options.label_name;

  // The local latents the guide block draws, with their declared dims.
  run_at_center(*model, *parameters);
  std::vector<Encoding> encodings;
  for (const compile::VariationalModel::GuideDraw& draw : model->guide_draws) {
    if (!plate.is_local(draw.latent)) continue;
    const compile::ParameterSlot* slot = nullptr;
    for (const compile::ParameterSlot& candidate : model->model.slots)
      if (candidate.name == draw.latent) slot = &candidate;
    if (!slot || slot->dims.empty() || slot->dims.front() != plate.size) continue;
    Encoding encoding;
    encoding.name = draw.latent;
    encoding.rows = plate.size;
    encoding.columns = plate.size == 0 ? 0 : io::element_count(slot->dims) / plate.size;
    if (!exact_encoding(*model, draw, slot->dims, encoding)) {
      monte_carlo_encoding(*model, draw, *parameters, options.draws, options.seed, encoding);
      run_at_center(*model, *parameters);
    }
    encodings.push_back(std::move(encoding));
  }
  if (encodings.empty()) {
    std::cerr << "pm: encode: the guide block draws no latent sized by the data plate " << plate.size_name
              << ": there is nothing to encode per datum\n";
    return kExitBadInput;
  }
  if (plate.size == 0) {
    std::cerr << "pm: encode: the data plate " << plate.size_name << " is empty\n";
    return kExitBadInput;
  }
  if (!options.png_path.empty() && encodings.front().columns < 2) {
    std::cerr << "pm: encode: --png plots two coordinates, but '" << encodings.front().name << "' has one per datum\n";
    return kExitBadInput;
  }
  for (const Encoding& encoding : encodings)
    for (std::size_t k = 0; k < encoding.mean.size(); ++k)
      if (!std::isfinite(encoding.mean[k]) || !std::isfinite(encoding.sd[k])) {
        std::cerr << fmt::format("pm: encode: '{}' of datum {} is not finite under the guide (mean {}, sd {})\n",
                                 encoding.name, k / encoding.columns + 1, encoding.mean[k], encoding.sd[k]);
        return kExitInferenceFailed;
      }

  if (options.json) {
    nlohmann::json latents = nlohmann::json::array();
    for (const Encoding& encoding : encodings) {
      nlohmann::json means = nlohmann::json::array(), sds = nlohmann::json::array();
      for (std::size_t n = 0; n < encoding.rows; ++n) {
        auto row = [&](const std::vector<double>& values) {
          return std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(n * encoding.columns),
                                     values.begin() + static_cast<std::ptrdiff_t>((n + 1) * encoding.columns));
        };
        means.push_back(row(encoding.mean));
        sds.push_back(row(encoding.sd));
      }
      latents.push_back({{"name", encoding.name}, {"columns", encoding.columns}, {"method", encoding.method},
                         {"mean", means}, {"sd", sds}});
    }
    nlohmann::json out = {{"rows", plate.size}, {"plate", plate.size_name}, {"latents", latents}};
    if (!labels->empty()) out[label_name] = *labels;
    std::cout << out.dump() << "\n";
  } else {
    print_table(encodings, *labels);
  }
  if (!options.output.empty() && !write_file_atomically(options.output, encodings_csv(encodings, *labels, label_name)))
    return kExitBadInput;
  if (!options.png_path.empty()) {
    const Encoding& first = encodings.front();
    if (first.columns > 2)
      std::cerr << fmt::format("pm: encode: note: '{}' has {} coordinates per datum; the plot shows the first two\n",
                               first.name, first.columns);
    if (labels->empty()) std::cerr << "pm: encode: note: no labels ('" << label_name << "'), so every point has one colour\n";
    std::vector<double> x(first.rows), y(first.rows);
    for (std::size_t n = 0; n < first.rows; ++n) {
      x[n] = first.mean[n * first.columns];
      y[n] = first.mean[n * first.columns + 1];
    }
    if (!write_png(scatter_plot(x, y, *labels, {}), options.png_path)) return kExitBadInput;
    std::cerr << fmt::format("pm: encode: wrote {}: the means of {}.1 (across) and {}.2 (up), {} points\n",
                             options.png_path, first.name, first.name, first.rows);
  }
  if (!options.reconstruct_path.empty() && !write_reconstruction(*model, plate, data, options)) return kExitBadInput;
  return kExitSuccess;
}

}  // namespace

void add_encode_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<EncodeOptions>();
  CLI::App* command = app.add_subcommand("encode", "Each datum's local latents under the fitted guide: mean and sd "
                                                   "(representation learning)");
  command->add_option("model", options->model_path, "the model file (.pm)")->required();
  command->add_option("-d,--data", options->data, "the data to encode: a data file (JSON or CSV), or name=value");
  command->add_option("--params", options->params_path, "the fitted guide (pm fit --method vi --save-params)");
  command->add_option("--draws", options->draws, "Monte Carlo draws for a guide with no closed-form mean and sd")
      ->capture_default_str();
  command->add_option("--seed", options->seed, "seed of the Monte Carlo draws")->check(seed_value())->capture_default_str();
  command->add_flag("--json", options->json, "print {rows, plate, latents: [{name, columns, method, mean, sd}], label}");
  command->add_option("-o,--output", options->output, "one CSV row per datum: z_mean.1.., z_sd.1.., label");
  command->add_option("--png", options->png_path, "a scatter of the first two latent coordinates' means, coloured by label");
  command->add_option("--label", options->label_name, "the int array of labels in the data file (default: label)");
  command->add_option("--reconstruct", options->reconstruct_path,
                      "a PNG of the first --n data (top) above their reconstructions (the mean of x's distribution "
                      "at z = the guide's center)");
  command->add_option("--n", options->reconstruct_count, "--reconstruct: how many data")->capture_default_str();
  command->add_option("--image-var", options->image_variable, "--reconstruct: the observed variable to picture");
  command->add_option("--image-shape", options->image_shape, "each row as an HxW image (default: square)");
  command->add_option("--scale", options->scale, "pixels per value (nearest neighbour)")->capture_default_str();
  command->callback([options, &exit_code] { exit_code = run_encode(*options); });
}

}  // namespace pm::cli
