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

}  // namespace

nlohmann::json params_to_json(const compile::CompiledModel& model, const std::vector<double>& constrained_values) {
  nlohmann::json out = nlohmann::json::object();
  std::size_t offset = 0;
  for (const compile::ParameterSlot& slot : model.slots) {
    out[slot.name] = nest(slot.dims, constrained_values.data() + offset, 0, 0, 1);
    offset += slot.element_names.size();
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
  return u;
}

}  // namespace pm::infer
