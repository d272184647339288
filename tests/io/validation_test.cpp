// Every kind of data error names the variable, the index and the value (CLI.md "Data files").
#include "engine/io/validate.hpp"
#include "io_test_support.hpp"

namespace pm::io::testing {
namespace {

LoadResult load_json(const std::string& data_block, const std::string& json,
                     std::vector<DataSource> extra = {}) {
  auto model = check_model(with_data(data_block));
  TemporaryDirectory directory;
  std::vector<DataSource> sources{DataSource::file(directory.write("d.json", json))};
  sources.insert(sources.end(), extra.begin(), extra.end());
  return load(*model, sources);
}

TEST_CASE("a missing variable is named with its declaration's place") {
  LoadResult result = load_json("  int N;\n  vector[N] y;\n", R"({"N": 2})");
  CHECK_FALSE(result.data.has_value());
  CHECK_MESSAGE(result.has("error: data variable 'y' is missing (declared at model.pm:3:3)"), result.text());
  // y sized by a missing N is reported missing too.
  LoadResult both = load_json("  int N;\n  vector[N] y;\n", R"({"z": 2})");
  CHECK(both.has("error: data variable 'N' is missing (declared at model.pm:2:3)"));
  CHECK(both.has("error: data variable 'y' is missing (declared at model.pm:3:3)"));
}

TEST_CASE("wrong shapes: element count, matrix rows and row lengths, scalar versus list") {
  LoadResult vector = load_json("  int N;\n  vector[N] y;\n", R"({"N": 10, "y": [1,2,3,4,5,6,7,8,9]})");
  CHECK(vector.has("error: 'y' should have 10 elements (N = 10) but has 9"));

  LoadResult row = load_json("  int N;\n  matrix[N, 2] X;\n", R"({"N": 3, "X": [[1, 2], [3, 4], [5, 6, 7]]})");
  CHECK_MESSAGE(row.has("error: 'X' should be a 3 x 2 matrix (N x 2) but row 3 has 3 values"), row.text());

  LoadResult rows = load_json("  matrix[3, 2] X;\n", R"({"X": [[1, 2], [3, 4]]})");
  CHECK(rows.has("error: 'X' should be a 3 x 2 matrix but has 2 rows"));

  LoadResult nested = load_json("  array[2] vector[3] v;\n", R"({"v": [[1, 2, 3], [4, 5]]})");
  CHECK(nested.has("error: 'v[2]' should have 3 elements but has 2"));

  LoadResult scalar = load_json("  int N;\n", R"({"N": [1, 2, 3]})");
  CHECK(scalar.has("error: 'N' should be a single int but is a list of 3 values"));

  LoadResult list = load_json("  int N;\n  vector[N] y;\n", R"({"N": 2, "y": 5})");
  CHECK(list.has("error: 'y' should be a list of 2 values (N = 2) but is a single number"));
}

TEST_CASE("a real where an int is declared names the element, the declaration and the value") {
  LoadResult result = load_json("  int N;\n  array[N] int y;\n", R"({"N": 4, "y": [1, 0, 0.5, 1.0]})");
  CHECK_FALSE(result.data.has_value());
  CHECK(result.has("error: 'y[3]' must be an int (declared array[N] int) but is 0.5 (in "));
  // 1.0 is a real, though integral (CLI.md: "wrong type (real where int is declared)").
  CHECK_MESSAGE(result.has("error: 'y[4]' is declared int but the data has the real 1.0 (in "), result.text());
  CHECK(result.messages.error_count() == 2);
}

TEST_CASE("an int written as a real (1.0, 3e0) is an error naming the element and the value") {
  LoadResult scalar = load_json("  int N;\n  vector[N] x;\n", R"({"N": 3.0, "x": [1, 2, 3]})");
  CHECK_FALSE(scalar.data.has_value());
  CHECK_MESSAGE(scalar.has("error: 'N' is declared int but the data has the real 3.0 (in "), scalar.text());
  // x is sized by the failed N: skipped without a further message.
  CHECK(scalar.messages.error_count() == 1);

  LoadResult array = load_json("  array[3] int y;\n  array[2, 2] int<lower=0> z;\n  real s;\n  vector[2] v;\n",
                               R"({"y": [1, 0, 1.0], "z": [[1, 2e0], [3, 4]], "s": 2, "v": [1, 2]})");
  CHECK_FALSE(array.data.has_value());
  CHECK(array.has("error: 'y[3]' is declared int but the data has the real 1.0"));
  CHECK(array.has("error: 'z[1,2]' is declared int but the data has the real 2.0"));
  // Ints are fine where reals are declared.
  CHECK(array.messages.error_count() == 2);

  // Beyond 2^53 the value itself is the problem, whichever way it is written.
  LoadResult large = load_json("  int N;\n", R"({"N": 1e20})");
  CHECK(large.has("error: 'N' = 1e+20 is too large for an int (at most 2^53 in magnitude)"));
  LoadResult large_digits = load_json("  int N;\n", R"({"N": 100000000000000000000})");
  CHECK(large_digits.has("error: 'N' = 1e+20 is too large for an int (at most 2^53 in magnitude)"));
  CHECK_FALSE(large_digits.has("declared int but"));

  // Integral reals still fine for reals, and for ints written as ints.
  LoadResult fine = load_json("  int N;\n  array[N] int y;\n  real s;\n", R"({"N": 2, "y": [-1, 0], "s": 3.0})");
  CHECK_MESSAGE(fine.data.has_value(), fine.text());
}

TEST_CASE("-d name=value: an int written with a decimal point or an exponent is an error") {
  auto model = check_model(with_data("  int N;\n  real s;\n"));
  for (const char* text : {"N=3.0", "N=3e0", "N=0.3e1"}) {
    LoadResult result = load(*model, {DataSource::assignment(text), DataSource::assignment("s=1")});
    CHECK_FALSE(result.data.has_value());
    CHECK_MESSAGE(result.has("error: 'N' is declared int but the data has the real 3.0 (-d N)"), result.text());
    CHECK(result.messages.error_count() == 1);
  }
  LoadResult fine = load(*model, {DataSource::assignment("N=+3"), DataSource::assignment("s=3")});
  CHECK_MESSAGE(fine.data.has_value(), fine.text());
  CHECK(fine.value("N").scalar() == 3);
  CHECK(fine.value("s").scalar() == 3);
  LoadResult fractional = load(*model, {DataSource::assignment("N=3.5"), DataSource::assignment("s=1")});
  CHECK(fractional.has("error: 'N' must be an int (declared int) but is 3.5 (-d N)"));
}

TEST_CASE("ints written as reals count toward the per-variable error limit") {
  LoadResult result = load_json("  array[8] int y;\n", R"({"y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]})");
  CHECK(result.has("error: 'y[5]' is declared int but the data has the real 5.0"));
  CHECK_FALSE(result.has("'y[6]'"));
  CHECK(result.has("error: ... and 3 more errors in 'y'"));
}

