// The engine-free half of the stdlib table: for every function and distribution, the
// argument and result types the checker needs, and for distributions their support.
//
// Entries are written as short signature strings, one registration line each
// (functions.cpp, distributions.cpp), parsed once when the table is first used:
//
//   fn("rep_vector", "real x, int n -> vector[$2]");
//   dist("normal", "reals y | reals mu, reals sigma", Support::RealLine, continuous_with_cdf);
//
// Argument patterns:
//   int real vector row_vector matrix   exactly that (real accepts int)
//   array[] T, array[,] T               an array of that many dimensions of T
//   ints    an int, or an array of ints of any dimension (vectorized discrete argument)
//   reals   any int/real scalar or container of them (vectorized argument)
//   vectors vector, row_vector, 1-d array of reals, or an array of those (multivariate argument)
//   container  any vector, row_vector, matrix or array;   any  anything
// An argument may be followed by a name, used in messages ("sigma").
//
// Result patterns: a fixed type (sizes `$k` = the value of int argument k, `#k` = the
// first size of argument k, `#k.2` its second size, `?` unknown), or
//   same       the type of argument 1
//   same_real  the shape of argument 1 with real elements (elementwise functions)
//   broadcast  the common shape of all arguments, real elements (vectorized binary functions)
//   broadcast_int  the same with int elements (draws of vectorized discrete distributions)
//   element    a scalar of argument 1's element type (sum, max of an int array is int)
//   array[S] same   an array of argument 1's type (rep_array)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pm::stdlib {

enum class ElementType { Int, Real };
enum class ShapeKind { Scalar, Vector, RowVector, Matrix };

// A size in a result pattern.
struct SizeRule {
  enum class Kind { Unknown, ArgumentValue, ArgumentSize };
  Kind kind = Kind::Unknown;
  int argument = 0;   // 0-based
  int dimension = 0;  // ArgumentSize: 0-based dimension of that argument
};

struct ArgumentPattern {
  enum class Kind { Exact, Ints, Reals, Vectors, Container, Any };
  Kind kind = Kind::Exact;
  ElementType element = ElementType::Real;  // Exact
  ShapeKind shape = ShapeKind::Scalar;      // Exact
  int array_dimensions = 0;                 // Exact
  std::string name;                         // for messages; may be empty
};

struct ResultPattern {
  enum class Kind { Fixed, Same, SameReal, Broadcast, Element, ArrayOfFirst };
  Kind kind = Kind::Fixed;
  ElementType element = ElementType::Real;  // Fixed, Broadcast
  ShapeKind shape = ShapeKind::Scalar;      // Fixed
  std::vector<SizeRule> array_sizes;        // Fixed, ArrayOfFirst
  std::vector<SizeRule> shape_sizes;        // Fixed: vector 1, matrix 2
};

struct FunctionSignature {
  std::string name;
  std::vector<ArgumentPattern> arguments;
  ResultPattern result;
  std::string text;  // the registration string, for "candidates are" messages
};

// The support of a distribution's outcome.
enum class Support {
  RealLine,            // normal, student_t, cauchy, logistic, double_exponential, multi_normal*
  Positive,            // (0, inf): lognormal, gamma, inv_gamma, exponential, weibull
  UnitInterval,        // (0, 1): beta
  ClosedUnitInterval,  // [0, 1]: bernoulli_probs, continuous_bernoulli
  ArgumentInterval,    // [argument 1, argument 2]: uniform
  Simplex,             // dirichlet
  CholeskyCorrelation, // lkj_corr_cholesky
  Binary,              // {0, 1}: bernoulli, bernoulli_logit
  ZeroToArgument,      // {0, ..., argument 1}: binomial, binomial_logit
  OneToArgumentSize,   // {1, ..., size of argument 1}: categorical, categorical_logit
  NonNegativeIntegers, // {0, 1, 2, ...}: poisson, poisson_log, neg_binomial_2
  IntegerRange,        // {argument 1, ..., argument 2}: discrete_range
  OneToCutpoints,      // {1, ..., size of argument 2 + 1}: ordered_logistic, ordered_probit
};

bool is_discrete(Support support);
// Finite discrete supports can be enumerated (summed out exactly).
bool is_finite(Support support);
// "the real line", "(0, inf)", "{0, 1}", "{0, 1, 2, ...}", ...
std::string describe(Support support);

struct DistributionSignature {
  std::string name;
  ArgumentPattern outcome;
  std::vector<ArgumentPattern> parameters;
  Support support = Support::RealLine;
  bool discrete = false;
  // Has a reparameterized sampler (x = g(eps, args)), so it may draw a latent in a guide.
  bool reparameterizable = false;
  // _lcdf and _lccdf forms exist (Boost.Math provides the CDF).
  bool has_cdf = false;
  // The outcome type for a draw (`y ~ dist(...)` in generated, `dist_rng(...)`).
  ResultPattern draw;
  std::string text;

  // "_lpmf" for discrete, "_lpdf" for continuous.
  std::string_view density_suffix() const { return discrete ? "_lpmf" : "_lpdf"; }
};

// Overloads of a function in registration order (the first that matches wins); null if unknown.
const std::vector<FunctionSignature>* find_function(std::string_view name);
const DistributionSignature* find_distribution(std::string_view name);
std::vector<std::string> function_names();
std::vector<std::string> distribution_names();

// The parsers of the signature strings (signature_text.cpp); they throw std::logic_error on a
// malformed registration, which is a programming error caught by the table's own test.
FunctionSignature parse_function_signature(std::string_view name, std::string_view text);
ArgumentPattern parse_argument_pattern(std::string_view text);
ResultPattern parse_result_pattern(std::string_view text);

}  // namespace pm::stdlib
