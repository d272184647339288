// Drawing a variable slice by slice (sequential.hpp, "Simulation"): fvbn.pm's columns in
// order, a random walk's steps in order.
#include "engine/compile/sequential.hpp"

#include <string>
#include <vector>

#include "stdlib/distributions/registry.hpp"

namespace pm::compile {

const stdlib::kernels::DistributionEntry& sampler_of(const lang::Stmt& statement) {
  const stdlib::kernels::DistributionEntry* entry = stdlib::kernels::find_distribution(statement.distribution);
  if (!entry || !entry->sample)
    throw LocatedError(statement.distribution_range,
                       "drawing from '" + statement.distribution + "' is not supported by the engine yet");
  if (statement.args.size() + 1 != entry->arg_count)
    throw LocatedError(statement.distribution_range, "'" + statement.distribution + "' takes " +
                                                         std::to_string(entry->arg_count - 1) + " parameters in the engine");
  return *entry;
}

std::vector<const graph::FactorNode*> sliced_draws(const graph::ModelGraph& graph, const std::string& name) {
  std::vector<const graph::FactorNode*> statements;
  bool sequential = false;
  for (const graph::FactorNode& node : graph.factors) {
    if (node.factor->subject != name || node.factor->statement->kind != lang::StmtKind::Tilde) continue;
    statements.push_back(&node);
    sequential = sequential || in_sequential_loop(graph, node.loops);
  }
  if (statements.size() < 2 && !sequential) statements.clear();
  return statements;
}

ad::Node draw_in_slices(Lowerer& lowerer, const lang::Symbol& symbol, const std::vector<const graph::FactorNode*>& statements,
                        const std::vector<std::size_t>& dims, const ad::DrawBounds& bounds, random::Stream* stream,
                        const lang::Stmt*& current) {
  std::vector<tensor::Dim> whole_dims;
  for (std::size_t k = 0; k < dims.size(); ++k) whole_dims.push_back({tensor::event(static_cast<int>(k)), dims[k]});
  const tensor::Shape whole_shape(whole_dims);
  // Written in place (O(drawn) per `~`, ad::write_in_place) while no element is drawn twice;
  // a slice drawn again is written functionally (write_slice), as before.
  ad::Node value = ad::in_place_start(lowerer.program(), whole_shape);
  lowerer.bind(symbol.name, value);
  bool redrawn = false;
  // Which elements some `~` draws (row-major over `dims`): one never drawn would stay 0.
  std::vector<bool> drawn(whole_shape.element_count(), false);
  auto mark = [&](const std::vector<WrittenDim>& slice) {
    std::vector<std::size_t> index(dims.size()), first(dims.size()), last(dims.size());
    for (std::size_t k = 0; k < dims.size() && k < slice.size(); ++k) {
      first[k] = slice[k].offset;
      last[k] = slice[k].kind == WrittenDim::Kind::fixed ? slice[k].offset + 1 : slice[k].offset + slice[k].length;
      if (last[k] <= first[k]) return;
    }
    for (std::size_t k = slice.size(); k < dims.size(); ++k) first[k] = 0, last[k] = dims[k];
    index = first;
    while (true) {
      std::size_t flat = 0;
      for (std::size_t k = 0; k < dims.size(); ++k) flat = flat * dims[k] + index[k];
      redrawn = redrawn || drawn[flat];
      drawn[flat] = true;
      std::size_t k = dims.size();
      while (k > 0 && ++index[k - 1] == last[k - 1]) index[k - 1] = first[k - 1], --k;
      if (k == 0) return;
    }
  };
  for (const graph::FactorNode* node : statements) {
    const lang::Stmt& statement = *node->factor->statement;
    current = &statement;
    const stdlib::kernels::DistributionEntry* entry = &sampler_of(statement);
    for (const stdlib::kernels::ArgSpec& spec : entry->arguments())
      if (spec.shape != stdlib::kernels::ArgShape::scalar)
        throw LocatedError(statement.distribution_range, "drawing '" + symbol.name + "' in slices from the multivariate '" +
                                                             statement.distribution + "' is not supported by the engine yet");
    for_each_iteration(lowerer, node->loops, [&](const LoopContext& context) {
      std::vector<WrittenDim> slice = written_slice(lowerer, *statement.lhs, symbol.name, dims, context);
      if (slice_is_empty(slice)) return;  // nothing to draw
      std::vector<ad::FactorArgument> parameters;
      for (const lang::ExprPtr& arg : statement.args) parameters.push_back({lowerer.lower(*arg, context), 0});
      if (parameters.empty()) parameters.push_back({lowerer.scalar(0.0), 0});  // std_normal: a program for the draw
      const tensor::Shape expected = slice_shape(slice);
      ad::Node piece = ad::draw(entry->sample, parameters, expected, {}, stream, bounds);
      if (!(piece.shape() == expected))
        throw LocatedError(statement.range, "this `~` draws values shaped " + piece.shape().to_string() +
                                                ", but its left side is shaped " + expected.to_string());
      mark(slice);
      value = redrawn ? write_slice(lowerer, value, piece, slice, dims)
                      : ad::write_in_place(value, piece, slice_offsets(expected, slice, value.shape()));
      lowerer.bind(symbol.name, value);  // later iterations read the slices drawn so far
    });
  }
  current = nullptr;
  for (std::size_t flat = 0; flat < drawn.size(); ++flat) {
    if (drawn[flat]) continue;
    std::string element;
    for (std::size_t k = dims.size(), rest = flat; k > 0; --k) {
      element = std::to_string(rest % dims[k - 1] + 1) + (element.empty() ? "" : "," + element);
      rest /= dims[k - 1];
    }
    throw LocatedError(statements.front()->factor->statement->range,
                       "the `~` statements of '" + symbol.name + "' do not draw every element: " + symbol.name + "[" +
                           element + "] is never drawn, so it cannot be simulated; give '" + symbol.name +
                           "' with -d, or draw that element too (a `~` for " + symbol.name + "[" + element + "])");
  }
  return value;
}

}  // namespace pm::compile