TEST_CASE("constraint violations name the element, the value and the bound") {
  LoadResult result = load_json("  int N;\n  array[N] int<lower=0, upper=1> y;\n  matrix<lower=0>[2, 3] x;\n",
                                R"({"N": 3, "y": [1, 0, 2], "x": [[1, 2, 3], [4, -5, 6]]})");
  CHECK_FALSE(result.data.has_value());
  CHECK(result.has("error: 'y[3]' = 2 violates upper=1"));
  CHECK(result.has("error: 'x[2,2]' = -5 violates lower=0"));
}

TEST_CASE("bounds read earlier data and say so") {
  LoadResult result = load_json("  int K;\n  array[2] int<lower=1, upper=K> z;\n  vector<lower=-K>[2] v;\n",
                                R"({"K": 3, "z": [3, 4], "v": [-3, -3.5]})");
  CHECK(result.has("error: 'z[2]' = 4 violates upper=3 (upper=K)"));
  CHECK(result.has("error: 'v[2]' = -3.5 violates lower=-3 (lower=-K)"));
}

TEST_CASE("NaN and Inf are errors at their index") {
  LoadResult result = load_json("  vector[20] x;\n",
                                R"({"x": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"NaN",0,0,"inf"]})");
  CHECK(result.has("error: 'x[17]' is NaN"));
  CHECK(result.has("error: 'x[20]' is inf"));
}

