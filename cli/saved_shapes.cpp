// Saved params (--params, --init) against the model they are read into (issue 15): a value of
// another shape (weights of width 128 into a width-100 net, D = 64 into D = 63) was silently
// truncated. Each value's nested-array shape must be the model's, and a saved guide's
// parameters of one variable must number as the model's guide has them.
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "cli/common.hpp"

namespace pm::cli {
namespace {

// Outermost first: 3 -> {}, [1, 2] -> {2}, [[1, 2], [3, 4], [5, 6]] -> {3, 2}. A ragged array
// takes its first element's shape (the reader then reports the ragged element itself).
std::vector<std::size_t> json_shape(const nlohmann::json& value) {
  std::vector<std::size_t> shape;
  for (const nlohmann::json* level = &value; level->is_array(); level = &(*level)[0]) {
    shape.push_back(level->size());
    if (level->empty()) break;
  }
  return shape;
}

std::string shape_words(const std::vector<std::size_t>& dims) {
  if (dims.empty()) return "a number";
  std::string text;
  for (std::size_t d : dims) text += (text.empty() ? "" : ", ") + std::to_string(d);
  return "[" + text + "]";
}

// "loc[4]" -> "loc"; "omega" -> "omega".
std::string base_name(const std::string& element) { return element.substr(0, element.find('[')); }

// "sample: " before the path, or nothing (fit's messages about --init name only the file).
std::string prefix(std::string_view command) { return command.empty() ? "" : std::string(command) + ": "; }

}  // namespace

bool saved_value_fits(const std::string& path, std::string_view command, const std::string& name,
                      const nlohmann::json& value, const std::vector<std::size_t>& dims) {
  const std::vector<std::size_t> shape = json_shape(value);
  if (shape == dims) return true;
  std::cerr << fmt::format(
      "pm: {}{}: '{}' is {} in the file but {} in this model: the params were saved from a model of another "
      "shape (fit this model, or give the data of the fitted one)\n",
      prefix(command), path, name, shape_words(shape), shape_words(dims));
  return false;
}

bool saved_params_fit_model(const nlohmann::json& saved, const compile::CompiledModel& model, const std::string& path,
                            std::string_view command, const std::vector<std::string>& guide_parameter_names,
                            const std::string& guide_family) {
  if (!saved.is_object()) return true;  // the readers say what a file must hold
  for (const compile::ParameterSlot& slot : model.slots)
    if (auto found = saved.find(slot.name); found != saved.end())
      if (!saved_value_fits(path, command, slot.name, *found, slot.dims)) return false;
  for (const compile::NetParameters& net : model.nets)
    for (const compile::NetLayer& layer : net.layers) {
      if (auto found = saved.find(layer.weight_name); found != saved.end())
        if (!saved_value_fits(path, command, layer.weight_name, *found, {layer.outputs, layer.inputs})) return false;
      if (auto found = saved.find(layer.bias_name); found != saved.end())
        if (!saved_value_fits(path, command, layer.bias_name, *found, {layer.outputs})) return false;
    }
  // A saved guide of the same family: its parameters, element by element ("loc[1]", ...).
  auto guide = saved.find("__guide__");
  if (guide_parameter_names.empty() || guide == saved.end() || !guide->is_object() ||
      guide->value("family", "") != guide_family || !guide->contains("parameters") ||
      !(*guide)["parameters"].is_object())
    return true;
  std::map<std::string, std::size_t> in_model, in_file;
  for (const std::string& name : guide_parameter_names) ++in_model[base_name(name)];
  for (const auto& [name, value] : (*guide)["parameters"].items()) ++in_file[base_name(name)];
  for (const auto& [base, count] : in_file) {
    auto model_count = in_model.find(base);
    if (model_count == in_model.end() || model_count->second == count) continue;
    std::cerr << fmt::format(
        "pm: {}{}: the guide parameter '{}' has {} entries in the file but {} in this model's guide: the params "
        "were saved from a model of another shape\n",
        prefix(command), path, base, count, model_count->second);
    return false;
  }
  return true;
}

}  // namespace pm::cli
