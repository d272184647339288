// The builder API: free functions that record one op in the nodes' program and return its
// output node. The compiler calls these once per model; evaluation is Program::forward /
// backward. Shapes are checked here (std::invalid_argument names the op and the shapes).
//
// Conventions (docs/engine.md):
// - Elementwise binary ops and select broadcast by dim identity (tensor/shape.hpp): the
//   output holds the union of the operands' dims in canonical order.
// - Indices given to the engine are 0-based (the compiler subtracts the language's 1).
// - Linear algebra ops take values with event dims only (no plate/enumeration dims).
// - The output of an op requires a gradient when any input does.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/ad/kernel.hpp"
#include "engine/ad/program.hpp"

namespace pm::ad {

// --- elementwise unary (unary_ops.cpp) ---------------------------------------------------
Node negate(Node x);
Node exp(Node x);
Node log(Node x);
Node log1p(Node x);
Node expm1(Node x);
Node sqrt(Node x);
Node square(Node x);
Node abs(Node x);  // also the language's fabs
Node inv(Node x);  // 1 / x
Node inv_sqrt(Node x);
Node inv_logit(Node x);  // also sigmoid
Node logit(Node x);
Node log_inv_logit(Node x);
Node log1m_inv_logit(Node x);
Node log1m(Node x);      // log(1 - x)
Node log1p_exp(Node x);  // also softplus: log(1 + exp(x)), stable for large |x|
Node log1m_exp(Node x);  // log(1 - exp(x)) for x < 0
Node lgamma(Node x);
Node digamma(Node x);
Node tanh(Node x);
Node relu(Node x);
Node elu(Node x);  // x > 0 ? x : expm1(x)
Node Phi(Node x);  // standard normal CDF
Node sin(Node x);
Node cos(Node x);
Node tan(Node x);
Node asin(Node x);
Node acos(Node x);
Node atan(Node x);
Node asinh(Node x);
Node acosh(Node x);
Node atanh(Node x);
Node cbrt(Node x);
// Piecewise constant: zero gradient everywhere (the jumps included).
Node floor(Node x);
Node ceil(Node x);
Node round(Node x);  // half away from zero
Node trunc(Node x);
Node erf(Node x);
Node trigamma(Node x);
Node tgamma(Node x);
Node inv_Phi(Node x);  // standard normal quantile
inline Node fabs(Node x) { return abs(x); }
inline Node sigmoid(Node x) { return inv_logit(x); }
inline Node softplus(Node x) { return log1p_exp(x); }

// --- elementwise binary with broadcasting (binary_ops.cpp) -------------------------------
Node add(Node a, Node b);
Node subtract(Node a, Node b);
Node multiply(Node a, Node b);  // elementwise (the language's .* and scalar *)
Node divide(Node a, Node b);    // elementwise
Node pow(Node a, Node b);
Node fmin(Node a, Node b);  // a NaN operand yields the other; ties send the gradient to a
Node fmax(Node a, Node b);
Node lbeta(Node a, Node b);          // lgamma(a) + lgamma(b) - lgamma(a + b)
Node log_sum_exp(Node a, Node b);    // log(exp(a) + exp(b)), stable, -inf aware
Node atan2(Node y, Node x);          // the angle of (x, y) in (-pi, pi]
Node fmod(Node a, Node b);           // a - b trunc(a / b)
// Comparisons give 1 or 0 and carry no gradient.
Node less(Node a, Node b);
Node less_equal(Node a, Node b);
Node greater(Node a, Node b);
Node greater_equal(Node a, Node b);
Node equal(Node a, Node b);
Node not_equal(Node a, Node b);

// --- select (select_op.cpp) ----------------------------------------------------------------
// condition != 0 ? if_true : if_false, elementwise with broadcasting over all three. The
// branch not taken receives no gradient at all (see op_support.hpp, accumulate_masked).
Node select(Node condition, Node if_true, Node if_false);

// --- reductions over dims (reduction_ops.cpp) ---------------------------------------------
// Event dims left after a reduction are renumbered (summing a matrix over event(0), its
// rows, gives a vector with event(0) = the former columns). An empty reduced extent gives
// the identity: sum 0, prod 1, log_sum_exp -inf; mean of nothing is NaN.
Node sum(Node x, const DimSet& dims);
Node sum(Node x);  // over every dim
Node mean(Node x, const DimSet& dims);
Node mean(Node x);
Node prod(Node x, const DimSet& dims);
Node prod(Node x);
Node log_sum_exp(Node x, const DimSet& dims);
Node log_sum_exp(Node x);

// --- linear algebra (linear_algebra_ops.cpp); event dims only -----------------------------
// matrix (R,K) * matrix (K,C) -> (R,C); matrix (R,K) * vector (K) -> (R) (GEMV);
// vector (K) as a row vector * matrix (K,C) -> (C); vector * vector -> scalar (dot product).
Node matrix_product(Node a, Node b);
Node transpose(Node x);       // (R,C) -> (C,R); a 1-d vector is its own transpose
Node dot_product(Node a, Node b);  // sum of a .* b over event(0)
Node rows_dot_product(Node a, Node b);     // (R,C),(R,C) -> (R)
Node columns_dot_product(Node a, Node b);  // (R,C),(R,C) -> (C)
// Lower Cholesky factor L of a symmetric positive-definite matrix (only its lower triangle
// is read). Not positive definite: every element NaN. Reverse mode: Murray (2016).
Node cholesky(Node a);
// L^{-1} b for lower-triangular L (R,R) and b (R) or (R,C): Stan's mdivide_left_tri_low.
Node solve_lower_triangular(Node lower, Node b);
Node diag_matrix(Node v);  // (n) -> (n,n)
// log det(L L^T) = 2 sum_i log L_ii of a Cholesky factor L.
Node log_determinant_cholesky(Node lower);

// --- through a decomposition (decomposition_ops.cpp); event dims only ----------------------
Node inverse(Node a);           // A^{-1}; singular: NaN
Node determinant(Node a);       // det A
Node log_determinant(Node a);   // log |det A| (Stan's log_determinant)
Node solve(Node a, Node b);     // A^{-1} b for b (n) or (n, c): Stan's mdivide_left
// Eigenvalues of a symmetric matrix (its lower triangle is read), ascending.
Node eigenvalues_sym(Node a);

// --- values written in place (indexing_ops.cpp) -----------------------------------------------
// A recursion h[t] = f(h[t - 1]) assembled element by element costs O(size) per write as a
// functional update (the whole copied each time: O(T^2) per pass). These two build it in one
// buffer instead, O(written elements) per pass:
// A buffer of `shape`, set to zeros at the start of every forward pass; its versions carry a
// gradient from the first write of a piece that does.
Node in_place_start(Program& program, const Shape& shape);
// A new version of `whole` (from in_place_start or an earlier write_in_place) with element
// targets[i] (a flat offset in whole's layout) set to piece's element i (piece's layout). All
// versions share one buffer, so the result equals the functional update only under the
// contract of an assembly: no element is written twice, and every op that reads a version is
// added to the program before the next write (a later reader of an old version would see the
// newer writes). Backward adds the shared adjoint at the targets to piece's.
Node write_in_place(Node whole, Node piece, std::vector<std::size_t> targets);

// --- indexing (indexing_ops.cpp) ------------------------------------------------------------
// x with dim `dim` fixed at `index` (0-based); the dim disappears.
Node index(Node x, DimId dim, std::size_t index);
// Elements [start, start + length) along `dim`; length 0 gives a valid empty value.
Node slice(Node x, DimId dim, std::size_t start, std::size_t length);
// x[indices] along `dim`: the output replaces `dim` by the dims of `indices` (an int tensor,
// 0-based, no gradient): mu (event0: K) gathered by z (plate0: N) is (plate0: N). An index
// out of range gives NaN. Backward scatter-adds.
Node gather(Node x, DimId dim, Node indices);
// The same values with dim `from` relabelled `to` (a permuting copy when the canonical order
// changes): e.g. data y (event0: N) used inside plate 0 as y[i] becomes (plate0: N).
Node rename_dim(Node x, DimId from, DimId to);
// The same elements with new event dims of the given sizes (their product must equal that
// of x's event dims), in the same order (the first dim fastest, column-major): a matrix
// (R, C) reshaped to {R * C} is its columns one after another, Stan's to_vector. Plate and
// enumeration dims are kept. A copy; backward adds the adjoint back.
Node reshape(Node x, const std::vector<std::size_t>& event_sizes);

// --- sequences (sequence_ops.cpp) ----------------------------------------------------------
Node cumulative_sum(Node x, DimId dim);
Node concatenate(Node a, Node b, DimId dim);  // along dim; other dims must agree
Node log_softmax(Node x, DimId dim);
Node softmax(Node x, DimId dim);
// The values along dim sorted ascending (descending when `descending`), NaN last; the
// gradient follows each value to its place (a permutation, piecewise; at ties either order).
Node sort(Node x, DimId dim, bool descending);

// --- factor: a distribution's log density (factor_op.cpp) ----------------------------------
struct FactorArgument {
  Node value;
  // Number of event dims (the first ones, event(0)...) that form ONE event of this argument
  // for the kernel: 0 for a univariate argument, 1 for a vector (a simplex, a mean vector),
  // 2 for a matrix (a Cholesky factor). The other dims are element dims.
  int event_rank = 0;
};
// Elementwise log densities over the broadcast of the arguments' element dims, summed over
// `summed_dims` inside the op (pass every element dim for the usual scalar factor). The
// kernel sees contiguous blocks (kernel.hpp); broadcast arguments are expanded per block into
// preallocated scratch, and its partials are reduced back onto each argument's shape.
Node log_density(LogDensityKernel kernel, const std::vector<FactorArgument>& arguments,
                 const DimSet& summed_dims);
// Shape of the elements of such a factor (the broadcast of the element dims).
Shape factor_element_shape(const std::vector<FactorArgument>& arguments);

// The fused GLM factor (linear_factor_op.cpp), Stan's *_glm: the sum over rows n of
// kernel(outcome_n, X_n . beta + intercept, extra...), a scalar. outcome (N) and design X
// (N, D) are data, coefficients (D), intercept and each extra parameter scalars; the kernel
// receives (outcome, linear predictor, extra...). X is read once per evaluation, in
// cache-sized blocks of rows (forward computes the gradient; backward scales it).
Node log_density_linear(LogDensityKernel kernel, Node outcome, Node design, Node coefficients, Node intercept,
                        const std::vector<Node>& extra_parameters = {});

// --- operators -------------------------------------------------------------------------------
Node constant_like(Node anchor, double value);  // a scalar constant in anchor's program
inline Node operator+(Node a, Node b) { return add(a, b); }
inline Node operator-(Node a, Node b) { return subtract(a, b); }
inline Node operator*(Node a, Node b) { return multiply(a, b); }  // elementwise!
inline Node operator/(Node a, Node b) { return divide(a, b); }
inline Node operator-(Node a) { return negate(a); }
inline Node operator+(Node a, double b) { return add(a, constant_like(a, b)); }
inline Node operator+(double a, Node b) { return add(constant_like(b, a), b); }
inline Node operator-(Node a, double b) { return subtract(a, constant_like(a, b)); }
inline Node operator-(double a, Node b) { return subtract(constant_like(b, a), b); }
inline Node operator*(Node a, double b) { return multiply(a, constant_like(a, b)); }
inline Node operator*(double a, Node b) { return multiply(constant_like(b, a), b); }
inline Node operator/(Node a, double b) { return divide(a, constant_like(a, b)); }
inline Node operator/(double a, Node b) { return divide(constant_like(b, a), b); }


// --- fused contraction (contraction_ops.cpp) -------------------------------------------------
// One elimination step of the discrete-latent contraction (compile/enumeration.hpp) as one op:
//   output = sum over `summed` of log sum over `eliminated` of exp(sum_t terms_t),
// with the terms broadcast to their union of dims (and to `extent`'s dims, for plates no
// term carries). Forward forms the joint once and keeps exp(joint - row max); backward
// reuses them (no exp, no intermediate adjoints). `joint` is the sum of the terms, a value
// for the Bayes-rule posteriors: it carries no gradient.
struct Elimination {
  Node output;
  Node joint;
};
Elimination log_sum_exp_of_sum(const std::vector<Node>& terms, const DimSet& eliminated, const DimSet& summed,
                               const Shape& extent = Shape::scalar());

}  // namespace pm::ad