TEST_CASE("a size that is not a non-negative int is an error naming it") {
  LoadResult negative = load_json("  int N;\n  vector[N] y;\n", R"({"N": -1, "y": []})");
  CHECK(negative.has("error: the size N of 'y' must be a non-negative int but is -1"));
  LoadResult real = load_json("  real s;\n  vector[2] y;\n  array[2] vector[2] w;\n", R"({"s": 1.5, "y": [1, 2], "w": [[1, 2], [3, 4]]})");
  CHECK(real.data.has_value());
  LoadResult shifted = load_json("  int N;\n  vector[N - 3] y;\n", R"({"N": 2, "y": []})");
  CHECK(shifted.has("error: the size N - 3 of 'y' must be a non-negative int but is -1"));
}

TEST_CASE("a huge size is refused before anything is allocated") {
  LoadResult result = load_json("  int N;\n  vector[N] y;\n", R"({"N": 1000000000000000, "y": []})");
  CHECK_FALSE(result.data.has_value());
  CHECK_MESSAGE(result.has("error: 'y' would have 1e+15 elements (N = 1000000000000000), more than the"), result.text());
  LoadResult product = load_json("  int N;\n  matrix[N, N] X;\n", R"({"N": 100000, "X": []})");
  CHECK(product.has("error: 'X' would have 1e+10 elements (N x N = 100000 x 100000)"));
}

TEST_CASE("an int beyond 2^53 is refused; a boolean is not a number") {
  LoadResult result = load_json("  int N;\n  array[2] real b;\n", R"({"N": 1e20, "b": [true, 1]})");
  CHECK(result.has("error: 'N' = 1e+20 is too large for an int (at most 2^53 in magnitude)"));
  CHECK(result.has("error: 'b[1]' must be a number but is true"));
}

TEST_CASE("a variable depending on a failed one is skipped silently") {
  LoadResult result = load_json("  int N;\n  vector[N] y;\n  vector[N] z;\n", R"({"N": 2.5, "y": [1], "z": [2]})");
  CHECK(result.has("error: 'N' must be an int (declared int) but is 2.5"));
  CHECK(result.messages.error_count() == 1);
}

TEST_CASE("defaults: used when absent, overridden by a file and by -d, checked like data") {
  std::string block = "  int<lower=1> K = 3;\n  int<lower=1> J = K + 1;\n  vector[J] w;\n";
  LoadResult defaults = load_json(block, R"({"w": [1, 2, 3, 4]})");
  REQUIRE_MESSAGE(defaults.data.has_value(), defaults.text());
  CHECK(defaults.value("K").scalar() == 3);
  CHECK(defaults.value("K").origin == "default");
  CHECK(defaults.value("J").scalar() == 4);

  LoadResult from_file = load_json(block, R"({"K": 1, "w": [1, 2]})");
  REQUIRE_MESSAGE(from_file.data.has_value(), from_file.text());
  CHECK(from_file.value("K").scalar() == 1);

  LoadResult from_flag = load_json(block, R"({"K": 1, "w": [1, 2, 3]})",
                                   {DataSource::assignment("K=5"), DataSource::assignment("K = 2")});
  REQUIRE_MESSAGE(from_flag.data.has_value(), from_flag.text());
  CHECK(from_flag.value("K").scalar() == 2);
  CHECK(from_flag.value("K").origin == "-d");

  // A default that reads data (the checker refuses a literal one, as K = 0, itself).
  LoadResult bad_default = load_json("  int N;\n  int<lower=1> K = N - 1;\n", R"({"N": 1})");
  CHECK_MESSAGE(bad_default.has("error: 'K' = 0 violates lower=1 (the default declared at model.pm:3:3)"),
                bad_default.text());
}

