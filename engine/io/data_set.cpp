#include "engine/io/data_set.hpp"

#include <charconv>
#include <cmath>

namespace pm::io {

std::size_t DataValue::offset(std::span<const std::size_t> indices) const {
  std::size_t result = 0;
  std::size_t stride = 1;
  for (std::size_t k = 0; k < dims.size() && k < indices.size(); ++k) {
    result += indices[k] * stride;
    stride *= dims[k];
  }
  return result;
}

const DataValue* DataSet::find(std::string_view name) const {
  auto found = values.find(name);
  return found == values.end() ? nullptr : &found->second;
}

std::size_t element_count(std::span<const std::size_t> dims) {
  std::size_t count = 1;
  for (std::size_t d : dims) count *= d;
  return count;
}

std::vector<std::size_t> indices_of(std::span<const std::size_t> dims, std::size_t offset) {
  std::vector<std::size_t> indices(dims.size());
  for (std::size_t k = 0; k < dims.size(); ++k) {
    indices[k] = dims[k] == 0 ? 0 : offset % dims[k];
    offset = dims[k] == 0 ? 0 : offset / dims[k];
  }
  return indices;
}

std::string prefix_name(std::string_view name, std::span<const std::size_t> indices) {
  std::string text(name);
  if (indices.empty()) return text;
  text += '[';
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (k > 0) text += ',';
    text += std::to_string(indices[k] + 1);
  }
  text += ']';
  return text;
}

std::string element_name(std::string_view name, std::span<const std::size_t> dims, std::size_t offset) {
  std::vector<std::size_t> indices = indices_of(dims, offset);
  return prefix_name(name, indices);
}

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc()) return std::to_string(value);
  return std::string(buffer, end);
}

}  // namespace pm::io
