// Source text, source ranges and diagnostics of the .pm front end.
//
// Every AST node carries a SourceRange (byte offsets into the file); line and column are
// computed only when a message is rendered. Diagnostics render as CLI.md requires:
//
//   model.pm:LINE:COL: error: MESSAGE
//   <the source line>
//   <spaces>^
//
// The front end never prints: it collects Diagnostics, and the CLI renders them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pm::lang {

// Half-open byte range [begin, end) into SourceFile::text.
struct SourceRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

// 1-based line and column (column counts bytes, tabs count as one).
struct LineColumn {
  int line = 1;
  int column = 1;
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  LineColumn locate(std::uint32_t offset) const;
  // The text of 1-based line `line`, without its newline.
  std::string_view line_text(int line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceRange range;
  std::string message;
};

// Collects diagnostics in the order they are reported.
class Diagnostics {
 public:
  void error(SourceRange range, std::string message);
  void warning(SourceRange range, std::string message);
  void note(SourceRange range, std::string message);

  const std::vector<Diagnostic>& all() const { return items_; }
  bool has_errors() const;
  std::size_t error_count() const;

 private:
  std::vector<Diagnostic> items_;
};

// "file:line:col: error: message\n<line>\n<spaces>^\n"
std::string render(const SourceFile& file, const Diagnostic& diagnostic);
std::string render_all(const SourceFile& file, const Diagnostics& diagnostics);

}  // namespace pm::lang
