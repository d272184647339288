// Registration of every function's signature (Stan Functions Reference names and argument
// orders). Overloads are tried in order; the first that matches a call wins, so the more
// specific forms come first. Elementwise functions are vectorized over every container.
#include "stdlib/signatures/registry.hpp"

namespace pm::stdlib {

void register_functions(Registry& r) {
  // ---- constants
  for (auto name : {"pi", "e", "sqrt2", "not_a_number", "positive_infinity", "negative_infinity",
                    "machine_precision"}) {
    r.fn(name, " -> real");
  }
  r.fn("log2", " -> real");   // log(2); the one-argument form is registered below
  r.fn("log10", " -> real");

  // ---- elementwise functions of one real, vectorized
  for (auto name : {"exp", "log", "log1p", "expm1", "sqrt", "cbrt", "square", "inv", "inv_sqrt",
                    "inv_square", "log2", "log10", "exp2", "fabs", "floor", "ceil", "round", "trunc",
                    "inv_logit", "logit", "log_inv_logit", "log1m_inv_logit", "log1m", "log1m_exp",
                    "softplus", "log1p_exp", "lgamma", "digamma", "trigamma", "tgamma", "erf",
                    "erfc", "Phi", "Phi_approx", "inv_Phi", "inv_cloglog", "sigmoid", "relu", "sin",
                    "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
                    "atanh"}) {
    r.unary(name);
  }
  r.fn("abs", "int x -> int");
  r.fn("abs", "array[] int x -> same");
  r.unary("abs");
  r.fn("step", "real x -> real");
  r.fn("int_step", "real x -> int");
  r.fn("is_inf", "real x -> int");
  r.fn("is_nan", "real x -> int");
  r.fn("to_int", "real x -> int");

  // ---- elementwise functions of two reals, vectorized
  for (auto name : {"pow", "fmin", "fmax", "fdim", "fmod", "hypot", "atan2", "lbeta", "lchoose",
                    "log_diff_exp", "binary_log_loss"}) {
    r.binary(name);
  }
  r.fn("choose", "int n, int k -> int");
  r.fn("fma", "real x, real y, real z -> real");
  r.fn("inc_beta", "real a, real b, real x -> real");
  r.fn("log_mix", "real theta, real lp1, real lp2 -> real");
  r.fn("log_mix", "container theta, container lps -> real");
  r.fn("log_sum_exp", "real a, real b -> real");
  r.fn("log_sum_exp", "container x -> real");
  r.fn("min", "int a, int b -> int");
  r.fn("min", "real a, real b -> real");
  r.fn("min", "container x -> element");
  r.fn("max", "int a, int b -> int");
  r.fn("max", "real a, real b -> real");
  r.fn("max", "container x -> element");

  // ---- reductions
  r.fn("sum", "container x -> element");
  r.fn("prod", "container x -> element");
  r.fn("mean", "container x -> real");
  r.fn("variance", "container x -> real");
  r.fn("sd", "container x -> real");
  r.fn("dot_product", "vectors x, vectors y -> real");
  r.fn("dot_self", "vectors x -> real");
  r.fn("squared_distance", "vectors x, vectors y -> real");
  r.fn("distance", "vectors x, vectors y -> real");
  r.fn("norm1", "vectors x -> real");
  r.fn("norm2", "vectors x -> real");
  r.fn("rows_dot_product", "vector x, vector y -> vector[#1]");
  r.fn("rows_dot_product", "matrix x, matrix y -> vector[#1]");
  r.fn("columns_dot_product", "row_vector x, row_vector y -> row_vector[#1]");
  r.fn("columns_dot_product", "matrix x, matrix y -> row_vector[#1.2]");
  r.fn("rows_dot_self", "matrix x -> vector[#1]");
  r.fn("columns_dot_self", "matrix x -> row_vector[#1.2]");

  // ---- sizes
  r.fn("size", "any x -> int");
  r.fn("num_elements", "any x -> int");
  r.fn("rows", "container x -> int");
  r.fn("cols", "container x -> int");
  r.fn("dims", "any x -> array[?] int");

  // ---- vector transforms
  r.fn("softmax", "vector x -> vector[#1]");
  r.fn("log_softmax", "vector x -> vector[#1]");
  r.fn("cumulative_sum", "container x -> same");
  r.fn("reverse", "container x -> same");
  r.fn("sort_asc", "container x -> same");
  r.fn("sort_desc", "container x -> same");

  // ---- construction and conversion
  r.fn("rep_vector", "real x, int n -> vector[$2]");
  r.fn("rep_row_vector", "real x, int n -> row_vector[$2]");
  r.fn("rep_matrix", "real x, int m, int n -> matrix[$2, $3]");
  r.fn("rep_matrix", "vector v, int n -> matrix[#1, $2]");
  r.fn("rep_matrix", "row_vector v, int m -> matrix[$2, #1]");
  r.fn("rep_array", "any x, int n -> array[$2] same");
  r.fn("rep_array", "any x, int m, int n -> array[$2, $3] same");
  r.fn("rep_array", "any x, int k, int m, int n -> array[$2, $3, $4] same");
  r.fn("linspaced_vector", "int n, real low, real high -> vector[$1]");
  r.fn("identity_matrix", "int n -> matrix[$1, $1]");
  r.fn("to_vector", "vector x -> vector[#1]");
  r.fn("to_vector", "row_vector x -> vector[#1]");
  r.fn("to_vector", "array[] real x -> vector[#1]");
  r.fn("to_vector", "container x -> vector[?]");
  r.fn("to_row_vector", "vector x -> row_vector[#1]");
  r.fn("to_row_vector", "row_vector x -> row_vector[#1]");
  r.fn("to_row_vector", "array[] real x -> row_vector[#1]");
  r.fn("to_row_vector", "container x -> row_vector[?]");
  r.fn("to_matrix", "matrix x -> same");
  r.fn("to_matrix", "array[,] real x -> matrix[#1, #1.2]");
  r.fn("to_matrix", "array[] row_vector x -> matrix[#1, ?]");
  r.fn("to_matrix", "container x, int m, int n -> matrix[$2, $3]");
  r.fn("to_matrix", "container x -> matrix[?, ?]");
  r.fn("to_array_1d", "ints x -> array[?] int");
  r.fn("to_array_1d", "container x -> array[?] real");
  r.fn("diag_matrix", "vector x -> matrix[#1, #1]");
  r.fn("diagonal", "matrix x -> vector[#1]");
  r.fn("strict_lower", "matrix x -> same");

  // ---- slicing
  r.fn("col", "matrix x, int j -> vector[#1]");
  r.fn("row", "matrix x, int i -> row_vector[#1.2]");
  r.fn("block", "matrix x, int i, int j, int n_rows, int n_cols -> matrix[$4, $5]");
  r.fn("sub_col", "matrix x, int i, int j, int n_rows -> vector[$4]");
  r.fn("sub_row", "matrix x, int i, int j, int n_cols -> row_vector[$4]");
  for (auto name : {"head", "tail"}) {
    r.fn(name, "vector x, int n -> vector[$2]");
    r.fn(name, "row_vector x, int n -> row_vector[$2]");
    r.fn(name, "array[] int x, int n -> array[$2] int");
    r.fn(name, "array[] real x, int n -> array[$2] real");
  }
  r.fn("segment", "vector x, int i, int n -> vector[$3]");
  r.fn("segment", "row_vector x, int i, int n -> row_vector[$3]");
  r.fn("segment", "array[] int x, int i, int n -> array[$3] int");
  r.fn("segment", "array[] real x, int i, int n -> array[$3] real");
  r.fn("append_row", "vector a, vector b -> vector[?]");
  r.fn("append_row", "real a, vector b -> vector[?]");
  r.fn("append_row", "vector a, real b -> vector[?]");
  r.fn("append_row", "matrix a, matrix b -> matrix[?, #1.2]");
  r.fn("append_row", "row_vector a, matrix b -> matrix[?, #1]");
  r.fn("append_row", "matrix a, row_vector b -> matrix[?, #1.2]");
  r.fn("append_row", "row_vector a, row_vector b -> matrix[?, #1]");
  r.fn("append_col", "row_vector a, row_vector b -> row_vector[?]");
  r.fn("append_col", "real a, row_vector b -> row_vector[?]");
  r.fn("append_col", "row_vector a, real b -> row_vector[?]");
  r.fn("append_col", "matrix a, matrix b -> matrix[#1, ?]");
  r.fn("append_col", "vector a, matrix b -> matrix[#1, ?]");
  r.fn("append_col", "matrix a, vector b -> matrix[#1, ?]");
  r.fn("append_col", "vector a, vector b -> matrix[#1, ?]");

  // ---- linear algebra
  r.fn("cholesky_decompose", "matrix A -> same");
  r.fn("inverse", "matrix A -> same");
  r.fn("log_determinant", "matrix A -> real");
  r.fn("determinant", "matrix A -> real");
  r.fn("trace", "matrix A -> real");
  r.fn("add_diag", "matrix A, reals d -> same");
  r.fn("diag_pre_multiply", "vectors v, matrix A -> matrix[#2, #2.2]");
  r.fn("diag_post_multiply", "matrix A, vectors v -> matrix[#1, #1.2]");
  r.fn("multiply_lower_tri_self_transpose", "matrix L -> matrix[#1, #1]");
  r.fn("tcrossprod", "matrix A -> matrix[#1, #1]");
  r.fn("crossprod", "matrix A -> matrix[#1.2, #1.2]");
  r.fn("quad_form", "matrix A, vector v -> real");
  r.fn("quad_form", "matrix A, matrix B -> matrix[#2.2, #2.2]");
  r.fn("mdivide_left_tri_low", "matrix L, vector b -> vector[#1]");
  r.fn("mdivide_left_tri_low", "matrix L, matrix B -> matrix[#1, #2.2]");
  r.fn("mdivide_right_tri_low", "row_vector b, matrix L -> row_vector[#2]");
  r.fn("mdivide_right_tri_low", "matrix B, matrix L -> matrix[#1, #2.2]");
  r.fn("mdivide_left", "matrix A, vector b -> vector[#1]");
  r.fn("mdivide_left", "matrix A, matrix B -> matrix[#1, #2.2]");
  r.fn("mdivide_right", "row_vector b, matrix A -> row_vector[#2]");
  r.fn("mdivide_right", "matrix B, matrix A -> matrix[#1, #2]");
  r.fn("eigenvalues_sym", "matrix A -> vector[#1]");

  // ---- Gaussian-process covariances: k(x, x') = alpha^2 exp(-|x - x'|^2 / (2 rho^2))
  for (auto name : {"gp_exp_quad_cov", "cov_exp_quad"}) {
    r.fn(name, "array[] real x, real alpha, real rho -> matrix[#1, #1]");
    r.fn(name, "array[] vector x, real alpha, real rho -> matrix[#1, #1]");
    r.fn(name, "array[] real x1, array[] real x2, real alpha, real rho -> matrix[#1, #2]");
  }
}

}  // namespace pm::stdlib
