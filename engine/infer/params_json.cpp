#include "engine/infer/params_json.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace pm::infer {
namespace {

// The data_set.hpp layout puts the first dim fastest: element (i0, ..., ik) at
// i0 + d0 * (i1 + d1 * (...)). JSON nests the first dim outermost.
nlohmann::json nest(const std::vector<std::size_t>& dims, const double* values, std::size_t level, std::size_t offset,
                    std::size_t stride) {
  if (level == dims.size()) return values[offset];
  nlohmann::json array = nlohmann::json::array();
  for (std::size_t i = 0; i < dims[level]; ++i) array.push_back(nest(dims, values, level + 1, offset + i * stride, stride * dims[level]));
  return array;
}

bool flatten(const nlohmann::json& value, const std::vector<std::size_t>& dims, std::size_t level, std::size_t offset,
             std::size_t stride, std::vector<double>& out) {
  if (level == dims.size()) {
    if (!value.is_number()) return false;
    out[offset] = value.get<double>();
    return true;
  }
  if (!value.is_array() || value.size() != dims[level]) return false;
  for (std::size_t i = 0; i < dims[level]; ++i)
    if (!flatten(value[i], dims, level + 1, offset + i * stride, stride * dims[level], out)) return false;
  return true;
}

std::string shape_text(const std::vector<std::size_t>& dims) {
  if (dims.empty()) return "a number";
  std::string text;
  for (std::size_t d : dims) text += (text.empty() ? "" : " x ") + std::to_string(d);
  return "nested arrays of " + text;
}

bool is_elementwise(const transforms::Transform& transform) {
  using transforms::TransformKind;
  return transform.kind == TransformKind::identity || transform.kind == TransformKind::lower ||
         transform.kind == TransformKind::upper || transform.kind == TransformKind::lower_upper;
}

// Each net layer's saved weight ([n_l][n_{l-1}]) and bias ([n_l]) into its coordinates of u.
bool read_net_weights(const compile::CompiledModel& model, const nlohmann::json& saved, std::vector<double>& u,
                      std::string& error) {
  for (const compile::NetParameters& net : model.nets)
    for (const compile::NetLayer& layer : net.layers) {
      if (auto found = saved.find(layer.weight_name); found != saved.end()) {
        std::vector<double> values(layer.inputs * layer.outputs);
        // flatten() puts the first (outer) index fastest: [j][i] lands at j + n_l * i, which is
        // i + n_{l-1} * j of the stored W^T once read with dims (n_l, n_{l-1}) transposed.
        if (!flatten(*found, {layer.outputs, layer.inputs}, 0, 0, 1, values)) {
          error = fmt::format("'{}' in the init file should be {}", layer.weight_name,
                              shape_text({layer.outputs, layer.inputs}));
          return false;
        }
        for (std::size_t j = 0; j < layer.outputs; ++j)
          for (std::size_t i = 0; i < layer.inputs; ++i)
            u[layer.weight_offset + i + layer.inputs * j] = values[j + layer.outputs * i];
      }
      if (auto found = saved.find(layer.bias_name); found != saved.end()) {
        std::vector<double> values(layer.outputs);
        if (!flatten(*found, {layer.outputs}, 0, 0, 1, values)) {
          error = fmt::format("'{}' in the init file should be {}", layer.bias_name, shape_text({layer.outputs}));
          return false;
        }
        for (std::size_t j = 0; j < layer.outputs; ++j) u[layer.bias_offset + j] = values[j];
      }
    }
  return true;
}

}  // namespace

nlohmann::json params_to_json(const compile::CompiledModel& model, const std::vector<double>& constrained_values) {
  nlohmann::json out = nlohmann::json::object();
  std::size_t offset = 0;
  for (const compile::ParameterSlot& slot : model.slots) {
    out[slot.name] = nest(slot.dims, constrained_values.data() + offset, 0, 0, 1);
    offset += slot.element_names.size();
  }
  // Net weights as W[j][i] (output j, input i) and biases, from the program's last forward
  // pass: optimize() ends with one at the optimum (compile/nets.hpp for the layout).
  for (const compile::NetParameters& net : model.nets)
    for (const compile::NetLayer& layer : net.layers) {
      if (!layer.weight.valid()) continue;
      const std::span<const double> weight = model.program->values(layer.weight);
      const std::span<const double> bias = model.program->values(layer.bias);
      nlohmann::json rows = nlohmann::json::array();
      for (std::size_t j = 0; j < layer.outputs; ++j) {
        nlohmann::json row = nlohmann::json::array();
        for (std::size_t i = 0; i < layer.inputs; ++i) row.push_back(weight[i + layer.inputs * j]);
        rows.push_back(std::move(row));
      }
      out[layer.weight_name] = std::move(rows);
      out[layer.bias_name] = std::vector<double>(bias.begin(), bias.end());
    }
  return out;
}

std::vector<double> unconstrain_params(const compile::CompiledModel& model, const nlohmann::json& saved,
                                       std::string& error) {
  std::vector<double> u(model.dimension(), std::numeric_limits<double>::quiet_NaN());
  if (!saved.is_object()) {
    error = "the init file must hold a JSON object keyed by variable name";
    return {};
  }
  for (const compile::ParameterSlot& slot : model.slots) {
    auto found = saved.find(slot.name);
    if (found == saved.end()) continue;
    std::vector<double> values(slot.element_names.size());
    if (!flatten(*found, slot.dims, 0, 0, 1, values)) {
      error = fmt::format("'{}' in the init file should be {}", slot.name, shape_text(slot.dims));
      return {};
    }
    const transforms::Transform& transform = slot.transform;
    // The transform lays an array of vector-valued copies copy after copy; the data layout
    // puts the array index first (fastest): transpose back (compile_model.cpp, constrain_slot).
    std::vector<double> event_major = values;
    if (!is_elementwise(transform) && transform.count > 1) {
      if (slot.dims.size() != 2) {
        error = fmt::format("'{}': initializing arrays of matrix-valued variables is not supported", slot.name);
        return {};
      }
      std::size_t count = transform.count, rows = transform.rows;
      for (std::size_t c = 0; c < count; ++c)
        for (std::size_t k = 0; k < rows; ++k) event_major[c * rows + k] = values[c + count * k];
    }
    transforms::Bounds bounds{slot.lower_bounds, slot.upper_bounds};
    if (!transform.unconstrain(event_major.data(), u.data() + slot.offset, bounds)) {
      error = fmt::format("'{}' in the init file is outside its declared support (or on its boundary)", slot.name);
      return {};
    }
  }
  if (!read_net_weights(model, saved, u, error)) return {};
  return u;
}

}  // namespace pm::infer
