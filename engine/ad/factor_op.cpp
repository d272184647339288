// The factor op: elementwise log densities of a distribution kernel (kernel.hpp) over the
// broadcast of its arguments' element dims, optionally summed over some of those dims.
//
// The element range is cut into blocks of `block_size` elements (small enough that every
// argument's block, the densities and the partials stay in L1/L2). Per block, each argument
// is handed to the kernel as a contiguous array: a pointer into the argument itself when its
// element dims are the factor's (the common case: data y, a linear predictor), otherwise a
// copy into preallocated scratch (a scalar repeated, or a (K) parameter expanded over an
// (N, K) block run by run, so the inner loop stays contiguous over N).
// A scratch argument that holds one value over the whole block (a broadcast scalar; a (K)
// parameter on a block inside one component) is flagged KernelArg::uniform, so that a kernel
// can compute its functions once per block (normal: 1 / sigma, log sigma); a broadcast
// scalar's scratch is filled once per pass, not per block.
//
// Gradient, two regimes:
// - Output summed to one value (the usual `y ~ dist(...)`): the upstream adjoint is one
//   number g, so forward(record) already reduces each block's partials onto each argument's
//   shape ("reduced partials", preallocated); backward adds g * reduced partials. One pass.
//   Here the op offers kernels the summed-partials shortcut (kernel.hpp): for a uniform
//   argument, the kernel may return the block's sum of partials, added to its one target.
// - Otherwise (e.g. a mixture's per-component densities, shaped (N, K)): backward calls the
//   kernel again per block with partials and combines them at once with the upstream
//   adjoints gathered for the block: no per-element partial buffers are kept.
#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"

namespace pm::ad {
namespace {

using namespace detail;

// Element dims of one argument: its shape without the event dims that form one event.
Shape element_shape_of(const FactorArgument& argument) {
  const Shape& shape = argument.value.shape();
  if (argument.event_rank < 0 || argument.event_rank > shape.event_rank())
    throw std::invalid_argument(fmt::format("log_density: argument of shape {} has no {} event dims",
                                            shape.to_string(), argument.event_rank));
  DimSet event_dims;
  for (int e = 0; e < argument.event_rank; ++e) event_dims.push_back(tensor::event(e));
  return tensor::remove_dims(shape, event_dims);
}

// A plan over the factor's elements walking one operand with the given per-element strides.
tensor::LoopPlan element_plan(const Shape& elements, const Shape& operand_elements, std::size_t event_size) {
  std::vector<std::size_t> sizes, strides = operand_elements.strides_along(elements);
  for (const tensor::Dim& d : elements.dims()) sizes.push_back(d.size);
  for (std::size_t& s : strides) s *= event_size;
  return tensor::LoopPlan(sizes, {strides});
}

class FactorOp final : public OpBase {
 public:
  FactorOp(Program& program, LogDensityKernel kernel, const std::vector<FactorArgument>& arguments,
           const Shape& elements, const std::vector<int>& summed_positions, Node output)
      : OpBase(program), kernel_(kernel), output_(output.index), element_count_(elements.element_count()) {
    std::size_t largest_event = 1;
    for (const FactorArgument& a : arguments) largest_event = std::max(largest_event, event_size_of(a));
    // ~4096 doubles per argument block: 32 KiB, so a block of every array stays in L2.
    block_size_ = std::max<std::size_t>(1, std::min<std::size_t>(1024, 4096 / largest_event));
    needs_backward = false;
    for (const FactorArgument& a : arguments) {
      Argument arg;
      arg.node = a.value.index;
      arg.event_size = event_size_of(a);
      Shape own_elements = element_shape_of(a);
      arg.direct = own_elements == elements;
      arg.broadcast_event = own_elements.element_count() == 1 && arg.event_size > 1;
      arg.plan = element_plan(elements, own_elements, arg.event_size);
      arg.uniform = !arg.direct && arg.event_size == 1 && own_elements.element_count() == 1;
      if (!arg.direct && !arg.broadcast_event) arg.scratch = program.add_scratch(block_size_ * arg.event_size);
      arg.wants_gradient = a.value.requires_gradient();
      if (arg.wants_gradient) {
        needs_backward = true;
        arg.partial_scratch = program.add_scratch(block_size_ * arg.event_size);
      }
      arguments_.push_back(arg);
    }
    const Shape& output_shape = output.shape();
    output_is_elements_ = output_shape == elements;
    output_is_scalar_ = output_shape.element_count() == 1 && !output_is_elements_;
    // Output strides along the element dims (0 on summed dims); the summed dims are gone
    // from the output and the event dims among the kept ones were renumbered, so map by
    // position rather than by identity.
    {
      std::vector<std::size_t> sizes, strides;
      int kept = 0;
      for (int i = 0; i < elements.rank(); ++i) {
        sizes.push_back(elements.dim(i).size);
        bool summed = std::find(summed_positions.begin(), summed_positions.end(), i) != summed_positions.end();
        strides.push_back(summed ? 0 : output_shape.stride(kept++));
      }
      output_plan_ = tensor::LoopPlan(sizes, {strides});
    }
    density_scratch_ = program.add_scratch(block_size_);
    upstream_scratch_ = program.add_scratch(block_size_);
    if (output_is_scalar_)
      for (Argument& arg : arguments_)
        if (arg.wants_gradient)
          arg.reduced_partials = program.add_scratch(program.shape(Node{&program, arg.node}).element_count());
    kernel_args_.resize(arguments_.size());
    partial_pointers_.resize(arguments_.size());
    summed_partials_ = std::make_unique<bool[]>(arguments_.size());
  }

