// Helpers shared by the op implementations (not part of the builder API).
#pragma once

#include <cstddef>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include <Eigen/Core>

#include "engine/ad/program.hpp"
#include "engine/tensor/loop_plan.hpp"

namespace pm::ad::detail {

using ArrayMap = Eigen::Map<Eigen::ArrayXd>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXd>;
using MatrixMap = Eigen::Map<Eigen::MatrixXd>;
using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXd>;
using Index = Eigen::Index;

inline Index as_index(std::size_t n) { return static_cast<Index>(n); }

// Calls f with an Eigen array expression of length n: the contiguous segment at p when the
// operand's inner stride is 1, its single value repeated when the stride is 0 (broadcast).
template <class F>
void with_operand(const double* p, std::size_t stride, Index n, F&& f) {
  if (stride != 0)
    f(ConstArrayMap(p, n));
  else
    f(Eigen::ArrayXd::Constant(n, *p));
}

// Adds a contribution to an adjoint: segment-wise at stride 1, summed at stride 0 (the
// operand was broadcast along this run, so its adjoint is the sum of the contributions).
template <class Expression>
void accumulate(double* adjoint, std::size_t stride, Index n, const Expression& contribution) {
  if (stride != 0)
    ArrayMap(adjoint, n) += contribution;
  else
    *adjoint += contribution.sum();
}

// Adds g * derivative to an adjoint (segment-wise at stride 1, summed at stride 0), except
// where g == 0 or the derivative == 0: there the contribution is exactly 0 even when the other
// factor is infinite or NaN (0 x inf = 0, as in measure theory). g == 0 with an infinite
// derivative: a masked branch of select(), log at 0 behind a guard; this is what makes
// `x > 0 ? log(x) : 0` have finite gradients. A zero derivative behind an infinite g: exp
// underflowed to 0 under a sqrt whose derivative at 0 is infinite (sqrt(c * exp(-a)) with
// a > 745: the true derivative is below 1e-160, and 0 is its value to double precision;
// issue 20, posteriordb's mcycle_gp).
// Eigen 3.4's select() is not vectorized, so the mask is applied after the fact: each chunk
// of g * derivative is computed vectorized into a stack buffer; only when its sum is not
// finite (a NaN or inf is present) are the entries with a zero factor zeroed one by one.
// `also_zero(i)` may name more entries to zero on that rare path (e.g. log_sum_exp at -inf).
template <class Upstream, class Derivative, class AlsoZero>
void accumulate_masked(double* adjoint, std::size_t stride, Index n, const Upstream& g, const Derivative& derivative,
                       AlsoZero&& also_zero) {
  constexpr Index chunk = 256;
  alignas(64) double buffer[chunk];
  for (Index start = 0; start < n; start += chunk) {
    const Index m = std::min(chunk, n - start);
    ArrayMap t(buffer, m);
    t = g.segment(start, m) * derivative.segment(start, m);
    double total = t.sum();
    if (!std::isfinite(total)) {
      // Only a non-finite product can be 0 x inf (or also_zero's NaN), and the derivative is
      // re-evaluated only there: an enumerated HMM has -inf in most chunks.
      for (Index i = 0; i < m; ++i)
        if (!std::isfinite(t[i]) &&
            (g.coeff(start + i) == 0.0 || derivative.coeff(start + i) == 0.0 || also_zero(start + i)))
          t[i] = 0.0;
      total = t.sum();
    }
    if (stride != 0)
      ArrayMap(adjoint + start, m) += t;
    else
      *adjoint += total;
  }
}

template <class Upstream, class Derivative>
void accumulate_masked(double* adjoint, std::size_t stride, Index n, const Upstream& g, const Derivative& derivative) {
  accumulate_masked(adjoint, stride, n, g, derivative, [](Index) { return false; });
}

inline Program& same_program(Node a, Node b) {
  if (a.program != b.program) throw std::invalid_argument("nodes from two different programs");
  return *a.program;
}

// Base of ops with inputs and one output: keeps the program and node indices.
class OpBase : public Op {
 protected:
  explicit OpBase(Program& program) : program_(&program) {}
  double* value(std::uint32_t node) const { return program_->value_data(node); }
  double* adjoint(std::uint32_t node) const { return program_->adjoint_data(node); }
  Program* program_;
};

// An op given as two closures (like Stan's callback vari): for ops whose passes are a few
// Eigen calls (linear algebra, indexing). The closures capture node indices and sizes by
// value and look buffers up through the program at each call.
class CallbackOp final : public Op {
 public:
  CallbackOp(const char* name, std::function<void(bool)> forward, std::function<void()> backward, bool has_backward)
      : name_(name), forward_(std::move(forward)), backward_(std::move(backward)) {
    needs_backward = has_backward;
  }
  const char* name() const override { return name_; }
  void forward(bool record_for_gradient) override { forward_(record_for_gradient); }
  void backward() override { backward_(); }

 private:
  const char* name_;
  std::function<void(bool)> forward_;
  std::function<void()> backward_;
};

inline void record_callback(Program& program, const char* name, std::function<void(bool)> forward,
                            std::function<void()> backward, bool has_backward) {
  program.add_op(std::make_unique<CallbackOp>(name, std::move(forward), std::move(backward), has_backward));
}

inline void require_event_only(Node x, const char* op) {
  if (x.shape().event_rank() != x.shape().rank())
    throw std::invalid_argument(std::string(op) + ": takes vectors and matrices without plate or enumeration dims, not " +
                                x.shape().to_string());
}

}  // namespace pm::ad::detail
