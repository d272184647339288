// A fused factor for generalized linear models (Stan's *_glm): the sum over rows n of
// kernel(outcome_n, X_n . beta + intercept, extra parameters...). Unfused, X * beta is a
// GEMV over all of X in the forward pass and X^T g another in the backward pass, with the
// linear predictor and its adjoint streamed through memory between ops. Here rows are taken
// in blocks small enough for the block of X to stay in cache: the block's linear predictor
// (a GEMV on the block), the kernel's value and partial with respect to it, and the
// block's contribution X_block^T partial to the gradient of beta are all computed while the
// block is in cache, so X is read from memory once per evaluation.
#include <algorithm>
#include <memory>
#include <stdexcept>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"

namespace pm::ad {

using namespace detail;

namespace {

class LinearFactorOp final : public OpBase {
 public:
  LinearFactorOp(Program& program, LogDensityKernel kernel, Node outcome, Node design, Node coefficients,
                 Node intercept, const std::vector<Node>& extra, Node output)
      : OpBase(program), kernel_(kernel), outcome_(outcome.index), design_(design.index),
        coefficients_(coefficients.index), intercept_(intercept.index), output_(output.index),
        rows_(as_index(design.shape().dim(0).size)), columns_(as_index(design.shape().dim(1).size)) {
    // Blocks of about 8192 doubles of X (64 KiB) at most, at least 64 rows.
    block_rows_ = std::max<Index>(64, std::min<Index>(1024, 8192 / std::max<Index>(columns_, 1)));
    predictor_ = program.add_scratch(static_cast<std::size_t>(block_rows_));
    densities_ = program.add_scratch(static_cast<std::size_t>(block_rows_));
    predictor_partials_ = program.add_scratch(static_cast<std::size_t>(block_rows_));
    coefficient_gradient_ = program.add_scratch(static_cast<std::size_t>(columns_));
    intercept_gradient_ = program.add_scratch(1);
    coefficients_need_ = coefficients.requires_gradient();
    intercept_need_ = intercept.requires_gradient();
    for (Node e : extra) {
      Extra x;
      x.node = e.index;
      x.expanded = program.add_scratch(static_cast<std::size_t>(block_rows_));
      x.wants_gradient = e.requires_gradient();
      if (x.wants_gradient) {
        x.partials = program.add_scratch(static_cast<std::size_t>(block_rows_));
        x.gradient = program.add_scratch(1);
      }
      extras_.push_back(x);
    }
    needs_backward = output.requires_gradient();
    kernel_args_.resize(2 + extras_.size());
    partial_pointers_.resize(2 + extras_.size());
  }
  const char* name() const override { return "log_density_linear"; }

  void forward(bool record_for_gradient) override {
    const bool record = record_for_gradient && needs_backward;
    const double* x = value(design_);
    Eigen::Map<const Eigen::VectorXd> beta(value(coefficients_), columns_);
    const double intercept = *value(intercept_);
    Eigen::Map<Eigen::VectorXd> beta_gradient(program_->scratch_data(coefficient_gradient_), columns_);
    double* intercept_gradient = program_->scratch_data(intercept_gradient_);
    if (record) {
      beta_gradient.setZero();
      *intercept_gradient = 0;
      for (Extra& e : extras_)
        if (e.wants_gradient) *program_->scratch_data(e.gradient) = 0;
    }
    double total = 0;
    for (Index start = 0; start < rows_; start += block_rows_) {
      const Index m = std::min(block_rows_, rows_ - start);
      Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>> block(x + start, m, columns_, Eigen::OuterStride<>(rows_));
      Eigen::Map<Eigen::VectorXd> eta(program_->scratch_data(predictor_), m);
      eta.noalias() = block * beta;
      eta.array() += intercept;
      kernel_args_[0] = KernelArg{value(outcome_) + start, 1, false};
      kernel_args_[1] = KernelArg{eta.data(), 1, false};
      partial_pointers_[0] = nullptr;
      partial_pointers_[1] = record ? program_->scratch_data(predictor_partials_) : nullptr;
      for (std::size_t k = 0; k < extras_.size(); ++k) {
        double* expanded = program_->scratch_data(extras_[k].expanded);
        std::fill_n(expanded, m, *value(extras_[k].node));
        kernel_args_[2 + k] = KernelArg{expanded, 1, false};
        partial_pointers_[2 + k] = record && extras_[k].wants_gradient ? program_->scratch_data(extras_[k].partials) : nullptr;
      }
      KernelCall call{static_cast<std::size_t>(m), kernel_args_.data(), kernel_args_.size()};
      double* densities = program_->scratch_data(densities_);
      kernel_(call, densities, partial_pointers_.data());
      total += ConstArrayMap(densities, m).sum();
      if (!record) continue;
      Eigen::Map<const Eigen::VectorXd> partial(partial_pointers_[1], m);
      if (coefficients_need_) beta_gradient.noalias() += block.transpose() * partial;  // X_block^T d/deta
      *intercept_gradient += partial.sum();
      for (std::size_t k = 0; k < extras_.size(); ++k)
        if (partial_pointers_[2 + k]) *program_->scratch_data(extras_[k].gradient) += ConstArrayMap(partial_pointers_[2 + k], m).sum();
    }
    *value(output_) = total;
  }

