// select(condition, if_true, if_false): elementwise, broadcasting over all three operands.
// The gradient goes to exactly one branch per element; the other receives 0 (and, through
// accumulate_masked in the ops below it, no NaN from their own derivatives).
#include <memory>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"

namespace pm::ad {
namespace {

using namespace detail;

class SelectOp final : public OpBase {
 public:
  SelectOp(Program& program, Node condition, Node if_true, Node if_false, Node output)
      : OpBase(program), condition_(condition.index), true_(if_true.index), false_(if_false.index),
        output_(output.index), true_needs_(if_true.requires_gradient()), false_needs_(if_false.requires_gradient()),
        plan_(tensor::LoopPlan::over(output.shape(), {output.shape(), condition.shape(), if_true.shape(),
                                                      if_false.shape()})) {
    needs_backward = true_needs_ || false_needs_;
  }
  const char* name() const override { return "select"; }

  void forward(bool) override {
    double* y = value(output_);
    const double *c = value(condition_), *t = value(true_), *f = value(false_);
    plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      Index n = as_index(length);
      with_operand(c + offset[1], plan_.inner_stride(1), n, [&](const auto& cv) {
        with_operand(t + offset[2], plan_.inner_stride(2), n, [&](const auto& tv) {
          with_operand(f + offset[3], plan_.inner_stride(3), n, [&](const auto& fv) {
            ArrayMap(y + offset[0], n) = (cv != 0.0).select(tv, fv);
          });
        });
      });
    });
  }

  void backward() override {
    const double* g = adjoint(output_);
    const double* c = value(condition_);
    double* t_adjoint = true_needs_ ? adjoint(true_) : nullptr;
    double* f_adjoint = false_needs_ ? adjoint(false_) : nullptr;
    plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      Index n = as_index(length);
      ConstArrayMap gv(g + offset[0], n);
      with_operand(c + offset[1], plan_.inner_stride(1), n, [&](const auto& cv) {
        if (t_adjoint) accumulate(t_adjoint + offset[2], plan_.inner_stride(2), n, (cv != 0.0).select(gv, 0.0));
        if (f_adjoint) accumulate(f_adjoint + offset[3], plan_.inner_stride(3), n, (cv != 0.0).select(0.0, gv));
      });
    });
  }

 private:
  std::uint32_t condition_, true_, false_, output_;
  bool true_needs_, false_needs_;
  tensor::LoopPlan plan_;
};

}  // namespace

Node select(Node condition, Node if_true, Node if_false) {
  Program& program = same_program(condition, if_true);
  same_program(if_true, if_false);
  Shape shape = tensor::broadcast(tensor::broadcast(condition.shape(), if_true.shape()), if_false.shape());
  Node output = program.add_node(shape, if_true.requires_gradient() || if_false.requires_gradient());
  program.add_op(std::make_unique<SelectOp>(program, condition, if_true, if_false, output));
  return output;
}

}  // namespace pm::ad
