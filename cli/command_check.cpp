// `pm check MODEL.pm [--print] [--json]`: parse and check; print what the engine will do with
// the model: data, params, latents and how each is handled, definitions, nets, plates and
// sequential loops, factors. Exit 0 when the model is valid, 2 otherwise.
#include <functional>
#include <algorithm>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "lang/syntax/printer.hpp"

namespace pm::cli {
namespace {

struct CheckOptions {
  std::string model_path;
  bool print = false;
  bool json = false;
};

int line_of(const LoadedModel& model, lang::SourceRange range) { return model.file->locate(range.begin).line; }

std::string type_text(const lang::Symbol& symbol) {
  if (symbol.declaration) return declared_type_text(symbol.declaration->type);
  return lang::to_string(symbol.type);
}

std::string handling_text(const lang::Symbol& latent) {
  std::string text = lang::to_string(latent.handling);
  if (latent.handling == lang::LatentHandling::SummedOut && latent.prior_distribution) {
    text += " (" + latent.prior_distribution->name + ")";
  }
  if (latent.handling == lang::LatentHandling::GuideBlock && latent.guide_draw) {
    text += " (" + latent.guide_draw->distribution + ")";
  }
  if (latent.flat_prior) text += "; improper flat prior";
  return text;
}

std::string loop_text(const LoadedModel& model, const lang::Loop& loop) {
  return statement_text(*loop.statement) + " in " + lang::to_string(loop.block);
}

// A table of rows whose first column is padded to the widest entry.
void print_section(std::ostream& out, const std::string& title,
                   const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return;
  out << title << "\n";
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (widths.size() <= c) widths.push_back(0);
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  for (const auto& row : rows) {
    std::string line = "  ";
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
}

std::string where(const LoadedModel& model, const lang::Stmt* stmt) {
  return stmt ? "line " + std::to_string(line_of(model, stmt->range)) : "";
}

std::string enclosing_text(const std::vector<const lang::Stmt*>& loops) {
  if (loops.empty()) return "";
  std::string text = "in ";
  for (std::size_t i = 0; i < loops.size(); ++i) text += (i > 0 ? ", " : "") + loops[i]->loop_variable;
  return text;
}

// A local of a loop body: one whole definition (`m = ...;`, `real m = ...;`) inside a `for`.
// The engine recomputes it per iteration and does not report it (docs/language.md).
bool is_loop_local(const lang::CheckedProgram& checked, const lang::Symbol& symbol) {
  if (symbol.definitions.size() != 1) return false;
  const lang::Stmt* definition = symbol.definitions.front();
  const bool whole = definition->kind == lang::StmtKind::Declare ||
                     (definition->kind == lang::StmtKind::Assign && definition->lhs->kind == lang::ExprKind::Name);
  if (!whole) return false;
  std::function<bool(const std::vector<lang::Stmt>&)> contains = [&](const std::vector<lang::Stmt>& body) {
    for (const lang::Stmt& statement : body)
      if (&statement == definition || (statement.kind == lang::StmtKind::For && contains(statement.body))) return true;
    return false;
  };
  for (const lang::Loop& loop : checked.loops)
    if (contains(loop.statement->body)) return true;
  return false;
}

void print_summary(const LoadedModel& model, std::ostream& out) {
  using lang::SymbolKind;
  const auto& checked = model.checked;
  std::vector<std::vector<std::string>> data, params, latents, definitions, nets, loops, factors;
  for (const lang::Symbol& symbol : checked.symbols) {
    switch (symbol.kind) {
      case SymbolKind::Data: {
        std::string value = symbol.declaration && symbol.declaration->initializer
                                ? "default " + lang::print_expression(*symbol.declaration->initializer) : "";
        data.push_back({symbol.name, type_text(symbol), value});
        break;
      }
      case SymbolKind::Param:
        params.push_back({symbol.name, type_text(symbol), symbol.prior ? "prior " + symbol.prior->distribution : "no prior"});
        break;
      case SymbolKind::GuideParam: params.push_back({symbol.name, type_text(symbol), "guide param"}); break;
      case SymbolKind::Latent: latents.push_back({symbol.name, type_text(symbol), handling_text(symbol)}); break;
      case SymbolKind::ModelDefinition:
        definitions.push_back({symbol.name, type_text(symbol),
                               is_loop_local(checked, symbol) ? "model, local of a loop body (not reported)"
                               : symbol.data_only            ? "model, from data alone (computed once)"
                                                             : "model (reported)"});
        break;
      case SymbolKind::GuideDefinition: definitions.push_back({symbol.name, type_text(symbol), "guide"}); break;
      case SymbolKind::Generated:
        definitions.push_back({symbol.name, type_text(symbol),
                               is_loop_local(checked, symbol) ? "generated, local of a loop body (not reported)"
                                                              : "generated (reported)"});
        break;
      case SymbolKind::Net: nets.push_back({symbol.name, symbol.net ? net_text(*symbol.net) : ""}); break;
    }
  }
  for (const lang::Loop& loop : checked.loops) {
    loops.push_back({loop_text(model, loop), where(model, loop.statement),
                     loop.sequential ? "sequential: " + loop.reason : "plate"});
  }
  for (const lang::Factor& factor : checked.factors) {
    factors.push_back({lang::to_string(factor.kind), statement_text(*factor.statement), where(model, factor.statement),
                       enclosing_text(factor.enclosing_loops)});
  }
  out << "model " << model.file->path() << ": valid\n";
  print_section(out, "data", data);
  print_section(out, "params", params);
  print_section(out, "latents", latents);
  print_section(out, "definitions", definitions);
  print_section(out, "nets", nets);
  print_section(out, "loops", loops);
  print_section(out, "factors", factors);
}

nlohmann::json summary_json(const LoadedModel& model) {
  using nlohmann::json;
  const auto& checked = model.checked;
  json result = {{"model", model.file->path()}, {"valid", true}};
  json symbols = json::array();
  for (const lang::Symbol& symbol : checked.symbols) {
    json entry = {{"name", symbol.name}, {"kind", lang::to_string(symbol.kind)}, {"type", lang::to_string(symbol.type)}};
    if (symbol.declaration) entry["declared"] = declared_type_text(symbol.declaration->type);
    if (symbol.kind == lang::SymbolKind::Latent) {
      entry["discrete"] = symbol.discrete;
      entry["handling"] = lang::to_string(symbol.handling);
      entry["flat_prior"] = symbol.flat_prior;
    }
    if (symbol.kind == lang::SymbolKind::ModelDefinition) entry["data_only"] = symbol.data_only;
    if (symbol.net) entry["net"] = net_text(*symbol.net);
    symbols.push_back(entry);
  }
  result["symbols"] = symbols;
  json loops = json::array();
  for (const lang::Loop& loop : checked.loops) {
    json entry = {{"loop", statement_text(*loop.statement)}, {"block", lang::to_string(loop.block)},
                  {"line", line_of(model, loop.statement->range)}, {"sequential", loop.sequential}};
    if (loop.sequential) entry["reason"] = loop.reason;
    loops.push_back(entry);
  }
  result["loops"] = loops;
  json factors = json::array();
  for (const lang::Factor& factor : checked.factors) {
    factors.push_back({{"kind", lang::to_string(factor.kind)}, {"block", lang::to_string(factor.block)},
                       {"statement", statement_text(*factor.statement)},
                       {"line", line_of(model, factor.statement->range)}, {"subject", factor.subject},
                       {"distribution", factor.distribution}});
  }
  result["factors"] = factors;
  return result;
}

int run_check(const CheckOptions& options) {
  auto model = load_model(options.model_path);
  if (!model) return kExitBadInput;
  if (options.print) {
    std::cout << lang::print_program(model->program);
  } else if (options.json) {
    std::cout << summary_json(*model).dump(2) << "\n";
  } else {
    print_summary(*model, std::cout);
  }
  return kExitSuccess;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command = app.add_subcommand("check", "Parse and check a model; print its data, params, latents "
                                                  "(and how each is handled), plates and factors");
  command->add_option("model", options->model_path, "the model file (.pm)")->required();
  command->add_flag("--print", options->print, "print the normalized program instead of the summary");
  command->add_flag("--json", options->json, "print the summary as JSON");
  command->callback([options, &exit_code] { exit_code = run_check(*options); });
}

}  // namespace pm::cli
