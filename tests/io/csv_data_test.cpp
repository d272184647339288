// CSV data files: columns fill vectors, x.1 ... x.D fill matrices and arrays by rows, sizes
// inferred from the row count, and malformed files.
#include "io_test_support.hpp"

namespace pm::io::testing {
namespace {

TEST_CASE("CSV: plain columns fill vectors and int arrays; N is inferred from the rows") {
  auto model = check_model(with_data("  int<lower=1> N;\n  vector[N] eruptions;\n  array[N] int waiting;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("faithful.csv", "eruptions,waiting\n3.6,79\n1.8,54\r\n3.333,74\n\n");
  LoadResult result = load(*model, {DataSource::file(path)});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.value("N").scalar() == 3);
  CHECK(result.value("N").origin == "the number of rows of " + path);
  CHECK(result.has("note: 'N' = 3, the number of rows of " + path));
  CHECK(result.value("eruptions").values == std::vector<double>{3.6, 1.8, 3.333});
  CHECK(result.value("waiting").values == std::vector<double>{79, 54, 74});
}

TEST_CASE("CSV: columns x.1 ... x.D fill a matrix by rows (stored column-major)") {
  auto model = check_model(with_data("  int N;\n  int D;\n  matrix[N, D] x;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("x.csv", "x.1,x.2,x.3\n1,2,3\n4,5,6\n");
  LoadResult result = load(*model, {DataSource::file(path), DataSource::assignment("D=3")});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.value("N").scalar() == 2);
  CHECK(result.value("x").dims == std::vector<std::size_t>{2, 3});
  CHECK(result.value("x").values == std::vector<double>{1, 4, 2, 5, 3, 6});
}

TEST_CASE("CSV: N from the rows and D from the columns x.1 ... x.D, as for vae.pm's digits") {
  auto model = check_model(with_data("  int<lower=1> N;\n  int<lower=1> D;\n  matrix<lower=0, upper=1>[N, D] x;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("digits.csv", "x.1,x.2,x.3,x.4\n0,0.5,1,0\n1,1,0,0.25\n");
  LoadResult result = load(*model, {DataSource::file(path)});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.value("N").scalar() == 2);
  CHECK(result.value("D").scalar() == 4);
  CHECK(result.has("note: 'D' = 4, the number of columns x.k in " + path));
  CHECK(result.value("x").values == std::vector<double>{0, 1, 0.5, 1, 1, 0, 0, 0.25});
}

TEST_CASE("CSV: columns x[1] ... x[D] fill array[N] vector[D] and array[N, D] int") {
  auto model = check_model(with_data("  int N;\n  array[N] vector[2] v;\n  array[N, 2] int b;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("v.csv", "b[2],v[1],v[2],b[1],unused\n5,1,2,1,9\n7,3,4,0,9\n");
  LoadResult result = load(*model, {DataSource::file(path)});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.value("v").values == std::vector<double>{1, 3, 2, 4});
  CHECK(result.value("b").values == std::vector<double>{1, 0, 5, 7});
  CHECK(result.has("note: 'unused' in " + path + " is not a variable of the model; ignored"));
}

TEST_CASE("CSV: the note on an inferred D names the columns as the file does") {
  auto model = check_model(with_data("  int N;\n  int D;\n  matrix[N, D] x;\n"));
  TemporaryDirectory directory;
  std::string brackets = directory.write("brackets.csv", "x[1],x[2]\n1,2\n");
  LoadResult result = load(*model, {DataSource::file(brackets)});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK_MESSAGE(result.has("note: 'D' = 2, the number of columns x[k] in " + brackets), result.text());
  CHECK(result.value("D").origin == "the number of columns x[k] in " + brackets);
  std::string mixed = directory.write("mixed.csv", "x[1],x.2\n1,2\n");
  LoadResult second = load(*model, {DataSource::file(mixed)});
  CHECK_MESSAGE(second.has("note: 'D' = 2, the number of columns x.k and x[k] in " + mixed), second.text());
}

TEST_CASE("CSV: an int column with a value written as a real is an error naming the element") {
  auto model = check_model(with_data("  int N;\n  array[N] int k;\n  array[N, 2] int b;\n  vector[N] y;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("ints.csv", "k,b.1,b.2,y\n1,0,1,1.0\n1.0,1,1e2,2\n3,1,2,3e0\n");
  LoadResult result = load(*model, {DataSource::file(path)});
  CHECK_FALSE(result.data.has_value());
  CHECK_MESSAGE(result.has("error: 'k[2]' is declared int but the data has the real 1.0 (in " + path + ")"),
                result.text());
  CHECK(result.has("error: 'b[2,2]' is declared int but the data has the real 100.0 (in " + path + ")"));
  CHECK(result.messages.error_count() == 2);  // y is real: 1.0 and 3e0 are fine there
}

TEST_CASE("CSV: a file that cannot be read reports only its own error, not every variable missing") {
  auto model = check_model(with_data("  int J;\n  vector[J] a;\n  real s;\n"));
  TemporaryDirectory directory;
  std::string short_row = directory.write("short.csv", "a,s\n1,2\n3\n");
  std::string gap = directory.write("gap.csv", "a.1,a.3\n1,2\n");
  std::string cell = directory.write("cell.csv", "a\noops\n");
  for (const std::string& path : {short_row, gap, cell}) {
    LoadResult result = load(*model, {DataSource::file(path)});
    CHECK_FALSE(result.data.has_value());
    CHECK_MESSAGE(result.has(path), result.text());
    CHECK_FALSE_MESSAGE(result.has("data variable"), result.text());
    CHECK_MESSAGE(result.messages.all().size() == 1, result.text());
  }
}

TEST_CASE("CSV: a header with no rows gives N = 0 and empty vectors") {
  auto model = check_model(with_data("  int<lower=0> N;\n  vector[N] y;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("y.csv", "y\n");
  LoadResult result = load(*model, {DataSource::file(path)});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.value("N").scalar() == 0);
  CHECK(result.value("y").size() == 0);
}

TEST_CASE("CSV: N is not inferred when a source sets it; then the rows must agree") {
  auto model = check_model(with_data("  int N;\n  vector[N] y;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("y.csv", "y\n1\n2\n");
  LoadResult result = load(*model, {DataSource::file(path), DataSource::assignment("N=3")});
  CHECK_FALSE(result.data.has_value());
  CHECK(result.has("error: 'y' should have 3 elements (N = 3) but has 2"));
}

TEST_CASE("CSV: two files with different row counts make N ambiguous") {
  auto model = check_model(with_data("  int N;\n  vector[N] y;\n  vector[N] z;\n"));
  TemporaryDirectory directory;
  std::string first = directory.write("y.csv", "y\n1\n2\n");
  std::string second = directory.write("z.csv", "z\n1\n2\n3\n");
  LoadResult result = load(*model, {DataSource::file(first), DataSource::file(second)});
  CHECK_FALSE(result.data.has_value());
  CHECK(result.has("cannot infer 'N' from the CSV data: the number of rows of " + first +
                   " is 2 but the number of rows of " + second + " is 3"));
  CHECK_FALSE(result.has("'N' is missing"));
}

TEST_CASE("CSV: a bad cell is an error at its line and column naming the column") {
  auto model = check_model(with_data("  int N;\n  vector[N] a;\n  vector[N] b;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("bad.csv", "a,b\n1,2\n3, oops\n");
  LoadResult result = load(*model, {DataSource::file(path)});
  CHECK_FALSE(result.data.has_value());
  CHECK_MESSAGE(result.has(path + ":3:3: 'oops' in column 'b' is not a number"), result.text());
  std::string empty_cell = directory.write("empty_cell.csv", "a,b\n1,\n");
  LoadResult second = load(*model, {DataSource::file(empty_cell)});
  CHECK(second.has(empty_cell + ":2:3: an empty value in column 'b' is not a number"));
}

TEST_CASE("CSV: a row with the wrong number of values is an error at its line") {
  auto model = check_model(with_data("  int N;\n  vector[N] a;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("short.csv", "a,b\n1,2\n3\n");
  LoadResult result = load(*model, {DataSource::file(path)});
  CHECK_FALSE(result.data.has_value());
  CHECK(result.has(path + ":3: row has 1 values but the header has 2 columns"));
}

TEST_CASE("CSV: a gap in x.1 ... x.D and a repeated column are errors") {
  auto model = check_model(with_data("  int N;\n  matrix[N, 3] x;\n"));
  TemporaryDirectory directory;
  std::string gap = directory.write("gap.csv", "x.1,x.3\n1,2\n");
  std::string repeated = directory.write("repeated.csv", "x.1,x[1]\n1,2\n");
  LoadResult result = load(*model, {DataSource::file(gap)});
  CHECK(result.has("the columns of 'x' go up to x.3 but x.2 is missing"));
  LoadResult second = load(*model, {DataSource::file(repeated)});
  CHECK(second.has("column 'x[1]' appears twice"));
  // Named as the file names them.
  std::string bracket_gap = directory.write("bracket_gap.csv", "x[1],x[2],x[4]\n1,2,3\n");
  LoadResult third = load(*model, {DataSource::file(bracket_gap)});
  CHECK_MESSAGE(third.has("the columns of 'x' go up to x[4] but x[3] is missing"), third.text());
  std::string no_first = directory.write("no_first.csv", "x[2],x[3]\n1,2\n");
  LoadResult fourth = load(*model, {DataSource::file(no_first)});
  CHECK(fourth.has("the columns of 'x' go up to x[3] but x[1] is missing"));
  std::string both = directory.write("both.csv", "x,x[1]\n1,2\n");
  LoadResult fifth = load(*model, {DataSource::file(both)});
  CHECK_MESSAGE(fifth.has("column 'x' and columns 'x[k]' both fill 'x'"), fifth.text());
}

TEST_CASE("CSV: NaN and inf cells are rejected with the element's index") {
  auto model = check_model(with_data("  int N;\n  matrix[N, 2] x;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("x.csv", "x.1,x.2\n1,2\n3,NA\n4,nan\n5,-Inf\n");
  LoadResult result = load(*model, {DataSource::file(path)});
  // "NA" (R's missing value) is not a number: an error at its cell.
  CHECK(result.has(path + ":3:3: 'NA' in column 'x.2' is not a number"));
  std::string nan_path = directory.write("x2.csv", "x.1,x.2\n1,2\n4,nan\n5,-Inf\n");
  LoadResult second = load(*model, {DataSource::file(nan_path)});
  CHECK(second.has("error: 'x[2,2]' is NaN"));
  CHECK(second.has("error: 'x[3,2]' is -inf"));
}

}  // namespace
}  // namespace pm::io::testing
