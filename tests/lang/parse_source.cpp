// SourceFile (lines and columns) and the rendering of diagnostics (CLI.md).
#include <doctest/doctest.h>

#include "lang/syntax/parse.hpp"
#include "lang/syntax/source.hpp"

using namespace pm::lang;

TEST_CASE("locate maps offsets to 1-based lines and columns") {
  SourceFile file("f.pm", "ab\ncd\n\nx");
  CHECK(file.locate(0).line == 1);
  CHECK(file.locate(0).column == 1);
  CHECK(file.locate(1).column == 2);
  CHECK(file.locate(2).column == 3);  // the newline itself ends line 1
  CHECK(file.locate(3).line == 2);
  CHECK(file.locate(3).column == 1);
  CHECK(file.locate(6).line == 3);
  CHECK(file.locate(7).line == 4);
  CHECK(file.locate(8).column == 2);  // one past the end
  CHECK(file.line_text(1) == "ab");
  CHECK(file.line_text(3) == "");
  CHECK(file.line_text(4) == "x");
  CHECK(file.line_text(5) == "");
}

TEST_CASE("render: path:line:col, the source line, a caret under the column") {
  SourceFile file("model.pm", "data {\n  int N\n}\n");
  Diagnostic diagnostic{Severity::Error, {14, 14}, "expected ';'"};
  CHECK(render(file, diagnostic) == "model.pm:2:8: error: expected ';'\n  int N\n       ^\n");
  diagnostic.severity = Severity::Warning;
  CHECK(render(file, diagnostic).rfind("model.pm:2:8: warning: ", 0) == 0);
  diagnostic.severity = Severity::Note;
  CHECK(render(file, diagnostic).rfind("model.pm:2:8: note: ", 0) == 0);
}

TEST_CASE("render prints each tab as one space and a caret line of spaces only") {
  // CLI.md: "a line of spaces and a ^ under the column". Columns count bytes (a tab is one),
  // so the echoed line shows each tab as one space and the caret stays under its column.
  SourceFile file("t.pm", "\tx\t= 1");
  Diagnostic diagnostic{Severity::Error, {3, 3}, "m"};
  std::string text = render(file, diagnostic);
  CHECK(text == "t.pm:1:4: error: m\n x = 1\n   ^\n");
  CHECK(text.find('\t') == std::string::npos);
  // A tab-indented statement of a real model, on its second line.
  SourceFile model("m.pm", "model {\n\t\ty ~ normal(0,\tsigmma);\n}\n");
  Diagnostic undefined{Severity::Error, {24, 30}, "undefined name 'sigmma'"};
  CHECK(render(model, undefined) == "m.pm:2:17: error: undefined name 'sigmma'\n  y ~ normal(0, sigmma);\n"
                                    "                ^\n");
}

TEST_CASE("diagnostics count errors apart from warnings and notes") {
  Diagnostics diagnostics;
  diagnostics.warning({0, 0}, "w");
  diagnostics.note({0, 0}, "n");
  CHECK(!diagnostics.has_errors());
  diagnostics.error({0, 0}, "e");
  CHECK(diagnostics.has_errors());
  CHECK(diagnostics.error_count() == 1);
  CHECK(diagnostics.all().size() == 3);
  SourceFile file("a.pm", "x");
  CHECK(render_all(file, diagnostics) ==
        "a.pm:1:1: warning: w\nx\n^\na.pm:1:1: note: n\nx\n^\na.pm:1:1: error: e\nx\n^\n");
}

TEST_CASE("a syntax error renders as the CLI prints it") {
  SourceFile file("vae.pm", "model {\n  z ~ normal(0, 1)\n}\n");
  Diagnostics diagnostics;
  CHECK(!parse_program(file, diagnostics));
  CHECK(render_all(file, diagnostics) ==
        "vae.pm:2:19: error: expected ';' after the statement\n  z ~ normal(0, 1)\n                  ^\n");
}

TEST_CASE("render cuts a long line to a window around the column, the caret still under it") {
  // An 80 KB generated line must not be echoed whole (issue 15): at most 120 bytes of it,
  // "..." where it is cut, and the caret under the same character.
  std::string line;
  for (int k = 0; k < 20000; ++k) line += "a + ";
  line += "b";
  SourceFile file("long.pm", "model {\n  x = " + line + ";\n}\n");
  const std::uint32_t offset = static_cast<std::uint32_t>(8 + 6 + 4 * 10000);  // the 10001st 'a'
  std::string text = render(file, Diagnostic{Severity::Error, {offset, offset + 1}, "m"});
  std::size_t first_newline = text.find('\n');
  std::size_t second_newline = text.find('\n', first_newline + 1);
  std::string shown = text.substr(first_newline + 1, second_newline - first_newline - 1);
  std::string caret = text.substr(second_newline + 1);
  CHECK(shown.size() <= 126);
  CHECK(shown.rfind("...", 0) == 0);
  CHECK(shown.substr(shown.size() - 3) == "...");
  REQUIRE(caret.size() >= 2);
  CHECK(caret.back() == '\n');
  CHECK(caret[caret.size() - 2] == '^');
  const std::size_t caret_column = caret.size() - 2;
  REQUIRE(caret_column < shown.size());
  CHECK(shown.substr(caret_column, 4) == "a + ");
  CHECK(caret.find_first_not_of(" ") == caret_column);
  // Near the start: cut only at the end; a short line is never cut.
  std::string start = render(file, Diagnostic{Severity::Error, {14, 15}, "m"});
  CHECK(start.find("\n  x = a + a") != std::string::npos);
  CHECK(start.find("...\n") != std::string::npos);
  SourceFile short_file("s.pm", "model { x = 1 }\n");
  CHECK(render(short_file, Diagnostic{Severity::Error, {14, 14}, "m"}).find("...") == std::string::npos);
}
