#include "engine/io/load_data.hpp"

#include <algorithm>
#include <set>

#include "engine/io/constant_expression.hpp"
#include "engine/io/data_sources.hpp"
#include "engine/io/validate.hpp"
#include "lang/check/expression_text.hpp"

namespace pm::io {
namespace {

using lang::BaseType;
using lang::Symbol;
using lang::SymbolKind;

struct SourcedValue {
  nlohmann::json value;
  std::string origin;                   // file path or "-d"
  std::optional<std::size_t> csv_rows;     // filled from a CSV file's columns
  std::optional<std::size_t> csv_columns;  // filled from the columns x.1 ... x.D
  std::string csv_column_form;             // "x.k" or "x[k]", as the file names those columns
};

using SourcedData = std::map<std::string, SourcedValue, std::less<>>;

std::string declared_at(const Symbol& symbol, const lang::SourceFile* model_file) {
  if (model_file == nullptr || symbol.declaration == nullptr) return "";
  lang::LineColumn place = model_file->locate(symbol.declaration->range.begin);
  return model_file->path() + ":" + std::to_string(place.line) + ":" + std::to_string(place.column);
}

void note_unknown(const lang::CheckedProgram& program, const SourcedData& data, DataMessages& messages) {
  for (const auto& [name, sourced] : data) {
    const Symbol* symbol = program.find(name);
    if (symbol != nullptr && symbol->kind == SymbolKind::Data) continue;
    std::string where = sourced.origin == "-d" ? "-d " + name : sourced.origin;
    std::string what = symbol == nullptr ? "is not a variable of the model"
                                         : std::string("is a ") + lang::to_string(symbol->kind) + ", not data";
    messages.note("'" + name + "' in " + where + " " + what + "; ignored");
  }
}

// Declared sizes, in data_set.hpp order, as written in the declaration: array sizes, then the
// type's own (a K-sized correlation or covariance matrix is K x K).
std::vector<const lang::Expr*> declared_size_exprs(const lang::Declaration& declaration) {
  std::vector<const lang::Expr*> exprs;
  for (const auto& size : declaration.type.array_sizes) exprs.push_back(size.get());
  for (const auto& size : declaration.type.sizes) exprs.push_back(size.get());
  BaseType base = declaration.type.base;
  bool square = base == BaseType::CholeskyFactorCorr || base == BaseType::CorrMatrix ||
                base == BaseType::CovMatrix || base == BaseType::CholeskyFactorCov;
  if (square && declaration.type.sizes.size() == 1) exprs.push_back(declaration.type.sizes[0].get());
  return exprs;
}

std::optional<DeclaredData> declare(const Symbol& symbol, const DataSet& known, DataMessages& messages) {
  DeclaredData declared;
  declared.name = symbol.name;
  declared.type_text = lang::to_string(symbol.type);
  declared.declaration = symbol.declaration;
  declared.element = symbol.type.element;
  declared.shape = symbol.type.shape;
  declared.array_rank = symbol.declaration->type.array_sizes.size();
  bool ok = true;
  std::string size_origins;  // "; N is set by data.json": where a too-large size came from
  for (const lang::Expr* expr : declared_size_exprs(*symbol.declaration)) {
    std::string text = lang::expression_text(*expr);
    DataValue size;
    try {
      size = evaluate_constant(*expr, known);
    } catch (const ConstantError& error) {
      if (error.unavailable_name.empty()) messages.error("the size " + text + " of '" + symbol.name + "': " + error.what());
      return std::nullopt;
    }
    double n = size.is_scalar() ? size.scalar() : -1.0;
    if (!size.is_scalar() || !size.is_int() || n < 0) {
      std::string shown = size.is_scalar() ? format_number(n) : "a list of " + std::to_string(size.size()) + " values";
      messages.error("the size " + text + " of '" + symbol.name + "' must be a non-negative int but is " + shown);
      ok = false;
      continue;
    }
    declared.dims.push_back(static_cast<std::size_t>(n));
    declared.size_texts.push_back(text);
    if (expr->kind == lang::ExprKind::Name)
      if (const DataValue* value = known.find(expr->name); value && !value->origin.empty())
        size_origins += (size_origins.empty() ? "; " : ", ") + expr->name + " is set by " +
                        (value->origin == "-d" ? "-d " + expr->name : value->origin);
  }
  if (!ok) return std::nullopt;
  // Refuse before allocating: the product of the dims, stopping once it passes the limit.
  double total = 1.0;
  for (std::size_t d : declared.dims) total *= static_cast<double>(d);
  if (total > static_cast<double>(kMaxDataElements)) {
    std::string sizes, texts;
    for (std::size_t k = 0; k < declared.dims.size(); ++k) {
      sizes += (k ? " x " : "") + std::to_string(declared.dims[k]);
      texts += (k ? " x " : "") + declared.size_texts[k];
    }
    messages.error("'" + symbol.name + "' would have " + format_number(total) + " elements (" + texts + " = " +
                   sizes + "), more than the " + std::to_string(kMaxDataElements) +
                   " that one data variable may hold" + size_origins);
    return std::nullopt;
  }
  return declared;
}

std::string describe_dims(const std::vector<std::size_t>& dims) {
  if (dims.empty()) return "a single value";
  std::string text;
  for (std::size_t k = 0; k < dims.size(); ++k) text += (k ? " x " : "") + std::to_string(dims[k]);
  return text + (dims.size() == 1 ? " values" : " values (dims)");
}

// A size named `size_name`, from the CSV files: the row count of a variable whose leading
// declared size is exactly `size_name`, or the column count D of a group x.1 ... x.D whose
// second declared size is. nullopt when no CSV variable is sized by it; an error when two
// disagree.
std::optional<std::pair<std::size_t, std::string>> infer_size(const lang::CheckedProgram& program,
                                                               const std::string& size_name,
                                                               const SourcedData& from_files,
                                                               DataMessages& messages) {
  std::optional<std::pair<std::size_t, std::string>> found;
  auto is_size = [&](const lang::Expr* expr) {
    return expr->kind == lang::ExprKind::Name && expr->name == size_name;
  };
  for (const Symbol& symbol : program.symbols) {
    if (symbol.kind != SymbolKind::Data || symbol.declaration == nullptr) continue;
    std::vector<const lang::Expr*> sizes = declared_size_exprs(*symbol.declaration);
    auto sourced = from_files.find(symbol.name);
    if (sourced == from_files.end() || !sourced->second.csv_rows) continue;
    std::optional<std::pair<std::size_t, std::string>> candidate;
    if (!sizes.empty() && is_size(sizes[0]))
      candidate = std::pair{*sourced->second.csv_rows, "the number of rows of " + sourced->second.origin};
    else if (sizes.size() >= 2 && is_size(sizes[1]) && sourced->second.csv_columns)
      candidate = std::pair{*sourced->second.csv_columns, "the number of columns " + sourced->second.csv_column_form + " in " +
                                                              sourced->second.origin};
    if (!candidate) continue;
    if (found && found->first != candidate->first) {
      messages.error("cannot infer '" + size_name + "' from the CSV data: " + found->second + " is " +
                     std::to_string(found->first) + " but " + candidate->second + " is " +
                     std::to_string(candidate->first));
      return std::nullopt;
    }
    if (!found) found = candidate;
  }
  return found;
}

// Reads every source: files into `from_files` (a name in two files is an error), -d into
// `from_assignments` (a later one replaces an earlier one). False when a source could not be
// read (a malformed file, a -d that is not name=number): its own error says why.
bool collect_sources(const std::vector<DataSource>& sources, SourcedData& from_files, SourcedData& from_assignments,
                     DataMessages& messages) {
  bool all_read = true;
  for (const DataSource& source : sources) {
    if (source.kind == DataSource::Kind::Assignment) {
      if (auto assignment = read_assignment(source.text, messages))
        from_assignments[assignment->first] = SourcedValue{std::move(assignment->second), "-d", std::nullopt, std::nullopt, ""};
      else
        all_read = false;
      continue;
    }
    std::optional<RawData> raw = read_data_file(source.text, messages);
    if (!raw) {
      all_read = false;
      continue;
    }
    for (auto& [name, variable] : *raw) {
      auto existing = from_files.find(name);
      if (existing != from_files.end()) {
        messages.error("'" + name + "' is set by two data files: " + existing->second.origin + " and " + source.text);
        continue;
      }
      from_files[name] = SourcedValue{std::move(variable.value), source.text, variable.csv_rows, variable.csv_columns,
                                      std::move(variable.csv_column_form)};
    }
  }
  return all_read;
}

void report_missing(const Symbol& symbol, const lang::SourceFile* model_file, DataMessages& messages) {
  std::string at = declared_at(symbol, model_file);
  messages.error("data variable '" + symbol.name + "' is missing" + (at.empty() ? "" : " (declared at " + at + ")"));
}

}  // namespace

std::optional<DataSet> load_data(const lang::CheckedProgram& program, const lang::SourceFile* model_file,
                                 const std::vector<DataSource>& sources, DataMessages& messages,
                                 const LoadOptions& options) {
  std::size_t errors_before = messages.error_count();
  SourcedData from_files, from_assignments;
  // A source that cannot be read stops here, after every source is read (each bad one
  // reports its error): what it would have set is unknown, so "'J' is missing" and the like
  // would only bury its error.
  if (!collect_sources(sources, from_files, from_assignments, messages)) return std::nullopt;
  note_unknown(program, from_files, messages);
  note_unknown(program, from_assignments, messages);

  DataSet data;
  for (const Symbol& symbol : program.symbols) {
    if (symbol.kind != SymbolKind::Data || symbol.declaration == nullptr) continue;
    const SourcedValue* sourced = nullptr;
    if (auto found = from_assignments.find(symbol.name); found != from_assignments.end()) sourced = &found->second;
    else if (auto in_file = from_files.find(symbol.name); in_file != from_files.end()) sourced = &in_file->second;

    std::size_t errors_before_declare = messages.error_count();
    std::optional<DeclaredData> declared = declare(symbol, data, messages);
    if (!declared) {
      // Sized by a variable that failed: still say when this one is missing too.
      bool silent = messages.error_count() == errors_before_declare;
      const bool may_be_missing = std::find(options.may_be_missing.begin(), options.may_be_missing.end(),
                                            symbol.name) != options.may_be_missing.end();
      if (silent && sourced == nullptr && !symbol.declaration->initializer && !may_be_missing)
        report_missing(symbol, model_file, messages);
      continue;
    }

    std::optional<DataValue> value;
    std::vector<std::size_t> written_as_real;  // int elements written as reals (1.0)
    std::string context;

    if (sourced != nullptr) {
      value = read_value(sourced->value, *declared, messages, &written_as_real);
      if (value) value->origin = sourced->origin;
      context = sourced->origin == "-d" ? " (-d " + symbol.name + ")" : " (in " + sourced->origin + ")";
      if (!value) messages.note("'" + symbol.name + "' is set by " + sourced->origin);  // the shape error names no file
    } else if (symbol.declaration->initializer) {
      std::string at = declared_at(symbol, model_file);
      context = " (the default" + (at.empty() ? "" : " declared at " + at) + ")";
      try {
        value = evaluate_constant(*symbol.declaration->initializer, data);
      } catch (const ConstantError& error) {
        if (error.unavailable_name.empty()) messages.error("the default of '" + symbol.name + "': " + error.what());
        continue;
      }
      if (value->dims != declared->dims) {
        messages.error("the default of '" + symbol.name + "' has " + describe_dims(value->dims) + " but '" +
                       symbol.name + "' is declared " + declared->type_text + " with " +
                       describe_dims(declared->dims) + context);
        continue;
      }
      value->element = declared->element;
      value->shape = declared->shape;
      value->array_rank = declared->array_rank;
      value->origin = "default";
    } else if (declared->dims.empty() && declared->element == lang::ElementType::Int) {
      std::size_t errors_before_inference = messages.error_count();
      std::optional<std::pair<std::size_t, std::string>> inferred = infer_size(program, symbol.name, from_files, messages);
      if (messages.error_count() > errors_before_inference) continue;
      if (inferred) {
        value = DataValue{};
        value->element = lang::ElementType::Int;
        value->values = {static_cast<double>(inferred->first)};
        value->origin = inferred->second;
        messages.note("'" + symbol.name + "' = " + std::to_string(inferred->first) + ", " + inferred->second);
      }
    }
    const bool may_be_missing = std::find(options.may_be_missing.begin(), options.may_be_missing.end(),
                                          symbol.name) != options.may_be_missing.end();
    if (!value && sourced == nullptr && !symbol.declaration->initializer && !may_be_missing)
      report_missing(symbol, model_file, messages);
    if (!value) continue;
    if (!check_value(*value, *declared, data, context, messages, written_as_real)) continue;
    data.order.push_back(symbol.name);
    data.values[symbol.name] = std::move(*value);
  }
  if (messages.error_count() > errors_before) return std::nullopt;
  return data;
}

}  // namespace pm::io
