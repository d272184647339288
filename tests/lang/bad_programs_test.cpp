// The golden runner over every bad program in tests/bad/** (syntax/ by the parser, semantic/
// by the checker). Each file begins with its expectations, one per diagnostic:
//
//   // expect: LINE:COL: error: MESSAGE-SUBSTRING        (or warning:)
//
// The file is parsed and, when it parses, checked; the errors and warnings reported (notes
// aside) must be exactly those expected: the same count, each at that line and column with
// that severity and the substring in its message.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "lang/check/check.hpp"
#include "lang/syntax/parse.hpp"

namespace {

namespace fs = std::filesystem;
using namespace pm::lang;

struct Expectation {
  int line = 0;
  int column = 0;
  std::string severity;
  std::string message;
};

std::vector<Expectation> read_expectations(const std::string& text) {
  static const std::regex pattern(R"(^// expect: (\d+):(\d+): (error|warning): (.*)$)");
  std::vector<Expectation> expectations;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch match;
    if (!std::regex_match(line, match, pattern)) break;  // expectations come first
    expectations.push_back({std::stoi(match[1]), std::stoi(match[2]), match[3], match[4]});
  }
  return expectations;
}

std::vector<fs::path> bad_programs() {
  std::vector<fs::path> files;
  fs::path root = fs::path(PM_SOURCE_DIR) / "tests" / "bad";
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".pm") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string describe(const SourceFile& file, const Diagnostic& diagnostic) {
  LineColumn where = file.locate(diagnostic.range.begin);
  return std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
         (diagnostic.severity == Severity::Error ? "error" : "warning") + ": " + diagnostic.message;
}

}  // namespace

TEST_CASE("every bad program reports exactly its expected diagnostics") {
  auto files = bad_programs();
  REQUIRE(!files.empty());
  for (const fs::path& path : files) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    auto expectations = read_expectations(text);
    INFO("file: " << path.string());
    CHECK_MESSAGE(!expectations.empty(), "a bad program must begin with // expect: lines");

    SourceFile file(path.string(), text);
    Diagnostics diagnostics;
    auto program = parse_program(file, diagnostics);
    if (program) check_program(*program, diagnostics);

    std::vector<const Diagnostic*> reported;
    std::string all;
    for (const Diagnostic& diagnostic : diagnostics.all()) {
      if (diagnostic.severity == Severity::Note) continue;
      reported.push_back(&diagnostic);
      all += "\n  " + describe(file, diagnostic);
    }
    INFO("reported:" << all);
    CHECK(reported.size() == expectations.size());
    std::vector<bool> used(reported.size(), false);
    for (const Expectation& expected : expectations) {
      bool found = false;
      for (std::size_t i = 0; i < reported.size() && !found; ++i) {
        if (used[i]) continue;
        LineColumn where = file.locate(reported[i]->range.begin);
        std::string severity = reported[i]->severity == Severity::Error ? "error" : "warning";
        if (where.line == expected.line && where.column == expected.column && severity == expected.severity &&
            reported[i]->message.find(expected.message) != std::string::npos) {
          used[i] = true;
          found = true;
        }
      }
      CHECK_MESSAGE(found, "expected " << expected.line << ":" << expected.column << ": " << expected.severity
                                        << ": " << expected.message);
    }
  }
}

TEST_CASE("the checker has at least 25 semantic bad programs, one behaviour each") {
  std::size_t count = 0;
  for (const auto& path : bad_programs()) count += path.parent_path().filename() == "semantic";
  CHECK(count >= 25);
}
