// A loop over the elements of a "driving" shape that walks several operands at once, each
// with its own strides (0 along dims the operand lacks: that is broadcasting, and also how a
// reduction's output is walked). Built once at program-build time; iterating it allocates
// nothing (counters live on the stack).
//
// Dims of size 1 are dropped and neighbouring dims that are contiguous for every operand are
// merged, so same-shape operands give a single run over all elements. The innermost run is
// handed to a callback as (offsets of each operand, run length); the callback reads each
// operand's inner stride from `inner_stride(k)`. When every operand's dims are a subset of
// the driving shape's (canonical order, see shape.hpp), each inner stride is 0 or 1: the
// callback works on a contiguous segment or a single broadcast value, never on a strided one.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include "engine/tensor/shape.hpp"

namespace pm::tensor {

inline constexpr int max_operands = 4;

class LoopPlan {
 public:
  LoopPlan() = default;
  // sizes: the driving shape's dim sizes; strides[k][i]: operand k's stride along dim i.
  LoopPlan(const std::vector<std::size_t>& sizes, const std::vector<std::vector<std::size_t>>& strides);
  // Convenience: drive over `shape`, operands given by their shapes (subsets of `shape`).
  static LoopPlan over(const Shape& shape, const std::vector<Shape>& operands);

  std::size_t element_count() const { return element_count_; }
  std::size_t inner_stride(int operand) const { return strides_[operand][0]; }
  std::size_t run_length() const { return sizes_[0]; }

  // Calls run(const std::size_t* offsets, std::size_t length) once per innermost run.
  template <class Run>
  void for_each_run(Run&& run) const {
    if (element_count_ == 0) return;
    std::array<std::size_t, max_rank> counter{};
    std::array<std::size_t, max_operands> offset{};
    for (;;) {
      run(offset.data(), sizes_[0]);
      int d = 1;
      for (; d < rank_; ++d) {
        for (int k = 0; k < operand_count_; ++k) offset[k] += strides_[k][d];
        if (++counter[d] < sizes_[d]) break;
        for (int k = 0; k < operand_count_; ++k) offset[k] -= strides_[k][d] * sizes_[d];
        counter[d] = 0;
      }
      if (d >= rank_) return;
    }
  }

  // Offsets of each operand at flat element index `element` of the driving shape.
  void offsets_at(std::size_t element, std::size_t* offsets) const;

  // A position inside the loop, for walking an arbitrary range of elements [start, start +
  // count) piece by piece (used to cut the loop into cache-sized blocks).
  struct Cursor {
    std::size_t inner = 0;  // position along the innermost (merged) dim
    std::array<std::size_t, max_rank> counter{};
    std::array<std::size_t, max_operands> offset{};  // at inner = 0
  };
  Cursor cursor_at(std::size_t element) const;
  // Calls piece(const std::size_t* offsets, std::size_t length, std::size_t done) for the
  // next `count` elements, in pieces along the innermost dim (offsets of the piece's first
  // element; `done` elements of the range precede it), and advances the cursor.
  template <class Piece>
  void for_each_piece(Cursor& cursor, std::size_t count, Piece&& piece) const {
    std::array<std::size_t, max_operands> offsets{};
    std::size_t done = 0;
    while (done < count) {
      std::size_t length = std::min(sizes_[0] - cursor.inner, count - done);
      for (int k = 0; k < operand_count_; ++k) offsets[k] = cursor.offset[k] + cursor.inner * strides_[k][0];
      piece(offsets.data(), length, done);
      done += length;
      cursor.inner += length;
      if (cursor.inner < sizes_[0]) continue;
      cursor.inner = 0;
      for (int d = 1; d < rank_; ++d) {
        for (int k = 0; k < operand_count_; ++k) cursor.offset[k] += strides_[k][d];
        if (++cursor.counter[d] < sizes_[d]) break;
        for (int k = 0; k < operand_count_; ++k) cursor.offset[k] -= strides_[k][d] * sizes_[d];
        cursor.counter[d] = 0;
      }
    }
  }

 private:
  int rank_ = 1;
  int operand_count_ = 0;
  std::size_t element_count_ = 1;
  std::array<std::size_t, max_rank> sizes_{1};
  std::array<std::array<std::size_t, max_rank>, max_operands> strides_{};
};

}  // namespace pm::tensor
