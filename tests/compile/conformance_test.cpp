// Conformance of the checker's table with the engine: every function and distribution that
// `pm check` accepts must compile in `pm fit` and have a gradient that matches central
// finite differences at the test point (conformance_cases.hpp). A registered name with no
// case, no kernel or a wrong gradient fails the test, named. Each distribution also needs
// its sampler (for `pm sample` and `_rng`) and, when the checker offers `_lcdf` / `_lccdf`,
// those kernels too.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "conformance_cases.hpp"
#include "engine/compile/compiled_model.hpp"
#include "engine/io/load_data.hpp"
#include "lang/check/check.hpp"
#include "lang/syntax/parse.hpp"
#include "stdlib/distributions/registry.hpp"
#include "stdlib/signatures/signature.hpp"

namespace pm::compile::conformance {
namespace {

// Compiles kHeader + statement and compares the gradient with central differences
// (h = 1e-6, relative tolerance 1e-6 scaled by max(1, |g|)). Returns "" or what failed.
std::string check_statement(const std::string& statement) {
  const std::string text = kHeader + "  " + statement + "\n}\n";
  lang::SourceFile file("conformance.pm", text);
  lang::Diagnostics diagnostics;
  auto program = lang::parse_program(file, diagnostics);
  if (!program) return "parse: " + lang::render_all(file, diagnostics);
  lang::CheckedProgram checked = lang::check_program(*program, diagnostics);
  if (diagnostics.has_errors()) return "check: " + lang::render_all(file, diagnostics);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("pm_conformance_" + std::to_string(::getpid()) + ".json")).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << kData;
  }
  io::DataMessages messages;
  auto data = io::load_data(checked, &file, {io::DataSource::file(path)}, messages);
  std::filesystem::remove(path);
  if (!data) return "data: " + messages.render();
  auto model = compile_model(checked, *data, {.include_priors = true, .include_jacobian = false}, diagnostics);
  if (!model) return "compile: " + lang::render_all(file, diagnostics);
  std::vector<double> gradient(model->dimension(), 0.0);
  const double value = model->program->value_and_gradient(kPoint, gradient, model->log_density);
  if (!std::isfinite(value)) return "the value is not finite at the test point: " + std::to_string(value);
  std::ostringstream failures;
  for (std::size_t i = 0; i < kPoint.size(); ++i) {
    const double h = 1e-6;
    std::vector<double> shifted = kPoint;
    shifted[i] = kPoint[i] + h;
    const double plus = model->program->value_only(shifted, model->log_density);
    shifted[i] = kPoint[i] - h;
    const double minus = model->program->value_only(shifted, model->log_density);
    const double numeric = (plus - minus) / (2 * h);
    if (!(std::abs(gradient[i] - numeric) <= 1e-6 * std::max(1.0, std::abs(numeric))))
      failures << " coordinate " << i << ": gradient " << gradient[i] << ", finite difference " << numeric << ";";
  }
  return failures.str().empty() ? "" : "gradient:" + failures.str();
}

std::string replace_suffix(std::string statement, const std::string& from, const std::string& to) {
  const auto at = statement.find(from);
  if (at != std::string::npos) statement.replace(at, from.size(), to);
  return statement;
}

TEST_CASE("conformance: every function the checker accepts compiles and has a correct gradient") {
  std::vector<std::string> failing;
  std::size_t checked = 0;
  for (const std::string& name : stdlib::function_names()) {
    auto found = function_cases().find(name);
    if (found == function_cases().end()) {
      failing.push_back(name + " (no conformance case: add one to conformance_cases.hpp)");
      continue;
    }
    for (const std::string& statement : found->second) {
      const std::string problem = check_statement(statement);
      ++checked;
      if (!problem.empty()) failing.push_back(name + ": `" + statement + "`: " + problem);
    }
  }
  for (const std::string& failure : failing) FAIL_CHECK(failure);
  MESSAGE(checked << " statements over " << stdlib::function_names().size() << " function names; "
                  << failing.size() << " failing");
  CHECK(failing.empty());
}

TEST_CASE("conformance: every distribution the checker accepts has its kernels, compiles and differentiates") {
  std::vector<std::string> failing;
  for (const std::string& name : stdlib::distribution_names()) {
    const stdlib::DistributionSignature* signature = stdlib::find_distribution(name);
    const stdlib::kernels::DistributionEntry* entry = stdlib::kernels::find_distribution(name);
    if (!entry) {
      failing.push_back(name + " (no kernel registered in stdlib/distributions)");
      continue;
    }
    if (entry->discrete != signature->discrete) failing.push_back(name + " (discrete in one table, not the other)");
    if (!entry->sample) failing.push_back(name + " (no sampler)");
    if (signature->has_cdf && (!entry->log_cdf || !entry->log_ccdf)) failing.push_back(name + " (no _lcdf / _lccdf kernel)");
    auto found = distribution_cases().find(name);
    if (found == distribution_cases().end()) {
      failing.push_back(name + " (no conformance case: add one to conformance_cases.hpp)");
      continue;
    }
    std::vector<std::string> statements{found->second};
    if (signature->has_cdf) {
      const std::string density = std::string(signature->density_suffix()) + "(";
      statements.push_back(replace_suffix(found->second, density, "_lcdf("));
      statements.push_back(replace_suffix(found->second, density, "_lccdf("));
    }
    for (const std::string& statement : statements) {
      const std::string problem = check_statement(statement);
      if (!problem.empty()) failing.push_back(name + ": `" + statement + "`: " + problem);
    }
  }
  // And the other way round: every kernel is reachable from the checker.
  for (const stdlib::kernels::DistributionEntry* entry : stdlib::kernels::all_distributions())
    if (!stdlib::find_distribution(entry->name)) failing.push_back(std::string(entry->name) + " (kernel without signature)");
  for (const std::string& failure : failing) FAIL_CHECK(failure);
  CHECK(failing.empty());
}

}  // namespace
}  // namespace pm::compile::conformance
