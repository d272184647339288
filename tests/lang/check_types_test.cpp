// Types and symbolic shapes: inference of expressions, elementwise definitions, and the
// provable-inequality rule for sizes.
#include <doctest/doctest.h>

#include "lang/check/type.hpp"
#include "check_support.hpp"

using namespace pm::lang;
using pm::lang::testing::check_text;

TEST_CASE("sizes differ provably only for distinct literals or a literal outside declared bounds") {
  Size three = Size::of(3), four = Size::of(4);
  Size n;
  n.text = "N";
  Size k;
  k.text = "K";
  k.at_least = 3;
  k.at_most = 10;
  CHECK(provably_different(three, four));
  CHECK_FALSE(provably_different(three, Size::of(3)));
  CHECK_FALSE(provably_different(n, three));   // N may be 3
  CHECK_FALSE(provably_different(n, k));       // symbolic against symbolic: checked at data load
  CHECK(provably_different(k, Size::of(2)));   // int<lower=3> K cannot be 2
  CHECK(provably_different(Size::of(11), k));  // nor 11 with upper=10
  CHECK_FALSE(provably_different(k, Size::of(5)));
  CHECK_FALSE(provably_different(Size::unknown(), three));
}

TEST_CASE("types print as declared") {
  Type matrix = Type::of_shape(ShapeKind::Matrix, {Size::of(3), Size::unknown()});
  CHECK(to_string(matrix) == "matrix[3, ?]");
  Type ints = Type::int_scalar();
  Size n;
  n.text = "N";
  ints.array_sizes = {n};
  CHECK(to_string(ints) == "array[N] int");
  CHECK(kind_name(ints) == "array[] int");
  CHECK(to_string(matrix.element_type()) == "row_vector[?]");
}