  void backward() override {
    const double g = *adjoint(output_);
    if (g == 0.0) return;  // masked: nothing flows back
    if (coefficients_need_)
      ArrayMap(adjoint(coefficients_), columns_) += g * ConstArrayMap(program_->scratch_data(coefficient_gradient_), columns_);
    if (intercept_need_) *adjoint(intercept_) += g * *program_->scratch_data(intercept_gradient_);
    for (Extra& e : extras_)
      if (e.wants_gradient) *adjoint(e.node) += g * *program_->scratch_data(e.gradient);
  }

 private:
  struct Extra {
    std::uint32_t node = 0;
    std::size_t expanded = 0, partials = 0, gradient = 0;
    bool wants_gradient = false;
  };
  LogDensityKernel kernel_;
  std::uint32_t outcome_, design_, coefficients_, intercept_, output_;
  Index rows_, columns_, block_rows_ = 1024;
  std::size_t predictor_ = 0, densities_ = 0, predictor_partials_ = 0, coefficient_gradient_ = 0, intercept_gradient_ = 0;
  bool coefficients_need_ = false, intercept_need_ = false;
  std::vector<Extra> extras_;
  std::vector<KernelArg> kernel_args_;
  std::vector<double*> partial_pointers_;
};

}  // namespace

Node log_density_linear(LogDensityKernel kernel, Node outcome, Node design, Node coefficients, Node intercept,
                        const std::vector<Node>& extra_parameters) {
  Program& program = same_program(outcome, design);
  same_program(design, coefficients);
  same_program(design, intercept);
  const Shape x = design.shape(), y = outcome.shape(), beta = coefficients.shape();
  if (x.rank() != 2 || x.event_rank() != 2 || beta != Shape::vector(x.dim(1).size) || y.rank() != 1 ||
      y.dim(0).size != x.dim(0).size || intercept.shape().element_count() != 1)
    throw std::invalid_argument("log_density_linear: outcome " + y.to_string() + ", design " + x.to_string() +
                                ", coefficients " + beta.to_string() + ": needs (N), (N, D), (D) and a scalar intercept");
  if (design.requires_gradient() || outcome.requires_gradient())
    throw std::invalid_argument("log_density_linear: the outcome and the design matrix must be data");
  bool carries_gradient = coefficients.requires_gradient() || intercept.requires_gradient();
  for (Node e : extra_parameters) {
    same_program(design, e);
    if (e.shape().element_count() != 1)
      throw std::invalid_argument("log_density_linear: extra parameters must be scalars, not " + e.shape().to_string());
    carries_gradient = carries_gradient || e.requires_gradient();
  }
  Node output = program.add_node(Shape::scalar(), carries_gradient);
  program.add_op(std::make_unique<LinearFactorOp>(program, kernel, outcome, design, coefficients, intercept,
                                                  extra_parameters, output));
  return output;
}

}  // namespace pm::ad
