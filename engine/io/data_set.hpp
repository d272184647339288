// The loaded, validated data of a model: one DataValue per declared data variable.
//
// Layout (the contract, matching engine/tensor/shape.hpp where the first dim varies fastest):
// - `dims` lists the array dimensions outermost first, then the vector's size, or the
//   matrix's rows and columns: exactly lang::Type::all_sizes() with the sizes evaluated.
//   A scalar has no dims. (simplex/ordered[K]: one dim K; cholesky_factor_corr[K],
//   corr_matrix[K], cov_matrix[K]: K, K; cholesky_factor_cov[M, N]: M, N.)
// - `values` holds every element in generalized column-major order: the FIRST dim varies
//   fastest. The element with 0-based indices (i0, i1, ..., ik) is at
//       i0 + d0 * (i1 + d1 * (i2 + ... ))
//   so matrix[R, C] X has X[i, j] at i + R * j (Eigen's column-major), and
//   array[N] vector[K] y has y[n][k] at n + N * k: the array index is fastest, each
//   vector element k is a contiguous run of N values (the plate dim N first, as the tensor
//   layer stores a vector indexed by a plate). array[N, D] int x has x[n, d] at n + N * d.
// - ints are stored as doubles holding exact integers (|v| <= 2^53).
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lang/check/type.hpp"

namespace pm::io {

struct DataValue {
  lang::ElementType element = lang::ElementType::Real;
  lang::ShapeKind shape = lang::ShapeKind::Scalar;  // of one array element
  std::size_t array_rank = 0;                       // the first array_rank dims are array dims
  std::vector<std::size_t> dims;
  std::vector<double> values;
  std::string origin;  // where it came from: a file path, "-d", "default", "rows of data.csv"

  bool is_int() const { return element == lang::ElementType::Int; }
  bool is_scalar() const { return dims.empty(); }
  std::size_t size() const { return values.size(); }
  double scalar() const { return values.at(0); }
  // Offset of 0-based indices (one per dim) in `values`.
  std::size_t offset(std::span<const std::size_t> indices) const;
};

struct DataSet {
  std::map<std::string, DataValue, std::less<>> values;
  std::vector<std::string> order;  // declaration order

  const DataValue* find(std::string_view name) const;
};

// The product of dims (1 for a scalar).
std::size_t element_count(std::span<const std::size_t> dims);
// 0-based column-major offset -> 0-based indices.
std::vector<std::size_t> indices_of(std::span<const std::size_t> dims, std::size_t offset);
// "y", "y[3]", "x[2,5]": the element at `offset`, 1-based, brackets (CLI.md).
std::string element_name(std::string_view name, std::span<const std::size_t> dims, std::size_t offset);
// "y[2]" from 0-based leading indices (a prefix of the dims).
std::string prefix_name(std::string_view name, std::span<const std::size_t> indices);
// Shortest text that reads back as the same double: "3", "0.5", "1e+20", "NaN", "inf".
std::string format_number(double value);

}  // namespace pm::io