TEST_CASE("expressions: indexing, slicing, products, nets") {
  auto result = check_text(R"(
data {
  int<lower=1> N;
  int<lower=1> D;
  matrix[N, D] X;
  array[N, D] int<lower=0, upper=1> pixels;
  vector[D] beta;
  array[N] int<lower=1, upper=D> group;
}
net encoder = mlp(D, 32, 16);
model {
  first_row = X[1];
  column = X[:, 2];
  corner = X[2:4, :];
  linear = X * beta;
  quadratic = beta' * beta;
  outer = beta * beta';
  gathered = beta[group];
  pixel_row = pixels[1];
  sliced = pixels[:, 1:3];
  h = encoder(X);
  mean_part = h[:, 1:8];
  ratio = N / 2.0;
  scaled = 2 * X;
  repeated = rep_matrix(0, N, 3);
  cov = gp_exp_quad_cov(to_array_1d(beta), 1.0, 1.0);
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK_FALSE(result->diagnostics.has_errors());
  CHECK(result->type_of("first_row") == "row_vector[D]");
  CHECK(result->type_of("column") == "vector[N]");
  CHECK(result->type_of("corner") == "matrix[3, D]");
  CHECK(result->type_of("linear") == "vector[N]");
  CHECK(result->type_of("quadratic") == "real");
  CHECK(result->type_of("outer") == "matrix[D, D]");
  CHECK(result->type_of("gathered") == "vector[N]");
  CHECK(result->type_of("pixel_row") == "array[D] int");
  CHECK(result->type_of("sliced") == "array[N, 3] int");
  CHECK(result->type_of("h") == "matrix[N, 16]");
  CHECK(result->type_of("mean_part") == "matrix[N, 8]");
  CHECK(result->type_of("ratio") == "real");
  CHECK(result->type_of("scaled") == "matrix[N, D]");
  CHECK(result->type_of("repeated") == "matrix[N, 3]");
  CHECK(result->type_of("cov") == "matrix[?, ?]");
}

TEST_CASE("elementwise definitions get their type from the loop bounds") {
  auto result = check_text(R"(
data {
  int<lower=1> N;
  int<lower=1> K;
  vector[N] x;
  array[N] int y;
}
model {
  for (i in 1:N) {
    mu[i] = 2 * x[i];
    count[i] = y[i] + 1;
    row_of[i] = rep_vector(x[i], K);
    for (k in 1:K) {
      grid[i, k] = x[i] * k;
    }
  }
  vector[N] declared;
  for (i in 1:N) {
    declared[i] = x[i];
  }
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK_FALSE(result->diagnostics.has_errors());
  CHECK(result->type_of("mu") == "vector[N]");
  CHECK(result->type_of("count") == "array[N] int");
  CHECK(result->type_of("row_of") == "array[N] vector[K]");
  CHECK(result->type_of("grid") == "matrix[N, K]");
  CHECK(result->type_of("declared") == "vector[N]");
  CHECK(result->checked.find("mu")->elementwise);
}

TEST_CASE("definitions are typed in dependency order, whatever the source order") {
  auto result = check_text(R"(
data {
  int<lower=1> N;
  vector[N] y;
}
latent {
  real mu;
}
model {
  y ~ normal(shifted, 1);
  shifted = base + mu;
  base = rep_vector(0, N);
  mu ~ normal(0, 1);
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK_FALSE(result->diagnostics.has_errors());
  CHECK(result->type_of("shifted") == "vector[N]");
  CHECK(result->checked.find("base")->data_only);
  CHECK_FALSE(result->checked.find("shifted")->data_only);
}

TEST_CASE("int division is integer division, with a warning; int and real mix to real") {
  auto result = check_text(R"(
data {
  int<lower=1> N;
  int half = N / 2;
  real mixed = N * 0.5;
}
)");
  REQUIRE(result->parsed());
  CHECK_FALSE(result->diagnostics.has_errors());
  CHECK(result->has_message("warning: integer division rounds toward zero"));
  const Type* half = result->checked.type_of(*result->checked.find("half")->declaration->initializer);
  REQUIRE(half != nullptr);
  CHECK(to_string(*half) == "int");
}

TEST_CASE("type errors say what was expected and what was found") {
  auto result = check_text(R"(
data {
  int<lower=1> N;
  vector[N] v;
  row_vector[N] r;
  array[N] real a;
}
model {
  s = v + r;
  p = a * a;
  q = v / v;
  t = v';
  u = t';
  m = 3 % 2.0;
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK(result->has_message("'+' expects operands of the same shape (or a scalar), got vector[N] and row_vector[N]"));
  CHECK(result->has_message("'*' is not defined for array[N] real and array[N] real"));
  CHECK(result->has_message("'/' is not defined for vector[N] and vector[N] (use ./ for elementwise division)"));
  CHECK(result->has_message("'%' expects two ints, got int and real"));
  CHECK(result->diagnostics.error_count() == 4);
  CHECK(result->type_of("u") == "vector[N]");
}

TEST_CASE("function calls: overloads, arity, unknown names") {
  auto result = check_text(R"(
data {
  int<lower=1> N;
  vector[N] v;
  matrix[N, N] M;
}
model {
  a = rep_vector(1.0);
  b = dot_product(v, M);
  c = lgo(2.0);
  d = normal(0, 1);
  e = normal_lpdf(v | 0, 1);
  f = poisson_lpmf(v | 3);
  g = normal_rng(0, 1);
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK(result->has_message("'rep_vector' takes 2 arguments (x, n), got 1"));
  CHECK(result->has_message("no form of 'dot_product' accepts (vector[N], matrix[N, N])"));
  CHECK(result->has_message("unknown function 'lgo'; did you mean 'log'?"));
  CHECK(result->has_message("'normal' is a distribution; use it with '~', or call normal_lpdf(y | ...)"));
  CHECK(result->has_message("'poisson_lpmf' expects an int or an array of ints on the left, got vector[N]"));
  CHECK(result->has_message("'normal_rng' draws at random: only the generated block may call it"));
  CHECK(result->diagnostics.error_count() == 6);
  CHECK(result->type_of("e") == "real");
}
