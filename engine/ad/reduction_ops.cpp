// Reductions over a set of dims: sum, mean, prod, log_sum_exp. A LoopPlan walks the input
// with the output as a second operand whose stride is 0 along the reduced dims; each run is
// then either "reduce a contiguous segment into one output value" (inner stride 0) or
// "combine a segment elementwise into a segment of the output" (inner stride 1), both one
// vectorized Eigen expression. An empty input leaves the identity (0, 1, -inf).
#include <cmath>
#include <limits>
#include <memory>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"

namespace pm::ad {
namespace {

using namespace detail;

constexpr double infinity = std::numeric_limits<double>::infinity();

enum class Reduction { sum, mean, prod, log_sum_exp };

tensor::LoopPlan reduction_plan(const Shape& input, const DimSet& dims) {
  Shape output = tensor::remove_dims(input, dims);
  std::vector<int> kept = tensor::kept_dim_positions(input, dims);
  std::vector<std::size_t> sizes, input_strides, output_strides;
  for (int i = 0; i < input.rank(); ++i) {
    sizes.push_back(input.dim(i).size);
    input_strides.push_back(input.stride(i));
    int k = kept[static_cast<std::size_t>(i)];
    output_strides.push_back(k < 0 ? 0 : output.stride(k));
  }
  return tensor::LoopPlan(sizes, {input_strides, output_strides});
}

class ReductionOp final : public OpBase {
 public:
  ReductionOp(Program& program, Reduction kind, Node input, Node output, const DimSet& dims)
      : OpBase(program), kind_(kind), input_(input.index), output_(output.index),
        output_size_(as_index(output.shape().element_count())), plan_(reduction_plan(input.shape(), dims)) {
    needs_backward = input.requires_gradient();
    std::size_t reduced_count = 1;
    for (DimId d : dims) reduced_count *= input.shape().size_of(d);
    scale_ = kind == Reduction::mean ? 1.0 / static_cast<double>(reduced_count) : 1.0;  // mean of nothing: NaN
    if (kind == Reduction::prod || kind == Reduction::log_sum_exp) {
      first_scratch_ = program.add_scratch(output.shape().element_count());
      second_scratch_ = program.add_scratch(output.shape().element_count());
    }
  }
  const char* name() const override { return "reduction"; }

  void forward(bool) override {
    const double* x = value(input_);
    double* y = value(output_);
    const std::size_t y_stride = plan_.inner_stride(1);
    switch (kind_) {
      case Reduction::sum:
      case Reduction::mean:
        ArrayMap(y, output_size_).setZero();
        plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
          accumulate(y + offset[1], y_stride, as_index(length), ConstArrayMap(x + offset[0], as_index(length)));
        });
        if (kind_ == Reduction::mean) ArrayMap(y, output_size_) *= scale_;
        break;
      case Reduction::prod: forward_prod(x, y, y_stride); break;
      case Reduction::log_sum_exp: forward_log_sum_exp(x, y, y_stride); break;
    }
  }

