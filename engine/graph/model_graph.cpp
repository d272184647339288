// Building the model graph: roles of names, loops of statements, unsupported features.
#include "engine/graph/model_graph.hpp"

#include <algorithm>
#include <functional>

namespace pm::graph {
namespace {

constexpr const char* kNotYet = " is not supported by the engine yet";

// Every statement of the model block with its enclosing loops (outermost first).
void place_statements(const std::vector<lang::Stmt>& statements, std::vector<const lang::Stmt*>& loops,
                      std::map<const lang::Stmt*, std::vector<const lang::Stmt*>>& placed) {
  for (const lang::Stmt& statement : statements) {
    placed[&statement] = loops;
    if (statement.kind == lang::StmtKind::For) {
      loops.push_back(&statement);
      place_statements(statement.body, loops, placed);
      loops.pop_back();
    }
  }
}

}  // namespace

const DefinitionNode* ModelGraph::definition(std::string_view name) const {
  auto found = definitions.find(name);
  return found == definitions.end() ? nullptr : &found->second;
}

const DefinitionNode* ModelGraph::generated_definition(std::string_view name) const {
  auto found = generated.find(name);
  return found == generated.end() ? nullptr : &found->second;
}

std::optional<ModelGraph> build_model_graph(const lang::CheckedProgram& checked, lang::Diagnostics& diagnostics,
                                            bool include_generated) {
  ModelGraph graph;
  graph.checked = &checked;
  const std::size_t errors_before = diagnostics.error_count();

  std::map<const lang::Stmt*, std::vector<const lang::Stmt*>> placed;
  if (const lang::Block* model = checked.program->find(lang::BlockKind::Model)) {
    std::vector<const lang::Stmt*> loops;
    place_statements(model->statements, loops, placed);
  }
  if (const lang::Block* guide = checked.program->find(lang::BlockKind::Guide)) {
    std::vector<const lang::Stmt*> loops;
    place_statements(guide->statements, loops, placed);
  }
  if (const lang::Block* generated = checked.program->find(lang::BlockKind::Generated);
      generated && include_generated) {
    std::vector<const lang::Stmt*> loops;
    place_statements(generated->statements, loops, placed);
  }
  int next_plate = 0;
  auto placed_block = [&](lang::BlockKind block) {
    return block == lang::BlockKind::Model || block == lang::BlockKind::Guide ||
           (include_generated && block == lang::BlockKind::Generated);
  };
  for (const lang::Loop& loop : checked.loops) {
    if (!placed_block(loop.block)) continue;
    if (loop.sequential) {
      graph.sequential_loops.insert(loop.statement);  // unrolled by the compiler
      continue;
    }
    graph.plate_numbers[loop.statement] = next_plate++;
  }

  // A definition placed in its loops; by several statements or inside a sequential loop it
  // is assembled slice by slice (all statements must be `=` or typed declarations then).
  auto add_definition = [&](const lang::Symbol& symbol, std::map<std::string, DefinitionNode, std::less<>>& into) {
    if (symbol.definitions.empty()) {
      diagnostics.error(symbol.range, "'" + symbol.name + "' is declared but never defined, which" + kNotYet);
      return;
    }
    const lang::Stmt* statement = symbol.definitions.front();
    bool assembled = symbol.definitions.size() > 1;
    for (const lang::Stmt* each : symbol.definitions)
      for (const lang::Stmt* loop : placed[each]) assembled = assembled || graph.sequential_loops.count(loop) > 0;
    DefinitionNode node{&symbol, statement, placed[statement], {}};
    const bool whole = statement->kind == lang::StmtKind::Declare ||
                       (statement->kind == lang::StmtKind::Assign && statement->lhs->kind == lang::ExprKind::Name);
    if (symbol.definitions.size() == 1 && whole && !node.loops.empty()) {
      // A local of a loop body (`m = ...;` or `real m = ...;` inside a `for`): one value per
      // iteration of a sequential loop, or per element of a plate; read only in its loops.
      node.iteration_local = true;
      assembled = false;
    }
    if (assembled) {
      for (const lang::Stmt* each : symbol.definitions)
        if (each->kind != lang::StmtKind::Assign && each->kind != lang::StmtKind::Declare) {
          diagnostics.error(each->range, "'" + symbol.name + "' is drawn by a `~` and also defined elsewhere, which" +
                                             kNotYet);
          return;
        }
      node.statements = symbol.definitions;
      std::sort(node.statements.begin(), node.statements.end(),
                [](const lang::Stmt* a, const lang::Stmt* b) { return a->range.begin < b->range.begin; });
    }
    into[symbol.name] = node;
  };
  for (const lang::Symbol& symbol : checked.symbols) {
    switch (symbol.kind) {
      case lang::SymbolKind::Data: graph.data.push_back(&symbol); break;
      case lang::SymbolKind::Param: graph.parameters.push_back(&symbol); break;
      case lang::SymbolKind::Latent:
        // Discrete latents get no slot: the compiler enumerates and sums them out.
        if (!symbol.discrete) graph.parameters.push_back(&symbol);
        break;
      // Model and guide definitions share one map (the guide's are lowered only by the
      // variational compiler, on first use); the generated block's are kept apart.
      case lang::SymbolKind::ModelDefinition:
      case lang::SymbolKind::GuideDefinition: add_definition(symbol, graph.definitions); break;
      case lang::SymbolKind::Generated:
        if (include_generated) add_definition(symbol, graph.generated);  // not part of log p(data, z; theta)
        break;
      case lang::SymbolKind::Net: graph.nets.push_back(&symbol); break;  // weights: engine/compile/nets.hpp
      default: break;  // guide params are bound by the variational compiler
    }
  }

  for (const lang::Factor& factor : checked.factors) {
    if (factor.block != lang::BlockKind::Model) continue;
    graph.factors.push_back({&factor, placed[factor.statement]});
  }
  if (diagnostics.error_count() > errors_before) return std::nullopt;
  return graph;
}

}  // namespace pm::graph
