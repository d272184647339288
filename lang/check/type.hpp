// The checker's types: an element type (int or real), a shape (scalar, vector, row_vector,
// matrix) and array dimensions, each size SYMBOLIC (the text of an expression over data and
// literals, with its literal value when it has one).
//
// Sizes are compared only where a difference is provable (LANGUAGE.md "Shapes and
// broadcasting"): two different literals, or a literal outside the declared bounds of the
// data int that is the other size (`int<lower=3> K` cannot equal 2). Everything else is
// checked when data loads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stdlib/signatures/signature.hpp"

namespace pm::lang {

using stdlib::ElementType;
using stdlib::ShapeKind;

struct Size {
  std::string text;                     // "N", "N - 1", "8"; empty when unknown
  std::optional<std::int64_t> literal;  // its value when it is a constant
  std::optional<std::int64_t> at_least; // declared bounds of the data int named alone
  std::optional<std::int64_t> at_most;

  static Size unknown() { return {}; }
  static Size of(std::int64_t value);
  bool known() const { return !text.empty(); }
};

// True only when a and b cannot be equal whatever the data.
bool provably_different(const Size& a, const Size& b);

struct Type {
  bool error = false;  // an ill-typed expression, already reported: silences follow-up errors
  ElementType element = ElementType::Real;
  ShapeKind shape = ShapeKind::Scalar;
  std::vector<Size> array_sizes;  // outermost first
  std::vector<Size> shape_sizes;  // vector/row_vector: 1, matrix: 2 (rows, columns)

  static Type failed();
  static Type int_scalar();
  static Type real_scalar();
  static Type of_shape(ShapeKind shape, std::vector<Size> sizes);

  bool is_array() const { return !array_sizes.empty(); }
  bool is_scalar() const { return !error && !is_array() && shape == ShapeKind::Scalar; }
  bool is_int() const { return element == ElementType::Int; }
  bool is_int_scalar() const { return is_scalar() && is_int(); }
  // Array dimensions plus vector/matrix dimensions.
  std::size_t rank() const { return array_sizes.size() + shape_sizes.size(); }
  // All sizes, arrays first: the positional event dimensions.
  std::vector<Size> all_sizes() const;
  // The type of one element of the outermost array (or of a vector/matrix row).
  Type element_type() const;
  Type with_element(ElementType new_element) const;
};

// "int", "real", "vector[J]", "matrix[N, 8]", "array[N] int", "array[N, D] vector[K]".
std::string to_string(const Type& type);
// "array[N] int" -> "array[] int": the type without sizes, for overload lists.
std::string kind_name(const Type& type);

bool same_shape_kind(const Type& a, const Type& b);  // shape and number of array dims agree

}  // namespace pm::lang
