// Reading data sources into raw values, before they meet the model's declarations.
//
// Every source becomes a map name -> nlohmann::json value shaped as CmdStan's JSON is
// (a scalar, or nested lists, outermost array dimension first, a matrix as a list of rows),
// so that one validator (json_value.hpp) checks every source against the declarations.
//   JSON file  {"N": 3, "y": [1, 0, 1], "X": [[1, 2], [3, 4]]}, as CmdStan reads it, with
//              "inf", "-inf", "NaN" strings for reals and CmdStan's bare NaN, Inf, Infinity,
//              -Inf, -Infinity (accepted here, rejected by validation).
//   CSV file   a header row, then one row per datum: a column `y` becomes the list of its
//              values; columns `x.1 ... x.D` or `x[1] ... x[D]` become the list of rows
//              [[x.1, ..., x.D], ...]. Each variable remembers the file's row count (and
//              D for a column group), from which a size (N, D) may be inferred.
//   -d name=value   one scalar, int when written as an int.
// A malformed file is an error naming the file and its line:column; never an exception.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/io/data_messages.hpp"

namespace pm::io {

struct RawVariable {
  nlohmann::json value;
  std::optional<std::size_t> csv_rows;     // set for variables read from a CSV file's columns
  std::optional<std::size_t> csv_columns;  // set for x.1 ... x.D groups: D
  std::string csv_column_form;             // for such groups, as the file names them: "x.k" or "x[k]"
};

using RawData = std::map<std::string, RawVariable, std::less<>>;

// `path` is only used in messages; `text` is the file's content.
std::optional<RawData> read_json_data(std::string_view path, std::string_view text, DataMessages& messages);
std::optional<RawData> read_csv_data(std::string_view path, std::string_view text, DataMessages& messages);
// Reads the file and picks the format: ".json" / ".csv" by extension, otherwise JSON when
// the first non-blank character is '{'. An unreadable or empty file is an error.
std::optional<RawData> read_data_file(const std::string& path, DataMessages& messages);
// "name=value" -> {name, number}. "-d y=abc" or a missing '=' is an error.
std::optional<std::pair<std::string, nlohmann::json>> read_assignment(std::string_view text,
                                                                      DataMessages& messages);

// A number as written in a data file: an int when it is written as one (and fits in 64
// bits), otherwise a double (so 1.0 and 1e3 are reals, which an int variable refuses);
// "inf", "-inf", "nan" (any case, also "infinity") are the IEEE values. nullopt when the
// text is not a number.
std::optional<nlohmann::json> parse_number(std::string_view text);

// 1-based line and column of a 0-based byte offset into text.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset);

}  // namespace pm::io
