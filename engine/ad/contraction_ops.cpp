// The fused elimination step of the discrete-latent contraction (builder.hpp, "fused
// contraction"): out = sum over `summed` of log sum over `eliminated` of exp(sum_t term_t).
//
// As a chain of ops (add per term, log_sum_exp, sum) this is several full passes over the
// (plate, enumeration) tensor forward, and as many backward, each with an adjoint buffer of
// that size zeroed per evaluation. Here the joint J = sum_t term_t is formed once, the
// shifted exponentials e = exp(J - max) are kept when a gradient follows, and backward
// needs no exp at all: with rows r (J without the eliminated dims) and row totals
// s_r = sum e over the row,
//   d out / d J = g_r * exp(J - lse_r) = e * (g_r / s_r),
// the softmax weights of each row times the upstream adjoint g broadcast over the summed
// dims. Each term then receives that product, summed over the dims it lacks (broadcast).
//
// Limits, as log_sum_exp's (reduction_ops.cpp): the shift is the row max clamped to finite
// doubles, so an all -inf row gives -inf with gradient 0 and a +inf entry gives +inf.
//
// The joint J is also an output node, for the Bayes-rule posteriors (compile/posterior.cpp),
// which read it as a value: it carries no gradient, so ops built on it do not run backward.
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"

namespace pm::ad {
namespace {

using namespace detail;

constexpr double infinity = std::numeric_limits<double>::infinity();

bool contains(const DimSet& set, DimId id) { return std::find(set.begin(), set.end(), id) != set.end(); }

class EliminationOp final : public OpBase {
 public:
  EliminationOp(Program& program, const std::vector<Node>& terms, const Shape& joint_shape, const Shape& row_shape,
                const Shape& output_shape, Node joint, Node output)
      : OpBase(program), joint_(joint.index), output_(output.index),
        joint_size_(as_index(joint_shape.element_count())), row_size_(as_index(row_shape.element_count())),
        output_size_(as_index(output_shape.element_count())),
        rows_plan_(tensor::LoopPlan::over(joint_shape, {joint_shape, row_shape})),
        output_plan_(tensor::LoopPlan::over(row_shape, {row_shape, output_shape})) {
    needs_backward = false;
    for (Node term : terms) {
      terms_.push_back({term.index, term.requires_gradient(), tensor::LoopPlan::over(joint_shape, {joint_shape, term.shape()})});
      needs_backward = needs_backward || term.requires_gradient();
    }
    // Blocked layout: the eliminated dims are the joint's last ones, so the joint is
    // `eliminated_count` contiguous copies of the row space and a block of rows is one
    // contiguous range in each copy (see forward_blocked).
    const int row_rank = row_shape.rank();
    blocked_ = row_rank < joint_shape.rank();
    for (int i = 0; i < row_rank && blocked_; ++i) blocked_ = joint_shape.dim(i).id == row_shape.dim(i).id;
    shift_scratch_ = program.add_scratch(row_shape.element_count());
    total_scratch_ = program.add_scratch(row_shape.element_count());
    row_value_scratch_ = program.add_scratch(row_shape.element_count());
    if (needs_backward) weights_scratch_ = program.add_scratch(joint_shape.element_count());
  }
  const char* name() const override { return "log_sum_exp_of_sum"; }

  void forward(bool record_for_gradient) override {
    if (blocked_) {
      forward_blocked(record_for_gradient);
      sum_rows();
      return;
    }
    double* joint = value(joint_);
    form_joint(joint);
    double* shift = program_->scratch_data(shift_scratch_);
    double* total = program_->scratch_data(total_scratch_);
    double* row_value = program_->scratch_data(row_value_scratch_);
    const std::size_t row_stride = rows_plan_.inner_stride(1);

    ArrayMap(shift, row_size_).setConstant(-infinity);
    rows_plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      const Index n = as_index(length);
      ConstArrayMap j(joint + offset[0], n);
      if (row_stride == 0)
        shift[offset[1]] = std::max(shift[offset[1]], j.maxCoeff());
      else
        ArrayMap(shift + offset[1], n) = ArrayMap(shift + offset[1], n).max(j);
    });
    // Finite shifts (see the file comment): all -inf rows give log(0) = -inf, +inf rows +inf.
    ArrayMap shifts(shift, row_size_);
    shifts = shifts.max(-std::numeric_limits<double>::max()).min(std::numeric_limits<double>::max());

