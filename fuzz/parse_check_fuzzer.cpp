// libFuzzer target: parse and check arbitrary text as a .pm program.
//
// Properties checked on every input, beyond "does not crash, hang or leak" (ASan/UBSan and
// libFuzzer's own timeout and leak detection):
// - every diagnostic renders (its range lies inside the file);
// - a program that parses prints to text that parses again to the same structure
//   (the printer's round-trip property, docs/parser.md).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lang/check/check.hpp"
#include "lang/syntax/parse.hpp"
#include "lang/syntax/printer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pm::lang;
  SourceFile file("fuzz.pm", std::string(reinterpret_cast<const char*>(data), size));
  Diagnostics diagnostics;
  auto program = parse_program(file, diagnostics);
  if (program) {
    check_program(*program, diagnostics);
    for (const auto& diagnostic : diagnostics.all()) {
      if (diagnostic.range.begin > file.text().size() || diagnostic.range.end > file.text().size()) {
        std::abort();  // a range outside the file cannot be shown with a caret
      }
    }
    SourceFile printed("printed.pm", print_program(*program));
    Diagnostics reparse_diagnostics;
    auto reparsed = parse_program(printed, reparse_diagnostics);
    if (!reparsed || !same_structure(*program, *reparsed)) std::abort();
  }
  (void)render_all(file, diagnostics);
  return 0;
}
