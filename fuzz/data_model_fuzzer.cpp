// libFuzzer target: a data file validated against a model (engine/io/load_data.hpp).
//
// An input is a .pm program, a line "====", then the data file (JSON when it starts with
// '{', else CSV, as pm picks the format of a file without an extension). Seeds pair the
// example models with their data (fuzz/seeds/data_model/), so mutations explore both bad
// data against real declarations (shapes, bounds, structured supports, sizes read from the
// data, defaults) and odd declarations against real data. Inputs whose program does not
// parse and check are skipped: parse_check_fuzzer covers those.
//
// Properties checked on every input, beyond "does not crash, hang or leak":
// - load_data returns data with no error, or nothing with at least one error;
// - loaded data are consistent: every data variable of the model is present, and each
//   value holds exactly the product of its dims, ints hold integers, nothing is NaN.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "engine/io/load_data.hpp"
#include "fuzz/data_fuzz_support.hpp"
#include "lang/check/check.hpp"
#include "lang/syntax/parse.hpp"

namespace {

// The data go through a real file because load_data reads its sources by path; one file
// per process (libFuzzer's -jobs/-workers run several).
const std::string& data_path() {
  static const std::string path = [] {
    const char* directory = std::getenv("TMPDIR");
    return std::string(directory != nullptr ? directory : "/tmp") + "/pm-fuzz-data-" + std::to_string(getpid());
  }();
  return path;
}

void require_consistent_data(const pm::lang::CheckedProgram& checked, const pm::io::DataSet& data) {
  for (const pm::lang::Symbol& symbol : checked.symbols) {
    if (symbol.kind != pm::lang::SymbolKind::Data || symbol.declaration == nullptr) continue;
    const pm::io::DataValue* value = data.find(symbol.name);
    if (value == nullptr) std::abort();  // loaded without an error, yet missing
    if (value->values.size() != pm::io::element_count(value->dims)) std::abort();
    for (double element : value->values) {
      if (std::isnan(element)) std::abort();
      if (value->is_int() && element != std::floor(element)) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  using namespace pm;
  std::string input(reinterpret_cast<const char*>(bytes), size);
  static const std::string separator = "\n====\n";
  std::size_t split = input.find(separator);
  if (split == std::string::npos) return 0;

  lang::SourceFile model_file("fuzz.pm", input.substr(0, split));
  lang::Diagnostics diagnostics;
  auto program = lang::parse_program(model_file, diagnostics);
  if (!program) return 0;
  lang::CheckedProgram checked = lang::check_program(*program, diagnostics);
  if (diagnostics.has_errors()) return 0;

  {
    std::ofstream out(data_path(), std::ios::binary | std::ios::trunc);
    out << input.substr(split + separator.size());
    if (!out) std::abort();  // the fuzzer's own scratch file: not a finding about pm
  }
  io::DataMessages messages;
  auto data = io::load_data(checked, &model_file, {io::DataSource::file(data_path())}, messages);
  fuzz::require_consistent_answer(data.has_value(), messages);
  if (data) require_consistent_data(checked, *data);
  (void)messages.render();
  return 0;
}
