// Checks shared by the data fuzz targets: how a data reader must answer any input.
#pragma once

#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/io/data_messages.hpp"
#include "engine/io/data_sources.hpp"

namespace pm::fuzz {

// A reader returns data with no error, or nothing with at least one error: a malformed file
// that loads silently, or a clean one that fails without saying why, are both bugs.
inline void require_consistent_answer(bool produced_data, const io::DataMessages& messages) {
  if (produced_data == messages.has_errors()) std::abort();
}

// Reads the digits at the start of `text` (advancing it); nullopt-like 0 when there are none.
inline std::size_t take_number(std::string_view& text) {
  std::size_t value = 0, digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) && digits < 18)
    value = value * 10 + static_cast<std::size_t>(text[digits++] - '0');
  text.remove_prefix(digits);
  return digits == 0 ? 0 : value;
}

// Every message "PATH:LINE:..." or "PATH:LINE:COLUMN: ..." names a line of `text` and a column
// at most one past that line's end (the place a parser reports an unexpected end).
inline void require_places_inside(std::string_view path, std::string_view text, const io::DataMessages& messages) {
  const std::string prefix = std::string(path) + ":";
  for (const io::DataMessage& message : messages.all()) {
    std::string_view rest = message.text;
    if (rest.substr(0, prefix.size()) != prefix) continue;
    rest.remove_prefix(prefix.size());
    std::size_t line = take_number(rest);
    if (line == 0) continue;  // "PATH: the data file is empty": no place
    std::size_t column = 0;
    if (rest.size() > 1 && rest[0] == ':' && std::isdigit(static_cast<unsigned char>(rest[1]))) {
      rest.remove_prefix(1);
      column = take_number(rest);
    }
    // Find the line's extent.
    std::size_t begin = 0;
    for (std::size_t k = 1; k < line; ++k) {
      std::size_t newline = text.find('\n', begin);
      if (newline == std::string_view::npos) std::abort();  // the file has fewer lines
      begin = newline + 1;
    }
    std::size_t end = text.find('\n', begin);
    std::size_t length = (end == std::string_view::npos ? text.size() : end) - begin;
    if (column > length + 1) std::abort();
  }
}

}  // namespace pm::fuzz