  const char* name() const override { return "log_density"; }

  void forward(bool record_for_gradient) override {
    bool reduce_partials = record_for_gradient && output_is_scalar_ && needs_backward;
    double* output = value(output_);
    if (!output_is_elements_) std::fill(output, output + program_->shape(Node{program_, output_}).element_count(), 0.0);
    if (reduce_partials)
      for (Argument& arg : arguments_)
        if (arg.wants_gradient) ArrayMap(program_->scratch_data(arg.reduced_partials), argument_size(arg)).setZero();
    for_each_block([&](std::size_t start, std::size_t count) {
      double* densities = output_is_elements_ ? output + start : program_->scratch_data(density_scratch_);
      call_kernel(count, densities, reduce_partials, reduce_partials);
      if (!output_is_elements_) {
        output_plan_.for_each_piece(output_cursors_, count, [&](const std::size_t* offset, std::size_t length, std::size_t done) {
          accumulate(output + offset[0], output_plan_.inner_stride(0), as_index(length),
                     ConstArrayMap(densities + done, as_index(length)));
        });
      }
      if (reduce_partials) {
        for (std::size_t a = 0; a < arguments_.size(); ++a) {
          Argument& arg = arguments_[a];
          if (!arg.wants_gradient) continue;
          if (summed_partials_[a])  // the kernel summed the block (uniform: one target)
            program_->scratch_data(arg.reduced_partials)[arg.uniform_offset] += program_->scratch_data(arg.partial_scratch)[0];
          else
            scatter_add(arg, program_->scratch_data(arg.reduced_partials), arg.cursor_backup, count,
                        program_->scratch_data(arg.partial_scratch));
        }
      }
    });
  }

