// Helpers of the compiler's tests: compile a model given as text with data given as JSON
// text, and read the models and reference files under tests/data.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "engine/compile/compiled_model.hpp"
#include "engine/io/load_data.hpp"
#include "lang/check/check.hpp"
#include "lang/syntax/parse.hpp"

namespace pm::compile::testing {

#ifdef PM_SOURCE_DIR
inline const std::string kTestData = std::string(PM_SOURCE_DIR) + "/tests/data/";
#else
inline const std::string kTestData = "tests/data/";
#endif

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Compiled {
  std::unique_ptr<lang::SourceFile> file;
  std::unique_ptr<lang::Program> program;
  lang::CheckedProgram checked;
  lang::Diagnostics diagnostics;
  io::DataSet data;
  std::optional<CompiledModel> model;

  std::string messages() const { return lang::render_all(*file, diagnostics); }
  // Log density and gradient at u.
  double evaluate(const std::vector<double>& u, std::vector<double>& gradient) {
    gradient.assign(model->dimension(), 0.0);
    return model->program->value_and_gradient(u, gradient, model->log_density);
  }
  double evaluate(const std::vector<double>& u) { return model->program->value_only(u, model->log_density); }
};

// A seeded point of the unconstrained space: each coordinate uniform(-half_width, half_width).
inline std::vector<double> seeded_point(std::size_t n, unsigned seed, double half_width) {
  std::mt19937_64 generator(seed);
  std::uniform_real_distribution<double> uniform(-half_width, half_width);
  std::vector<double> u(n);
  for (double& x : u) x = uniform(generator);
  return u;
}

// Parses, checks, loads the data and compiles; `model` is empty when any step failed (the
// diagnostics say why). Checker or data errors fail the test at once.
inline std::unique_ptr<Compiled> compile_text(const std::string& model_text, const std::string& json_text,
                                              CompileOptions options = {}) {
  auto result = std::make_unique<Compiled>();
  result->file = std::make_unique<lang::SourceFile>("test.pm", model_text);
  auto program = lang::parse_program(*result->file, result->diagnostics);
  REQUIRE_MESSAGE(program.has_value(), result->messages());
  result->program = std::make_unique<lang::Program>(std::move(*program));
  result->checked = lang::check_program(*result->program, result->diagnostics);
  REQUIRE_MESSAGE(!result->diagnostics.has_errors(), result->messages());
  // engine/io loads files: the JSON text goes through a file named after this process.
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("pm_test_compile_" + std::to_string(::getpid()) + ".json")).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << json_text;
  }
  io::DataMessages messages;
  auto data = io::load_data(result->checked, result->file.get(), {io::DataSource::file(path)}, messages);
  std::filesystem::remove(path);
  REQUIRE_MESSAGE(data.has_value(), messages.render());
  result->data = std::move(*data);
  result->model = compile_model(result->checked, result->data, options, result->diagnostics);
  return result;
}

inline std::unique_ptr<Compiled> compile_files(const std::string& model, const std::string& data,
                                               CompileOptions options = {}) {
  return compile_text(read_text(kTestData + model), read_text(kTestData + data), options);
}

// The point Stan's gradpoint files use: u_i = 0.5 sin(i), i = 1..n.
inline std::vector<double> reference_point(std::size_t n) {
  std::vector<double> u(n);
  for (std::size_t i = 0; i < n; ++i) u[i] = 0.5 * std::sin(static_cast<double>(i + 1));
  return u;
}

struct StanGradient {
  double log_density = 0.0;
  std::vector<double> point, gradient;
  std::vector<std::string> names;
};

// tests/data/gradpoint_*.csv: rows quantity,index,name,value with quantity log_prob, u, grad.
inline StanGradient read_stan_gradient(const std::string& file) {
  std::istringstream in(read_text(kTestData + file));
  std::string line;
  std::getline(in, line);  // header
  StanGradient result;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
    REQUIRE(fields.size() == 4);
    double value = std::stod(fields[3]);
    if (fields[0] == "log_prob") result.log_density = value;
    if (fields[0] == "u") {
      result.point.push_back(value);
      result.names.push_back(fields[2]);
    }
    if (fields[0] == "grad") result.gradient.push_back(value);
  }
  return result;
}

// Central differences of the compiled log density: every coordinate within `tolerance`
// relative (h = 1e-6 gives truncation ~1e-12 |f'''| and rounding ~1e-10 |f|).
inline void expect_gradient_matches(Compiled& compiled, const std::vector<double>& u, double tolerance = 1e-6) {
  std::vector<double> gradient;
  double f = compiled.evaluate(u, gradient);
  REQUIRE(std::isfinite(f));
  for (std::size_t i = 0; i < u.size(); ++i) {
    std::vector<double> shifted = u;
    const double h = 1e-6 * std::max(1.0, std::abs(u[i]));
    shifted[i] = u[i] + h;
    double plus = compiled.evaluate(shifted);
    shifted[i] = u[i] - h;
    double minus = compiled.evaluate(shifted);
    double finite_difference = (plus - minus) / (2 * h);
    CAPTURE(i);
    CHECK(std::abs(gradient[i] - finite_difference) <=
          tolerance * std::max(1.0, std::abs(finite_difference)) + 1e-9 * std::max(1.0, std::abs(f)));
  }
}

}  // namespace pm::compile::testing
