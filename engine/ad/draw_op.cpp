// The draw op (draw.hpp): parameters gathered element by element into contiguous buffers,
// one SampleKernel call over every element, out-of-bounds outcomes redrawn one by one.
#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/ad/draw.hpp"
#include "engine/ad/op_support.hpp"
#include "engine/random/stream.hpp"

namespace pm::ad {
namespace {

using namespace detail;

struct DrawParameter {
  std::uint32_t node = 0;
  std::size_t event_size = 1;
  bool broadcast_event = false;       // one event shared by every element: passed as is
  std::vector<std::size_t> strides;   // per element dim of the draw, in doubles
  std::vector<double> buffer;         // count * event_size, refilled every pass
};

Shape element_shape_of(const FactorArgument& argument, std::size_t& event_size) {
  const Shape& shape = argument.value.shape();
  if (argument.event_rank < 0 || argument.event_rank > shape.event_rank())
    throw std::invalid_argument(fmt::format("draw: parameter of shape {} has no {} event dims", shape.to_string(),
                                            argument.event_rank));
  DimSet event_dims;
  event_size = 1;
  for (int e = 0; e < argument.event_rank; ++e) {
    event_dims.push_back(tensor::event(e));
    event_size *= shape.size_of(tensor::event(e));
  }
  return tensor::remove_dims(shape, event_dims);
}

class DrawOp final : public OpBase {
 public:
  DrawOp(Program& program, SampleKernel sample, const std::vector<FactorArgument>& parameters, const Shape& elements,
         std::size_t outcome_size, random::Stream* stream, DrawBounds bounds, bool append_outcome_size, Node output)
      : OpBase(program), sample_(sample), stream_(stream), bounds_(bounds), output_(output.index),
        count_(elements.element_count()), outcome_size_(outcome_size), append_outcome_size_(append_outcome_size) {
    needs_backward = false;
    for (const tensor::Dim& dim : elements.dims()) sizes_.push_back(dim.size);
    for (const FactorArgument& argument : parameters) {
      DrawParameter parameter;
      parameter.node = argument.value.index;
      Shape own = element_shape_of(argument, parameter.event_size);
      parameter.broadcast_event = own.element_count() == 1 && parameter.event_size > 1;
      parameter.strides = own.strides_along(elements);
      for (std::size_t& stride : parameter.strides) stride *= parameter.event_size;
      if (!parameter.broadcast_event) parameter.buffer.resize(count_ * parameter.event_size);
      parameters_.push_back(std::move(parameter));
    }
    kernel_args_.resize(parameters_.size() + (append_outcome_size ? 1 : 0));
    counter_.resize(sizes_.size());
  }

  const char* name() const override { return "draw"; }

  void forward(bool) override {
    for (std::size_t a = 0; a < parameters_.size(); ++a) {
      DrawParameter& parameter = parameters_[a];
      KernelArg& arg = kernel_args_[a];
      arg.event_size = parameter.event_size;
      arg.broadcast = parameter.broadcast_event;
      arg.uniform = false;
      if (parameter.broadcast_event) {
        arg.data = value(parameter.node);
      } else {
        gather(value(parameter.node), parameter);
        arg.data = parameter.buffer.data();
      }
    }
    if (append_outcome_size_) kernel_args_.back() = KernelArg{nullptr, outcome_size_, false, false};
    double* out = value(output_);
    if (count_ == 0) return;
    KernelCall call;
    call.count = count_;
    call.args = kernel_args_.data();
    call.arg_count = kernel_args_.size();
    sample_(call, *stream_, out);
    if (outcome_size_ == 1 && (std::isfinite(bounds_.lower) || std::isfinite(bounds_.upper)))
      for (std::size_t j = 0; j < count_; ++j)
        if (!(out[j] >= bounds_.lower && out[j] <= bounds_.upper)) redraw(j, out[j]);
  }

  void backward() override {}

 private:
  // Copies the parameter's event of every element of the draw, in the draw's element order
  // (an odometer over the element dims; the parameter's stride is 0 along dims it lacks).
  void gather(const double* source, DrawParameter& parameter) {
    std::fill(counter_.begin(), counter_.end(), 0);
    std::size_t offset = 0;
    const std::size_t event = parameter.event_size;
    for (std::size_t j = 0; j < count_; ++j) {
      std::copy_n(source + offset, event, parameter.buffer.data() + j * event);
      for (std::size_t d = 0; d < sizes_.size(); ++d) {
        offset += parameter.strides[d];
        if (++counter_[d] < sizes_[d]) break;
        offset -= parameter.strides[d] * sizes_[d];
        counter_[d] = 0;
      }
    }
  }

  // Rejection: element j alone, until it falls inside the bounds.
  void redraw(std::size_t j, double& outcome) {
    std::vector<KernelArg> single = kernel_args_;
    for (std::size_t a = 0; a < parameters_.size(); ++a)
      if (!parameters_[a].broadcast_event) single[a].data = kernel_args_[a].data + j * parameters_[a].event_size;
    KernelCall call;
    call.count = 1;
    call.args = single.data();
    call.arg_count = single.size();
    for (int attempt = 0; attempt < DrawBounds::kMaxRedraws; ++attempt) {
      sample_(call, *stream_, &outcome);
      if (outcome >= bounds_.lower && outcome <= bounds_.upper) return;
    }
    outcome = std::numeric_limits<double>::quiet_NaN();
  }

  SampleKernel sample_;
  random::Stream* stream_;
  DrawBounds bounds_;
  std::uint32_t output_;
  std::size_t count_;
  std::size_t outcome_size_;
  bool append_outcome_size_;
  std::vector<std::size_t> sizes_;
  std::vector<std::size_t> counter_;
  std::vector<DrawParameter> parameters_;
  std::vector<KernelArg> kernel_args_;
};

}  // namespace

Node draw(SampleKernel sample, const std::vector<FactorArgument>& parameters, const Shape& elements,
          const std::vector<std::size_t>& outcome_event, random::Stream* stream, DrawBounds bounds,
          bool append_outcome_size) {
  if (!sample) throw std::invalid_argument("draw: the distribution has no sampler");
  if (!stream) throw std::invalid_argument("draw: no random stream");
  Program* program = nullptr;
  Shape all_elements = elements;
  for (const FactorArgument& argument : parameters) {
    if (program && argument.value.program != program) throw std::invalid_argument("draw: nodes from two programs");
    program = argument.value.program;
    std::size_t event_size = 1;
    all_elements = tensor::broadcast(all_elements, element_shape_of(argument, event_size));
  }
  if (!program) throw std::invalid_argument("draw: a distribution without parameters");
  std::size_t outcome_size = 1;
  std::vector<tensor::Dim> output_dims;
  if (!outcome_event.empty()) {
    if (all_elements.event_rank() > 0)
      throw std::invalid_argument(fmt::format("draw: a multivariate outcome over elements {} with event dims",
                                              all_elements.to_string()));
    for (std::size_t k = 0; k < outcome_event.size(); ++k) {
      output_dims.push_back({tensor::event(static_cast<int>(k)), outcome_event[k]});
      outcome_size *= outcome_event[k];
    }
  }
  for (const tensor::Dim& dim : all_elements.dims()) output_dims.push_back(dim);
  Node output = program->add_node(Shape(output_dims), false);
  program->add_op(std::make_unique<DrawOp>(*program, sample, parameters, all_elements, outcome_size, stream, bounds,
                                           append_outcome_size, output));
  return output;
}

}  // namespace pm::ad
