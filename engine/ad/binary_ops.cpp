// Elementwise binary ops with broadcasting by dim identity. The output has the union of the
// operands' dims (canonical order); a LoopPlan walks output, a and b together, and each
// innermost run sees each operand either as a contiguous segment or as one broadcast value
// (op_support.hpp, with_operand), so every run is one vectorized Eigen expression. In the
// backward pass a broadcast operand's contributions are summed (accumulate()).
// GCC 12 reports the deliberate `__m512d __Y = __Y;` of its own avx512fintrin.h
// (_mm512_undefined_pd, reached through Eigen's AVX512 kernels) as uninitialized: GCC bug
// 105593, a false positive in a system header, raised where the templates are instantiated.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <cmath>
#include <limits>
#include <memory>

#include <boost/math/special_functions/digamma.hpp>
#include <unsupported/Eigen/SpecialFunctions>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"

namespace pm::ad {
namespace {

using namespace detail;

constexpr double infinity = std::numeric_limits<double>::infinity();

double digamma_quiet(double x) {
  using namespace boost::math::policies;
  return boost::math::digamma(x, policy<pole_error<ignore_error>, domain_error<ignore_error>,
                                        overflow_error<ignore_error>, evaluation_error<ignore_error>>());
}

// Each function: value(a, b), and the partial derivatives da(a, b, y), db(a, b, y) as
// expressions (y is the output); backward multiplies them by the upstream adjoint g, masked
// where g == 0 (op_support.hpp, accumulate_masked).
struct Add {
  static auto value(const auto& a, const auto& b) { return a + b; }
  static auto da(const auto& a, const auto&, const auto&) { return Eigen::ArrayXd::Ones(a.size()); }
  static auto db(const auto& a, const auto&, const auto&) { return Eigen::ArrayXd::Ones(a.size()); }
};
struct Subtract {
  static auto value(const auto& a, const auto& b) { return a - b; }
  static auto da(const auto& a, const auto&, const auto&) { return Eigen::ArrayXd::Ones(a.size()); }
  static auto db(const auto& a, const auto&, const auto&) { return Eigen::ArrayXd::Constant(a.size(), -1.0); }
};
struct Multiply {
  static auto value(const auto& a, const auto& b) { return a * b; }
  static auto da(const auto&, const auto& b, const auto&) { return b; }
  static auto db(const auto& a, const auto&, const auto&) { return a; }
};
struct Divide {
  static auto value(const auto& a, const auto& b) { return a / b; }
  static auto da(const auto&, const auto& b, const auto&) { return b.inverse(); }
  static auto db(const auto&, const auto& b, const auto& y) { return -y / b; }
};
// d/da a^b = b a^(b-1), taken as 0 at b = 0 (a^0 = 1 for every a; b a^(b-1) would be 0 x inf
// at a = 0); d/db a^b = a^b log a, taken as 0 at a = 0 (the limit for b > 0).
struct Pow {
  static auto value(const auto& a, const auto& b) { return a.pow(b); }
  static auto da(const auto& a, const auto& b, const auto&) { return (b == 0.0).select(0.0, b * a.pow(b - 1.0)); }
  static auto db(const auto& a, const auto&, const auto& y) { return (a == 0.0).select(0.0, y * a.log()); }
};
// fmin/fmax: a NaN operand yields the other; the gradient goes to the operand returned
// (to a on ties). The derivatives are exact 0 / 1 also when the other operand is infinite
// or NaN (fmax(negative_infinity(), x) has derivative 1 in x).
struct Fmin {
  static auto value(const auto& a, const auto& b) { return (a <= b || b != b).select(a, b); }
  static auto da(const auto& a, const auto& b, const auto&) {
    return (a <= b || b != b).select(Eigen::ArrayXd::Ones(a.size()), Eigen::ArrayXd::Zero(a.size()));
  }
  static auto db(const auto& a, const auto& b, const auto&) {
    return (a <= b || b != b).select(Eigen::ArrayXd::Zero(a.size()), Eigen::ArrayXd::Ones(a.size()));
  }
};
struct Fmax {
  static auto value(const auto& a, const auto& b) { return (a >= b || b != b).select(a, b); }
  static auto da(const auto& a, const auto& b, const auto&) {
    return (a >= b || b != b).select(Eigen::ArrayXd::Ones(a.size()), Eigen::ArrayXd::Zero(a.size()));
  }
  static auto db(const auto& a, const auto& b, const auto&) {
    return (a >= b || b != b).select(Eigen::ArrayXd::Zero(a.size()), Eigen::ArrayXd::Ones(a.size()));
  }
};
// lbeta(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b); d/da = digamma(a) - digamma(a + b).
struct Lbeta {
  static auto value(const auto& a, const auto& b) { return a.lgamma() + b.lgamma() - (a + b).lgamma(); }
  static auto da(const auto& a, const auto& b, const auto&) {
    return a.unaryExpr(&digamma_quiet) - (a + b).unaryExpr(&digamma_quiet);
  }
  static auto db(const auto& a, const auto& b, const auto&) {
    return b.unaryExpr(&digamma_quiet) - (a + b).unaryExpr(&digamma_quiet);
  }
};
// log(exp(a) + exp(b)) = max + log1p(exp(-|a - b|)); both -inf gives -inf (not NaN).
// d/da = exp(a - y), taken as 0 when y = -inf.
struct LogSumExp {
  static auto value(const auto& a, const auto& b) {
    return (a.max(b) == -infinity).select(-infinity, a.max(b) + (-(a - b).abs()).exp().log1p());
  }
  static auto da(const auto& a, const auto&, const auto& y) { return (y == -infinity).select(0.0, (a - y).exp()); }
  static auto db(const auto&, const auto& b, const auto& y) { return (y == -infinity).select(0.0, (b - y).exp()); }
};
// atan2(y, x): d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2); at the origin, where the
// angle is not differentiable, both are NaN (0 / 0).
struct Atan2 {
  static auto value(const auto& a, const auto& b) { return a.binaryExpr(b, [](double y, double x) { return std::atan2(y, x); }); }
  static auto da(const auto& a, const auto& b, const auto&) { return b / (a.square() + b.square()); }
  static auto db(const auto& a, const auto& b, const auto&) { return -a / (a.square() + b.square()); }
};
// fmod(a, b) = a - b trunc(a / b): d/da = 1, d/db = -trunc(a / b), the jumps (a / b an
// integer) taking the one-sided derivative of the piece std::fmod returns there.
struct Fmod {
  static auto value(const auto& a, const auto& b) { return a.binaryExpr(b, [](double x, double y) { return std::fmod(x, y); }); }
  static auto da(const auto& a, const auto&, const auto&) { return Eigen::ArrayXd::Ones(a.size()); }
  static auto db(const auto& a, const auto& b, const auto& y) { return (y - a) / b; }
};

struct NoGradient {
  static auto da(const auto& a, const auto&, const auto&) { return 0.0 * a; }
  static auto db(const auto& a, const auto&, const auto&) { return 0.0 * a; }
};
struct Less : NoGradient {
  static auto value(const auto& a, const auto& b) { return (a < b).template cast<double>(); }
};
struct LessEqual : NoGradient {
  static auto value(const auto& a, const auto& b) { return (a <= b).template cast<double>(); }
};
struct Greater : NoGradient {
  static auto value(const auto& a, const auto& b) { return (a > b).template cast<double>(); }
};
struct GreaterEqual : NoGradient {
  static auto value(const auto& a, const auto& b) { return (a >= b).template cast<double>(); }
};
struct Equal : NoGradient {
  static auto value(const auto& a, const auto& b) { return (a == b).template cast<double>(); }
};
struct NotEqual : NoGradient {
  static auto value(const auto& a, const auto& b) { return (a != b).template cast<double>(); }
};

template <class Function>
class BinaryOp final : public OpBase {
 public:
  BinaryOp(Program& program, Node a, Node b, Node output, bool has_gradient)
      : OpBase(program), a_(a.index), b_(b.index), output_(output.index),
        a_needs_(has_gradient && a.requires_gradient()), b_needs_(has_gradient && b.requires_gradient()),
        plan_(tensor::LoopPlan::over(output.shape(), {output.shape(), a.shape(), b.shape()})) {
    needs_backward = a_needs_ || b_needs_;
  }
  const char* name() const override { return "binary"; }

