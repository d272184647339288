// JSON data files (CmdStan's format), whole-file reading and format detection, and -d.
#include <cctype>
#include <fstream>
#include <sstream>

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

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::optional<RawData> read_json_data(std::string_view path, std::string_view text, DataMessages& messages) {
  const std::string where(path);
  if (is_blank(text)) {
    messages.error(where + ": the data file is empty");
    return std::nullopt;
  }
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& error) {
    // error.byte counts from 1 and points at the character that could not be read.
    std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
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
  RawData data;
  for (auto& [name, value] : document.items()) data[name] = RawVariable{std::move(value), std::nullopt, std::nullopt};
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
  std::string text = buffer.str();
  if (is_blank(text)) {
    messages.error(path + ": the data file is empty");
    return std::nullopt;
  }
  if (ends_with(path, ".csv") || ends_with(path, ".CSV")) return read_csv_data(path, text, messages);
  if (ends_with(path, ".json") || ends_with(path, ".JSON")) return read_json_data(path, text, messages);
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
