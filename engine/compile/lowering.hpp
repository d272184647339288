// Lowering expressions to autodiff nodes (docs/compile.md). One Lowerer per program: it maps
// names to nodes (data -> constants made once, params -> their constrained values,
// definitions -> lowered on first use), and loops to plate dims.
//
// Inside `for (i in a:b)`, the loop's plate dim holds i = a..b: values that vary with i
// carry that dim. `x[i]` of a data vector is slice + rename_dim(event0 -> plate); `mu[g[i]]`
// is a gather; arithmetic on i uses the constant tensor (a..b) over the plate. An
// elementwise definition `mu[i] = ...` is stored plate-shaped (DefinedValue::index_plates)
// and renamed back to an event dim when read whole.
//
// Whatever does not depend on a param or latent (a data slice x[i], an index g[i], a
// data-only definition: Stan's transformed data) is lowered into a separate data program,
// evaluated once at compile time, and enters the model program as a constant.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "engine/ad/builder.hpp"
#include "engine/compile/data_feed.hpp"
#include "engine/graph/model_graph.hpp"
#include "engine/io/data_set.hpp"

namespace pm::compile {

// An error at a place of the model: the compiler reports it as a diagnostic.
struct LocatedError : std::runtime_error {
  LocatedError(lang::SourceRange where, const std::string& message) : std::runtime_error(message), range(where) {}
  lang::SourceRange range;
};

struct PlateBinding {
  std::string variable;
  tensor::DimId dim;
  std::int64_t first = 1;  // the loop's a
  std::size_t size = 0;    // b - a + 1 (0 when b < a)
  const lang::Stmt* loop = nullptr;
  // An unrolled iteration of a sequential loop (sequential.hpp): the variable is the int
  // `first`, size 1, and `dim` is one no value carries.
  bool sequential = false;
};
using LoopContext = std::vector<PlateBinding>;  // enclosing loops, outermost first

// A value carrying the plate dims of `plates` (an elementwise definition `mu[i] = ...`, a
// guide draw `z[n] ~ ...`) in the layout of the whole variable: the plates become its leading
// event dims, in order, and the value's own event dims follow them. Each plate must be a dim
// of `node`.
ad::Node plates_as_leading_events(ad::Node node, const std::vector<PlateBinding>& plates);

// The binding whose variable is this index alone (`z[i]` in a loop over i), innermost first;
// null for any other index.
const PlateBinding* loop_variable_of(const lang::IndexArg& index, const LoopContext& context);

struct DefinedValue {
  ad::Node node;
  // For `name[i, j] = ...`: the plate holding each leading index (empty: a whole value).
  std::vector<PlateBinding> index_plates;
};

class Lowerer {
 public:
  // data_lowerer: where data-only definitions are computed once (null in the data program
  // itself, whose every definition is data-only).
  Lowerer(ad::Program& program, const graph::ModelGraph& graph, const io::DataSet& data, Lowerer* data_lowerer);

  // Loop-body locals lowered in plates (sequential.hpp's lower_iteration_local), by name and
  // the plates' (number, first, size): one node per local and plate context, so that reading
  // h[1:2] and h[3:4] of `h = encoder(x[n])` runs the encoder once.
  using LocalKey = std::pair<std::string, std::vector<std::tuple<int, std::int64_t, std::size_t>>>;
  std::map<LocalKey, ad::Node> plate_locals;

  ad::Program& program() { return program_; }
  const graph::ModelGraph& graph() const { return graph_; }
  const io::DataSet& data() const { return data_; }
  void bind(const std::string& name, ad::Node value) { bound_[name] = {value, {}}; }
  // A value indexed by loop variables (a summed-out latent: enumeration.hpp).
  void bind(const std::string& name, DefinedValue value) { bound_[name] = std::move(value); }
  // Simulation (simulate.hpp): asked first for every name not bound yet; returns true after
  // binding it (a value drawn on demand by its `~`), false to let the usual lookup run.
  using UnboundHook = std::function<bool(const std::string& name, lang::SourceRange where)>;
  void on_unbound(UnboundHook hook) { on_unbound_ = std::move(hook); }
  // Records every data constant this lowerer makes (and, for a model lowerer, every value
  // copied from its data program) into `feed`, so the data can be refilled (data_feed.hpp).
  // `data_side`: this lowerer builds the feed's data program.
  void record_data_into(DataFeed* feed, bool data_side) {
    feed_ = feed;
    data_side_ = data_side;
  }

