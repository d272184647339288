// Elementwise unary ops: each function's value and derivative side by side. The derivative
// is written in terms of the input x and the output y (whichever is cheaper); backward adds
// g * derivative, masked where g == 0 (op_support.hpp, accumulate_masked). Input and output have one shape, so
// each pass is a single Eigen array expression over the whole buffer (vectorized exp, log,
// log1p, expm1, sqrt, tanh); lgamma, digamma and erfc go element by element.
#include <cmath>
#include <limits>
#include <memory>

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <unsupported/Eigen/SpecialFunctions>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"
#include "engine/ad/vector_math.hpp"

namespace pm::ad {
namespace {

using namespace detail;

// Special functions never throw inside an evaluation: a pole gives inf or NaN, as the
// log density of an invalid argument must (kernel.hpp).
using quiet_policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

double digamma_quiet(double x) { return boost::math::digamma(x, quiet_policy()); }
double trigamma_quiet(double x) { return boost::math::trigamma(x, quiet_policy()); }

constexpr double inv_sqrt_two = 0.70710678118654752440;
constexpr double inv_sqrt_two_pi = 0.39894228040143267794;
constexpr double log_two = 0.69314718055994530942;

// log1p(e) for e in [0, 1], vectorized (Eigen 3.4's double log1p is not): vector_math.hpp.
using vector_math::log1p_unit_interval;

struct Negate {
  static auto value(const auto& x) { return -x; }
  static auto derivative(const auto& x, const auto&) { return Eigen::ArrayXd::Constant(x.size(), -1.0); }
};
struct Exp {
  static auto value(const auto& x) { return x.exp(); }
  static auto derivative(const auto&, const auto& y) { return y; }
};
struct Log {
  static auto value(const auto& x) { return x.log(); }
  static auto derivative(const auto& x, const auto&) { return x.inverse(); }
};
struct Log1p {
  static auto value(const auto& x) { return x.log1p(); }
  static auto derivative(const auto& x, const auto&) { return (1.0 + x).inverse(); }
};
struct Expm1 {
  static auto value(const auto& x) { return x.expm1(); }
  static auto derivative(const auto&, const auto& y) { return y + 1.0; }
};
// sqrt's derivative 1 / (2 sqrt(x)) is taken at x >= the smallest positive double (y >= its
// sqrt, 2.2e-162): an argument of 0 is nearly always a product or an exp that underflowed
// (sqrt(c * exp(-a)), posteriordb's mcycle_gp), whose true value lies in [0, 4.9e-324), and
// there an infinite derivative times the nonzero factor beside the underflow (c * 1e-320
// rounds to 0) gave an infinite gradient; 2.2e161 times it is the tiny number it should be.
struct Sqrt {
  static constexpr double smallest_root = 2.2227587494850775e-162;  // sqrt(4.9406564584124654e-324)
  static auto value(const auto& x) { return x.sqrt(); }
  static auto derivative(const auto&, const auto& y) { return 0.5 / y.max(smallest_root); }
};
struct Square {
  static auto value(const auto& x) { return x.square(); }
  static auto derivative(const auto& x, const auto&) { return 2.0 * x; }
};
struct Abs {
  static auto value(const auto& x) { return x.abs(); }
  // sign(x), 0 at 0 (a subgradient, as Stan's fabs).
  static auto derivative(const auto& x, const auto&) {
    return (x > 0.0).template cast<double>() - (x < 0.0).template cast<double>();
  }
};
struct Inv {
  static auto value(const auto& x) { return x.inverse(); }
  static auto derivative(const auto&, const auto& y) { return -y.square(); }
};
struct InvSqrt {
  static auto value(const auto& x) { return x.rsqrt(); }
  static auto derivative(const auto& x, const auto& y) { return -0.5 * y / x; }
};
// 1 / (1 + exp(-x)): exp(-x) overflows to inf for x < -709, giving exactly 0: stable.
struct InvLogit {
  static auto value(const auto& x) { return (1.0 + (-x).exp()).inverse(); }
  static auto derivative(const auto&, const auto& y) { return y * (1.0 - y); }
};
// log(p / (1 - p)) = log(p) - log1p(-p), accurate near both ends.
struct Logit {
  static auto value(const auto& x) { return x.log() - (-x).log1p(); }
  static auto derivative(const auto& x, const auto&) { return (x * (1.0 - x)).inverse(); }
};
// log1p_exp(x) = max(x, 0) + log1p(exp(-|x|)): never overflows (log1p_exp(1000) = 1000).
struct Log1pExp {
  static auto value(const auto& x) { return x.max(0.0) + log1p_unit_interval((-x.abs()).exp()); }
  static auto derivative(const auto& x, const auto&) { return InvLogit::value(x); }
};
// log(inv_logit(x)) = -log1p_exp(-x); derivative inv_logit(-x).
struct LogInvLogit {
  static auto value(const auto& x) { return -((-x).max(0.0) + log1p_unit_interval((-x.abs()).exp())); }
  static auto derivative(const auto& x, const auto&) { return InvLogit::value(-x); }
};
// log(1 - inv_logit(x)) = -log1p_exp(x); derivative -inv_logit(x).
struct Log1mInvLogit {
  static auto value(const auto& x) { return -(x.max(0.0) + log1p_unit_interval((-x.abs()).exp())); }
  static auto derivative(const auto& x, const auto&) { return -InvLogit::value(x); }
};
struct Log1m {
  static auto value(const auto& x) { return (-x).log1p(); }
  static auto derivative(const auto& x, const auto&) { return -(1.0 - x).inverse(); }
};
// log(1 - exp(x)), x <= 0 (Maechler 2012, "Accurately computing log(1 - exp(-|a|))"):
// log(-expm1(x)) for x > -log 2, log1p(-exp(x)) below. Derivative -exp(x) / (1 - exp(x))
// = -1 / expm1(-x). x > 0 gives NaN; x = 0 gives -inf.
struct Log1mExp {
  static auto value(const auto& x) {
    return (x > -log_two).select((-x.expm1()).log(), (-x.exp()).log1p());
  }
  static auto derivative(const auto& x, const auto&) { return -((-x).expm1()).inverse(); }
};
struct Lgamma {
  static auto value(const auto& x) { return x.lgamma(); }
  static auto derivative(const auto& x, const auto&) { return x.unaryExpr(&digamma_quiet); }
};
struct Digamma {
  static auto value(const auto& x) { return x.unaryExpr(&digamma_quiet); }
  static auto derivative(const auto& x, const auto&) { return x.unaryExpr(&trigamma_quiet); }
};
struct Tanh {
  static auto value(const auto& x) { return x.tanh(); }
  static auto derivative(const auto&, const auto& y) { return 1.0 - y.square(); }
};
struct Relu {
  static auto value(const auto& x) { return x.max(0.0); }
  static auto derivative(const auto& x, const auto&) { return (x > 0.0).template cast<double>(); }
};
struct Elu {
  static auto value(const auto& x) { return (x > 0.0).select(x, x.expm1()); }
  static auto derivative(const auto& x, const auto& y) { return (x > 0.0).select(1.0, y + 1.0); }
};
// Phi(x) = erfc(-x / sqrt 2) / 2: accurate in the lower tail, where 1 + erf would cancel.
struct StandardNormalCdf {
  static auto value(const auto& x) { return 0.5 * (-inv_sqrt_two * x).erfc(); }
  static auto derivative(const auto& x, const auto&) { return inv_sqrt_two_pi * (-0.5 * x.square()).exp(); }
};

template <class Function>
class UnaryOp final : public OpBase {
 public:
  UnaryOp(Program& program, Node input, Node output)
      : OpBase(program), input_(input.index), output_(output.index), size_(as_index(input.shape().element_count())) {
    needs_backward = input.requires_gradient();
  }
  const char* name() const override { return "unary"; }
  void forward(bool) override {
    ArrayMap(value(output_), size_) = Function::value(ConstArrayMap(value(input_), size_));
  }
  void backward() override {
    ConstArrayMap x(value(input_), size_);
    ConstArrayMap y(value(output_), size_);
    ConstArrayMap g(adjoint(output_), size_);
    accumulate_masked(adjoint(input_), 1, size_, g, Function::derivative(x, y));
  }

