// The data plate: which int it is, which names vary along it, and cutting data to rows
// (data_plate.hpp).
#include "engine/compile/data_plate.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace pm::compile {
namespace {

// The expression of a declaration's leading size: array[N, ...] T, else matrix[N, ...] / vector[N].
const lang::Expr* leading_size(const lang::Symbol& symbol) {
  if (!symbol.declaration) return nullptr;
  const lang::TypeSpec& type = symbol.declaration->type;
  if (!type.array_sizes.empty()) return type.array_sizes.front().get();
  if (!type.sizes.empty()) return type.sizes.front().get();
  return nullptr;
}

std::string leading_size_name(const lang::Symbol& symbol) {
  const lang::Expr* size = leading_size(symbol);
  return size && size->kind == lang::ExprKind::Name ? size->name : std::string();
}

bool reads_any(const lang::Expr& expr, const std::set<std::string, std::less<>>& names) {
  if (expr.kind == lang::ExprKind::Name && names.count(expr.name)) return true;
  for (const lang::ExprPtr& arg : expr.args)
    if (arg && reads_any(*arg, names)) return true;
  for (const lang::IndexArg& index : expr.indices)
    if ((index.first && reads_any(*index.first, names)) || (index.last && reads_any(*index.last, names))) return true;
  return false;
}

}  // namespace

bool DataPlate::is_local(const lang::Factor& factor) const {
  if (is_local(factor.subject)) return true;
  for (const std::string& name : factor.reads)
    if (is_local(name)) return true;
  const lang::Stmt& statement = *factor.statement;
  if (statement.lhs && reads_any(*statement.lhs, local)) return true;
  if (statement.rhs && reads_any(*statement.rhs, local)) return true;
  for (const lang::ExprPtr& arg : statement.args)
    if (arg && reads_any(*arg, local)) return true;
  for (const lang::Stmt* loop : factor.enclosing_loops)
    if ((loop->lower && reads_any(*loop->lower, local)) || (loop->upper && reads_any(*loop->upper, local))) return true;
  return false;
}

std::optional<std::string> data_plate_size_name(const lang::CheckedProgram& checked, std::string& error) {
  // The ints that size the observed data, each with the first variable it sizes.
  std::vector<std::pair<std::string, std::string>> sizes;
  for (const lang::Factor& factor : checked.factors) {
    if (factor.block != lang::BlockKind::Model || factor.subject.empty()) continue;
    const lang::Symbol* subject = checked.find(factor.subject);
    // Observed: data, or a definition computed from data alone (Stan's transformed data).
    if (!subject || !(subject->kind == lang::SymbolKind::Data ||
                      (subject->kind == lang::SymbolKind::ModelDefinition && subject->data_only)))
      continue;
    const std::string size = leading_size_name(*subject);
    const lang::Symbol* size_symbol = size.empty() ? nullptr : checked.find(size);
    if (!size_symbol || size_symbol->kind != lang::SymbolKind::Data) continue;
    bool known = false;
    for (const auto& [name, variable] : sizes) known = known || name == size;
    if (!known) sizes.emplace_back(size, subject->name);
  }
  if (sizes.empty()) {
    error = "the model has no data plate: no observed data variable is sized by a data int in its leading dimension "
            "(as x in `matrix[N, D] x;`)";
    return std::nullopt;
  }
  if (sizes.size() > 1) {
    error = fmt::format("the observed data have no single data plate: '{}' is sized by {}, '{}' by {}", sizes[0].second,
                        sizes[0].first, sizes[1].second, sizes[1].first);
    return std::nullopt;
  }
  return sizes[0].first;
}

std::optional<DataPlate> find_data_plate(const lang::CheckedProgram& checked, const io::DataSet& data,
                                         std::string& error) {
  std::optional<std::string> size_name = data_plate_size_name(checked, error);
  if (!size_name) return std::nullopt;
  DataPlate plate;
  plate.size_name = *size_name;
  const io::DataValue* size_value = data.find(plate.size_name);
  if (!size_value || !size_value->is_scalar()) {
    error = fmt::format("no value of the data plate's size '{}' was loaded", plate.size_name);
    return std::nullopt;
  }
  plate.size = static_cast<std::size_t>(size_value->scalar());
  plate.local.insert(plate.size_name);
  for (const lang::Symbol& symbol : checked.symbols) {
    if (leading_size_name(symbol) != plate.size_name) continue;
    if (symbol.kind == lang::SymbolKind::Data) {
      const io::DataValue* value = data.find(symbol.name);
      if (value && !value->dims.empty() && value->dims.front() == plate.size) plate.data.push_back(symbol.name);
      plate.local.insert(symbol.name);
    } else if (symbol.kind == lang::SymbolKind::Latent || symbol.kind == lang::SymbolKind::ModelDefinition ||
               symbol.kind == lang::SymbolKind::GuideDefinition) {
      plate.local.insert(symbol.name);
    }
  }
  // Definitions that read a local name, until nothing changes.
  for (bool changed = true; changed;) {
    changed = false;
    for (const lang::Symbol& symbol : checked.symbols) {
      if (plate.local.count(symbol.name)) continue;
      if (symbol.kind != lang::SymbolKind::ModelDefinition && symbol.kind != lang::SymbolKind::GuideDefinition) continue;
      if (std::any_of(symbol.reads.begin(), symbol.reads.end(), [&](const std::string& name) { return plate.local.count(name) > 0; })) {
        plate.local.insert(symbol.name);
        changed = true;
      }
    }
  }
  return plate;
}

void copy_rows(const io::DataValue& from, std::span<const std::size_t> rows, std::span<double> to) {
  const std::size_t n = from.dims.front(), inner = n == 0 ? 0 : from.values.size() / n, b = rows.size();
  if (to.size() != b * inner) throw std::invalid_argument("copy_rows: the destination has the wrong size");
  for (std::size_t rest = 0; rest < inner; ++rest) {
    const double* source = from.values.data() + rest * n;
    double* destination = to.data() + rest * b;
    for (std::size_t r = 0; r < b; ++r) destination[r] = source[rows[r]];
  }
}

io::DataSet select_rows(const io::DataSet& data, const DataPlate& plate, std::span<const std::size_t> rows) {
  io::DataSet cut = data;
  for (const std::string& name : plate.data) {
    io::DataValue& value = cut.values.at(name);
    const io::DataValue& full = data.values.at(name);
    value.dims.front() = rows.size();
    value.values.assign(io::element_count(value.dims), 0.0);
    copy_rows(full, rows, value.values);
  }
  io::DataValue& size = cut.values.at(plate.size_name);
  size.values.assign(1, static_cast<double>(rows.size()));
  return cut;
}

}  // namespace pm::compile
