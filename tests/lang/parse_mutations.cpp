// Robustness: seeded random edits of the example programs never crash the parser; each
// either parses (and then round-trips through the printer) or reports exactly one error
// inside the file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "lang/syntax/parse.hpp"
#include "lang/syntax/printer.hpp"

using namespace pm::lang;

#ifdef PM_SOURCE_DIR
TEST_CASE("random edits of the examples parse or give exactly one located error") {
  std::vector<std::string> texts;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(PM_SOURCE_DIR) / "examples")) {
    if (entry.path().extension() != ".pm") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  if (texts.empty()) return;
  // Characters that matter to the grammar, plus letters and digits.
  const std::string alphabet = "(){}[]<>;:,.=~+-*/%^'!?|&#\" \n\tax0123456789e";
  std::mt19937 random(20261124);
  int parsed = 0;
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text = texts[random() % texts.size()];
    if (text.empty()) continue;
    int edits = 1 + static_cast<int>(random() % 3);
    for (int k = 0; k < edits; ++k) {
      std::size_t at = random() % text.size();
      char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, 1, c); break;
        default: text[at] = c; break;
      }
      if (text.empty()) text = " ";
    }
    SourceFile file("mutated.pm", text);
    Diagnostics diagnostics;
    auto program = parse_program(file, diagnostics);
    if (program) {
      ++parsed;
      CHECK(diagnostics.all().empty());
      SourceFile printed("printed.pm", print_program(*program));
      Diagnostics again;
      auto reparsed = parse_program(printed, again);
      CAPTURE(text);
      REQUIRE(reparsed.has_value());
      CHECK(same_structure(*program, *reparsed));
    } else {
      ++rejected;
      REQUIRE(diagnostics.all().size() == 1);
      CHECK(diagnostics.all()[0].range.begin <= text.size());
      CHECK(!diagnostics.all()[0].message.empty());
    }
  }
  // Both outcomes occur, so the property was exercised both ways.
  CHECK(parsed > 0);
  CHECK(rejected > 0);
}
#endif