 private:
  std::uint32_t input_, output_;
  Index size_;
};

template <class Function>
Node record_unary(Node x) {
  Program& program = *x.program;
  Node output = program.add_node(x.shape(), x.requires_gradient());
  program.add_op(std::make_unique<UnaryOp<Function>>(program, x, output));
  return output;
}

}  // namespace

Node negate(Node x) { return record_unary<Negate>(x); }
Node exp(Node x) { return record_unary<Exp>(x); }
Node log(Node x) { return record_unary<Log>(x); }
Node log1p(Node x) { return record_unary<Log1p>(x); }
Node expm1(Node x) { return record_unary<Expm1>(x); }
Node sqrt(Node x) { return record_unary<Sqrt>(x); }
Node square(Node x) { return record_unary<Square>(x); }
Node abs(Node x) { return record_unary<Abs>(x); }
Node inv(Node x) { return record_unary<Inv>(x); }
Node inv_sqrt(Node x) { return record_unary<InvSqrt>(x); }
Node inv_logit(Node x) { return record_unary<InvLogit>(x); }
Node logit(Node x) { return record_unary<Logit>(x); }
Node log_inv_logit(Node x) { return record_unary<LogInvLogit>(x); }
Node log1m_inv_logit(Node x) { return record_unary<Log1mInvLogit>(x); }
Node log1m(Node x) { return record_unary<Log1m>(x); }
Node log1p_exp(Node x) { return record_unary<Log1pExp>(x); }
Node log1m_exp(Node x) { return record_unary<Log1mExp>(x); }
Node lgamma(Node x) { return record_unary<Lgamma>(x); }
Node digamma(Node x) { return record_unary<Digamma>(x); }
Node tanh(Node x) { return record_unary<Tanh>(x); }
Node relu(Node x) { return record_unary<Relu>(x); }
Node elu(Node x) { return record_unary<Elu>(x); }
Node Phi(Node x) { return record_unary<StandardNormalCdf>(x); }

}  // namespace pm::ad
