#include "engine/tensor/shape.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace pm::tensor {

Shape::Shape(std::vector<Dim> dims) : dims_(std::move(dims)) {
  std::sort(dims_.begin(), dims_.end(), [](const Dim& a, const Dim& b) { return a.id < b.id; });
  if (static_cast<int>(dims_.size()) > max_rank)
    throw std::invalid_argument(fmt::format("shape {} has more than {} dims", to_string(), max_rank));
  int expected_event = 0;
  for (std::size_t i = 0; i < dims_.size(); ++i) {
    if (i > 0 && dims_[i].id == dims_[i - 1].id)
      throw std::invalid_argument(fmt::format("shape {}: dim {} repeated", to_string(),
                                              pm::tensor::to_string(dims_[i].id)));
    if (dims_[i].id.kind == DimKind::event && dims_[i].id.number != expected_event++)
      throw std::invalid_argument(fmt::format("shape {}: event dims must be numbered 0..k-1", to_string()));
  }
}

std::size_t Shape::element_count() const {
  std::size_t count = 1;
  for (const Dim& d : dims_) count *= d.size;
  return count;
}

int Shape::event_rank() const {
  int count = 0;
  for (const Dim& d : dims_) count += d.id.kind == DimKind::event;
  return count;
}

int Shape::position(DimId id) const {
  for (int i = 0; i < rank(); ++i)
    if (dims_[static_cast<std::size_t>(i)].id == id) return i;
  return -1;
}

std::size_t Shape::size_of(DimId id) const {
  int p = position(id);
  return p < 0 ? 0 : dim(p).size;
}

std::size_t Shape::stride(int i) const {
  std::size_t s = 1;
  for (int k = 0; k < i; ++k) s *= dim(k).size;
  return s;
}

std::vector<std::size_t> Shape::strides_along(const Shape& larger) const {
  std::vector<std::size_t> strides(static_cast<std::size_t>(larger.rank()), 0);
  for (int i = 0; i < larger.rank(); ++i) {
    int p = position(larger.dim(i).id);
    if (p >= 0) strides[static_cast<std::size_t>(i)] = stride(p);
  }
  return strides;
}

std::string Shape::to_string() const {
  std::string text = "(";
  for (std::size_t i = 0; i < dims_.size(); ++i) {
    if (i) text += ", ";
    text += fmt::format("{}: {}", pm::tensor::to_string(dims_[i].id), dims_[i].size);
  }
  return text + ")";
}

Shape broadcast(const Shape& a, const Shape& b) {
  std::vector<Dim> dims = a.dims();
  for (const Dim& d : b.dims()) {
    int p = a.position(d.id);
    if (p < 0) {
      dims.push_back(d);
    } else if (a.dim(p).size != d.size) {
      throw std::invalid_argument(fmt::format("cannot broadcast {} with {}: dim {} has sizes {} and {}",
                                              a.to_string(), b.to_string(), to_string(d.id),
                                              a.dim(p).size, d.size));
    }
  }
  return Shape(std::move(dims));
}

std::vector<int> kept_dim_positions(const Shape& shape, const DimSet& removed) {
  std::vector<int> kept;
  int next = 0;
  for (const Dim& d : shape.dims()) {
    bool is_removed = std::find(removed.begin(), removed.end(), d.id) != removed.end();
    kept.push_back(is_removed ? -1 : next++);
  }
  return kept;
}

Shape remove_dims(const Shape& shape, const DimSet& removed) {
  for (DimId id : removed)
    if (!shape.has(id))
      throw std::invalid_argument(fmt::format("shape {} has no dim {}", shape.to_string(), to_string(id)));
  std::vector<Dim> dims;
  int next_event = 0;
  for (const Dim& d : shape.dims()) {
    if (std::find(removed.begin(), removed.end(), d.id) != removed.end()) continue;
    Dim kept = d;
    if (kept.id.kind == DimKind::event) kept.id.number = next_event++;
    dims.push_back(kept);
  }
  return Shape(std::move(dims));
}

std::string to_string(DimId id) {
  switch (id.kind) {
    case DimKind::event: return fmt::format("event{}", id.number);
    case DimKind::plate: return fmt::format("plate{}", id.number);
    case DimKind::enumeration: return fmt::format("enum{}", id.number);
  }
  return "?";
}

}  // namespace pm::tensor
