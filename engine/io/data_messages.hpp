// Messages from loading data: errors (the run must stop, the CLI exits 2) and notes (an
// ignored column or key). The engine never prints (STYLE.md); the CLI renders these, one a
// line, as "error: TEXT" / "note: TEXT". A message about a place in a data file carries
// that place in its text ("data.json:3:7: malformed JSON: ...").
#pragma once

#include <string>
#include <vector>

namespace pm::io {

enum class DataSeverity { Error, Note };

struct DataMessage {
  DataSeverity severity = DataSeverity::Error;
  std::string text;
};

class DataMessages {
 public:
  void error(std::string text) { items_.push_back({DataSeverity::Error, std::move(text)}); }
  void note(std::string text) { items_.push_back({DataSeverity::Note, std::move(text)}); }

  const std::vector<DataMessage>& all() const { return items_; }
  bool has_errors() const;
  std::size_t error_count() const;
  // "error: TEXT\n" / "note: TEXT\n" for every message, in order.
  std::string render() const;

 private:
  std::vector<DataMessage> items_;
};

}  // namespace pm::io
