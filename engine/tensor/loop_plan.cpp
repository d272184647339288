#include "engine/tensor/loop_plan.hpp"

#include <stdexcept>

namespace pm::tensor {

LoopPlan::LoopPlan(const std::vector<std::size_t>& sizes, const std::vector<std::vector<std::size_t>>& strides) {
  operand_count_ = static_cast<int>(strides.size());
  if (operand_count_ > max_operands) throw std::invalid_argument("LoopPlan: too many operands");
  element_count_ = 1;
  for (std::size_t s : sizes) element_count_ *= s;
  rank_ = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 1) continue;  // a size-1 dim moves no operand
    bool merges = rank_ > 0;
    for (int k = 0; k < operand_count_ && merges; ++k) {
      std::size_t previous = strides_[k][rank_ - 1] * sizes_[rank_ - 1];
      merges = strides[k][i] == previous;  // contiguous continuation, or broadcast on both
    }
    if (merges) {
      sizes_[rank_ - 1] *= sizes[i];
      continue;
    }
    sizes_[rank_] = sizes[i];
    for (int k = 0; k < operand_count_; ++k) strides_[k][rank_] = strides[k][i];
    ++rank_;
  }
  if (rank_ == 0) {  // a scalar (or all dims of size 1): one run of one element
    rank_ = 1;
    sizes_[0] = 1;
    for (int k = 0; k < operand_count_; ++k) strides_[k][0] = 0;
  }
  if (element_count_ == 0) sizes_[0] = 0;
}

LoopPlan LoopPlan::over(const Shape& shape, const std::vector<Shape>& operands) {
  std::vector<std::size_t> sizes;
  for (const Dim& d : shape.dims()) sizes.push_back(d.size);
  std::vector<std::vector<std::size_t>> strides;
  for (const Shape& operand : operands) strides.push_back(operand.strides_along(shape));
  return LoopPlan(sizes, strides);
}

void LoopPlan::offsets_at(std::size_t element, std::size_t* offsets) const {
  for (int k = 0; k < operand_count_; ++k) offsets[k] = 0;
  for (int d = 0; d < rank_ && sizes_[d] > 0; ++d) {
    std::size_t index = element % sizes_[d];
    element /= sizes_[d];
    for (int k = 0; k < operand_count_; ++k) offsets[k] += index * strides_[k][d];
  }
}

LoopPlan::Cursor LoopPlan::cursor_at(std::size_t element) const {
  Cursor cursor;
  if (element_count_ == 0 || element == 0) return cursor;  // the start: every counter and offset 0
  cursor.inner = element % sizes_[0];
  element /= sizes_[0];
  for (int d = 1; d < rank_; ++d) {
    cursor.counter[d] = element % sizes_[d];
    element /= sizes_[d];
    for (int k = 0; k < operand_count_; ++k) cursor.offset[k] += cursor.counter[d] * strides_[k][d];
  }
  return cursor;
}

}  // namespace pm::tensor