    ArrayMap(total, row_size_).setZero();
    double* weights = record_for_gradient && needs_backward ? program_->scratch_data(weights_scratch_) : nullptr;
    rows_plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      const Index n = as_index(length);
      ConstArrayMap j(joint + offset[0], n);
      if (row_stride == 0) {
        if (weights) {
          ArrayMap e(weights + offset[0], n);
          e = (j - shift[offset[1]]).exp();
          total[offset[1]] += e.sum();
        } else {
          total[offset[1]] += (j - shift[offset[1]]).exp().sum();
        }
      } else {
        ConstArrayMap s(shift + offset[1], n);
        if (weights) {
          ArrayMap e(weights + offset[0], n);
          e = (j - s).exp();
          ArrayMap(total + offset[1], n) += e;
        } else {
          ArrayMap(total + offset[1], n) += (j - s).exp();
        }
      }
    });
    ArrayMap(row_value, row_size_) = shifts + ArrayMap(total, row_size_).log();
    sum_rows();
  }

  // output = sum of the row values over the summed dims.
  void sum_rows() {
    const double* row_value = program_->scratch_data(row_value_scratch_);
    double* out = value(output_);
    ArrayMap(out, output_size_).setZero();
    const std::size_t out_stride = output_plan_.inner_stride(1);
    output_plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      accumulate(out + offset[1], out_stride, as_index(length), ConstArrayMap(row_value + offset[0], as_index(length)));
    });
  }

  void backward() override {
    const double* g = adjoint(output_);
    const double* total = program_->scratch_data(total_scratch_);
    // Row coefficients g_r / s_r, kept in the row-value scratch (its values are not needed
    // any more). A row of total 0 (all -inf) has weights 0 and receives nothing.
    double* coefficient = program_->scratch_data(row_value_scratch_);
    const std::size_t out_stride = output_plan_.inner_stride(1);
    output_plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      const Index n = as_index(length);
      with_operand(g + offset[1], out_stride, n, [&](const auto& gv) { ArrayMap(coefficient + offset[0], n) = gv; });
    });
    for (Index r = 0; r < row_size_; ++r) coefficient[r] = total[r] > 0.0 ? coefficient[r] / total[r] : 0.0;

    double* weights = program_->scratch_data(weights_scratch_);
    if (blocked_) {
      backward_blocked(weights, coefficient);
      return;
    }
    // The weights become d out / d J in place: e * coefficient of the row.
    const std::size_t row_stride = rows_plan_.inner_stride(1);
    rows_plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      const Index n = as_index(length);
      ArrayMap e(weights + offset[0], n);
      if (row_stride == 0)
        e *= coefficient[offset[1]];
      else
        e *= ConstArrayMap(coefficient + offset[1], n);
    });
    for (const Term& term : terms_) {
      if (!term.requires_gradient) continue;
      double* term_adjoint = adjoint(term.node);
      const std::size_t term_stride = term.plan.inner_stride(1);
      term.plan.for_each_run([&](const std::size_t* offset, std::size_t length) {
        accumulate(term_adjoint + offset[1], term_stride, as_index(length),
                   ConstArrayMap(weights + offset[0], as_index(length)));
      });
    }
  }

 private:
  struct Term {
    std::uint32_t node;
    bool requires_gradient;
    tensor::LoopPlan plan;  // over the joint, with the term (stride 0 where it lacks a dim)
  };

  // The same passes as the general path, one block of rows at a time: the block's slices
  // of J and of the weights (copies x block rows) stay in cache across the passes instead
  // of streaming the whole (N, K) tensor from memory four times. Flat joint index of row r
  // in copy c: r + row_size * c.
  void forward_blocked(bool record_for_gradient) {
    double* joint = value(joint_);
    double* shift = program_->scratch_data(shift_scratch_);
    double* total = program_->scratch_data(total_scratch_);
    double* row_value = program_->scratch_data(row_value_scratch_);
    double* weights = record_for_gradient && needs_backward ? program_->scratch_data(weights_scratch_) : nullptr;
    const Index copies = row_size_ == 0 ? 0 : joint_size_ / row_size_;
    for (Index first = 0; first < row_size_; first += kBlockRows) {
      const Index rows = std::min(kBlockRows, row_size_ - first);
      ArrayMap block_shift(shift + first, rows), block_total(total + first, rows);
      for (Index c = 0; c < copies; ++c) form_joint_range(joint, first + row_size_ * c, rows);
      block_shift.setConstant(-infinity);
      for (Index c = 0; c < copies; ++c) block_shift = block_shift.max(ConstArrayMap(joint + first + row_size_ * c, rows));
      block_shift = block_shift.max(-std::numeric_limits<double>::max()).min(std::numeric_limits<double>::max());
      block_total.setZero();
      for (Index c = 0; c < copies; ++c) {
        ConstArrayMap j(joint + first + row_size_ * c, rows);
        if (weights) {
          ArrayMap e(weights + first + row_size_ * c, rows);
          e = (j - block_shift).exp();
          block_total += e;
        } else {
          block_total += (j - block_shift).exp();
        }
      }
      ArrayMap(row_value + first, rows) = block_shift + block_total.log();
    }
  }

  void backward_blocked(double* weights, const double* coefficient) {
    const Index copies = row_size_ == 0 ? 0 : joint_size_ / row_size_;
    for (Index first = 0; first < row_size_; first += kBlockRows) {
      const Index rows = std::min(kBlockRows, row_size_ - first);
      ConstArrayMap block_coefficient(coefficient + first, rows);
      for (Index c = 0; c < copies; ++c) ArrayMap(weights + first + row_size_ * c, rows) *= block_coefficient;
      for (const Term& term : terms_) {
        if (!term.requires_gradient) continue;
        double* term_adjoint = adjoint(term.node);
        const std::size_t term_stride = term.plan.inner_stride(1);
        for (Index c = 0; c < copies; ++c) {
          const std::size_t start = static_cast<std::size_t>(first + row_size_ * c);
          tensor::LoopPlan::Cursor cursor = term.plan.cursor_at(start);
          term.plan.for_each_piece(cursor, static_cast<std::size_t>(rows),
                                   [&](const std::size_t* offset, std::size_t length, std::size_t) {
                                     accumulate(term_adjoint + offset[1], term_stride, as_index(length),
                                                ConstArrayMap(weights + offset[0], as_index(length)));
                                   });
        }
      }
    }
  }

  // J[start, start + count) = sum of the terms there.
  void form_joint_range(double* joint, Index start, Index count) {
    bool first = true;
    for (const Term& term : terms_) {
      const double* x = value(term.node);
      const std::size_t stride = term.plan.inner_stride(1);
      tensor::LoopPlan::Cursor cursor = term.plan.cursor_at(static_cast<std::size_t>(start));
      term.plan.for_each_piece(cursor, static_cast<std::size_t>(count),
                               [&](const std::size_t* offset, std::size_t length, std::size_t) {
                                 const Index n = as_index(length);
                                 ArrayMap j(joint + offset[0], n);
                                 if (first) {
                                   if (stride != 0)
                                     j = ConstArrayMap(x + offset[1], n);
                                   else
                                     j.setConstant(x[offset[1]]);
                                 } else {
                                   with_operand(x + offset[1], stride, n, [&](const auto& xv) { j += xv; });
                                 }
                               });
      first = false;
    }
  }

  // J = sum of the terms, each broadcast over the dims it lacks.
  void form_joint(double* joint) {
    bool first = true;
    for (const Term& term : terms_) {
      const double* x = value(term.node);
      const std::size_t stride = term.plan.inner_stride(1);
      term.plan.for_each_run([&](const std::size_t* offset, std::size_t length) {
        const Index n = as_index(length);
        ArrayMap j(joint + offset[0], n);
        if (first) {
          if (stride != 0)
            j = ConstArrayMap(x + offset[1], n);
          else
            j.setConstant(x[offset[1]]);
        } else {
          with_operand(x + offset[1], stride, n, [&](const auto& xv) { j += xv; });
        }
      });
      first = false;
    }
  }

  // Rows per block: 2048 rows x K copies x (J, weights) stay in L2 for small K.
  static constexpr Index kBlockRows = 2048;

  bool blocked_ = false;
  std::uint32_t joint_, output_;
  Index joint_size_, row_size_, output_size_;
  tensor::LoopPlan rows_plan_;    // over the joint, with the rows (stride 0 along eliminated dims)
  tensor::LoopPlan output_plan_;  // over the rows, with the output (stride 0 along summed dims)
  std::vector<Term> terms_;
  std::size_t shift_scratch_ = 0, total_scratch_ = 0, row_value_scratch_ = 0, weights_scratch_ = 0;
};

}  // namespace

