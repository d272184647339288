// Shapes of tensors: a list of dimensions, each with an identity and a size.
//
// Identities (see docs/engine.md):
// - event dims are positional: event(0) is the rows (or the only dim) of a vector or
//   matrix value, event(1) its columns. They are always numbered 0..k-1 without gaps;
//   removing one (indexing a row, summing over rows) renumbers the rest.
// - plate dims, plate(i), one per `for` loop or data plate, numbered by the compiler.
// - enumeration dims, enumeration(i), one per enumerated discrete latent.
//
// Every shape keeps its dims in ONE canonical order: event dims first (by position), then
// plate dims (by number), then enumeration dims (by number). The first dim varies fastest
// (column-major), so a matrix is stored as an Eigen column-major matrix, a vector's content
// is contiguous, and a factor shaped (plate N, enumeration K) is contiguous over N.
// Because the order is canonical, two tensors with the same dims always share one layout,
// and broadcasting never transposes: the output of a broadcast holds the union of the
// operands' dims, in canonical order.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace pm::tensor {

enum class DimKind : std::uint8_t { event = 0, plate = 1, enumeration = 2 };

struct DimId {
  DimKind kind = DimKind::event;
  int number = 0;
  auto operator<=>(const DimId&) const = default;
};

inline DimId event(int position) { return {DimKind::event, position}; }
inline DimId plate(int number) { return {DimKind::plate, number}; }
inline DimId enumeration(int number) { return {DimKind::enumeration, number}; }

struct Dim {
  DimId id;
  std::size_t size = 0;
  bool operator==(const Dim&) const = default;
};

// The largest number of dims a tensor may have (loops keep their counters on the stack).
inline constexpr int max_rank = 8;

using DimSet = std::vector<DimId>;

class Shape {
 public:
  Shape() = default;  // a scalar
  // Sorts into canonical order; throws std::invalid_argument on a repeated identity, on
  // event positions with gaps, or on more than max_rank dims.
  Shape(std::vector<Dim> dims);
  Shape(std::initializer_list<Dim> dims) : Shape(std::vector<Dim>(dims)) {}

  static Shape scalar() { return {}; }
  static Shape vector(std::size_t size) { return Shape({Dim{event(0), size}}); }
  static Shape matrix(std::size_t rows, std::size_t cols) {
    return Shape({Dim{event(0), rows}, Dim{event(1), cols}});
  }

  int rank() const { return static_cast<int>(dims_.size()); }
  const Dim& dim(int i) const { return dims_[static_cast<std::size_t>(i)]; }
  const std::vector<Dim>& dims() const { return dims_; }
  std::size_t element_count() const;
  int event_rank() const;
  // Position of the dim with this identity, or -1 when absent.
  int position(DimId id) const;
  bool has(DimId id) const { return position(id) >= 0; }
  std::size_t size_of(DimId id) const;  // 0 when absent
  // Distance in elements between neighbours along dim i.
  std::size_t stride(int i) const;
  // Stride of this shape along each dim of `larger` (0 where this shape lacks the dim).
  std::vector<std::size_t> strides_along(const Shape& larger) const;

  bool operator==(const Shape&) const = default;
  std::string to_string() const;

 private:
  std::vector<Dim> dims_;
};

// The shape of a broadcast: the union of the dims, in canonical order. Dims with the same
// identity must have the same size (throws std::invalid_argument otherwise).
Shape broadcast(const Shape& a, const Shape& b);

// The shape without the listed dims; event dims left are renumbered 0..k-1 in order.
Shape remove_dims(const Shape& shape, const DimSet& removed);

// For each dim of `shape`: the index of the dim of remove_dims(shape, removed) it becomes,
// or -1 when removed.
std::vector<int> kept_dim_positions(const Shape& shape, const DimSet& removed);

std::string to_string(DimId id);

}  // namespace pm::tensor
