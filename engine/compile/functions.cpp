// The language's functions as builder ops: ONE table (LANGUAGE.md's function list). A value
// inside a plate carries plate dims besides its own event dims; reductions (sum, mean, ...)
// reduce over the event dims only, so that `sum(x[i])` stays one value per plate element.
// A function missing here is a located error, "not supported by the engine yet".
#include <cmath>
#include <functional>
#include <map>

#include "engine/compile/lowering.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::compile {
namespace {

using Args = std::vector<ad::Node>;
struct Call {
  Lowerer& lowerer;
  const lang::Expr& expr;
  const Args& args;
  const LoopContext& context;
};
using Lowering = std::function<ad::Node(const Call&)>;

tensor::DimSet event_dims(const tensor::Shape& shape) {
  tensor::DimSet dims;
  for (const tensor::Dim& dim : shape.dims())
    if (dim.id.kind == tensor::DimKind::event) dims.push_back(dim.id);
  return dims;
}

bool has_plate_dims(const tensor::Shape& shape) { return event_dims(shape).size() != shape.dims().size(); }

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

ad::Node no_plates(const Call& call, ad::Node x) {
  if (has_plate_dims(x.shape()))
    throw LocatedError(call.expr.range, "'" + call.expr.name + "' inside a plate is not supported by the engine yet");
  return x;
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
      {"rows_dot_product", binary<ad::rows_dot_product>()},
      {"columns_dot_product", binary<ad::columns_dot_product>()},
      {"diag_matrix", unary<ad::diag_matrix>()},
      // constructors and sizes
      {"rep_vector", [](const Call& call) { return repeat(call, {size_argument(call, 1)}); }},
      {"rep_row_vector", [](const Call& call) { return repeat(call, {size_argument(call, 1)}); }},
      {"rep_matrix",
       [](const Call& call) {
         if (call.args.size() == 2) return repeat_vector_as_matrix(call);
         return repeat(call, {size_argument(call, 1), size_argument(call, 2)});
       }},
      {"sd", standard_deviation},
      {"log10", [](const Call& call) { return ad::divide(ad::log(call.args[0]), call.lowerer.scalar(std::log(10.0))); }},
      {"log2", [](const Call& call) { return ad::divide(ad::log(call.args[0]), call.lowerer.scalar(std::log(2.0))); }},
      {"fma", [](const Call& call) { return ad::add(ad::multiply(call.args[0], call.args[1]), call.args[2]); }},
      // Stan: step(x) = x < 0 ? 0 : 1, int_step(x) = x > 0 ? 1 : 0.
      {"step", [](const Call& call) { return ad::greater_equal(call.args[0], call.lowerer.scalar(0.0)); }},
      {"int_step", [](const Call& call) { return ad::greater(call.args[0], call.lowerer.scalar(0.0)); }},
      {"log_mix",
       [](const Call& call) {
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
      {"to_row_vector",
       [](const Call& call) {
         if (call.args[0].shape().event_rank() > 1)
           throw LocatedError(call.expr.range, "to_row_vector of a matrix is not supported by the engine yet");
         return call.args[0];
       }},
      {"to_array_1d",
       [](const Call& call) {
         if (call.args[0].shape().event_rank() > 1)
           throw LocatedError(call.expr.range, "to_array_1d of a matrix is not supported by the engine yet");
         return call.args[0];
       }},
      {"rep_array",
       [](const Call& call) {
         if (call.args[0].shape().event_rank() > 0)
           throw LocatedError(call.expr.range, "rep_array of a container is not supported by the engine yet");
         std::vector<std::size_t> sizes;
         for (std::size_t k = 1; k < call.args.size(); ++k) sizes.push_back(size_argument(call, k));
         return repeat(call, sizes);
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
      {"append_row",
       [](const Call& call) {
         if (call.args[0].shape().event_rank() != 1 || call.args[1].shape().event_rank() != 1)
           throw LocatedError(call.expr.range, "append_row of anything but two vectors is not supported by the engine yet");
         return ad::concatenate(call.args[0], call.args[1], tensor::event(0));
       }},
      {"append_col",
       [](const Call& call) {
         int rank = call.args[0].shape().event_rank();
         if (rank != call.args[1].shape().event_rank() || rank < 1)
           throw LocatedError(call.expr.range, "append_col of these values is not supported by the engine yet");
         return ad::concatenate(call.args[0], call.args[1], tensor::event(rank - 1));
       }},

      {"cholesky_decompose",
       [](const Call& call) {
         if (has_plate_dims(call.args[0].shape()))
           throw LocatedError(call.expr.range, "cholesky_decompose inside a plate is not supported by the engine yet");
         return ad::cholesky(call.args[0]);
       }},
      {"to_vector",
       [](const Call& call) {
         if (call.args[0].shape().event_rank() > 1)
           throw LocatedError(call.expr.range, "to_vector of a matrix is not supported by the engine yet");
         return call.args[0];
       }},
      {"to_matrix",
       [](const Call& call) {
         // One-argument forms only (no reshape op): a matrix or a 2-d array is its own
         // matrix (the same layout); a vector is one column, a row_vector one row.
         if (call.args.size() != 1)
           throw LocatedError(call.expr.range, "to_matrix with sizes is not supported by the engine yet");
         const lang::Type& type = call.lowerer.type_of(*call.expr.args[0]);
         ad::Node x = call.args[0];
         const int rank = x.shape().event_rank();
         if (rank == 2) return x;
         if (rank != 1)
           throw LocatedError(call.expr.range, "to_matrix of this value is not supported by the engine yet");
         const std::size_t length = x.shape().size_of(tensor::event(0));
         const bool row = type.shape == lang::ShapeKind::RowVector;
         // Broadcast against zeros shaped (length, 1): a column; transposed for a row.
         if (has_plate_dims(x.shape()) && row)
           throw LocatedError(call.expr.range, "to_matrix of a row_vector inside a plate is not supported by the engine yet");
         tensor::Shape shape({tensor::Dim{tensor::event(0), length}, tensor::Dim{tensor::event(1), 1}});
         ad::Node column = ad::add(x, call.lowerer.constant(shape, std::vector<double>(shape.element_count(), 0.0)));
         return row ? ad::transpose(column) : column;
       }},
      {"size", [](const Call& call) { return size_constant(call, call.args[0].shape().size_of(tensor::event(0))); }},
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
  if (found == table().end())
    throw LocatedError(call.name_range, "the function '" + call.name + "' is not supported by the engine yet");
  return found->second(Call{lowerer, call, args, context});
}

}  // namespace pm::compile
