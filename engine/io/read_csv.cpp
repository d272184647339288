// CSV data files: a header row, then one row per datum (CLI.md "Data files").
#include <cctype>
#include <charconv>
#include <set>
#include <vector>

#include "engine/io/data_sources.hpp"

namespace pm::io {
namespace {

struct Field {
  std::string text;
  std::size_t column = 1;  // 1-based byte column of the field's start
};

std::string trim(std::string_view text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

// Splits one line at commas; a field in double quotes may hold commas ("" is a quote).
std::vector<Field> split_line(std::string_view line) {
  std::vector<Field> fields;
  Field current;
  bool quoted = false;
  for (std::size_t k = 0; k < line.size(); ++k) {
    char c = line[k];
    if (quoted) {
      if (c == '"' && k + 1 < line.size() && line[k + 1] == '"') {
        current.text += '"';
        ++k;
      } else if (c == '"') {
        quoted = false;
      } else {
        current.text += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      current.text = trim(current.text);
      fields.push_back(std::move(current));
      current = Field{};
      current.column = k + 2;
    } else {
      current.text += c;
    }
  }
  current.text = trim(current.text);
  fields.push_back(std::move(current));
  return fields;
}

// "x.3" or "x[3]" -> {"x", 3}; nullopt for a plain name.
std::optional<std::pair<std::string, std::size_t>> indexed_column(const std::string& name) {
  std::string base;
  std::string_view digits;
  if (name.size() > 3 && name.back() == ']') {
    std::size_t open = name.rfind('[');
    if (open == std::string::npos || open == 0) return std::nullopt;
    base = name.substr(0, open);
    digits = std::string_view(name).substr(open + 1, name.size() - open - 2);
  } else {
    std::size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot == 0) return std::nullopt;
    base = name.substr(0, dot);
    digits = std::string_view(name).substr(dot + 1);
  }
  std::size_t index = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (error != std::errc() || end != digits.data() + digits.size() || digits.empty() || index == 0)
    return std::nullopt;
  return std::pair{base, index};
}

struct Line {
  std::size_t number = 0;
  std::string_view text;
};

}  // namespace

std::optional<RawData> read_csv_data(std::string_view path, std::string_view text, DataMessages& messages) {
  const std::string where(path);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark (read_json.cpp)
  std::vector<Line> lines;
  std::size_t line_number = 0;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_number;
    bool blank = trim(line).empty();
    if (!blank && line.front() != '#') lines.push_back({line_number, line});
    start = end + 1;
  }
  if (lines.empty()) {
    messages.error(where + ": the data file is empty");
    return std::nullopt;
  }

  std::vector<Field> header = split_line(lines[0].text);
  std::size_t errors_before = messages.error_count();
  // name -> column positions; indexed groups hold one position per index 1..D.
  std::map<std::string, std::size_t> plain_columns;
  std::map<std::string, std::map<std::size_t, std::size_t>> indexed_columns;
  // How the file names a group's columns, for messages: "x.k", "x[k]", or both when mixed.
  std::map<std::string, std::set<std::string>> forms;
  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string& name = header[c].text;
    std::string at = where + ":" + std::to_string(lines[0].number) + ":" + std::to_string(header[c].column);
    if (name.empty()) {
      messages.error(at + ": column " + std::to_string(c + 1) + " has an empty name in the header");
      continue;
    }
    if (auto indexed = indexed_column(name)) {
      forms[indexed->first].insert(name.back() == ']' ? "[" : ".");
      if (!indexed_columns[indexed->first].emplace(indexed->second, c).second)
        messages.error(at + ": column '" + name + "' appears twice");
    } else if (!plain_columns.emplace(name, c).second) {
      messages.error(at + ": column '" + name + "' appears twice");
    }
  }
  auto column_form = [&](const std::string& base) {
    const std::set<std::string>& used = forms[base];
    if (used.size() == 2) return base + ".k and " + base + "[k]";
    return *used.begin() == "[" ? base + "[k]" : base + ".k";
  };
  for (const auto& [base, columns] : indexed_columns) {
    if (plain_columns.count(base))
      messages.error(where + ": column '" + base + "' and columns '" + column_form(base) + "' both fill '" + base + "'");
    std::size_t expected = 1;
    for (const auto& [index, position] : columns) {
      if (index != expected) {
        // Named as the file names them: the last column as written, the missing one in the
        // form of the column before the gap.
        const std::string& last = header[columns.rbegin()->second].text;
        std::size_t before_gap = expected > 1 ? columns.at(expected - 1) : columns.begin()->second;
        bool brackets = header[before_gap].text.back() == ']';
        std::string missing = brackets ? base + "[" + std::to_string(expected) + "]"
                                       : base + "." + std::to_string(expected);
        messages.error(where + ": the columns of '" + base + "' go up to " + last + " but " + missing + " is missing");
        break;
      }
      ++expected;
    }
  }
  if (messages.error_count() > errors_before) return std::nullopt;

  std::size_t row_count = lines.size() - 1;
  // Cells by column, parsed once.
  std::vector<nlohmann::json> columns(header.size(), nlohmann::json::array());
  for (std::size_t r = 1; r < lines.size(); ++r) {
    std::vector<Field> fields = split_line(lines[r].text);
    std::string at_line = where + ":" + std::to_string(lines[r].number);
    if (fields.size() != header.size()) {
      messages.error(at_line + ": row has " + std::to_string(fields.size()) + " values but the header has " +
                     std::to_string(header.size()) + " columns");
      return std::nullopt;
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      std::optional<nlohmann::json> number = parse_number(fields[c].text);
      if (!number) {
        std::string shown = fields[c].text.empty() ? "an empty value" : "'" + fields[c].text + "'";
        messages.error(at_line + ":" + std::to_string(fields[c].column) + ": " + shown + " in column '" +
                       header[c].text + "' is not a number");
        return std::nullopt;
      }
      columns[c].push_back(std::move(*number));
    }
  }

  RawData data;
  for (auto& [name, position] : plain_columns) data[name] = RawVariable{std::move(columns[position]), row_count, std::nullopt, ""};
  for (const auto& [base, group] : indexed_columns) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t r = 0; r < row_count; ++r) {
      nlohmann::json row = nlohmann::json::array();
      for (const auto& [index, position] : group) row.push_back(columns[position][r]);
      rows.push_back(std::move(row));
    }
    data[base] = RawVariable{std::move(rows), row_count, group.size(), column_form(base)};
  }
  return data;
}

}  // namespace pm::io
