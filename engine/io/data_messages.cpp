#include "engine/io/data_messages.hpp"

#include <algorithm>

namespace pm::io {

bool DataMessages::has_errors() const { return error_count() > 0; }

std::size_t DataMessages::error_count() const {
  return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const DataMessage& m) {
    return m.severity == DataSeverity::Error;
  }));
}

std::string DataMessages::render() const {
  std::string out;
  for (const DataMessage& message : items_) {
    out += message.severity == DataSeverity::Error ? "error: " : "note: ";
    out += message.text;
    out += '\n';
  }
  return out;
}

}  // namespace pm::io
