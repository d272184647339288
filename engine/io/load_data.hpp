// Loading a model's data (CLI.md "Data files", LANGUAGE.md "Types"): every declared data
// variable is read from the sources, or takes its default, or (a size) is inferred from the
// rows of a CSV file, and is validated BEFORE anything runs.
//
// Precedence, per name: a `-d name=value` (the last one wins) over a data file over the
// declaration's default. The same name in two files is an error naming both files. Names
// that are not data variables of the model are ignored, each with a note.
//
// Variables are processed in declaration order, so sizes, bounds and defaults may read the
// data declared before them (constant_expression.hpp). Every error is reported (not just
// the first); a variable whose size or bound depends on a failed one is skipped silently.
// A source that cannot be read (malformed file, bad -d) stops loading once all sources are
// read: only the errors of the unreadable sources, no "'J' is missing" for what they held.
//
// Size inference: an int data variable N that no source sets and that has no default is
// taken from the row count of the CSV file(s) whose columns fill a variable whose leading
// declared size is exactly `N`; likewise D from the number of columns x.1 ... x.D of a
// variable whose second declared size is exactly `D` (a note says so). Disagreeing counts
// are an error.
//
// Usage:
//   io::DataMessages messages;
//   auto data = io::load_data(checked, &model_file, {io::DataSource::file("d.json"),
//                                                   io::DataSource::assignment("K=3")}, messages);
//   if (!data) { render messages.render(); exit 2; }
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/io/data_messages.hpp"
#include "engine/io/data_set.hpp"
#include "lang/check/checked_program.hpp"
#include "lang/syntax/source.hpp"

namespace pm::io {

struct DataSource {
  enum class Kind { File, Assignment };
  Kind kind = Kind::File;
  std::string text;  // the file path, or "name=value"

  static DataSource file(std::string path) { return {Kind::File, std::move(path)}; }
  static DataSource assignment(std::string name_equals_value) {
    return {Kind::Assignment, std::move(name_equals_value)};
  }
};

struct LoadOptions {
  // Data variables that may be left unset (no source, no default) without an error: they are
  // simply absent from the DataSet. `pm sample` draws them (docs/simulation.md).
  std::vector<std::string> may_be_missing;
};

// `model_file` (may be null) locates declarations in messages ("declared at model.pm:4:3").
// nullopt when any error was reported; notes may be reported either way.
std::optional<DataSet> load_data(const lang::CheckedProgram& program, const lang::SourceFile* model_file,
                                 const std::vector<DataSource>& sources, DataMessages& messages,
                                 const LoadOptions& options = {});

}  // namespace pm::io
