// Helpers of the data-loading tests: a checked model from text, data files written into a
// fresh temporary directory, and load_data with its messages.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/io/load_data.hpp"
#include "lang/check/check.hpp"
#include "lang/syntax/parse.hpp"

namespace pm::io::testing {

struct CheckedModel {
  std::unique_ptr<lang::SourceFile> file;
  std::unique_ptr<lang::Program> program;  // by pointer: `checked` points into it
  lang::CheckedProgram checked;
  lang::Diagnostics diagnostics;
};

inline std::unique_ptr<CheckedModel> check_model(const std::string& text) {
  auto model = std::make_unique<CheckedModel>();
  model->file = std::make_unique<lang::SourceFile>("model.pm", text);
  auto program = lang::parse_program(*model->file, model->diagnostics);
  REQUIRE_MESSAGE(program.has_value(), lang::render_all(*model->file, model->diagnostics));
  model->program = std::make_unique<lang::Program>(std::move(*program));
  model->checked = lang::check_program(*model->program, model->diagnostics);
  REQUIRE_MESSAGE(!model->diagnostics.has_errors(), lang::render_all(*model->file, model->diagnostics));
  return model;
}

// A directory of its own under the system temporary directory, removed at the end.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    static std::atomic<int> counter{0};
    auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            ("pm_io_test_" + std::to_string(stamp) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::filesystem::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

struct LoadResult {
  std::optional<DataSet> data;
  DataMessages messages;

  std::string text() const { return messages.render(); }
  bool has(const std::string& part) const { return text().find(part) != std::string::npos; }
  const DataValue& value(const std::string& name) const {
    REQUIRE(data.has_value());
    const DataValue* found = data->find(name);
    REQUIRE_MESSAGE(found != nullptr, name);
    return *found;
  }
};

inline LoadResult load(const CheckedModel& model, const std::vector<DataSource>& sources) {
  LoadResult result;
  result.data = load_data(model.checked, model.file.get(), sources, result.messages);
  return result;
}

// A model text from its data block alone (the rest is a trivial model that reads nothing).
inline std::string with_data(const std::string& data_block) {
  return "data {\n" + data_block + "}\nlatent {\n  real mu;\n}\nmodel {\n  mu ~ normal(0, 1);\n}\n";
}

}  // namespace pm::io::testing