Elimination log_sum_exp_of_sum(const std::vector<Node>& terms, const DimSet& eliminated, const DimSet& summed,
                               const Shape& extent) {
  if (terms.empty()) throw std::invalid_argument("log_sum_exp_of_sum: needs at least one term");
  Program& program = *terms.front().program;
  Shape joint_shape = extent;
  for (Node term : terms) {
    same_program(terms.front(), term);
    joint_shape = tensor::broadcast(joint_shape, term.shape());
  }
  for (const DimSet* dims : {&eliminated, &summed})
    for (DimId dim : *dims)
      if (!joint_shape.has(dim))
        throw std::invalid_argument("log_sum_exp_of_sum: " + tensor::to_string(dim) + " is not a dim of the joint " +
                                    joint_shape.to_string());
  for (DimId dim : eliminated)
    if (contains(summed, dim))
      throw std::invalid_argument("log_sum_exp_of_sum: " + tensor::to_string(dim) + " is both eliminated and summed");
  const Shape row_shape = tensor::remove_dims(joint_shape, eliminated);
  const Shape output_shape = tensor::remove_dims(row_shape, summed);
  bool requires_gradient = false;
  for (Node term : terms) requires_gradient = requires_gradient || term.requires_gradient();
  Node joint = program.add_node(joint_shape, false);
  Node output = program.add_node(output_shape, requires_gradient);
  program.add_op(std::make_unique<EliminationOp>(program, terms, joint_shape, row_shape, output_shape, joint, output));
  return {output, joint};
}

}  // namespace pm::ad