  void backward() override {
    const double* x = value(input_);
    const double* y = value(output_);
    const double* g = adjoint(output_);
    double* x_adjoint = adjoint(input_);
    const std::size_t y_stride = plan_.inner_stride(1);
    const double* nonzero_product = kind_ == Reduction::prod ? program_->scratch_data(first_scratch_) : nullptr;
    const double* zero_count = kind_ == Reduction::prod ? program_->scratch_data(second_scratch_) : nullptr;
    plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      Index n = as_index(length);
      ConstArrayMap xv(x + offset[0], n);
      double* x_adjoint_run = x_adjoint + offset[0];
      with_operand(g + offset[1], y_stride, n, [&](const auto& gv) {
        with_operand(y + offset[1], y_stride, n, [&](const auto& yv) {
          switch (kind_) {
            case Reduction::sum: ArrayMap(x_adjoint_run, n) += gv; break;
            case Reduction::mean: ArrayMap(x_adjoint_run, n) += scale_ * gv; break;
            case Reduction::log_sum_exp:
              // d/dx_i log sum_j exp(x_j) = exp(x_i - y): the softmax weights; 0 when y = -inf.
              accumulate_masked(x_adjoint_run, 1, n, gv, (xv - yv).exp(),
                                [&](Index i) { return yv.coeff(i) == -infinity; });
              break;
            case Reduction::prod:
              with_operand(nonzero_product + offset[1], y_stride, n, [&](const auto& pv) {
                with_operand(zero_count + offset[1], y_stride, n, [&](const auto& zv) {
                  // d prod / dx_i = prod_{j != i} x_j: y / x_i without zeros; with one zero,
                  // the product of the others at the zero and 0 elsewhere; with more, 0.
                  accumulate_masked(x_adjoint_run, 1, n, gv,
                                    (zv == 0.0).select(pv / xv, (zv == 1.0 && xv == 0.0).select(pv, 0.0)));
                });
              });
              break;
          }
        });
      });
    });
  }

 private:
  void forward_prod(const double* x, double* y, std::size_t y_stride) {
    double* nonzero_product = program_->scratch_data(first_scratch_);
    double* zero_count = program_->scratch_data(second_scratch_);
    ArrayMap(nonzero_product, output_size_).setOnes();
    ArrayMap(zero_count, output_size_).setZero();
    plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      Index n = as_index(length);
      ConstArrayMap xv(x + offset[0], n);
      if (y_stride == 0) {
        nonzero_product[offset[1]] *= (xv == 0.0).select(1.0, xv).prod();
        zero_count[offset[1]] += static_cast<double>((xv == 0.0).count());
      } else {
        ArrayMap(nonzero_product + offset[1], n) *= (xv == 0.0).select(1.0, xv);
        ArrayMap(zero_count + offset[1], n) += (xv == 0.0).cast<double>();
      }
    });
    ArrayMap(y, output_size_) =
        (ArrayMap(zero_count, output_size_) > 0.0).select(0.0, ArrayMap(nonzero_product, output_size_));
  }

  // y = shift + log sum exp(x - shift) with shift = max x (Stan's log_sum_exp).
  void forward_log_sum_exp(const double* x, double* y, std::size_t y_stride) {
    double* shift = program_->scratch_data(first_scratch_);
    double* total = program_->scratch_data(second_scratch_);
    ArrayMap(shift, output_size_).setConstant(-infinity);
    plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      Index n = as_index(length);
      ConstArrayMap xv(x + offset[0], n);
      if (y_stride == 0)
        shift[offset[1]] = std::max(shift[offset[1]], xv.maxCoeff());
      else
        ArrayMap(shift + offset[1], n) = ArrayMap(shift + offset[1], n).max(xv);
    });
    // Clamp an infinite max to the largest finite double (select() is not vectorized): an
    // all -inf group then gives -inf + log(0) = -inf, a +inf one +inf.
    ArrayMap shift_all(shift, output_size_);
    shift_all = shift_all.max(-std::numeric_limits<double>::max()).min(std::numeric_limits<double>::max());
    ArrayMap(total, output_size_).setZero();
    plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      Index n = as_index(length);
      ConstArrayMap xv(x + offset[0], n);
      if (y_stride == 0)
        total[offset[1]] += (xv - shift[offset[1]]).exp().sum();
      else
        ArrayMap(total + offset[1], n) += (xv - ConstArrayMap(shift + offset[1], n)).exp();
    });
    ArrayMap(y, output_size_) = shift_all + ArrayMap(total, output_size_).log();
  }

  Reduction kind_;
  std::uint32_t input_, output_;
  Index output_size_;
  tensor::LoopPlan plan_;
  double scale_ = 1.0;
  std::size_t first_scratch_ = 0, second_scratch_ = 0;
};

Node record_reduction(Reduction kind, Node x, const DimSet& dims) {
  Program& program = *x.program;
  Node output = program.add_node(tensor::remove_dims(x.shape(), dims), x.requires_gradient());
  program.add_op(std::make_unique<ReductionOp>(program, kind, x, output, dims));
  return output;
}

DimSet all_dims(Node x) {
  DimSet dims;
  const Shape shape = x.shape();
  for (const tensor::Dim& d : shape.dims()) dims.push_back(d.id);
  return dims;
}

}  // namespace

Node sum(Node x, const DimSet& dims) { return record_reduction(Reduction::sum, x, dims); }
Node sum(Node x) { return sum(x, all_dims(x)); }
Node mean(Node x, const DimSet& dims) { return record_reduction(Reduction::mean, x, dims); }
Node mean(Node x) { return mean(x, all_dims(x)); }
Node prod(Node x, const DimSet& dims) { return record_reduction(Reduction::prod, x, dims); }
Node prod(Node x) { return prod(x, all_dims(x)); }
Node log_sum_exp(Node x, const DimSet& dims) { return record_reduction(Reduction::log_sum_exp, x, dims); }
Node log_sum_exp(Node x) { return log_sum_exp(x, all_dims(x)); }

}  // namespace pm::ad