  void forward(bool) override {
    double* y = value(output_);
    const double* a = value(a_);
    const double* b = value(b_);
    const std::size_t a_stride = plan_.inner_stride(1), b_stride = plan_.inner_stride(2);
    plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      Index n = as_index(length);
      with_operand(a + offset[1], a_stride, n, [&](const auto& av) {
        with_operand(b + offset[2], b_stride, n, [&](const auto& bv) {
          ArrayMap(y + offset[0], n) = Function::value(av, bv);
        });
      });
    });
  }

  void backward() override {
    const double* y = value(output_);
    const double* g = adjoint(output_);
    const double* a = value(a_);
    const double* b = value(b_);
    double* a_adjoint = a_needs_ ? adjoint(a_) : nullptr;
    double* b_adjoint = b_needs_ ? adjoint(b_) : nullptr;
    const std::size_t a_stride = plan_.inner_stride(1), b_stride = plan_.inner_stride(2);
    plan_.for_each_run([&](const std::size_t* offset, std::size_t length) {
      Index n = as_index(length);
      ConstArrayMap yv(y + offset[0], n), gv(g + offset[0], n);
      with_operand(a + offset[1], a_stride, n, [&](const auto& av) {
        with_operand(b + offset[2], b_stride, n, [&](const auto& bv) {
          if (a_adjoint) accumulate_masked(a_adjoint + offset[1], a_stride, n, gv, Function::da(av, bv, yv));
          if (b_adjoint) accumulate_masked(b_adjoint + offset[2], b_stride, n, gv, Function::db(av, bv, yv));
        });
      });
    });
  }

