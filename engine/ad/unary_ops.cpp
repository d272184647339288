// Elementwise unary ops: each function's value and derivative side by side. The derivative
// is written in terms of the input x and the output y (whichever is cheaper); backward adds
// g * derivative, masked where g == 0 (op_support.hpp, accumulate_masked). Input and output have one shape, so
// each pass is a single Eigen array expression over the whole buffer (vectorized exp, log,
// log1p, expm1, sqrt, tanh); lgamma, digamma and erfc go element by element.
#include <cmath>
#include <limits>
#include <memory>

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/polygamma.hpp>
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
double tetragamma_quiet(double x) { return boost::math::polygamma(2, x, quiet_policy()); }
double tgamma_quiet(double x) { return boost::math::tgamma(x, quiet_policy()); }
double cbrt_scalar(double x) { return std::cbrt(x); }
double round_scalar(double x) { return std::round(x); }  // half away from zero, as Stan
double trunc_scalar(double x) { return std::trunc(x); }
double asinh_scalar(double x) { return std::asinh(x); }
double acosh_scalar(double x) { return std::acosh(x); }
double atanh_scalar(double x) { return std::atanh(x); }

constexpr double inv_sqrt_two = 0.70710678118654752440;
constexpr double inv_sqrt_two_pi = 0.39894228040143267794;
constexpr double log_two = 0.69314718055994530942;
constexpr double two_over_sqrt_pi = 1.12837916709551257390;
constexpr double sqrt_two_pi = 2.50662827463100050242;

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

// Trigonometric and hyperbolic functions. asin and acos have infinite derivatives at +-1
// and atanh at +-1, acosh at 1: the gradient there is +-inf (outside, NaN), as the math says.
struct Sin {
  static auto value(const auto& x) { return x.sin(); }
  static auto derivative(const auto& x, const auto&) { return x.cos(); }
};
struct Cos {
  static auto value(const auto& x) { return x.cos(); }
  static auto derivative(const auto& x, const auto&) { return -x.sin(); }
};
struct Tan {
  static auto value(const auto& x) { return x.tan(); }
  static auto derivative(const auto&, const auto& y) { return 1.0 + y.square(); }
};
struct Asin {
  static auto value(const auto& x) { return x.asin(); }
  static auto derivative(const auto& x, const auto&) { return (1.0 - x.square()).rsqrt(); }
};
struct Acos {
  static auto value(const auto& x) { return x.acos(); }
  static auto derivative(const auto& x, const auto&) { return -(1.0 - x.square()).rsqrt(); }
};
struct Atan {
  static auto value(const auto& x) { return x.atan(); }
  static auto derivative(const auto& x, const auto&) { return (1.0 + x.square()).inverse(); }
};
struct Asinh {
  static auto value(const auto& x) { return x.unaryExpr(&asinh_scalar); }
  static auto derivative(const auto& x, const auto&) { return (1.0 + x.square()).rsqrt(); }
};
struct Acosh {
  static auto value(const auto& x) { return x.unaryExpr(&acosh_scalar); }
  static auto derivative(const auto& x, const auto&) { return (x.square() - 1.0).rsqrt(); }
};
struct Atanh {
  static auto value(const auto& x) { return x.unaryExpr(&atanh_scalar); }
  static auto derivative(const auto& x, const auto&) { return (1.0 - x.square()).inverse(); }
};
// cbrt(x)' = 1 / (3 cbrt(x)^2): +inf at 0 (the cusp of a vertical tangent).
struct Cbrt {
  static auto value(const auto& x) { return x.unaryExpr(&cbrt_scalar); }
  static auto derivative(const auto&, const auto& y) { return (3.0 * y.square()).inverse(); }
};
// Piecewise constant: the derivative is 0 everywhere, the jumps included (Stan's choice).
struct PiecewiseConstant {
  static auto derivative(const auto& x, const auto&) { return 0.0 * x; }
};
struct Floor : PiecewiseConstant {
  static auto value(const auto& x) { return x.floor(); }
};
struct Ceil : PiecewiseConstant {
  static auto value(const auto& x) { return x.ceil(); }
};
struct Round : PiecewiseConstant {
  static auto value(const auto& x) { return x.unaryExpr(&round_scalar); }
};
struct Trunc : PiecewiseConstant {
  static auto value(const auto& x) { return x.unaryExpr(&trunc_scalar); }
};
// erf(x)' = 2 / sqrt(pi) exp(-x^2).
struct Erf {
  static auto value(const auto& x) { return x.erf(); }
  static auto derivative(const auto& x, const auto&) { return two_over_sqrt_pi * (-x.square()).exp(); }
};
// trigamma' = psi_2, the tetragamma function (Boost polygamma(2, x)).
struct Trigamma {
  static auto value(const auto& x) { return x.unaryExpr(&trigamma_quiet); }
  static auto derivative(const auto& x, const auto&) { return x.unaryExpr(&tetragamma_quiet); }
};
// Gamma(x)' = Gamma(x) psi(x); at the poles (0, -1, ...) value and derivative are inf / NaN.
struct Tgamma {
  static auto value(const auto& x) { return x.unaryExpr(&tgamma_quiet); }
  static auto derivative(const auto& x, const auto& y) { return y * x.unaryExpr(&digamma_quiet); }
};
// inv_Phi(p), the standard normal quantile (Eigen's ndtri, Cephes); its derivative is
// 1 / phi(y) = sqrt(2 pi) exp(y^2 / 2): +inf at p = 0 and 1 (y = -+inf), NaN outside [0, 1].
struct InvPhi {
  static auto value(const auto& x) { return x.ndtri(); }
  static auto derivative(const auto&, const auto& y) { return sqrt_two_pi * (0.5 * y.square()).exp(); }
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
Node sin(Node x) { return record_unary<Sin>(x); }
Node cos(Node x) { return record_unary<Cos>(x); }
Node tan(Node x) { return record_unary<Tan>(x); }
Node asin(Node x) { return record_unary<Asin>(x); }
Node acos(Node x) { return record_unary<Acos>(x); }
Node atan(Node x) { return record_unary<Atan>(x); }
Node asinh(Node x) { return record_unary<Asinh>(x); }
Node acosh(Node x) { return record_unary<Acosh>(x); }
Node atanh(Node x) { return record_unary<Atanh>(x); }
Node cbrt(Node x) { return record_unary<Cbrt>(x); }
Node floor(Node x) { return record_unary<Floor>(x); }
Node ceil(Node x) { return record_unary<Ceil>(x); }
Node round(Node x) { return record_unary<Round>(x); }
Node trunc(Node x) { return record_unary<Trunc>(x); }
Node erf(Node x) { return record_unary<Erf>(x); }
Node trigamma(Node x) { return record_unary<Trigamma>(x); }
Node tgamma(Node x) { return record_unary<Tgamma>(x); }
Node inv_Phi(Node x) { return record_unary<InvPhi>(x); }

}  // namespace pm::ad