  ad::Node lower(const lang::Expr& expr, const LoopContext& context);
  // The plate bindings of a statement's loops.
  LoopContext context_of(const std::vector<const lang::Stmt*>& loops);
  // A name's value as a whole (elementwise definitions renamed back to event dims).
  ad::Node whole(const std::string& name, const LoopContext& context, lang::SourceRange where);
  const DefinedValue& defined(const std::string& name, lang::SourceRange where);

  ad::Node scalar(double value) { return program_.constant(value); }
  ad::Node constant(const tensor::Shape& shape, std::vector<double> values);
  // The value of a data-only int expression known at compile time (sizes, slice bounds).
  std::int64_t constant_int(const lang::Expr& expr, const LoopContext& context);
  // The checker's type of an expression (error type when unknown).
  const lang::Type& type_of(const lang::Expr& expr) const;

 private:
  ad::Node lower_name(const lang::Expr& expr, const LoopContext& context);
  ad::Node lower_binary(const lang::Expr& expr, const LoopContext& context);
  ad::Node lower_index(const lang::Expr& expr, const LoopContext& context);
  ad::Node lower_call(const lang::Expr& expr, const LoopContext& context);
  ad::Node lower_literal_list(const lang::Expr& expr, const LoopContext& context);
  ad::Node lower_list_of_containers(const lang::Expr& expr, const LoopContext& context);
  ad::Node loop_variable(const PlateBinding& plate);
  // Whether the value of expr depends on a param or latent (else it is computed once).
  bool reads_parameters(const lang::Expr& expr) const;
  ad::Node computed_once(const lang::Expr& expr, const LoopContext& context);
  DefinedValue lower_definition(const graph::DefinitionNode& definition);
  // Lowers the plain definitions that `definition` reads (and theirs), deepest first, with an
  // explicit stack, so that a chain of thousands (a2 = a1 + 1; a3 = a2 + 1; ...) does not
  // recurse once per link through defined() and overflow the native stack.
  void lower_dependencies_first(const graph::DefinitionNode& definition);
  DefinedValue copy_from_data_program(const std::string& name, lang::SourceRange where);

  ad::Program& program_;
  const graph::ModelGraph& graph_;
  const io::DataSet& data_;
  Lowerer* data_lowerer_;
  std::map<std::string, DefinedValue, std::less<>> bound_;  // data, params, definitions done
  std::map<std::string, bool, std::less<>> in_progress_;
  // (plate number, a, size) -> (a..b): a plate inside a sequential loop may change its range per iteration.
  std::map<std::tuple<int, std::int64_t, std::size_t>, ad::Node> loop_variables_;
  UnboundHook on_unbound_;
  DataFeed* feed_ = nullptr;
  bool data_side_ = false;
};

// Calls (functions.cpp): the language's functions as builder ops; `args` are the lowered
// arguments of `call`. Reductions reduce over the value's event dims only.
ad::Node lower_function(Lowerer& lowerer, const lang::Expr& call, const std::vector<ad::Node>& args,
                        const LoopContext& context);
// A distribution's log density summed over `summed`: every element dim when `all_elements`,
// otherwise only the event dims (a `_lpdf` call inside a plate stays per-iteration).
ad::Node lower_log_density(Lowerer& lowerer, std::string_view distribution, std::string_view suffix,
                           const std::vector<ad::Node>& args, bool all_elements, lang::SourceRange where);

}  // namespace pm::compile
