// JSON data files (CmdStan's format), whole-file reading and format detection, and -d.
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "engine/io/data_sources.hpp"

namespace pm::io {
namespace {

// nlohmann's message reads "[json.exception.parse_error.101] parse error at line 1,
// column 5: syntax error while parsing ..."; we keep the part after the position, since we
// write our own file:line:col prefix.
std::string parse_error_reason(const std::string& what) {
  std::size_t column = what.find("column ");
  std::size_t colon = what.find(": ", column == std::string::npos ? 0 : column);
  if (colon == std::string::npos) return what;
  return what.substr(colon + 2);
}

bool is_blank(std::string_view text) {
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

// CmdStan's JSON reader (RapidJSON with kParseNanAndInfFlag) accepts the bare tokens NaN,
// Inf and Infinity, optionally with a minus sign, where a value may stand. nlohmann does
// not: they are rewritten here as the strings "NaN", "-Infinity", ..., which read_value
// reads as the non-finite reals (then validation rejects them by name and index). Only value
// positions are rewritten (not object keys, not inside strings), and only a whole token (one
// followed by a delimiter), so that anything else stays malformed JSON at its place.
struct QuotedTokens {
  std::string text;                   // the rewritten document
  std::vector<std::size_t> inserted;  // offsets in `text` of every inserted opening quote
};

std::optional<QuotedTokens> quote_bare_non_finite(std::string_view text) {
  static constexpr std::array<std::string_view, 6> kTokens = {"-Infinity", "Infinity", "-Inf", "Inf", "-NaN", "NaN"};
  auto is_delimiter = [&](std::size_t k) {
    if (k >= text.size()) return true;
    char c = text[k];
    return c == ',' || c == ']' || c == '}' || std::isspace(static_cast<unsigned char>(c));
  };
  std::optional<QuotedTokens> result;
  std::vector<char> containers;  // '{' or '['
  bool expect_value = true;      // a value may stand here (not a key)
  std::size_t copied = 0;        // text[0, copied) is already in result->text
  for (std::size_t k = 0; k < text.size(); ++k) {
    char c = text[k];
    if (c == '"') {  // skip the string, escapes included
      for (++k; k < text.size() && text[k] != '"'; ++k)
        if (text[k] == '\\') ++k;
      expect_value = false;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    switch (c) {
      case '{': containers.push_back('{'); expect_value = false; continue;
      case '[': containers.push_back('['); expect_value = true; continue;
      case '}': case ']': if (!containers.empty()) containers.pop_back(); expect_value = false; continue;
      case ':': expect_value = true; continue;
      case ',': expect_value = !containers.empty() && containers.back() == '['; continue;
      default: break;
    }
    if (expect_value && (c == '-' || c == 'I' || c == 'N')) {
      for (std::string_view token : kTokens) {
        if (text.substr(k, token.size()) != token || !is_delimiter(k + token.size())) continue;
        if (!result) result.emplace();
        result->text.append(text.substr(copied, k - copied));
        result->inserted.push_back(result->text.size());
        result->text.append("\"").append(token).append("\"");
        copied = k + token.size();
        k = copied - 1;
        break;
      }
    }
    expect_value = false;
  }
  if (result) result->text.append(text.substr(copied));
  return result;
}

// An offset into the rewritten text -> the same place in the original.
std::size_t original_offset(std::size_t offset, const std::vector<std::size_t>& inserted,
                            std::string_view rewritten) {
  std::size_t shift = 0;
  for (std::size_t start : inserted) {
    if (offset <= start) break;
    std::size_t close = rewritten.find('"', start + 1);  // the token's closing quote
    shift += offset > close ? 2 : 1;
  }
  return offset - shift;
}

// Keys given twice in one object of a valid JSON text: nlohmann keeps the last silently, and
// CmdStan refuses to define a variable twice, so pm names the key and both places. A scan of
// the (already parsed, so well-formed) text: strings, brackets, and whether a string is a
// key (it follows '{' or ',' inside an object).
struct DuplicateKey {
  std::string key;
  std::size_t first = 0, second = 0;  // offsets of the opening quotes
};

std::vector<DuplicateKey> duplicate_keys(std::string_view text) {
  std::vector<DuplicateKey> duplicates;
  struct Level {
    bool object = false;
    std::map<std::string, std::size_t, std::less<>> keys;
  };
  std::vector<Level> levels;
  bool expect_key = false;
  for (std::size_t k = 0; k < text.size(); ++k) {
    char c = text[k];
    if (c == '"') {
      const std::size_t start = k;
      bool escaped = false;
      for (++k; k < text.size() && text[k] != '"'; ++k)
        if (text[k] == '\\') ++k, escaped = true;
      if (!expect_key || levels.empty()) continue;
      expect_key = false;
      std::string key(text.substr(start + 1, k - start - 1));
      if (escaped) {  // an escaped letter and the letter are one key
        try {
          key = nlohmann::json::parse(text.substr(start, k - start + 1)).get<std::string>();
        } catch (const nlohmann::json::exception&) {
        }
      }
      auto [position, fresh] = levels.back().keys.emplace(key, start);
      if (!fresh) duplicates.push_back({key, position->second, start});
      continue;
    }
    switch (c) {
      case '{': levels.push_back({true, {}}); expect_key = true; break;
      case '[': levels.push_back({false, {}}); expect_key = false; break;
      case '}': case ']': if (!levels.empty()) levels.pop_back(); expect_key = false; break;
      case ',': expect_key = !levels.empty() && levels.back().object; break;
      default: break;
    }
  }
  return duplicates;
}

// A UTF-8 byte-order mark (EF BB BF), which some editors on Windows write first: not part of
// the data (RFC 8259 8.1 lets a parser ignore it), and left in it hides the first CSV column's
// name and makes a JSON file unreadable.
std::string_view without_byte_order_mark(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::optional<RawData> read_json_data(std::string_view path, std::string_view text, DataMessages& messages) {
  const std::string where(path);
  text = without_byte_order_mark(text);
  if (is_blank(text)) {
    messages.error(where + ": the data file is empty");
    return std::nullopt;
  }
  std::optional<QuotedTokens> quoted = quote_bare_non_finite(text);
  std::string_view parsed = quoted ? std::string_view(quoted->text) : text;
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(parsed.begin(), parsed.end());
  } catch (const nlohmann::json::parse_error& error) {
    // error.byte counts from 1 and points at the character that could not be read.
    std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    if (quoted) offset = original_offset(offset, quoted->inserted, quoted->text);
    auto [line, column] = line_and_column(text, offset);
    messages.error(where + ":" + std::to_string(line) + ":" + std::to_string(column) +
                   ": malformed JSON: " + parse_error_reason(error.what()));
    return std::nullopt;
  } catch (const nlohmann::json::out_of_range& error) {  // a number beyond a double, as 1e400 (fuzz/regressions)
    std::string what = error.what();  // "[json.exception.out_of_range.406] number overflow parsing '1e400'"
    messages.error(where + ": malformed JSON: " + what.substr(what.find("] ") + 2));
    return std::nullopt;
  }
  if (!document.is_object()) {
    messages.error(where + ": a JSON data file must be an object {\"name\": value, ...}, not " +
                   std::string(document.type_name() == std::string("array") ? "an array" : "a single value"));
    return std::nullopt;
  }
  bool repeated = false;
  for (const DuplicateKey& duplicate : duplicate_keys(text)) {
    auto [line, column] = line_and_column(text, duplicate.second);
    auto [first_line, first_column] = line_and_column(text, duplicate.first);
    messages.error(where + ":" + std::to_string(line) + ":" + std::to_string(column) + ": '" + duplicate.key +
                   "' is given twice (first at " + std::to_string(first_line) + ":" + std::to_string(first_column) +
                   "); give each name once");
    repeated = true;
  }
  if (repeated) return std::nullopt;
  RawData data;
  for (auto& [name, value] : document.items()) data[name] = RawVariable{std::move(value), std::nullopt, std::nullopt, ""};
  return data;
}

std::optional<RawData> read_data_file(const std::string& path, DataMessages& messages) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    messages.error("cannot open data file '" + path + "'");
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string contents = buffer.str();
  const std::string_view text = without_byte_order_mark(contents);
  if (is_blank(text)) {
    messages.error(path + ": the data file is empty");
    return std::nullopt;
  }
  if (ends_with(path, ".csv") || ends_with(path, ".CSV")) return read_csv_data(path, text, messages);
  if (ends_with(path, ".json") || ends_with(path, ".JSON")) return read_json_data(path, text, messages);
  // No known extension: sniffed by content. A JSON data file is an object, so it starts with
  // '{'; a CSV file starts with its header, which cannot (a name starts with a letter).
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (text[first] == '{') return read_json_data(path, text, messages);
  return read_csv_data(path, text, messages);
}

std::optional<std::pair<std::string, nlohmann::json>> read_assignment(std::string_view text,
                                                                      DataMessages& messages) {
  std::size_t equals = text.find('=');
  if (equals == std::string_view::npos) {
    messages.error("-d " + std::string(text) + ": expected name=value");
    return std::nullopt;
  }
  std::string name(text.substr(0, equals));
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
  std::size_t start = name.find_first_not_of(" \t");
  name = start == std::string::npos ? "" : name.substr(start);
  std::string_view value_text = text.substr(equals + 1);
  if (name.empty()) {
    messages.error("-d " + std::string(text) + ": the name before '=' is empty");
    return std::nullopt;
  }
  std::optional<nlohmann::json> value = parse_number(value_text);
  if (!value) {
    messages.error("-d " + std::string(text) + ": '" + std::string(value_text) +
                   "' is not a number (-d sets one int or real)");
    return std::nullopt;
  }
  return std::pair{name, std::move(*value)};
}

}  // namespace pm::io
