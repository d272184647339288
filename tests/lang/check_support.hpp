// Helpers of the checker's unit tests: parse and check a program given as text.
#pragma once

#include <memory>
#include <string>

#include "lang/check/check.hpp"
#include "lang/syntax/parse.hpp"

namespace pm::lang::testing {

struct CheckedText {
  std::unique_ptr<SourceFile> file;
  std::unique_ptr<Program> program;  // by pointer: `checked` points into it
  CheckedProgram checked;
  Diagnostics diagnostics;

  bool parsed() const { return program != nullptr; }
  // "LINE:COL: error: message" for every diagnostic, one per line (for failure messages).
  std::string messages() const {
    std::string out;
    for (const Diagnostic& diagnostic : diagnostics.all()) {
      LineColumn where = file->locate(diagnostic.range.begin);
      const char* severity = diagnostic.severity == Severity::Error     ? "error"
                             : diagnostic.severity == Severity::Warning ? "warning"
                                                                        : "note";
      out += std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + severity + ": " +
             diagnostic.message + "\n";
    }
    return out;
  }
  bool has_message(const std::string& part) const { return messages().find(part) != std::string::npos; }
  std::string type_of(const std::string& name) const {
    const Symbol* symbol = checked.find(name);
    return symbol ? to_string(symbol->type) : "<no symbol>";
  }
};

inline std::unique_ptr<CheckedText> check_text(const std::string& text) {
  auto result = std::make_unique<CheckedText>();
  result->file = std::make_unique<SourceFile>("test.pm", text);
  auto program = parse_program(*result->file, result->diagnostics);
  if (!program) return result;
  result->program = std::make_unique<Program>(std::move(*program));
  result->checked = check_program(*result->program, result->diagnostics);
  return result;
}

}  // namespace pm::lang::testing
