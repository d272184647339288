// The language's trigonometric, rounding and special functions, the general-matrix linear
// algebra (inverse, determinants, solves, symmetric eigenvalues), norms and sorting, as
// builder ops (engine/ad: unary_ops.cpp, binary_ops.cpp, decomposition_ops.cpp,
// sequence_ops.cpp). Where a function is not differentiable at a point, the op's comment
// says what its gradient is there.
#include <cmath>
#include <numbers>

#include "engine/compile/function_lowering.hpp"
#include "stdlib/distributions/cdf_math.hpp"

namespace pm::compile::functions {
namespace {

template <ad::Node (*F)(ad::Node)>
Lowering unary() {
  return [](const Call& call) { return F(call.args[0]); };
}
template <ad::Node (*F)(ad::Node, ad::Node)>
Lowering binary() {
  return [](const Call& call) { return F(call.args[0], call.args[1]); };
}

// inc_beta(a, b, x) = I_x(a, b), the regularized incomplete beta function (Boost.Math's
// ibeta), elementwise through the factor op with no dims summed: the op broadcasts the
// three arguments and applies the partials. dI/dx = x^(a-1) (1-x)^(b-1) / B(a, b)
// (ibeta_derivative); dI/da and dI/db have no closed form (Stan sums hypergeometric series)
// and are the five-point central difference of cdf_math.hpp (accurate to ~1e-10).
void incomplete_beta_kernel(const ad::KernelCall& call, double* out, double* const* partials) {
  using namespace stdlib::kernel_math;
  double* d_a = wanted(partials, 0);
  double* d_b = wanted(partials, 1);
  double* d_x = wanted(partials, 2);
  for (std::size_t j = 0; j < call.count; ++j) {
    const double a = call.args[0].data[j], b = call.args[1].data[j], x = call.args[2].data[j];
    const bool valid = positive_finite(a) && positive_finite(b) && x >= 0.0 && x <= 1.0;
    out[j] = valid ? incomplete_beta(a, b, x, false) : not_a_number;
    if (d_x) d_x[j] = valid ? incomplete_beta_derivative(a, b, x) : not_a_number;
    if (d_a) d_a[j] = valid ? shape_derivative([&](double s) { return incomplete_beta(s, b, x, false); }, a) : not_a_number;
    if (d_b) d_b[j] = valid ? shape_derivative([&](double s) { return incomplete_beta(a, s, x, false); }, b) : not_a_number;
  }
}

ad::Node incomplete_beta(const Call& call) {
  std::vector<ad::FactorArgument> arguments;
  for (ad::Node arg : call.args) arguments.push_back({arg, 0});
  return ad::log_density(&incomplete_beta_kernel, arguments, {});
}

// The lower triangle of a square matrix (the diagonal included), zeros above: the part a
// *_tri_low function reads.
ad::Node lower_triangle(const Call& call, ad::Node matrix) {
  const std::size_t n = matrix.shape().size_of(tensor::event(0));
  std::vector<double> mask(n * n, 0.0);
  for (std::size_t c = 0; c < n; ++c)
    for (std::size_t r = c; r < n; ++r) mask[r + n * c] = 1.0;
  return ad::multiply(matrix, call.lowerer.constant(tensor::Shape::matrix(n, n), mask));
}

// B A^{-1} = (A^{-T} B^T)^T: a row_vector b is its own transpose (1-d values are positional).
ad::Node divide_right(ad::Node b, ad::Node a) { return ad::transpose(ad::solve(ad::transpose(a), ad::transpose(b))); }

ad::Node square_matrix(const Call& call, std::size_t k) {
  ad::Node matrix = no_plates(call, call.args[k]);
  const tensor::Shape& shape = matrix.shape();
  if (shape.event_rank() != 2 || shape.size_of(tensor::event(0)) != shape.size_of(tensor::event(1)))
    throw LocatedError(call.expr.args[k]->range, "'" + call.expr.name + "' needs a square matrix, not " +
                                                     std::to_string(shape.size_of(tensor::event(0))) + " x " +
                                                     std::to_string(shape.event_rank() == 2 ? shape.size_of(tensor::event(1)) : 1));
  return matrix;
}

ad::Node sorted(const Call& call, bool descending) {
  ad::Node x = call.args[0];
  if (x.shape().event_rank() != 1)
    throw LocatedError(call.expr.range, "'" + call.expr.name + "' sorts a vector or a 1-d array");
  return ad::sort(x, tensor::event(0), descending);
}

}  // namespace

const Table& math_functions() {
  static const Table table = {
      {"sin", unary<ad::sin>()}, {"cos", unary<ad::cos>()}, {"tan", unary<ad::tan>()},
      {"asin", unary<ad::asin>()}, {"acos", unary<ad::acos>()}, {"atan", unary<ad::atan>()},
      {"asinh", unary<ad::asinh>()}, {"acosh", unary<ad::acosh>()}, {"atanh", unary<ad::atanh>()},
      {"cbrt", unary<ad::cbrt>()}, {"erf", unary<ad::erf>()}, {"trigamma", unary<ad::trigamma>()},
      {"tgamma", unary<ad::tgamma>()}, {"inv_Phi", unary<ad::inv_Phi>()},
      // Piecewise constant: zero gradient everywhere, at the jumps too.
      {"floor", unary<ad::floor>()}, {"ceil", unary<ad::ceil>()}, {"round", unary<ad::round>()},
      {"trunc", unary<ad::trunc>()}, {"to_int", unary<ad::trunc>()},  // Stan's to_int truncates toward 0
      {"atan2", binary<ad::atan2>()}, {"fmod", binary<ad::fmod>()},
      {"choose",  // n choose k of two ints: exp(lchoose) rounded (exact below 2^53); 0 when k > n
       [](const Call& call) {
         ad::Node one = call.lowerer.scalar(1.0), n = call.args[0], k = call.args[1];
         ad::Node log_choose = ad::subtract(ad::subtract(ad::lgamma(ad::add(n, one)), ad::lgamma(ad::add(k, one))),
                                            ad::lgamma(ad::add(ad::subtract(n, k), one)));
         ad::Node value = ad::round(ad::exp(log_choose));
         return ad::select(ad::greater(k, n), call.lowerer.scalar(0.0), value);
       }},
      {"inc_beta", incomplete_beta},
      {"inverse", [](const Call& call) { return ad::inverse(square_matrix(call, 0)); }},
      {"determinant", [](const Call& call) { return ad::determinant(square_matrix(call, 0)); }},
      {"log_determinant", [](const Call& call) { return ad::log_determinant(square_matrix(call, 0)); }},
      {"mdivide_left", [](const Call& call) { return ad::solve(square_matrix(call, 0), no_plates(call, call.args[1])); }},
      {"mdivide_right",
       [](const Call& call) { return divide_right(no_plates(call, call.args[0]), square_matrix(call, 1)); }},
      {"mdivide_right_tri_low",  // B L^{-1}, reading L's lower triangle only (Stan)
       [](const Call& call) {
         return divide_right(no_plates(call, call.args[0]), lower_triangle(call, square_matrix(call, 1)));
       }},
      {"eigenvalues_sym", [](const Call& call) { return ad::eigenvalues_sym(square_matrix(call, 0)); }},
      // Norms over the value's own dims. norm2 = sqrt(dot_self): its gradient x / |x| is NaN
      // at x = 0 (0 / 0; every direction is a subgradient). norm1 = sum |x|: abs takes 0 at 0.
      {"norm2",
       [](const Call& call) {
         tensor::DimSet dims = event_dims(call.args[0].shape());
         ad::Node squares = ad::square(call.args[0]);
         return ad::sqrt(dims.empty() ? squares : ad::sum(squares, dims));
       }},
      {"norm1",
       [](const Call& call) {
         tensor::DimSet dims = event_dims(call.args[0].shape());
         ad::Node magnitudes = ad::abs(call.args[0]);
         return dims.empty() ? magnitudes : ad::sum(magnitudes, dims);
       }},
      {"sort_asc", [](const Call& call) { return sorted(call, false); }},
      {"sort_desc", [](const Call& call) { return sorted(call, true); }},
  };
  return table;
}

}  // namespace pm::compile::functions