 private:
  std::uint32_t a_, b_, output_;
  bool a_needs_, b_needs_;
  tensor::LoopPlan plan_;
};

template <class Function>
Node record_binary(Node a, Node b, bool has_gradient = true) {
  Program& program = same_program(a, b);
  Shape shape = tensor::broadcast(a.shape(), b.shape());
  bool carries_gradient = has_gradient && (a.requires_gradient() || b.requires_gradient());
  Node output = program.add_node(shape, carries_gradient);
  program.add_op(std::make_unique<BinaryOp<Function>>(program, a, b, output, has_gradient));
  return output;
}

}  // namespace

Node add(Node a, Node b) { return record_binary<Add>(a, b); }
Node subtract(Node a, Node b) { return record_binary<Subtract>(a, b); }
Node multiply(Node a, Node b) { return record_binary<Multiply>(a, b); }
Node divide(Node a, Node b) { return record_binary<Divide>(a, b); }
Node pow(Node a, Node b) { return record_binary<Pow>(a, b); }
Node fmin(Node a, Node b) { return record_binary<Fmin>(a, b); }
Node fmax(Node a, Node b) { return record_binary<Fmax>(a, b); }
Node lbeta(Node a, Node b) { return record_binary<Lbeta>(a, b); }
Node log_sum_exp(Node a, Node b) { return record_binary<LogSumExp>(a, b); }
Node atan2(Node y, Node x) { return record_binary<Atan2>(y, x); }
Node fmod(Node a, Node b) { return record_binary<Fmod>(a, b); }
Node less(Node a, Node b) { return record_binary<Less>(a, b, false); }
Node less_equal(Node a, Node b) { return record_binary<LessEqual>(a, b, false); }
Node greater(Node a, Node b) { return record_binary<Greater>(a, b, false); }
Node greater_equal(Node a, Node b) { return record_binary<GreaterEqual>(a, b, false); }
Node equal(Node a, Node b) { return record_binary<Equal>(a, b, false); }
Node not_equal(Node a, Node b) { return record_binary<NotEqual>(a, b, false); }

Node constant_like(Node anchor, double value) { return anchor.program->constant(value); }

}  // namespace pm::ad
