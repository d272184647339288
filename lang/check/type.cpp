#include "lang/check/type.hpp"

namespace pm::lang {

Size Size::of(std::int64_t value) {
  Size size;
  size.text = std::to_string(value);
  size.literal = value;
  return size;
}

namespace {

// A literal against a symbolic size whose data int was declared with bounds.
bool outside_bounds(const Size& literal, const Size& symbolic) {
  if (!literal.literal || symbolic.literal) return false;
  if (symbolic.at_least && *literal.literal < *symbolic.at_least) return true;
  if (symbolic.at_most && *literal.literal > *symbolic.at_most) return true;
  return false;
}

}  // namespace

bool provably_different(const Size& a, const Size& b) {
  if (a.literal && b.literal) return *a.literal != *b.literal;
  return outside_bounds(a, b) || outside_bounds(b, a);
}

Type Type::failed() {
  Type type;
  type.error = true;
  return type;
}

Type Type::int_scalar() {
  Type type;
  type.element = ElementType::Int;
  return type;
}

Type Type::real_scalar() { return Type{}; }

Type Type::of_shape(ShapeKind shape, std::vector<Size> sizes) {
  Type type;
  type.shape = shape;
  type.shape_sizes = std::move(sizes);
  return type;
}

std::vector<Size> Type::all_sizes() const {
  std::vector<Size> sizes = array_sizes;
  sizes.insert(sizes.end(), shape_sizes.begin(), shape_sizes.end());
  return sizes;
}

Type Type::element_type() const {
  Type inner = *this;
  if (!inner.array_sizes.empty()) {
    inner.array_sizes.erase(inner.array_sizes.begin());
  } else if (shape == ShapeKind::Matrix) {
    inner.shape = ShapeKind::RowVector;
    inner.shape_sizes = {shape_sizes[1]};
  } else {
    inner.shape = ShapeKind::Scalar;
    inner.shape_sizes.clear();
  }
  return inner;
}

Type Type::with_element(ElementType new_element) const {
  Type changed = *this;
  changed.element = new_element;
  return changed;
}

namespace {

std::string size_list(const std::vector<Size>& sizes, bool with_text) {
  std::string text;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (i > 0) text += with_text ? ", " : ",";
    if (with_text) text += sizes[i].known() ? sizes[i].text : "?";
  }
  return text;
}

std::string format(const Type& type, bool with_sizes) {
  if (type.error) return "<error>";
  std::string base;
  switch (type.shape) {
    case ShapeKind::Scalar: base = type.element == ElementType::Int ? "int" : "real"; break;
    case ShapeKind::Vector: base = "vector"; break;
    case ShapeKind::RowVector: base = "row_vector"; break;
    case ShapeKind::Matrix: base = "matrix"; break;
  }
  if (type.shape != ShapeKind::Scalar && with_sizes) base += "[" + size_list(type.shape_sizes, true) + "]";
  if (type.array_sizes.empty()) return base;
  return "array[" + size_list(type.array_sizes, with_sizes) + "] " + base;
}

}  // namespace

std::string to_string(const Type& type) { return format(type, true); }
std::string kind_name(const Type& type) { return format(type, false); }

bool same_shape_kind(const Type& a, const Type& b) {
  return a.shape == b.shape && a.array_sizes.size() == b.array_sizes.size();
}

}  // namespace pm::lang
