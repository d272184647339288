// libFuzzer target: arbitrary bytes read as a JSON data file (CmdStan's layout).
//
// Properties checked on every input, beyond "does not crash, hang or leak":
// - the reader answers with data or with at least one error, never both and never neither
//   (a malformed file must be reported, a clean one must not be);
// - an error about a place in the file names a line:column that exists in the file.
#include <cstdint>
#include <string>

#include "fuzz/data_fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  pm::io::DataMessages messages;
  auto raw = pm::io::read_json_data("fuzz.json", text, messages);
  pm::fuzz::require_consistent_answer(raw.has_value(), messages);
  pm::fuzz::require_places_inside("fuzz.json", text, messages);
  return 0;
}
