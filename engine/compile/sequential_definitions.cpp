// Definitions assembled slice by slice (sequential.hpp, "Definitions"): arma11's nu and err,
// garch11's sigma, an HMM's forward variables. The block's defining statements of a group of
// such names are executed in source order, loops entered as the graph says (plates bound as
// plates, sequential loops unrolled), each `=` writing its slice into its name's value while
// the names stay bound to what is written so far.
#include <functional>
#include <map>

#include "engine/compile/model_assembly.hpp"
#include "engine/compile/sequential.hpp"

namespace pm::compile {
namespace {

struct Assembly {
  std::vector<std::size_t> dims;  // declared: arrays, then vector / matrix sizes
  ad::Node value;
  std::vector<char> written;  // per element: written by an earlier statement or iteration
};

std::vector<std::size_t> declared_dims(const lang::Symbol& symbol, const io::DataSet& data) {
  if (!symbol.declaration)
    throw LocatedError(symbol.range, "'" + symbol.name + "' needs a declaration with its sizes to be defined in slices");
  std::vector<std::size_t> dims;
  for (const lang::ExprPtr& size : symbol.declaration->type.array_sizes) dims.push_back(evaluate_size(*size, data));
  for (const lang::ExprPtr& size : symbol.declaration->type.sizes) dims.push_back(evaluate_size(*size, data));
  return dims;
}

lang::BlockKind block_of(const lang::Symbol& symbol) {
  if (symbol.kind == lang::SymbolKind::Generated) return lang::BlockKind::Generated;
  if (symbol.kind == lang::SymbolKind::GuideDefinition) return lang::BlockKind::Guide;
  return lang::BlockKind::Model;
}

bool contains_any(const std::vector<lang::Stmt>& statements, const std::map<const lang::Stmt*, const lang::Symbol*>& writes) {
  for (const lang::Stmt& statement : statements) {
    if (writes.count(&statement)) return true;
    if (statement.kind == lang::StmtKind::For && contains_any(statement.body, writes)) return true;
  }
  return false;
}

}  // namespace

const graph::DefinitionNode* iteration_local(const graph::ModelGraph& graph, std::string_view name) {
  const graph::DefinitionNode* definition = graph.definition(name);
  if (!definition) definition = graph.generated_definition(name);
  return definition && definition->iteration_local ? definition : nullptr;
}

ad::Node lower_iteration_local(Lowerer& lowerer, const graph::DefinitionNode& local, const LoopContext& context,
                               lang::SourceRange where) {
  // The reader sits in the local's loops (the checker scopes the name to the loop body), so
  // its context holds their bindings; keep those, outermost first.
  LoopContext own;
  for (const lang::Stmt* loop : local.loops) {
    const PlateBinding* binding = nullptr;
    for (const PlateBinding& each : context)
      if (each.loop == loop) binding = &each;
    if (!binding)
      throw LocatedError(where, "'" + local.symbol->name + "' is a local of the loop over '" + loop->loop_variable +
                                    "' and has no value here");
    own.push_back(*binding);
  }
  const lang::Stmt& statement = *local.statement;
  const lang::Expr* rhs = statement.kind == lang::StmtKind::Declare ? statement.declaration->initializer.get()
                                                                     : statement.rhs.get();
  if (!rhs) throw LocatedError(statement.range, "a definition without a value is not supported by the engine yet");
  // In plates only, the value is the same at every read: lower it once. (In an unrolled
  // iteration a read may see names assembled since the last one, so it is lowered anew.)
  bool plates_only = true;
  Lowerer::LocalKey key{local.symbol->name, {}};
  for (const PlateBinding& binding : own) {
    plates_only = plates_only && !binding.sequential;
    key.second.emplace_back(binding.dim.number, binding.first, binding.size);
  }
  if (!plates_only) return lowerer.lower(*rhs, own);
  auto cached = lowerer.plate_locals.find(key);
  if (cached != lowerer.plate_locals.end()) return cached->second;
  ad::Node value = lowerer.lower(*rhs, own);
  lowerer.plate_locals.emplace(std::move(key), value);
  return value;
}

void assemble_definitions(Lowerer& lowerer, const lang::Symbol& requested) {
  const graph::ModelGraph& graph = lowerer.graph();
  const auto& definitions = requested.kind == lang::SymbolKind::Generated ? graph.generated : graph.definitions;
  // The group: the assembled names of the same kind and data-only-ness (a data-only group is
  // assembled in the data program; the others read it as constants).
  std::map<std::string, Assembly, std::less<>> group;
  std::map<const lang::Stmt*, const lang::Symbol*> writes;
  for (const auto& [name, node] : definitions) {
    if (!node.assembled() || node.symbol->kind != requested.kind || node.symbol->data_only != requested.data_only) continue;
    Assembly assembly;
    assembly.dims = declared_dims(*node.symbol, lowerer.data());
    std::size_t total = 1;
    for (std::size_t size : assembly.dims) total *= size;
    std::vector<tensor::Dim> dims;
    for (std::size_t k = 0; k < assembly.dims.size(); ++k) dims.push_back({tensor::event(static_cast<int>(k)), assembly.dims[k]});
    // One buffer written in place (O(written) per write, not O(total)): ad::write_in_place's
    // contract holds, as each element is written once and every read of a partial value is
    // lowered where it stands, before the next write.
    assembly.value = ad::in_place_start(lowerer.program(), tensor::Shape(dims));
    assembly.written.assign(total, 0);
    lowerer.bind(name, assembly.value);
    group.emplace(name, std::move(assembly));
    for (const lang::Stmt* statement : node.statements) writes[statement] = node.symbol;
  }
  const lang::Block* block = graph.checked->program->find(block_of(requested));
  if (!block) throw LocatedError(requested.range, "the block defining '" + requested.name + "' is missing");

  auto execute = [&](const lang::Stmt& statement, const lang::Symbol& symbol, const LoopContext& context) {
    Assembly& assembly = group.at(symbol.name);
    const bool declared = statement.kind == lang::StmtKind::Declare;
    const lang::Expr* rhs = declared ? statement.declaration->initializer.get() : statement.rhs.get();
    if (!rhs) return;  // a declaration without a value
    std::vector<WrittenDim> slice;
    if (declared) {
      for (std::size_t size : assembly.dims) slice.push_back({WrittenDim::Kind::span, 0, size, {}});
    } else {
      slice = written_slice(lowerer, *statement.lhs, symbol.name, assembly.dims, context);
    }
    if (slice_is_empty(slice)) return;
    // Each element is written once: a value overwritten by every iteration (a local of the
    // loop body) would need the loop's other statements lowered in step with it. Checked on
    // the slice's own offsets (O(slice), not O(whole), per write: a recursion of length T
    // compiled in O(T^2) before).
    const tensor::Shape expected = slice_shape(slice);
    std::vector<std::size_t> offsets = slice_offsets(expected, slice, assembly.value.shape());
    for (std::size_t offset : offsets) {
      if (assembly.written[offset])
        throw LocatedError(statement.range, "this statement writes an element of '" + symbol.name +
                                                "' written before (a local assigned in every iteration of a sequential "
                                                "loop?), which is not supported by the engine yet");
      assembly.written[offset] = 1;
    }
    ad::Node piece = lowerer.lower(*rhs, context);
    if (!(piece.shape() == expected))  // constant along a plate or a span: broadcast
      piece = ad::add(piece, lowerer.constant(expected, std::vector<double>(expected.element_count(), 0.0)));
    if (!(piece.shape() == expected))
      throw LocatedError(statement.range, "this value is shaped " + piece.shape().to_string() + " but its left side " +
                                              expected.to_string());
    assembly.value = ad::write_in_place(assembly.value, piece, std::move(offsets));
    lowerer.bind(symbol.name, assembly.value);  // later statements read what is written so far
  };

  LoopContext context;
  std::function<void(const std::vector<lang::Stmt>&)> walk = [&](const std::vector<lang::Stmt>& statements) {
    for (const lang::Stmt& statement : statements) {
      if (auto write = writes.find(&statement); write != writes.end()) {
        execute(statement, *write->second, context);
        continue;
      }
      if (statement.kind != lang::StmtKind::For || !contains_any(statement.body, writes)) continue;
      const std::int64_t first = lowerer.constant_int(*statement.lower, context);
      const std::int64_t last = lowerer.constant_int(*statement.upper, context);
      if (auto plate = graph.plate_numbers.find(&statement); plate != graph.plate_numbers.end()) {
        const std::size_t size = last >= first ? static_cast<std::size_t>(last - first + 1) : 0;
        context.push_back({statement.loop_variable, tensor::plate(plate->second), first, size, &statement});
        walk(statement.body);
        context.pop_back();
      } else if (graph.sequential_loops.count(&statement)) {
        for (std::int64_t value = first; value <= last; ++value) {
          PlateBinding iteration{statement.loop_variable, kIterationDim, value, 1, &statement};
          iteration.sequential = true;
          context.push_back(iteration);
          walk(statement.body);
          context.pop_back();
        }
      } else {
        throw LocatedError(statement.range, "this loop is not placed in the model graph");
      }
    }
  };
  walk(block->statements);
}

}  // namespace pm::compile