  void backward() override {
    const double* g = adjoint(output_);
    if (output_is_scalar_) {
      // Partials were reduced in the forward pass; the upstream adjoint is one number.
      for (Argument& arg : arguments_) {
        if (!arg.wants_gradient) continue;
        Index n = as_index(argument_size(arg));
        accumulate_masked(adjoint(arg.node), 1, n, Eigen::ArrayXd::Constant(n, g[0]),
                          ConstArrayMap(program_->scratch_data(arg.reduced_partials), n));
      }
      return;
    }
    for_each_block([&](std::size_t start, std::size_t count) {
      call_kernel(count, program_->scratch_data(density_scratch_), true, false);
      // Upstream adjoint per element of the block, then partial * adjoint onto arguments.
      const double* upstream = g + start;
      if (!output_is_elements_) {
        double* gathered = program_->scratch_data(upstream_scratch_);
        output_plan_.for_each_piece(output_cursors_, count, [&](const std::size_t* offset, std::size_t length, std::size_t done) {
          with_operand(g + offset[0], output_plan_.inner_stride(0), as_index(length),
                       [&](const auto& values) { ArrayMap(gathered + done, as_index(length)) = values; });
        });
        upstream = gathered;
      }
      for (Argument& arg : arguments_) {
        if (!arg.wants_gradient) continue;
        double* partials = program_->scratch_data(arg.partial_scratch);
        // partials[j * event_size + e] *= upstream[j], and 0 where upstream[j] == 0 (masked,
        // as accumulate_masked: a NaN or inf partial behind a zero adjoint contributes 0).
        const Index events = as_index(arg.event_size);
        Eigen::Map<Eigen::ArrayXXd> by_element(partials, events, as_index(count));
        ConstArrayMap upstream_block(upstream, as_index(count));
        if (events == 1)
          ArrayMap(partials, as_index(count)) *= upstream_block;
        else
          by_element.rowwise() *= upstream_block.transpose();
        if (!std::isfinite(by_element.sum()))
          for (Index j = 0; j < as_index(count); ++j)
            if (upstream_block[j] == 0.0) by_element.col(j).setZero();
        scatter_add(arg, adjoint(arg.node), arg.cursor_backup, count, partials);
      }
    });
  }

 private:
  struct Argument {
    std::uint32_t node = 0;
    std::size_t event_size = 1;
    bool direct = false;           // element dims equal the factor's: pass a pointer
    bool broadcast_event = false;  // one event for every element (KernelArg::broadcast)
    bool wants_gradient = false;
    bool uniform = false;          // one scalar broadcast over every element (KernelArg::uniform)
    std::size_t filled = 0;        // uniform: leading scratch values already holding it, this pass
    std::size_t uniform_offset = 0;  // where a uniform block's value (and partial sum) lives
    tensor::LoopPlan plan;
    tensor::LoopPlan::Cursor cursor, cursor_backup;
    std::size_t scratch = 0, partial_scratch = 0, reduced_partials = 0;
  };

  static std::size_t event_size_of(const FactorArgument& a) {
    std::size_t size = 1;
    const Shape& shape = a.value.shape();
    for (int e = 0; e < a.event_rank; ++e) size *= shape.size_of(tensor::event(e));
    return size;
  }
  std::size_t argument_size(const Argument& arg) const {
    return program_->shape(Node{program_, arg.node}).element_count();
  }

  // Runs body(start, count) over the blocks, keeping every cursor in step.
  template <class Body>
  void for_each_block(Body&& body) {
    output_cursors_ = output_plan_.cursor_at(0);
    for (Argument& arg : arguments_) {
      arg.cursor = arg.plan.cursor_at(0);
      arg.filled = 0;  // values may have changed since the last pass
    }
    for (std::size_t start = 0; start < element_count_; start += block_size_) {
      std::size_t count = std::min(block_size_, element_count_ - start);
      body(start, count);
    }
  }

