// Numbers as data files write them, and positions in data files.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "engine/io/data_sources.hpp"

namespace pm::io {

std::optional<nlohmann::json> parse_number(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  bool negative = !lower.empty() && lower[0] == '-';
  std::string_view unsigned_part = lower;
  if (!lower.empty() && (lower[0] == '-' || lower[0] == '+')) unsigned_part.remove_prefix(1);
  if (unsigned_part == "inf" || unsigned_part == "infinity") {
    double infinity = std::numeric_limits<double>::infinity();
    return nlohmann::json(negative ? -infinity : infinity);
  }
  if (unsigned_part == "nan") return nlohmann::json(std::numeric_limits<double>::quiet_NaN());

  std::string_view digits = text;
  if (digits.front() == '+') digits.remove_prefix(1);
  std::int64_t integer = 0;
  auto [int_end, int_error] = std::from_chars(digits.data(), digits.data() + digits.size(), integer);
  if (int_error == std::errc() && int_end == digits.data() + digits.size()) return nlohmann::json(integer);
  double real = 0.0;
  auto [real_end, real_error] = std::from_chars(digits.data(), digits.data() + digits.size(), real);
  if (real_end != digits.data() + digits.size() || real_end == digits.data()) return std::nullopt;
  if (real_error == std::errc::result_out_of_range) {
    // 1e400 is a number too large for a double: keep it as inf so validation names it.
    bool is_tiny = lower.find("e-") != std::string::npos;
    if (is_tiny) return nlohmann::json(0.0);
    return nlohmann::json(negative ? -std::numeric_limits<double>::infinity()
                                   : std::numeric_limits<double>::infinity());
  }
  if (real_error != std::errc()) return std::nullopt;
  return nlohmann::json(real);
}

std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t k = 0; k < offset; ++k) {
    if (text[k] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace pm::io
