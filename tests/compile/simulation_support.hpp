// Helpers of the simulation tests: a model given as text, data as JSON text, where the data
// variables a `~` draws may be left out (engine/compile/simulate.hpp).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "engine/compile/simulate.hpp"
#include "engine/io/load_data.hpp"
#include "lang/check/check.hpp"
#include "lang/syntax/parse.hpp"

namespace pm::compile::testing {

struct SimulationFixture {
  std::unique_ptr<lang::SourceFile> file;
  std::unique_ptr<lang::Program> program;
  lang::CheckedProgram checked;
  lang::Diagnostics diagnostics;
  io::DataSet data;
  std::unique_ptr<Simulator> simulator;

  std::string messages() const { return lang::render_all(*file, diagnostics); }
};

// Parses, checks and loads the data (`may_be_missing` may be absent), then compiles a
// simulator; `simulator` is null when that failed (the diagnostics say why).
inline std::unique_ptr<SimulationFixture> simulate_text(const std::string& model_text, const std::string& json_text,
                                                        SimulationOptions options = {},
                                                        std::vector<std::string> may_be_missing = {}) {
  auto result = std::make_unique<SimulationFixture>();
  result->file = std::make_unique<lang::SourceFile>("test.pm", model_text);
  auto program = lang::parse_program(*result->file, result->diagnostics);
  REQUIRE_MESSAGE(program.has_value(), result->messages());
  result->program = std::make_unique<lang::Program>(std::move(*program));
  result->checked = lang::check_program(*result->program, result->diagnostics);
  REQUIRE_MESSAGE(!result->diagnostics.has_errors(), result->messages());
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("pm_test_simulate_" + std::to_string(::getpid()) + ".json")).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << json_text;
  }
  io::DataMessages messages;
  auto data = io::load_data(result->checked, result->file.get(), {io::DataSource::file(path)}, messages,
                            {.may_be_missing = std::move(may_be_missing)});
  std::filesystem::remove(path);
  REQUIRE_MESSAGE(data.has_value(), messages.render());
  result->data = std::move(*data);
  result->simulator = Simulator::compile(result->checked, result->data, options, result->diagnostics);
  return result;
}

}  // namespace pm::compile::testing
