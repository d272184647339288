// The language's functions as builder ops: ONE table (LANGUAGE.md's function list). A value
// inside a plate carries plate dims besides its own event dims; reductions (sum, mean, ...)
// reduce over the event dims only, so that `sum(x[i])` stays one value per plate element.
// A function missing here is a located error, "not supported by the engine yet".
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numbers>

#include "engine/compile/function_lowering.hpp"
#include "stdlib/distributions/registry.hpp"
#include "stdlib/signatures/signature.hpp"

namespace pm::compile {
namespace {

using namespace functions;

template <ad::Node (*F)(ad::Node)>
Lowering unary() {
  return [](const Call& call) { return F(call.args[0]); };
}
template <ad::Node (*F)(ad::Node, ad::Node)>
Lowering binary() {
  return [](const Call& call) { return F(call.args[0], call.args[1]); };
}
// A reduction over the value's own (event) dims; a scalar is its own sum.
template <ad::Node (*F)(ad::Node, const tensor::DimSet&)>
Lowering over_events() {
  return [](const Call& call) {
    tensor::DimSet dims = event_dims(call.args[0].shape());
    return dims.empty() ? call.args[0] : F(call.args[0], dims);
  };
}
template <ad::Node (*F)(ad::Node, tensor::DimId)>
Lowering along_first_event() {
  return [](const Call& call) { return F(call.args[0], tensor::event(0)); };
}

// min / max of a container: F folded over the elements of its event dims, one index op per
// element (no reduction op: meant for short vectors, e.g. the K states of a Viterbi step).
template <ad::Node (*F)(ad::Node, ad::Node)>
ad::Node fold_elements(const Call& call) {
  constexpr std::size_t kLongest = 4096;
  ad::Node x = call.args[0];
  for (int rank = x.shape().event_rank(); rank > 0; --rank) {
    const tensor::DimId last = tensor::event(rank - 1);
    const std::size_t size = x.shape().size_of(last);
    if (size == 0) throw LocatedError(call.expr.range, "the " + call.expr.name + " of an empty container");
    if (size > kLongest)
      throw LocatedError(call.expr.range, call.expr.name + " of more than " + std::to_string(kLongest) +
                                              " elements is not supported by the engine yet");
    ad::Node folded = ad::index(x, last, 0);
    for (std::size_t k = 1; k < size; ++k) folded = F(folded, ad::index(x, last, k));
    x = folded;
  }
  return x;
}

// x broadcast against zeros of the given event sizes: rep_vector, rep_matrix.
ad::Node repeat(const Call& call, std::vector<std::size_t> sizes) {
  std::vector<tensor::Dim> dims;
  for (std::size_t k = 0; k < sizes.size(); ++k) dims.push_back({tensor::event(static_cast<int>(k)), sizes[k]});
  tensor::Shape shape(dims);
  return ad::add(call.args[0], call.lowerer.constant(shape, std::vector<double>(shape.element_count(), 0.0)));
}
std::size_t size_argument(const Call& call, std::size_t k) {
  if (k >= call.args.size()) throw LocatedError(call.expr.range, "this form of '" + call.expr.name + "' is not supported by the engine yet");
  std::int64_t n = call.lowerer.constant_int(*call.expr.args[k], call.context);
  if (n < 0) throw LocatedError(call.expr.args[k]->range, "a size must not be negative");
  return static_cast<std::size_t>(n);
}

// A constant int argument (a size, a position), known from the data.
std::int64_t int_argument(const Call& call, std::size_t k) {
  if (k >= call.args.size()) throw LocatedError(call.expr.range, "this form of '" + call.expr.name + "' is not supported by the engine yet");
  return call.lowerer.constant_int(*call.expr.args[k], call.context);
}

// x gathered along event(0) by a constant index tensor of the given shape: repeats,
// reversals, moving a vector onto the columns (each a copy whose gradient scatter-adds).
ad::Node gather_constant(const Call& call, ad::Node x, const tensor::Shape& shape, const std::vector<double>& indices) {
  return ad::gather(x, tensor::event(0), call.lowerer.constant(shape, indices));
}

// The vector v (event0: C) laid along the columns of an R x C matrix: out[r, c] = v[c].
ad::Node along_columns(const Call& call, ad::Node v, std::size_t rows) {
  const std::size_t cols = v.shape().size_of(tensor::event(0));
  std::vector<double> indices(rows * cols);
  for (std::size_t c = 0; c < cols; ++c)
    for (std::size_t r = 0; r < rows; ++r) indices[r + rows * c] = static_cast<double>(c);
  return gather_constant(call, v, tensor::Shape::matrix(rows, cols), indices);
}

ad::Node sum_of_squares(ad::Node x, const tensor::DimSet& dims) {
  return dims.empty() ? ad::square(x) : ad::sum(ad::square(x), dims);
}

ad::Node identity(const Call& call, std::size_t n) {
  std::vector<double> values(n * n, 0.0);
  for (std::size_t k = 0; k < n; ++k) values[k + n * k] = 1.0;
  return call.lowerer.constant(tensor::Shape::matrix(n, n), values);
}

// rep_matrix(v, n) of a vector: n columns v; rep_matrix(rv, m) of a row_vector: m rows rv.
// Both are a gather of the 1-d value by a constant index matrix (k at every place where
// element k goes), so the gradient scatter-adds back.
ad::Node repeat_vector_as_matrix(const Call& call) {
  const std::size_t length = call.args[0].shape().size_of(tensor::event(0)), copies = size_argument(call, 1);
  const bool columns = call.lowerer.type_of(*call.expr.args[0]).shape == lang::ShapeKind::Vector;
  const std::size_t rows = columns ? length : copies, cols = columns ? copies : length;
  std::vector<double> indices(rows * cols);
  for (std::size_t c = 0; c < cols; ++c)
    for (std::size_t r = 0; r < rows; ++r) indices[r + rows * c] = static_cast<double>(columns ? r : c);
  return ad::gather(call.args[0], tensor::event(0), call.lowerer.constant(tensor::Shape::matrix(rows, cols), indices));
}

// Sample standard deviation over the value's own dims: sqrt(sum((x - mean)^2) / (n - 1)).
ad::Node standard_deviation(const Call& call) {
  tensor::DimSet dims = event_dims(call.args[0].shape());
  if (dims.empty()) throw LocatedError(call.expr.range, "sd of a scalar is not defined");
  double n = 1;
  for (tensor::DimId dim : dims) n *= static_cast<double>(call.args[0].shape().size_of(dim));
  ad::Node centered = ad::subtract(call.args[0], ad::mean(call.args[0], dims));
  return ad::sqrt(ad::divide(ad::sum(ad::square(centered), dims), call.lowerer.scalar(n - 1)));
}

ad::Node size_constant(const Call& call, std::size_t size) { return call.lowerer.scalar(static_cast<double>(size)); }

// x as one event dim: to_vector, to_row_vector, to_array_1d, and to_matrix with sizes. A
// matrix is read column-major (Stan's to_vector); array dims row-major (Stan's to_array_1d:
// the last index fastest), each element's own entries (a vector, a matrix) in their
// column-major order within. Plate dims are kept.
ad::Node flatten(const Call& call, ad::Node x, const lang::Expr& expr) {
  const tensor::Shape shape = x.shape();
  const int rank = shape.event_rank();
  if (rank <= 1) return x;
  std::vector<std::size_t> sizes(static_cast<std::size_t>(rank)), strides(static_cast<std::size_t>(rank), 1);
  std::size_t total = 1;
  for (int d = 0; d < rank; ++d) {
    sizes[d] = shape.size_of(tensor::event(d));
    if (d > 0) strides[d] = strides[d - 1] * sizes[d - 1];
    total *= sizes[d];
  }
  ad::Node flat = ad::reshape(x, {total});  // column-major: the tensor layout itself
  const lang::Type& type = call.lowerer.type_of(expr);
  const int arrays = type.error ? 0 : std::min(static_cast<int>(type.array_sizes.size()), rank);
  if (arrays == 0) return flat;
  // The output's dims, fastest first: the element's own dims, then the array dims last to first.
  std::vector<int> order;
  for (int d = arrays; d < rank; ++d) order.push_back(d);
  for (int d = arrays - 1; d >= 0; --d) order.push_back(d);
  std::vector<double> indices(total);
  std::vector<std::size_t> counter(static_cast<std::size_t>(rank), 0);
  for (std::size_t k = 0; k < total; ++k) {
    std::size_t source = 0;
    for (int d = 0; d < rank; ++d) source += counter[d] * strides[d];
    indices[k] = static_cast<double>(source);
    for (int d : order) {
      if (++counter[d] < sizes[d]) break;
      counter[d] = 0;
    }
  }
  return gather_constant(call, flat, tensor::Shape::vector(total), indices);
}

// to_matrix(x, m, n): x's elements (flattened as above) filled column by column, as Stan.
ad::Node reshape_to_matrix(const Call& call) {
  const std::size_t rows = size_argument(call, 1), cols = size_argument(call, 2);
  ad::Node flat = flatten(call, call.args[0], *call.expr.args[0]);
  const std::size_t count = flat.shape().event_rank() == 0 ? 1 : flat.shape().size_of(tensor::event(0));
  if (count != rows * cols)
    throw LocatedError(call.expr.range, "to_matrix: " + std::to_string(count) + " elements do not fill a " +
                                            std::to_string(rows) + " x " + std::to_string(cols) + " matrix");
  return ad::reshape(flat, {rows, cols});
}

// A 1-based position argument, checked against the size of `dim` of the first argument.
std::size_t position_argument(const Call& call, std::size_t k, tensor::DimId dim) {
  const std::int64_t position = int_argument(call, k);
  const std::size_t size = call.args[0].shape().size_of(dim);
  if (position < 1 || static_cast<std::size_t>(position) > size)
    throw LocatedError(call.expr.args[k]->range, "index " + std::to_string(position) + " is out of range for size " +
                                                     std::to_string(size));
  return static_cast<std::size_t>(position - 1);
}

// x's elements [start, start + length) along `dim`, start and length the 1-based arguments
// start_argument and length_argument (block, sub_col, sub_row).
ad::Node sub_range(const Call& call, ad::Node x, tensor::DimId dim, std::size_t start_argument, std::size_t length_argument) {
  const std::int64_t start = int_argument(call, start_argument), length = int_argument(call, length_argument);
  const std::size_t size = x.shape().size_of(dim);
  if (start < 1 || length < 0 || static_cast<std::size_t>(start - 1 + length) > size)
    throw LocatedError(call.expr.range, "'" + call.expr.name + "': rows or columns " + std::to_string(start) + " to " +
                                            std::to_string(start - 1 + length) + " are out of range for size " +
                                            std::to_string(size));
  return ad::slice(x, dim, static_cast<std::size_t>(start - 1), static_cast<std::size_t>(length));
}

// append_row / append_col of the checker's forms: each operand promoted to the result's
// rank by its type (a real to one element, a row_vector to a 1 x C matrix for append_row,
// a vector to an R x 1 matrix for append_col), then one concatenation along rows
// (event 0) or columns (the last event dim).
ad::Node append(const Call& call, bool rows) {
  auto kind = [&](std::size_t k) { return call.lowerer.type_of(*call.expr.args[k]).shape; };
  const bool matrix_result = kind(0) == lang::ShapeKind::Matrix || kind(1) == lang::ShapeKind::Matrix ||
                             (rows ? kind(0) == lang::ShapeKind::RowVector && kind(1) == lang::ShapeKind::RowVector
                                   : kind(0) == lang::ShapeKind::Vector && kind(1) == lang::ShapeKind::Vector);
  auto promoted = [&](std::size_t k) {
    ad::Node x = call.args[k];
    if (has_plate_dims(x.shape()) && matrix_result)
      throw LocatedError(call.expr.range, "'" + call.expr.name + "' of matrices inside a plate is not supported by the engine yet");
    const int rank = x.shape().event_rank();
    if (rank == 0) return ad::reshape(x, {1});
    if (!matrix_result || rank == 2) return x;
    const std::size_t length = x.shape().size_of(tensor::event(0));
    return rows ? ad::reshape(x, {1, length}) : ad::reshape(x, {length, 1});
  };
  ad::Node a = promoted(0), b = promoted(1);
  return ad::concatenate(a, b, rows || !matrix_result ? tensor::event(0) : tensor::event(1));
}

// Squared distances between the points of x1 and of x2 (arrays of reals or of vectors), a
// (rows of x1, rows of x2) matrix: each point gathered along a matrix of indices (a
// vector's coordinates parked on a spare plate dim meanwhile, then summed out).
ad::Node squared_distances(const Call& call, ad::Node x1, ad::Node x2) {
  constexpr int kCoordinates = (1 << 22) + 1;
  const std::size_t n1 = x1.shape().size_of(tensor::event(0)), n2 = x2.shape().size_of(tensor::event(0));
  const bool vectors = x1.shape().event_rank() == 2;
  if (x1.shape().event_rank() != x2.shape().event_rank() || has_plate_dims(x1.shape()) || has_plate_dims(x2.shape()))
    throw LocatedError(call.expr.range, "this form of '" + call.expr.name + "' is not supported by the engine yet");
  if (vectors) {
    x1 = ad::rename_dim(x1, tensor::event(1), tensor::plate(kCoordinates));
    x2 = ad::rename_dim(x2, tensor::event(1), tensor::plate(kCoordinates));
  }
  std::vector<double> rows(n1 * n2), cols(n1 * n2);
  for (std::size_t c = 0; c < n2; ++c)
    for (std::size_t r = 0; r < n1; ++r) rows[r + n1 * c] = static_cast<double>(r), cols[r + n1 * c] = static_cast<double>(c);
  const tensor::Shape matrix = tensor::Shape::matrix(n1, n2);
  ad::Node difference = ad::subtract(gather_constant(call, x1, matrix, rows), gather_constant(call, x2, matrix, cols));
  ad::Node squares = ad::square(difference);
  return vectors ? ad::sum(squares, {tensor::plate(kCoordinates)}) : squares;
}

// gp_exp_quad_cov(x, alpha, rho) and (x1, x2, alpha, rho): alpha^2 exp(-|x - x'|^2 / (2 rho^2)).
ad::Node exp_quad_covariance(const Call& call) {
  const bool two = call.args.size() == 4;
  ad::Node distances = squared_distances(call, call.args[0], call.args[two ? 1 : 0]);
  ad::Node alpha = call.args[two ? 2 : 1], rho = call.args[two ? 3 : 2];
  ad::Node scaled = ad::divide(distances, ad::multiply(ad::square(rho), call.lowerer.scalar(-2.0)));
  return ad::multiply(ad::square(alpha), ad::exp(scaled));
}

// --- kl(q, p) ------------------------------------------------------------------------------
// Lowerer::lower_call lowers every argument before the call itself, so each distribution
// expression inside kl (the checker allows them nowhere else) is lowered first, as ONE node:
// its parameters broadcast together and stacked along a spare plate dim (a select per
// parameter: exact values, masked gradients). kl takes them back with index ops. Being a
// plain value, a data-only distribution (normal(2, 1)) is computed once like any other.
constexpr int kDistributionPlate = 1 << 22;

ad::Node pack_distribution(const Call& call) {
  const std::size_t n = call.args.size();
  if (n == 0) throw LocatedError(call.expr.range, "'" + call.expr.name + "' needs its parameters");
  const tensor::Shape spare({tensor::Dim{tensor::plate(kDistributionPlate), n}});
  ad::Node packed = ad::add(call.args[n - 1], call.lowerer.constant(spare, std::vector<double>(n, 0.0)));
  for (std::size_t k = n - 1; k-- > 0;) {
    std::vector<double> here(n, 0.0);
    here[k] = 1.0;
    packed = ad::select(call.lowerer.constant(spare, here), call.args[k], packed);
  }
  return packed;
}

std::vector<ad::Node> unpack_distribution(const Call& call, std::size_t k) {
  const lang::Expr& expr = *call.expr.args[k];
  std::vector<ad::Node> parameters;
  for (std::size_t j = 0; j < expr.args.size(); ++j)
    parameters.push_back(ad::index(call.args[k], tensor::plate(kDistributionPlate), j));
  return parameters;
}

// KL(q || p), elementwise over the broadcast of both distributions' parameters (the
// checker's type: a container when a parameter is one). `target += -kl(...)` sums it.
ad::Node kl_divergence(const Call& call) {
  for (const lang::ExprPtr& arg : call.expr.args)
    if (arg->kind != lang::ExprKind::Call || !stdlib::find_distribution(arg->name))
      throw LocatedError(arg->range, "kl expects two distributions, as in kl(normal(m, s), normal(0, 1))");
  if (call.expr.args.size() != 2)
    throw LocatedError(call.expr.name_range, "kl takes 2 distributions, got " + std::to_string(call.expr.args.size()));
  const std::string& q = call.expr.args[0]->name;
  const std::string& p = call.expr.args[1]->name;
  if (q == "normal" && p == "normal") {
    // KL(N(m, s) || N(a, b)) = log(b / s) + (s^2 + (m - a)^2) / (2 b^2) - 1/2
    std::vector<ad::Node> first = unpack_distribution(call, 0), second = unpack_distribution(call, 1);
    if (first.size() != 2 || second.size() != 2)
      throw LocatedError(call.expr.range, "kl: normal takes 2 parameters (mu, sigma)");
    ad::Node ratio = ad::divide(first[1], second[1]);
    ad::Node z = ad::divide(ad::subtract(first[0], second[0]), second[1]);
    ad::Node half_squares = ad::multiply(ad::add(ad::square(ratio), ad::square(z)), call.lowerer.scalar(0.5));
    return ad::subtract(ad::subtract(half_squares, call.lowerer.scalar(0.5)), ad::log(ratio));
  }
  throw LocatedError(call.expr.range, "kl(" + q + ", " + p + ") is not supported by the engine yet (only kl(normal, normal))");
}

const std::map<std::string, Lowering, std::less<>>& table() {
  static const std::map<std::string, Lowering, std::less<>> functions = {
      // elementwise, one argument
      {"exp", unary<ad::exp>()}, {"log", unary<ad::log>()}, {"log1p", unary<ad::log1p>()},
      {"expm1", unary<ad::expm1>()}, {"sqrt", unary<ad::sqrt>()}, {"square", unary<ad::square>()},
      {"abs", unary<ad::abs>()}, {"fabs", unary<ad::abs>()}, {"inv", unary<ad::inv>()},
      {"inv_sqrt", unary<ad::inv_sqrt>()}, {"inv_logit", unary<ad::inv_logit>()}, {"sigmoid", unary<ad::inv_logit>()},
      {"logit", unary<ad::logit>()}, {"log_inv_logit", unary<ad::log_inv_logit>()},
      {"log1m_inv_logit", unary<ad::log1m_inv_logit>()}, {"log1m", unary<ad::log1m>()},
      {"log1p_exp", unary<ad::log1p_exp>()}, {"softplus", unary<ad::log1p_exp>()},
      {"log1m_exp", unary<ad::log1m_exp>()}, {"lgamma", unary<ad::lgamma>()}, {"digamma", unary<ad::digamma>()},
      {"tanh", unary<ad::tanh>()}, {"relu", unary<ad::relu>()}, {"elu", unary<ad::elu>()}, {"Phi", unary<ad::Phi>()},
      // elementwise, two arguments (broadcasting)
      {"pow", binary<ad::pow>()}, {"fmin", binary<ad::fmin>()}, {"fmax", binary<ad::fmax>()},
      {"lbeta", binary<ad::lbeta>()},
      // reductions over the value's own dims
      {"sum", over_events<ad::sum>()}, {"mean", over_events<ad::mean>()}, {"prod", over_events<ad::prod>()},
      {"log_sum_exp",
       [](const Call& call) {
         if (call.args.size() == 2) return ad::log_sum_exp(call.args[0], call.args[1]);
         tensor::DimSet dims = event_dims(call.args[0].shape());
         return dims.empty() ? call.args[0] : ad::log_sum_exp(call.args[0], dims);
       }},
      {"min",
       [](const Call& call) {
         if (call.args.size() == 1) return fold_elements<ad::fmin>(call);
         return ad::fmin(call.args[0], call.args[1]);
       }},
      {"max",
       [](const Call& call) {
         if (call.args.size() == 1) return fold_elements<ad::fmax>(call);
         return ad::fmax(call.args[0], call.args[1]);
       }},
      // along the vector
      {"softmax", along_first_event<ad::softmax>()}, {"log_softmax", along_first_event<ad::log_softmax>()},
      {"cumulative_sum", along_first_event<ad::cumulative_sum>()},
      // linear algebra
      {"dot_product",
       [](const Call& call) {
         if (has_plate_dims(call.args[0].shape()) || has_plate_dims(call.args[1].shape()))
           return ad::sum(ad::multiply(call.args[0], call.args[1]), {tensor::event(0)});
         return ad::dot_product(call.args[0], call.args[1]);
       }},
      // Of two vectors (rows_dot_product) or two row_vectors (columns_dot_product): one
      // product per element, a vector / row_vector as the checker types it.
      {"rows_dot_product",
       [](const Call& call) {
         if (call.args[0].shape().event_rank() < 2 && call.args[1].shape().event_rank() < 2)
           return ad::multiply(call.args[0], call.args[1]);
         return ad::rows_dot_product(call.args[0], call.args[1]);
       }},
      {"columns_dot_product",
       [](const Call& call) {
         if (call.args[0].shape().event_rank() < 2 && call.args[1].shape().event_rank() < 2)
           return ad::multiply(call.args[0], call.args[1]);
         return ad::columns_dot_product(call.args[0], call.args[1]);
       }},
      {"diag_matrix",  // inside a plate: v (rows) times the identity, broadcast
       [](const Call& call) {
         ad::Node v = call.args[0];
         if (!has_plate_dims(v.shape())) return ad::diag_matrix(v);
         return ad::multiply(v, identity(call, v.shape().size_of(tensor::event(0))));
       }},
      // constructors and sizes
      {"rep_vector", [](const Call& call) { return repeat(call, {size_argument(call, 1)}); }},
      {"rep_row_vector", [](const Call& call) { return repeat(call, {size_argument(call, 1)}); }},
      {"rep_matrix",
       [](const Call& call) {
         if (call.args.size() == 2) return repeat_vector_as_matrix(call);
         return repeat(call, {size_argument(call, 1), size_argument(call, 2)});
       }},
      {"sd", standard_deviation},
      {"log10",  // log10() is the constant log(10)
       [](const Call& call) {
         if (call.args.empty()) return call.lowerer.scalar(std::log(10.0));
         return ad::divide(ad::log(call.args[0]), call.lowerer.scalar(std::log(10.0)));
       }},
      {"log2",
       [](const Call& call) {
         if (call.args.empty()) return call.lowerer.scalar(std::log(2.0));
         return ad::divide(ad::log(call.args[0]), call.lowerer.scalar(std::log(2.0)));
       }},
      {"fma", [](const Call& call) { return ad::add(ad::multiply(call.args[0], call.args[1]), call.args[2]); }},
      // Stan: step(x) = x < 0 ? 0 : 1, int_step(x) = x > 0 ? 1 : 0.
      {"step", [](const Call& call) { return ad::greater_equal(call.args[0], call.lowerer.scalar(0.0)); }},
      {"int_step", [](const Call& call) { return ad::greater(call.args[0], call.lowerer.scalar(0.0)); }},
      {"log_mix",
       [](const Call& call) {
         // log_mix(theta, lps) = log sum_k theta_k exp(lps_k), over the value's own dims.
         if (call.args.size() == 2) {
           ad::Node terms = ad::add(ad::log(call.args[0]), call.args[1]);
           tensor::DimSet dims = event_dims(terms.shape());
           return dims.empty() ? terms : ad::log_sum_exp(terms, dims);
         }
         return ad::log_sum_exp(ad::add(ad::log(call.args[0]), call.args[1]), ad::add(ad::log1m(call.args[0]), call.args[2]));
       }},
      {"variance", [](const Call& call) { return ad::square(standard_deviation(call)); }},
      {"dot_self", [](const Call& call) { return sum_of_squares(call.args[0], event_dims(call.args[0].shape())); }},
      {"columns_dot_self", [](const Call& call) { return sum_of_squares(no_plates(call, call.args[0]), {tensor::event(0)}); }},
      {"rows_dot_self", [](const Call& call) { return sum_of_squares(no_plates(call, call.args[0]), {tensor::event(1)}); }},
      {"squared_distance",
       [](const Call& call) {
         ad::Node difference = ad::subtract(call.args[0], call.args[1]);
         return sum_of_squares(difference, event_dims(difference.shape()));
       }},
      {"distance",
       [](const Call& call) {
         ad::Node difference = ad::subtract(call.args[0], call.args[1]);
         return ad::sqrt(sum_of_squares(difference, event_dims(difference.shape())));
       }},
      {"num_elements",
       [](const Call& call) {
         std::size_t n = 1;
         for (tensor::DimId dim : event_dims(call.args[0].shape())) n *= call.args[0].shape().size_of(dim);
         return size_constant(call, n);
       }},
      {"to_row_vector", [](const Call& call) { return flatten(call, call.args[0], *call.expr.args[0]); }},
      {"to_array_1d", [](const Call& call) { return flatten(call, call.args[0], *call.expr.args[0]); }},
      {"rep_array",
       [](const Call& call) {
         // The array dims come first: a container's own event dims are parked on spare
         // plates, the copies made along new event dims, and the own dims put back behind.
         constexpr int kParked = (1 << 22) + 16;
         std::vector<std::size_t> sizes;
         for (std::size_t k = 1; k < call.args.size(); ++k) sizes.push_back(size_argument(call, k));
         ad::Node x = call.args[0];
         const int rank = x.shape().event_rank();
         for (int r = 0; r < rank; ++r) x = ad::rename_dim(x, tensor::event(0), tensor::plate(kParked + r));  // renumbers
         x = repeat(Call{call.lowerer, call.expr, Args{x}, call.context}, sizes);
         for (int r = 0; r < rank; ++r)
           x = ad::rename_dim(x, tensor::plate(kParked + r), tensor::event(static_cast<int>(sizes.size()) + r));
         return x;
       }},
      {"identity_matrix", [](const Call& call) { return identity(call, size_argument(call, 0)); }},
      {"add_diag",
       [](const Call& call) {
         ad::Node matrix = no_plates(call, call.args[0]);
         std::size_t n = matrix.shape().size_of(tensor::event(0));
         ad::Node diagonal = call.args[1].shape().event_rank() == 0 ? ad::multiply(call.args[1], identity(call, n))
                                                                     : ad::diag_matrix(call.args[1]);
         return ad::add(matrix, diagonal);
       }},
      {"diag_pre_multiply",  // v[r] * M[r, c]: v aligns with the rows by position
       [](const Call& call) { return ad::multiply(call.args[0], no_plates(call, call.args[1])); }},
      {"diag_post_multiply",  // M[r, c] * v[c]
       [](const Call& call) {
         ad::Node matrix = no_plates(call, call.args[0]);
         return ad::multiply(matrix, along_columns(call, call.args[1], matrix.shape().size_of(tensor::event(0))));
       }},
      {"mdivide_left_tri_low",
       [](const Call& call) { return ad::solve_lower_triangular(no_plates(call, call.args[0]), no_plates(call, call.args[1])); }},
      {"multiply_lower_tri_self_transpose",
       [](const Call& call) {
         ad::Node lower = no_plates(call, call.args[0]);
         return ad::matrix_product(lower, ad::transpose(lower));
       }},
      {"crossprod",
       [](const Call& call) {
         ad::Node x = no_plates(call, call.args[0]);
         return ad::matrix_product(ad::transpose(x), x);
       }},
      {"tcrossprod",
       [](const Call& call) {
         ad::Node x = no_plates(call, call.args[0]);
         return ad::matrix_product(x, ad::transpose(x));
       }},
      {"trace",  // sum of the diagonal: the elementwise product with the identity, summed
       [](const Call& call) {
         ad::Node matrix = no_plates(call, call.args[0]);
         return ad::sum(ad::multiply(matrix, identity(call, matrix.shape().size_of(tensor::event(0)))));
       }},
      {"strict_lower",  // the entries below the diagonal, zeros elsewhere: a constant mask
       [](const Call& call) {
         ad::Node matrix = no_plates(call, call.args[0]);
         const std::size_t rows = matrix.shape().size_of(tensor::event(0)), cols = matrix.shape().size_of(tensor::event(1));
         std::vector<double> mask(rows * cols, 0.0);
         for (std::size_t c = 0; c < cols; ++c)
           for (std::size_t r = c + 1; r < rows; ++r) mask[r + rows * c] = 1.0;
         return ad::multiply(matrix, call.lowerer.constant(tensor::Shape::matrix(rows, cols), mask));
       }},
      {"quad_form",  // B' A B; a scalar when B is a vector
       [](const Call& call) {
         ad::Node a = no_plates(call, call.args[0]), b = no_plates(call, call.args[1]);
         ad::Node ab = ad::matrix_product(a, b);
         return b.shape().event_rank() == 1 ? ad::dot_product(b, ab) : ad::matrix_product(ad::transpose(b), ab);
       }},
      {"reverse",
       [](const Call& call) {
         const std::size_t n = call.args[0].shape().size_of(tensor::event(0));
         std::vector<double> indices(n);
         for (std::size_t k = 0; k < n; ++k) indices[k] = static_cast<double>(n - 1 - k);
         return gather_constant(call, call.args[0], tensor::Shape::vector(n), indices);
       }},
      {"segment",
       [](const Call& call) {
         std::int64_t start = int_argument(call, 1), length = int_argument(call, 2);
         std::size_t size = call.args[0].shape().size_of(tensor::event(0));
         if (start < 1 || length < 0 || static_cast<std::size_t>(start - 1 + length) > size)
           throw LocatedError(call.expr.range, "this segment is out of bounds for size " + std::to_string(size));
         return ad::slice(call.args[0], tensor::event(0), static_cast<std::size_t>(start - 1), static_cast<std::size_t>(length));
       }},
      {"row",
       [](const Call& call) {
         return ad::gather(call.args[0], tensor::event(0), ad::subtract(call.args[1], call.lowerer.scalar(1.0)));
       }},
      {"col",
       [](const Call& call) {
         return ad::gather(call.args[0], tensor::event(1), ad::subtract(call.args[1], call.lowerer.scalar(1.0)));
       }},
      {"append_row", [](const Call& call) { return append(call, true); }},
      {"append_col", [](const Call& call) { return append(call, false); }},

      {"cholesky_decompose",
       [](const Call& call) {
         if (has_plate_dims(call.args[0].shape()))
           throw LocatedError(call.expr.range, "cholesky_decompose inside a plate is not supported by the engine yet");
         return ad::cholesky(call.args[0]);
       }},
      {"to_vector", [](const Call& call) { return flatten(call, call.args[0], *call.expr.args[0]); }},
      {"to_matrix",
       [](const Call& call) {
         // With sizes: a column-major fill. One argument: a matrix or a 2-d array is its own
         // matrix (the same layout); a vector is one column, a row_vector one row.
         if (call.args.size() == 3) return reshape_to_matrix(call);
         if (call.args.size() != 1)
           throw LocatedError(call.expr.range, "this form of 'to_matrix' is not supported by the engine yet");
         const lang::Type& type = call.lowerer.type_of(*call.expr.args[0]);
         ad::Node x = call.args[0];
         const int rank = x.shape().event_rank();
         if (rank == 2) return x;
         if (rank != 1)
           throw LocatedError(call.expr.range, "to_matrix of this value is not supported by the engine yet");
         const std::size_t length = x.shape().size_of(tensor::event(0));
         const bool row = type.shape == lang::ShapeKind::RowVector;
         return row ? ad::reshape(x, {1, length}) : ad::reshape(x, {length, 1});
       }},
      {"size",  // of a scalar: 1 (Stan)
       [](const Call& call) {
         const tensor::Shape shape = call.args[0].shape();
         return size_constant(call, shape.event_rank() == 0 ? 1 : shape.size_of(tensor::event(0)));
       }},
      {"kl", kl_divergence},
      // More of Stan's functions, composed from the ops above.
      {"pi", [](const Call& call) { return call.lowerer.scalar(std::numbers::pi); }},
      {"e", [](const Call& call) { return call.lowerer.scalar(std::numbers::e); }},
      {"sqrt2", [](const Call& call) { return call.lowerer.scalar(std::numbers::sqrt2); }},
      {"not_a_number", [](const Call& call) { return call.lowerer.scalar(std::numeric_limits<double>::quiet_NaN()); }},
      {"positive_infinity", [](const Call& call) { return call.lowerer.scalar(std::numeric_limits<double>::infinity()); }},
      {"negative_infinity", [](const Call& call) { return call.lowerer.scalar(-std::numeric_limits<double>::infinity()); }},
      {"machine_precision", [](const Call& call) { return call.lowerer.scalar(std::numeric_limits<double>::epsilon()); }},
      {"inv_square", [](const Call& call) { return ad::inv(ad::square(call.args[0])); }},
      {"exp2", [](const Call& call) { return ad::exp(ad::multiply(call.args[0], call.lowerer.scalar(std::numbers::ln2))); }},
      {"erfc",  // 2 Phi(-x sqrt 2): Phi is computed through erfc, tails kept
       [](const Call& call) {
         return ad::multiply(ad::Phi(ad::multiply(call.args[0], call.lowerer.scalar(-std::numbers::sqrt2))), call.lowerer.scalar(2.0));
       }},
      {"Phi_approx",  // Stan's: inv_logit(0.07056 x^3 + 1.5976 x)
       [](const Call& call) {
         ad::Node x = call.args[0];
         ad::Node cubic = ad::multiply(ad::multiply(ad::square(x), x), call.lowerer.scalar(0.07056));
         return ad::inv_logit(ad::add(cubic, ad::multiply(x, call.lowerer.scalar(1.5976))));
       }},
      {"inv_cloglog",  // 1 - exp(-exp(x))
       [](const Call& call) { return ad::negate(ad::expm1(ad::negate(ad::exp(call.args[0])))); }},
      {"sinh",  // (expm1(x) - expm1(-x)) / 2: exact near 0
       [](const Call& call) {
         ad::Node x = call.args[0];
         return ad::multiply(ad::subtract(ad::expm1(x), ad::expm1(ad::negate(x))), call.lowerer.scalar(0.5));
       }},
      {"cosh",
       [](const Call& call) {
         ad::Node x = call.args[0];
         return ad::multiply(ad::add(ad::exp(x), ad::exp(ad::negate(x))), call.lowerer.scalar(0.5));
       }},
      {"is_nan", [](const Call& call) { return ad::not_equal(call.args[0], call.args[0]); }},
      {"is_inf",
       [](const Call& call) {
         return ad::equal(ad::abs(call.args[0]), call.lowerer.scalar(std::numeric_limits<double>::infinity()));
       }},
      {"fdim", [](const Call& call) { return ad::fmax(ad::subtract(call.args[0], call.args[1]), call.lowerer.scalar(0.0)); }},
      {"hypot",
       [](const Call& call) { return ad::sqrt(ad::add(ad::square(call.args[0]), ad::square(call.args[1]))); }},
      {"log_diff_exp",  // log(exp(a) - exp(b)) = a + log1m_exp(b - a); NaN when b > a
       [](const Call& call) {
         return ad::add(call.args[0], ad::log1m_exp(ad::subtract(call.args[1], call.args[0])));
       }},
      {"lchoose",  // lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
       [](const Call& call) {
         ad::Node one = call.lowerer.scalar(1.0), n = call.args[0], k = call.args[1];
         return ad::subtract(ad::subtract(ad::lgamma(ad::add(n, one)), ad::lgamma(ad::add(k, one))),
                             ad::lgamma(ad::add(ad::subtract(n, k), one)));
       }},
      {"binary_log_loss",  // y ? -log(y_hat) : -log1m(y_hat), the branch not taken masked
       [](const Call& call) {
         return ad::select(call.args[0], ad::negate(ad::log(call.args[1])), ad::negate(ad::log1m(call.args[1])));
       }},
      {"linspaced_vector",  // n values from low to high, evenly spaced; [high] when n = 1 (Stan)
       [](const Call& call) {
         const std::size_t n = size_argument(call, 0);
         std::vector<double> fractions(n);
         for (std::size_t k = 0; k < n; ++k) fractions[k] = n == 1 ? 1.0 : static_cast<double>(k) / static_cast<double>(n - 1);
         ad::Node low = call.args[1], high = call.args[2];
         ad::Node t = call.lowerer.constant(tensor::Shape::vector(n), fractions);
         return ad::add(low, ad::multiply(ad::subtract(high, low), t));
       }},
      {"dims",  // the sizes of the value's own dims, an int array
       [](const Call& call) {
         const tensor::Shape shape = call.args[0].shape();
         std::vector<double> sizes;
         for (int d = 0; d < shape.event_rank(); ++d) sizes.push_back(static_cast<double>(shape.size_of(tensor::event(d))));
         return call.lowerer.constant(tensor::Shape::vector(sizes.size()), sizes);
       }},
      {"head",
       [](const Call& call) {
         const std::size_t n = size_argument(call, 1), size = call.args[0].shape().size_of(tensor::event(0));
         if (n > size) throw LocatedError(call.expr.range, "head: " + std::to_string(n) + " elements of " + std::to_string(size));
         return ad::slice(call.args[0], tensor::event(0), 0, n);
       }},
      {"tail",
       [](const Call& call) {
         const std::size_t n = size_argument(call, 1), size = call.args[0].shape().size_of(tensor::event(0));
         if (n > size) throw LocatedError(call.expr.range, "tail: " + std::to_string(n) + " elements of " + std::to_string(size));
         return ad::slice(call.args[0], tensor::event(0), size - n, n);
       }},
      {"diagonal",  // the entries k * (rows + 1) of the column-major matrix
       [](const Call& call) {
         const tensor::Shape shape = call.args[0].shape();
         const std::size_t rows = shape.size_of(tensor::event(0)), cols = shape.size_of(tensor::event(1));
         const std::size_t n = std::min(rows, cols);
         std::vector<double> indices(n);
         for (std::size_t k = 0; k < n; ++k) indices[k] = static_cast<double>(k * (rows + 1));
         return gather_constant(call, ad::reshape(call.args[0], {rows * cols}), tensor::Shape::vector(n), indices);
       }},
      {"block",  // block(M, i, j, n_rows, n_cols)
       [](const Call& call) {
         ad::Node rows = sub_range(call, call.args[0], tensor::event(0), 1, 3);
         return sub_range(call, rows, tensor::event(1), 2, 4);
       }},
      {"sub_col",  // sub_col(M, i, j, n_rows): column j from row i
       [](const Call& call) {
         ad::Node column = ad::index(call.args[0], tensor::event(1), position_argument(call, 2, tensor::event(1)));
         return sub_range(call, column, tensor::event(0), 1, 3);
       }},
      {"sub_row",  // sub_row(M, i, j, n_cols): row i from column j
       [](const Call& call) {
         ad::Node row = ad::index(call.args[0], tensor::event(0), position_argument(call, 1, tensor::event(0)));
         return sub_range(call, row, tensor::event(0), 2, 3);
       }},
      {"gp_exp_quad_cov", exp_quad_covariance},
      {"cov_exp_quad", exp_quad_covariance},
      {"rows",
       [](const Call& call) {
         bool row_vector = call.lowerer.type_of(*call.expr.args[0]).shape == lang::ShapeKind::RowVector;
         return size_constant(call, row_vector ? 1 : call.args[0].shape().size_of(tensor::event(0)));
       }},
      {"cols",
       [](const Call& call) {
         const lang::Type& type = call.lowerer.type_of(*call.expr.args[0]);
         if (type.shape == lang::ShapeKind::RowVector) return size_constant(call, call.args[0].shape().size_of(tensor::event(0)));
         return size_constant(call, type.shape == lang::ShapeKind::Vector ? 1 : call.args[0].shape().size_of(tensor::event(1)));
       }},
  };
  return functions;
}

// Plate numbers for the array dims of multivariate arguments: far above any loop's number.
constexpr int kArrayPlates = 1 << 20;

constexpr std::string_view kDensitySuffixes[] = {"_lpdf", "_lpmf", "_lcdf", "_lccdf"};

}  // namespace

ad::Node lower_log_density(Lowerer& lowerer, std::string_view distribution, std::string_view suffix,
                           const std::vector<ad::Node>& args, bool all_elements, lang::SourceRange where) {
  const stdlib::kernels::DistributionEntry* entry = stdlib::kernels::find_distribution(distribution);
  if (!entry) throw LocatedError(where, "the distribution '" + std::string(distribution) + "' has no kernel in the engine yet");
  ad::LogDensityKernel kernel = entry->log_density;
  if (suffix == "_lcdf") kernel = entry->log_cdf;
  if (suffix == "_lccdf") kernel = entry->log_ccdf;
  if (!kernel)
    throw LocatedError(where, "'" + std::string(distribution) + std::string(suffix) + "' is not supported by the engine yet");
  if (args.size() != entry->arg_count)
    throw LocatedError(where, "'" + std::string(distribution) + "' takes " + std::to_string(entry->arg_count - 1) +
                                  " parameters in the engine");
  std::vector<ad::FactorArgument> arguments;
  std::span<const stdlib::kernels::ArgSpec> specs = entry->arguments();
  for (std::size_t k = 0; k < args.size(); ++k) {
    int rank = specs[k].shape == stdlib::kernels::ArgShape::vector          ? 1
               : specs[k].shape == stdlib::kernels::ArgShape::square_matrix ? 2
                                                                             : 0;
    ad::Node value = args[k];
    // An array of events (array[N] vector[K] for a multivariate argument): its leading
    // array dims come first among the event dims, but the kernel's event must be the
    // trailing ones. Each array dim becomes an element dim with its own identity, the same
    // for every argument at the same array position.
    if (rank > 0)
      for (int extra = 0, count = value.shape().event_rank() - rank; extra < count; ++extra)
        value = ad::rename_dim(value, tensor::event(0), tensor::plate(kArrayPlates + extra));
    arguments.push_back({value, rank});
  }
  tensor::Shape elements = ad::factor_element_shape(arguments);
  tensor::DimSet summed;
  for (const tensor::Dim& dim : elements.dims())
    if (all_elements || dim.id.kind == tensor::DimKind::event ||
        (dim.id.kind == tensor::DimKind::plate && dim.id.number >= kArrayPlates))
      summed.push_back(dim.id);
  return ad::log_density(kernel, arguments, summed);
}

ad::Node lower_function(Lowerer& lowerer, const lang::Expr& call, const std::vector<ad::Node>& args,
                        const LoopContext& context) {
  for (std::string_view suffix : kDensitySuffixes) {
    if (call.name.size() > suffix.size() && call.name.ends_with(suffix)) {
      std::string_view distribution = std::string_view(call.name).substr(0, call.name.size() - suffix.size());
      return lower_log_density(lowerer, distribution, suffix, args, false, call.name_range);
    }
  }
  auto found = table().find(call.name);
  if (found != table().end()) return found->second(Call{lowerer, call, args, context});
  auto math = math_functions().find(call.name);
  if (math != math_functions().end()) return math->second(Call{lowerer, call, args, context});
  if (stdlib::find_distribution(call.name)) return pack_distribution(Call{lowerer, call, args, context});  // kl's
  throw LocatedError(call.name_range, "the function '" + call.name + "' is not supported by the engine yet");
}

}  // namespace pm::compile