TEST_CASE("-d sets scalars; a malformed -d is an error") {
  auto model = check_model(with_data("  int N;\n  real s;\n"));
  LoadResult result = load(*model, {DataSource::assignment("N=4"), DataSource::assignment("s=-2.5e-1")});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.value("N").scalar() == 4);
  CHECK(result.value("s").scalar() == -0.25);
  LoadResult bad = load(*model, {DataSource::assignment("N=abc"), DataSource::assignment("s")});
  CHECK(bad.has("error: -d N=abc: 'abc' is not a number"));
  CHECK(bad.has("error: -d s: expected name=value"));
  LoadResult not_int = load(*model, {DataSource::assignment("N=1.5"), DataSource::assignment("s=1")});
  CHECK(not_int.has("error: 'N' must be an int (declared int) but is 1.5"));
}

TEST_CASE("the same name in two files is an error naming both") {
  auto model = check_model(with_data("  real s;\n"));
  TemporaryDirectory directory;
  std::string first = directory.write("a.json", R"({"s": 1})");
  std::string second = directory.write("b.csv", "s\n2\n");
  LoadResult result = load(*model, {DataSource::file(first), DataSource::file(second)});
  CHECK_FALSE(result.data.has_value());
  CHECK(result.has("error: 's' is set by two data files: " + first + " and " + second));
}

TEST_CASE("structured types: simplex, ordered, positive_ordered and covariance matrices") {
  LoadResult simplex = load_json("  array[2] simplex[3] w;\n", R"({"w": [[0.2, 0.3, 0.5], [0.5, 0.6, 0.1]]})");
  CHECK_MESSAGE(simplex.has("error: 'w[2]' is not a valid simplex: its values must sum to 1 but sum to 1.2"),
                simplex.text());
  LoadResult negative = load_json("  simplex[3] w;\n", R"({"w": [0.5, 0.6, -0.1]})");
  CHECK(negative.has("error: 'w' is not a valid simplex: its values must be non-negative but w[3] = -0.1"));
  LoadResult ordered = load_json("  ordered[3] m;\n", R"({"m": [1, 3, 2]})");
  CHECK(ordered.has("error: 'm' is not a valid ordered: its values must be strictly increasing but m[3] = 2 "
                    "follows m[2] = 3"));
  LoadResult positive = load_json("  positive_ordered[2] p;\n", R"({"p": [-1, 1]})");
  CHECK(positive.has("'p' is not a valid positive_ordered: its values must be non-negative but p[1] = -1"));
  LoadResult covariance = load_json("  cov_matrix[2] S;\n", R"({"S": [[1, 2], [2, 1]]})");
  CHECK(covariance.has("error: 'S' is not a valid cov_matrix: it must be symmetric positive definite"));
  LoadResult good = load_json("  cov_matrix[2] S;\n  simplex[2] w;\n", R"({"S": [[2, 1], [1, 2]], "w": [0.25, 0.75]})");
  CHECK_MESSAGE(good.data.has_value(), good.text());
  CHECK(good.value("S").dims == std::vector<std::size_t>{2, 2});
}

TEST_CASE("errors in one variable are capped, with a count of the rest") {
  LoadResult result = load_json("  array[8] int<lower=0> y;\n", R"({"y": [-1, -2, -3, -4, -5, -6, -7, 1]})");
  CHECK(result.messages.error_count() == kMaxErrorsPerVariable + 1);
  CHECK(result.has("error: ... and 2 more errors in 'y'"));
}

}  // namespace
}  // namespace pm::io::testing