  // Fills kernel_args_ for the block at the arguments' cursors (advancing them) and calls
  // the kernel; partials go to each gradient argument's partial scratch when wanted.
  // allow_sums: the caller only needs block sums of the partials of uniform arguments, so the
  // kernel may return those (kernel.hpp); summed_partials_ says which it did.
  void call_kernel(std::size_t count, double* densities, bool with_partials, bool allow_sums) {
    for (std::size_t a = 0; a < arguments_.size(); ++a) {
      Argument& arg = arguments_[a];
      const double* data = value(arg.node);
      KernelArg& k = kernel_args_[a];
      k.event_size = arg.event_size;
      k.broadcast = arg.broadcast_event;
      arg.cursor_backup = arg.cursor;
      k.uniform = arg.uniform;
      arg.uniform_offset = 0;
      summed_partials_[a] = false;
      if (arg.broadcast_event) {
        k.data = data;
      } else if (arg.uniform) {
        // The scratch keeps the value from the previous block of this pass: fill it once.
        double* block = program_->scratch_data(arg.scratch);
        if (arg.filled < count) {
          std::fill_n(block, count, data[0]);
          arg.filled = count;
        }
        arg.plan.for_each_piece(arg.cursor, count, [](const std::size_t*, std::size_t, std::size_t) {});
        k.data = block;
      } else if (arg.direct) {
        std::size_t start = arg.cursor.offset[0] + arg.cursor.inner * arg.plan.inner_stride(0);
        k.data = data + start;
        arg.plan.for_each_piece(arg.cursor, count, [](const std::size_t*, std::size_t, std::size_t) {});
      } else {
        double* block = program_->scratch_data(arg.scratch);
        const std::size_t event = arg.event_size;
        arg.plan.for_each_piece(arg.cursor, count, [&](const std::size_t* offset, std::size_t length, std::size_t done) {
          if (arg.plan.inner_stride(0) != 0) {
            std::copy_n(data + offset[0], length * event, block + done * event);
          } else if (event == 1) {
            std::fill_n(block + done, length, data[offset[0]]);
            // One run over the whole block (a (K) parameter over a (N, K) block inside one
            // component): uniform for this block, its partials' sum belongs to offset[0].
            if (length == count) {
              k.uniform = true;
              arg.uniform_offset = offset[0];
            }
          } else {
            for (std::size_t j = 0; j < length; ++j) std::copy_n(data + offset[0], event, block + (done + j) * event);
          }
        });
        k.data = block;
      }
      partial_pointers_[a] = with_partials && arg.wants_gradient ? program_->scratch_data(arg.partial_scratch) : nullptr;
    }
    KernelCall call;
    call.count = count;
    call.args = kernel_args_.data();
    call.arg_count = kernel_args_.size();
    call.summed_partials = allow_sums ? summed_partials_.get() : nullptr;
    kernel_(call, densities, partial_pointers_.data());
  }

  // target[arg offset of element j] += contributions[j] (event-wise), for the block that
  // starts at `cursor`.
  void scatter_add(const Argument& arg, double* target, tensor::LoopPlan::Cursor cursor, std::size_t count,
                   const double* contributions) {
    const std::size_t event = arg.event_size;
    arg.plan.for_each_piece(cursor, count, [&](const std::size_t* offset, std::size_t length, std::size_t done) {
      if (arg.plan.inner_stride(0) != 0) {
        ArrayMap(target + offset[0], as_index(length * event)) += ConstArrayMap(contributions + done * event, as_index(length * event));
      } else if (event == 1) {
        target[offset[0]] += ConstArrayMap(contributions + done, as_index(length)).sum();
      } else {
        Eigen::Map<const Eigen::MatrixXd> block(contributions + done * event, as_index(event), as_index(length));
        Eigen::Map<Eigen::VectorXd>(target + offset[0], as_index(event)) += block.rowwise().sum();
      }
    });
  }

  LogDensityKernel kernel_;
  std::uint32_t output_;
  std::size_t element_count_;
  std::size_t block_size_ = 1024;
  std::vector<Argument> arguments_;
  tensor::LoopPlan output_plan_;
  tensor::LoopPlan::Cursor output_cursors_;
  bool output_is_elements_ = false, output_is_scalar_ = false;
  std::size_t density_scratch_ = 0, upstream_scratch_ = 0;
  std::vector<KernelArg> kernel_args_;
  std::vector<double*> partial_pointers_;
  std::unique_ptr<bool[]> summed_partials_;
};

}  // namespace

Node log_density(LogDensityKernel kernel, const std::vector<FactorArgument>& arguments, const DimSet& summed_dims) {
  if (arguments.empty()) throw std::invalid_argument("log_density: no arguments");
  Program& program = *arguments.front().value.program;
  bool carries_gradient = false;
  for (const FactorArgument& a : arguments) {
    same_program(arguments.front().value, a.value);
    carries_gradient = carries_gradient || a.value.requires_gradient();
  }
  Shape elements = factor_element_shape(arguments);
  std::vector<int> summed_positions;
  for (DimId d : summed_dims) summed_positions.push_back(elements.position(d));
  Node output = program.add_node(tensor::remove_dims(elements, summed_dims), carries_gradient);
  program.add_op(std::make_unique<FactorOp>(program, kernel, arguments, elements, summed_positions, output));
  return output;
}

Shape factor_element_shape(const std::vector<FactorArgument>& arguments) {
  Shape elements;
  for (const FactorArgument& a : arguments) elements = tensor::broadcast(elements, element_shape_of(a));
  return elements;
}

}  // namespace pm::ad
