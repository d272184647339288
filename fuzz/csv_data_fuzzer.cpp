// libFuzzer target: arbitrary bytes read as a CSV data file (a header, one row per datum).
//
// Properties checked on every input, beyond "does not crash, hang or leak":
// - the reader answers with data or with at least one error, never both and never neither;
// - an error about a place in the file names a line:column that exists in the file;
// - every variable read from columns holds one entry per data row (csv_rows), and a column
//   group x.1 ... x.D holds rows of D values (csv_columns), since size inference relies on it.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz/data_fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  pm::io::DataMessages messages;
  auto raw = pm::io::read_csv_data("fuzz.csv", text, messages);
  pm::fuzz::require_consistent_answer(raw.has_value(), messages);
  pm::fuzz::require_places_inside("fuzz.csv", text, messages);
  if (!raw) return 0;
  for (const auto& [name, variable] : *raw) {
    if (!variable.csv_rows) continue;
    if (!variable.value.is_array() || variable.value.size() != *variable.csv_rows) std::abort();
    if (!variable.csv_columns) continue;
    for (const auto& row : variable.value)
      if (!row.is_array() || row.size() != *variable.csv_columns) std::abort();
  }
  return 0;
}
