// The model graph (ARCHITECTURE.md: typed AST -> model graph): what the compiler lowers.
//
// Built from a CheckedProgram, it sorts the model's names by role and places every model
// statement in its loops:
//   data          observed values (constants of the program)
//   parameters    params and continuous latents, in declaration order: each gets one slot
//                 of the unconstrained vector (engine/compile/compiled_model.hpp); discrete
//                 latents get none: the compiler enumerates and sums them out
//   definitions   deterministic names of the model block; `data_only` ones (Stan's
//                 transformed data) are computed once when the data loads
//   factors       every `~` and `target +=` of the model block, with its enclosing loops
// Plates are the `for` loops of the model and guide blocks that the checker does not mark sequential;
// each gets plate dim number = its rank in source order, so that two loops never share a
// plate dim. Sequential loops (lang/check's decision, not re-derived here) get no plate: the
// compiler unrolls them (engine/compile/sequential.hpp).
//
// What the engine cannot lower yet is reported here, at the statement or declaration, as an
// error "... is not supported by the engine yet": a name defined by several statements that
// include a generated `~`, a declared name never defined. Nets are listed; their weights are made by engine/compile/nets.hpp.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lang/check/checked_program.hpp"
#include "lang/syntax/source.hpp"

namespace pm::graph {

struct FactorNode {
  const lang::Factor* factor = nullptr;
  std::vector<const lang::Stmt*> loops;  // enclosing `for` statements, outermost first
};

struct DefinitionNode {
  const lang::Symbol* symbol = nullptr;
  const lang::Stmt* statement = nullptr;  // the Assign or typed Declare that defines it (the first one)
  std::vector<const lang::Stmt*> loops;   // enclosing `for` statements, outermost first
  // Assembled slice by slice (engine/compile/sequential.hpp) when defined by several
  // statements or inside a sequential loop (`nu[1] = ...; for (t in 2:T) nu[t] = ...`):
  // every defining statement, in source order; empty otherwise.
  std::vector<const lang::Stmt*> statements;
  bool assembled() const { return !statements.empty(); }
  // A local of a loop body (`real m = a * y[t - 1];` or `h = encoder(x[n]);` inside a `for`,
  // one statement, not indexed): one value per iteration of a sequential loop, or per element
  // of a plate; lowered where it is read, in the reader's loops (sequential.hpp); it has no
  // value outside them.
  bool iteration_local = false;
};

struct ModelGraph {
  const lang::CheckedProgram* checked = nullptr;
  std::vector<const lang::Symbol*> data;
  std::vector<const lang::Symbol*> parameters;  // params and continuous latents, in declaration order
  std::vector<const lang::Symbol*> nets;        // in declaration order
  // Model-block definitions, and the guide block's (lowered only under VI).
  std::map<std::string, DefinitionNode, std::less<>> definitions;
  std::vector<FactorNode> factors;  // model block, source order
  std::map<const lang::Stmt*, int> plate_numbers;  // each model plate `for` -> its plate dim number
  std::set<const lang::Stmt*> sequential_loops;    // the model's (and placed generated) sequential `for`s

  // With include_generated only (simulation, docs/simulation.md): each name of the generated
  // block with its one defining statement (an Assign, a typed Declare, or a `~` draw) and
  // loops; the generated block's loops get plate numbers after the model's.
  std::map<std::string, DefinitionNode, std::less<>> generated;

  const DefinitionNode* definition(std::string_view name) const;
  const DefinitionNode* generated_definition(std::string_view name) const;
};

// Null (with errors in `diagnostics`) when the model uses what the engine cannot lower yet.
// include_generated: also place the generated block (its unsupported forms are errors too).
std::optional<ModelGraph> build_model_graph(const lang::CheckedProgram& checked, lang::Diagnostics& diagnostics,
                                            bool include_generated = false);

}  // namespace pm::graph
