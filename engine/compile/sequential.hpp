// Sequential loops (LANGUAGE.md "Plates and sequential loops"; docs/compile.md): a `for` the
// checker marks sequential (a statement in it reads what the loop defines or draws at another
// index: the autoregression of fvbn.pm reads x[:, 1:(d - 1)] while modelling x[:, d]) is
// UNROLLED: its body is lowered once per iteration with the loop variable bound to a known
// int, not to a plate dim. Then `1:(d - 1)` is a constant slice, `x[:, d]` a plain column,
// and each iteration's `~` is one term of the log density. Plates compose both ways: a plate
// inside an iteration is still a plate, and a sequential loop inside a plate is unrolled with
// the plate's dim kept (`y[i, t] ~ normal(y[i, t - 1], s)`: T - 1 terms over the plate of i).
//
// An unrolled iteration is a PlateBinding with `sequential = true`: size 1, the variable's
// value in `first`, and a dim (kIterationDim) that no value ever carries, so that the code
// that asks "does this value vary along the loop" gets "no" and multiplies by size 1.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "engine/ad/draw.hpp"
#include "engine/compile/lowering.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::compile {

// The dim of every unrolled iteration's binding: no node has it.
inline const tensor::DimId kIterationDim = tensor::plate(-1);

// Whether expr reads the variable of an unrolled iteration of `context`.
bool reads_iteration_variable(const lang::Expr& expr, const LoopContext& context);

// The value of an int expression known from the data and the unrolled iterations' variables
// (`d - 1`, `N - t + 1`, `size(x) - d`); nullopt when it is not known at compile time.
std::optional<std::int64_t> iteration_int(const lang::Expr& expr, const LoopContext& context, const io::DataSet& data);

// Calls `each` once per iteration of the sequential loops among `loops` (outermost first),
// in order, with the full context: plate loops as plate bindings, sequential loops as
// unrolled iterations. Once, with the plates alone, when no loop is sequential.
void for_each_iteration(Lowerer& lowerer, const std::vector<const lang::Stmt*>& loops,
                        const std::function<void(const LoopContext&)>& each);

// Whether any of `loops` is sequential (graph::ModelGraph::sequential_loops).
bool in_sequential_loop(const graph::ModelGraph& graph, const std::vector<const lang::Stmt*>& loops);

// Slices (sequential_slices.cpp): what a left side such as x[:, d], y[i, t] or mu[2:N] writes
// into a value of declared `dims`, one WrittenDim per dim: elements [offset, offset + length)
// along an event dim of the slice's value (a `:` or a range), along a plate dim (a plate's
// variable), or at one index (a known int, the iteration's variable: the dim is dropped).
struct WrittenDim {
  enum class Kind { span, plate, fixed } kind = Kind::span;
  std::size_t offset = 0;
  std::size_t length = 0;
  tensor::DimId plate;
};
std::vector<WrittenDim> written_slice(Lowerer& lowerer, const lang::Expr& lhs, const std::string& name,
                                      const std::vector<std::size_t>& dims, const LoopContext& context);
// The shape of the slice's value: the spans as event dims in order, then the plates.
tensor::Shape slice_shape(const std::vector<WrittenDim>& slice);
bool slice_is_empty(const std::vector<WrittenDim>& slice);
// `whole` with the slice replaced by `piece` (shaped slice_shape): whole .* keep_mask + the
// piece embedded among zeros by concatenation (O(size of whole) per write; a slice written
// for the first time goes through ad::write_in_place instead).
ad::Node write_slice(Lowerer& lowerer, ad::Node whole, ad::Node piece, const std::vector<WrittenDim>& slice,
                     const std::vector<std::size_t>& dims);
// The flat offsets in `whole` (event dims 0.. as the variable's) of each element of a piece
// shaped slice_shape(slice), in the piece's layout: the targets of ad::write_in_place.
std::vector<std::size_t> slice_offsets(const tensor::Shape& piece, const std::vector<WrittenDim>& slice,
                                       const tensor::Shape& whole);

// Definitions (sequential_definitions.cpp): a name the graph marks assembled (defined by
// several statements or inside a sequential loop: `nu[1] = ...; for (t in 2:T) nu[t] = mu +
// phi * y[t - 1] + theta * err[t - 1];`) is computed with the other assembled names of its
// block (same kind and data-only-ness): their defining statements run in source order, plates
// as plates and sequential loops unrolled, each `=` writing its slice (written_slice) while
// the names stay bound to what is written so far; then each is bound whole in `lowerer`.
// Each element must be written once (a local reassigned by every iteration is an error).
void assemble_definitions(Lowerer& lowerer, const lang::Symbol& requested);

// Iteration locals (sequential_definitions.cpp): a definition the graph marks
// `iteration_local` (`real m = a * y[t - 1];` in a sequential loop's body) is lowered at each
// read, in the reader's context (which holds the loop's iteration); not cached, not reported.
const graph::DefinitionNode* iteration_local(const graph::ModelGraph& graph, std::string_view name);
ad::Node lower_iteration_local(Lowerer& lowerer, const graph::DefinitionNode& local, const LoopContext& context,
                               lang::SourceRange where);

// Simulation (simulate.hpp; sequential_draw.cpp). A variable drawn by several `~` or by one
// inside a sequential loop (`x[:, d] ~ ...` in fvbn.pm, `y[1] ~ ...; for (t in 2:T) y[t] ~
// ...`) is drawn slice by slice: the model's `~` on it, in source order, each once per
// unrolled iteration. Each iteration lowers its arguments with the variable bound to what is
// drawn so far (zeros elsewhere), draws its slice and writes it in, so a later iteration reads
// the earlier slices.

// The model's `~` drawing `name` when it must be drawn in slices (several `~`, or one in a
// sequential loop); empty otherwise (the simulator's one-statement draw applies).
std::vector<const graph::FactorNode*> sliced_draws(const graph::ModelGraph& graph, const std::string& name);

// The sampler of a `~` statement's distribution, for simulation; throws a located error when
// the distribution has none or the statement gives it the wrong number of parameters.
const stdlib::kernels::DistributionEntry& sampler_of(const lang::Stmt& statement);

// The whole drawn value of `symbol` (declared dims `dims`, data_set.hpp layout), left bound
// in `lowerer`. Each left side indexes the variable by `:`, ranges a:b, known ints (the
// iteration's variable) or plate variables covering their dim; univariate distributions only.
// `current` follows the statement being lowered (for size errors).
ad::Node draw_in_slices(Lowerer& lowerer, const lang::Symbol& symbol, const std::vector<const graph::FactorNode*>& statements,
                        const std::vector<std::size_t>& dims, const ad::DrawBounds& bounds, random::Stream* stream,
                        const lang::Stmt*& current);

}  // namespace pm::compile
