// SourceFile, Diagnostics and the rendering of CLI.md:
//   path:LINE:COL: error: MESSAGE
//   <the source line, each tab replaced by one space>
//   <spaces only>^
// Columns count bytes and a tab counts as one, so printing a tab as one space keeps the caret
// under its column whatever the terminal's tab stops.
#include "lang/syntax/source.hpp"

#include <algorithm>

namespace pm::lang {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::uint32_t offset = 0; offset < text_.size(); ++offset) {
    if (text_[offset] == '\n') line_starts_.push_back(offset + 1);
  }
}

LineColumn SourceFile::locate(std::uint32_t offset) const {
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
  // The last line start not after the offset.
  auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  std::size_t line_index = static_cast<std::size_t>(after - line_starts_.begin()) - 1;
  return {static_cast<int>(line_index) + 1,
          static_cast<int>(offset - line_starts_[line_index]) + 1};
}

std::string_view SourceFile::line_text(int line) const {
  if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size()) return {};
  std::size_t begin = line_starts_[static_cast<std::size_t>(line) - 1];
  std::size_t end = static_cast<std::size_t>(line) < line_starts_.size()
                        ? line_starts_[static_cast<std::size_t>(line)] - 1
                        : text_.size();
  std::string_view text = std::string_view(text_).substr(begin, end - begin);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

void Diagnostics::error(SourceRange range, std::string message) {
  items_.push_back({Severity::Error, range, std::move(message)});
}
void Diagnostics::warning(SourceRange range, std::string message) {
  items_.push_back({Severity::Warning, range, std::move(message)});
}
void Diagnostics::note(SourceRange range, std::string message) {
  items_.push_back({Severity::Note, range, std::move(message)});
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::Error;
  }));
}

namespace {
const char* severity_word(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}
}  // namespace

std::string render(const SourceFile& file, const Diagnostic& diagnostic) {
  LineColumn where = file.locate(diagnostic.range.begin);
  std::string_view line = file.line_text(where.line);
  std::string out = file.path() + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                    ": " + severity_word(diagnostic.severity) + ": " + diagnostic.message + "\n";
  // A long line (a generated model's 80 KB sum) is cut to a window around the column, marked
  // "..." where it is cut, so that the message stays readable; the caret moves with it.
  constexpr std::size_t kShown = 120, kBefore = 60;
  std::size_t caret = static_cast<std::size_t>(where.column - 1);
  std::size_t start = 0, end = line.size();
  if (line.size() > kShown) {
    start = caret > kBefore ? caret - kBefore : 0;
    auto continuation = [&](std::size_t k) { return k < line.size() && (static_cast<unsigned char>(line[k]) & 0xC0) == 0x80; };
    while (start > 0 && continuation(start)) --start;  // never inside a UTF-8 character
    end = std::min(line.size(), start + kShown);
    while (end < line.size() && continuation(end)) ++end;
  }
  const std::string cut_mark = "...";
  if (start > 0) out += cut_mark;
  for (char c : line.substr(start, end - start)) out += c == '\t' ? ' ' : c;
  if (end < line.size()) out += cut_mark;
  out += '\n';
  out.append(caret - start + (start > 0 ? cut_mark.size() : 0), ' ');
  out += "^\n";
  return out;
}

std::string render_all(const SourceFile& file, const Diagnostics& diagnostics) {
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics.all()) out += render(file, diagnostic);
  return out;
}

}  // namespace pm::lang
