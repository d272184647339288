// JSON data files: shapes, the layout of matrices and arrays, and malformed files.
#include "io_test_support.hpp"

namespace pm::io::testing {
namespace {

TEST_CASE("JSON: scalars, vectors and int arrays load with their declared types") {
  auto model = check_model(with_data("  int<lower=0> N;\n  vector[N] y;\n  array[N] int z;\n  real s;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("d.json", R"({"N": 3, "y": [1.5, -2, 3e2], "z": [4, 5, 6], "s": 0.25})");
  LoadResult result = load(*model, {DataSource::file(path)});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.value("N").is_int());
  CHECK(result.value("N").scalar() == 3);
  CHECK(result.value("y").dims == std::vector<std::size_t>{3});
  CHECK(result.value("y").values == std::vector<double>{1.5, -2, 300});
  CHECK_FALSE(result.value("y").is_int());
  CHECK(result.value("z").values == std::vector<double>{4, 5, 6});
  CHECK(result.value("s").scalar() == 0.25);
  CHECK(result.value("y").origin == path);
  CHECK(result.data->order == std::vector<std::string>{"N", "y", "z", "s"});
}

TEST_CASE("JSON: a matrix is a list of rows, stored column-major") {
  auto model = check_model(with_data("  matrix[2, 3] X;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("d.json", R"({"X": [[1, 2, 3], [4, 5, 6]]})");
  LoadResult result = load(*model, {DataSource::file(path)});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  const DataValue& x = result.value("X");
  CHECK(x.dims == std::vector<std::size_t>{2, 3});
  // X[i, j] at i + 2 * j: columns are contiguous.
  CHECK(x.values == std::vector<double>{1, 4, 2, 5, 3, 6});
  std::vector<std::size_t> row2_col3{1, 2};
  CHECK(x.values[x.offset(row2_col3)] == 6);
}

TEST_CASE("JSON: array[N] vector[K] has the array index varying fastest") {
  auto model = check_model(with_data("  array[3] vector[2] v;\n  array[2, 2] int a;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("d.json", R"({"v": [[1, 2], [3, 4], [5, 6]], "a": [[1, 2], [3, 4]]})");
  LoadResult result = load(*model, {DataSource::file(path)});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  const DataValue& v = result.value("v");
  CHECK(v.dims == std::vector<std::size_t>{3, 2});
  CHECK(v.array_rank == 1);
  CHECK(v.shape == lang::ShapeKind::Vector);
  // v[n][k] at n + 3 * k
  CHECK(v.values == std::vector<double>{1, 3, 5, 2, 4, 6});
  CHECK(result.value("a").values == std::vector<double>{1, 3, 2, 4});
}

TEST_CASE("JSON: empty arrays are [] for any zero size") {
  auto model = check_model(with_data("  int N;\n  vector[N] y;\n  matrix[N, 3] X;\n  array[N, 2] int z;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("d.json", R"({"N": 0, "y": [], "X": [], "z": []})");
  LoadResult result = load(*model, {DataSource::file(path)});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.value("y").size() == 0);
  CHECK(result.value("X").dims == std::vector<std::size_t>{0, 3});
  CHECK(result.value("z").size() == 0);
}

TEST_CASE("JSON: the strings inf, -inf and NaN are read, then rejected by name and index") {
  auto model = check_model(with_data("  vector[3] x;\n  real s;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("d.json", R"({"x": [1, "NaN", "-inf"], "s": "inf"})");
  LoadResult result = load(*model, {DataSource::file(path)});
  CHECK_FALSE(result.data.has_value());
  CHECK(result.has("error: 'x[2]' is NaN"));
  CHECK(result.has("error: 'x[3]' is -inf"));
  CHECK(result.has("error: 's' is inf"));
}

TEST_CASE("JSON: CmdStan's bare NaN, Infinity and -Infinity are read, then rejected by name and index") {
  auto model = check_model(with_data("  vector[4] x;\n  real s;\n  array[2] int k;\n"));
  TemporaryDirectory directory;
  std::string path =
      directory.write("d.json", "{\"x\": [1, NaN, -Infinity,Inf], \"s\":Infinity,\n \"k\": [-Inf, -NaN]}");
  LoadResult result = load(*model, {DataSource::file(path)});
  CHECK_FALSE(result.data.has_value());
  CHECK_FALSE_MESSAGE(result.has("malformed"), result.text());
  // The messages of the quoted spellings, with the file.
  CHECK(result.has("error: 'x[2]' is NaN (in " + path + ")"));
  CHECK(result.has("error: 'x[3]' is -inf (in " + path + ")"));
  CHECK(result.has("error: 'x[4]' is inf (in " + path + ")"));
  CHECK(result.has("error: 's' is inf (in " + path + ")"));
  CHECK(result.has("error: 'k[1]' is -inf"));
  CHECK(result.has("error: 'k[2]' is NaN"));
  CHECK(result.messages.error_count() == 6);
}

TEST_CASE("JSON: bare NaN and Infinity only as values; everything else stays strict") {
  auto model = check_model(with_data("  real s;\n"));
  TemporaryDirectory directory;
  auto malformed_at = [&](const std::string& name, const std::string& text, const std::string& place) {
    std::string path = directory.write(name, text);
    LoadResult result = load(*model, {DataSource::file(path)});
    CHECK_FALSE(result.data.has_value());
    CHECK_MESSAGE(result.has("error: " + path + ":" + place + ": malformed JSON: "), result.text());
    CHECK_MESSAGE(result.messages.error_count() == 1, result.text());
  };
  malformed_at("key.json", "{NaN: 1}", "1:2");                // a key must be a string
  malformed_at("suffix.json", "{\"s\": NaNa}", "1:7");        // not a whole token
  malformed_at("lower.json", "{\"s\": nan}", "1:8");          // case matters, as in CmdStan
  malformed_at("plus.json", "{\"s\": +Infinity}", "1:7");
  // A syntax error after rewritten tokens is still at its place in the file.
  malformed_at("after.json", "{\"s\": [NaN, Inf,, 3]}", "1:17");
  malformed_at("lines.json", "{\"s\": -Infinity,\n \"t\": [NaN NaN]}", "2:12");
  // Inside a string a bare token is just text.
  std::string quoted = directory.write("quoted.json", R"({"s": 1, "note": "NaN, Infinity", "Inf": [NaN]})");
  LoadResult result = load(*model, {DataSource::file(quoted)});
  CHECK_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.has("note: 'note' in " + quoted + " is not a variable of the model; ignored"));
  CHECK(result.has("note: 'Inf' in " + quoted + " is not a variable of the model; ignored"));
}

TEST_CASE("JSON: other strings, null and booleans are not numbers") {
  auto model = check_model(with_data("  vector[3] x;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("d.json", R"({"x": [1, "abc", null]})");
  LoadResult result = load(*model, {DataSource::file(path)});
  CHECK_FALSE(result.data.has_value());
  CHECK(result.has("'x[2]' must be a number but is the string \"abc\""));
  CHECK(result.has("'x[3]' must be a number but is null"));
}

TEST_CASE("JSON: a malformed file is an error at its line and column") {
  auto model = check_model(with_data("  real s;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("bad.json", "{\n  \"s\": 1,\n  \"t\": [1, 2,, 3]\n}\n");
  LoadResult result = load(*model, {DataSource::file(path)});
  CHECK_FALSE(result.data.has_value());
  CHECK_MESSAGE(result.has(path + ":3:14: malformed JSON: "), result.text());
}

TEST_CASE("JSON: a file that cannot be read reports only its own error, not every variable missing") {
  auto model = check_model(with_data("  int J;\n  vector[J] y;\n  real s;\n"));
  TemporaryDirectory directory;
  std::string bad = directory.write("bad.json", "{\"J\": 2, \"y\": [1, 2],, \"s\": 1}");
  std::string trailing = directory.write("trailing.json", "{\"J\": 2, \"y\": [1, 2], \"s\": 1} x");
  std::string other = directory.write("other.json", R"({"extra": 1})");
  for (const std::string& path : {bad, trailing}) {
    LoadResult result = load(*model, {DataSource::file(path), DataSource::file(other)});
    CHECK_FALSE(result.data.has_value());
    CHECK_MESSAGE(result.has(path + ":1:"), result.text());
    CHECK_MESSAGE(result.messages.all().size() == 1, result.text());  // no "missing", no notes
  }
  // Every unreadable source is reported, each with its own error.
  LoadResult both = load(*model, {DataSource::file(bad), DataSource::file(bad + ".nowhere"),
                                  DataSource::assignment("s=abc")});
  CHECK(both.has(bad + ":1:"));
  CHECK(both.has("cannot open data file '" + bad + ".nowhere'"));
  CHECK(both.has("-d s=abc: 'abc' is not a number"));
  CHECK_MESSAGE(both.messages.all().size() == 3, both.text());
}

TEST_CASE("JSON: a truncated file is an error at its end") {
  auto model = check_model(with_data("  real s;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("cut.json", "{\"s\": [1, 2");
  LoadResult result = load(*model, {DataSource::file(path)});
  CHECK_FALSE(result.data.has_value());
  CHECK_MESSAGE(result.has(path + ":1:12: malformed JSON: "), result.text());
  CHECK(result.has("unexpected end of input"));
}

TEST_CASE("JSON: deeply nested values are errors, not crashes") {
  auto model = check_model(with_data("  vector[1] y;\n"));
  TemporaryDirectory directory;
  std::string deep(100000, '[');
  std::string truncated = directory.write("deep.json", "{\"y\": " + deep);
  LoadResult cut = load(*model, {DataSource::file(truncated)});
  CHECK(cut.has("malformed JSON"));
  std::string complete = directory.write("deep_complete.json", "{\"y\": " + deep + std::string(100000, ']') + "}");
  LoadResult nested = load(*model, {DataSource::file(complete)});
  CHECK_MESSAGE(nested.has("error: 'y[1]' should be a single number but is a list of 1 values"), nested.text());
}

TEST_CASE("JSON: empty, missing and non-object files are errors naming the file") {
  auto model = check_model(with_data("  real s;\n"));
  TemporaryDirectory directory;
  std::string empty = directory.write("empty.json", "  \n");
  std::string list = directory.write("list.json", "[1, 2]");
  LoadResult result = load(*model, {DataSource::file(empty), DataSource::file(list),
                                    DataSource::file(empty + ".nowhere")});
  CHECK_FALSE(result.data.has_value());
  CHECK(result.has(empty + ": the data file is empty"));
  CHECK(result.has(list + ": a JSON data file must be an object {\"name\": value, ...}, not an array"));
  CHECK(result.has("cannot open data file '" + empty + ".nowhere'"));
}

TEST_CASE("JSON: keys that are not data are ignored with a note") {
  auto model = check_model(with_data("  real s;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("d.json", R"({"s": 1, "extra": [1, 2], "mu": 3})");
  LoadResult result = load(*model, {DataSource::file(path)});
  REQUIRE_MESSAGE(result.data.has_value(), result.text());
  CHECK(result.has("note: 'extra' in " + path + " is not a variable of the model; ignored"));
  CHECK(result.has("note: 'mu' in " + path + " is a latent, not data; ignored"));
  CHECK_FALSE(result.messages.has_errors());
}


TEST_CASE("JSON: a key given twice is an error naming it and both places (issue 15)") {
  // nlohmann keeps the last value silently; CmdStan refuses to define a variable twice.
  auto model = check_model(with_data("  int J;\n  vector[J] y;\n"));
  TemporaryDirectory directory;
  std::string path = directory.write("twice.json", "{\n  \"J\": 2,\n  \"y\": [1, 2],\n  \"J\": 3\n}\n");
  LoadResult result = load(*model, {DataSource::file(path)});
  CHECK_FALSE(result.data.has_value());
  CHECK_MESSAGE(result.has(path + ":4:3: 'J' is given twice (first at 2:3)"), result.text());
  CHECK_MESSAGE(result.messages.all().size() == 1, result.text());
  // Spelled with an escape, it is the same key; inside a string or a nested value, a key's
  // text is not a top-level key; in two different objects it is not repeated.
  std::string escaped = directory.write("escaped.json", "{\"J\": 2, \"y\": [1, 2], \"\\u004a\": 2}");
  LoadResult escaped_result = load(*model, {DataSource::file(escaped)});
  CHECK_MESSAGE(escaped_result.has(escaped + ":1:23: 'J' is given twice (first at 1:2)"), escaped_result.text());
  std::string fine = directory.write("fine.json", "{\"J\": 2, \"y\": [1, 2], \"note\": \"\\\"J\\\": 1\"}");
  LoadResult fine_result = load(*model, {DataSource::file(fine)});
  CHECK_MESSAGE(fine_result.data.has_value(), fine_result.text());
}

TEST_CASE("JSON and CSV: a UTF-8 byte-order mark is not data; a file without extension is sniffed") {
  auto model = check_model(with_data("  int J;\n  vector[J] y;\n"));
  TemporaryDirectory directory;
  const std::string bom = "\xEF\xBB\xBF";
  for (const std::string& name : {std::string("bom.json"), std::string("bom_json_no_extension"), std::string("bom.data")}) {
    CAPTURE(name);
    std::string path = directory.write(name, bom + "{\"J\": 2, \"y\": [1.5, 2]}");
    LoadResult result = load(*model, {DataSource::file(path)});
    REQUIRE_MESSAGE(result.data.has_value(), result.text());
    CHECK(result.data->find("y")->values[0] == 1.5);
  }
  for (const std::string& name : {std::string("bom.csv"), std::string("bom_csv_no_extension")}) {
    CAPTURE(name);
    std::string path = directory.write(name, bom + "y\n1.5\n2\n");
    LoadResult result = load(*model, {DataSource::file(path)});
    REQUIRE_MESSAGE(result.data.has_value(), result.text());  // "y is missing" before
    CHECK(result.data->find("y")->values[0] == 1.5);
    CHECK(result.data->find("J")->scalar() == 2);
  }
  // Errors after a BOM keep their columns as an editor shows them (the mark has none).
  std::string bad = directory.write("bom_bad.json", bom + "{\"J\": 2,, \"y\": [1]}");
  LoadResult bad_result = load(*model, {DataSource::file(bad)});
  CHECK_MESSAGE(bad_result.has(bad + ":1:9: malformed JSON"), bad_result.text());
}

}  // namespace
}  // namespace pm::io::testing
