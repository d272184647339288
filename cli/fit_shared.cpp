// The pieces of fit_command.hpp that `pm fit --method vi` shares with evidence, score,
// encode and map / mle: saved guide parameters (--save-params, --init, --params), the generated
// block, the guide's label and the VI summary rows. Split from fit_variational.cpp, which keeps
// the fit itself and its report.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/fit_command.hpp"
#include "engine/compile/data_plate.hpp"
#include "engine/compile/simulate.hpp"
#include "engine/compile/variational.hpp"
#include "engine/infer/params_json.hpp"

namespace pm::cli {

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
