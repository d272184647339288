// Lowering x[...]: each index acts on the next event dim of x (position counts the dims kept
// so far). A loop variable i of a plate (a..b) is slice(a - 1, size) then rename_dim(event ->
// plate): x[i] inside the loop becomes x's elements along the plate dim. A data-known int is
// index(), and so is the variable of an unrolled sequential iteration (sequential.hpp); any
// other int (g[i], an int array for multi-indexing) is gather(). A range a:b with ends known
// from the data and the iterations is slice(), possibly empty (x[:, 1:0] has no columns). Reading `mu[i]` of an elementwise definition stored over
// the plate of i is the stored node itself: no op at all.
#include <cmath>

#include "engine/compile/lowering.hpp"
#include "engine/compile/sequential.hpp"

namespace pm::compile {

const PlateBinding* loop_variable_of(const lang::IndexArg& index, const LoopContext& context) {
  if (index.kind != lang::IndexArg::Kind::Single || index.first->kind != lang::ExprKind::Name) return nullptr;
  for (auto plate = context.rbegin(); plate != context.rend(); ++plate)
    if (plate->variable == index.first->name) return &*plate;
  return nullptr;
}

namespace {

// Spare plates for gather_rows, above lowering's and functions.cpp's (1 << 22 ...).
constexpr int kIndexPlates = (1 << 22) + 64;
constexpr int kRestPlates = (1 << 22) + 96;

// x[idx] along event 0 when x has more event dims (a matrix, an array of vectors) and idx
// is an int array: the result's dims are idx's, then x's other dims (Stan's
// multi-indexing), so that a following index (`ab[county, 1]`) acts on x's next dim. ad::gather
// cannot tell the two sets of event dims apart, so both are parked on spare plates around
// it and brought back in that order.
ad::Node gather_rows(ad::Node x, ad::Node indices) {
  const int index_rank = indices.shape().event_rank(), rest_rank = x.shape().event_rank() - 1;
  for (int a = 0; a < index_rank; ++a)  // each rename of event 0 renumbers the others down
    indices = ad::rename_dim(indices, tensor::event(0), tensor::plate(kIndexPlates + a));
  ad::Node gathered = ad::gather(x, tensor::event(0), indices);
  for (int r = 0; r < rest_rank; ++r) gathered = ad::rename_dim(gathered, tensor::event(0), tensor::plate(kRestPlates + r));
  for (int a = 0; a < index_rank; ++a) gathered = ad::rename_dim(gathered, tensor::plate(kIndexPlates + a), tensor::event(a));
  for (int r = 0; r < rest_rank; ++r)
    gathered = ad::rename_dim(gathered, tensor::plate(kRestPlates + r), tensor::event(index_rank + r));
  return gathered;
}

}  // namespace

ad::Node Lowerer::lower_index(const lang::Expr& expr, const LoopContext& context) {
  const lang::Expr& base = *expr.args[0];
  std::size_t first_index = 0;
  ad::Node node;
  // mu[i] of `mu[i] = ...` in the same plate: the stored plate-shaped value.
  if (base.kind == lang::ExprKind::Name) {
    bool is_loop_variable = false;
    for (const PlateBinding& plate : context) is_loop_variable = is_loop_variable || plate.variable == base.name;
    if (!is_loop_variable && !iteration_local(graph_, base.name)) {
      const DefinedValue& value = defined(base.name, base.range);
      if (!value.index_plates.empty() && value.index_plates.size() <= expr.indices.size()) {
        bool same = true;
        for (std::size_t k = 0; k < value.index_plates.size(); ++k) {
          const PlateBinding* plate = loop_variable_of(expr.indices[k], context);
          same = same && plate && plate->dim == value.index_plates[k].dim;
        }
        if (same) {
          node = value.node;
          first_index = value.index_plates.size();
        }
      }
    }
  }
  if (!node.valid()) node = lower(base, context);

  int position = 0;
  for (std::size_t k = first_index; k < expr.indices.size(); ++k) {
    const lang::IndexArg& index = expr.indices[k];
    const tensor::DimId dim = tensor::event(position);
    const std::size_t size = node.shape().size_of(dim);
    if (!node.shape().has(dim)) throw LocatedError(index.range, "too many indices for this value");
    switch (index.kind) {
      case lang::IndexArg::Kind::All: ++position; break;
      case lang::IndexArg::Kind::Range: {
        std::int64_t low = index.first ? constant_int(*index.first, context) : 1;
        std::int64_t high = index.last ? constant_int(*index.last, context) : static_cast<std::int64_t>(size);
        std::size_t length = high >= low ? static_cast<std::size_t>(high - low + 1) : 0;
        if (length > 0 && (low < 1 || static_cast<std::size_t>(high) > size))
          throw LocatedError(index.range, "the range " + std::to_string(low) + ":" + std::to_string(high) +
                                              " is out of bounds for size " + std::to_string(size));
        node = ad::slice(node, dim, length > 0 ? static_cast<std::size_t>(low - 1) : 0, length);
        ++position;
        break;
      }
      case lang::IndexArg::Kind::Single: {
        const PlateBinding* plate = loop_variable_of(index, context);
        if (plate && !plate->sequential) {
          if (plate->size > 0 && (plate->first < 1 || plate->first - 1 + static_cast<std::int64_t>(plate->size) >
                                                          static_cast<std::int64_t>(size)))
            throw LocatedError(index.range, "'" + plate->variable + "' runs over " + std::to_string(plate->first) +
                                                ":" + std::to_string(plate->first + static_cast<std::int64_t>(plate->size) - 1) +
                                                " but the value has " + std::to_string(size) + " elements here");
          if (node.shape().has(plate->dim))
            throw LocatedError(index.range, "indexing twice by the same loop variable is not supported by the engine yet");
          if (plate->size != size) node = ad::slice(node, dim, static_cast<std::size_t>(plate->first - 1), plate->size);
          node = ad::rename_dim(node, dim, plate->dim);
          break;
        }
        const lang::Type& index_type = type_of(*index.first);
        if (!index_type.is_array()) {
          // A data-known int (or an unrolled iteration's: x[:, d], x[t - 1]): one index op,
          // checked here.
          std::optional<std::int64_t> known = iteration_int(*index.first, context, data_);
          if (known) {
            const std::int64_t value = *known;
            if (value < 1 || static_cast<std::size_t>(value) > size)
              throw LocatedError(index.range, "index " + std::to_string(value) + " is out of bounds for size " +
                                                  std::to_string(size));
            node = ad::index(node, dim, static_cast<std::size_t>(value - 1));
            break;
          }
        }
        ad::Node indices = ad::subtract(lower(*index.first, context), scalar(1.0));
        if (indices.requires_gradient()) throw LocatedError(index.range, "an index must not depend on parameters");
        if (index_type.is_array() && position > 0)
          throw LocatedError(index.range, "multi-indexing after the first index is not supported by the engine yet");
        if (index_type.is_array() && indices.shape().event_rank() > 0 && node.shape().event_rank() > 1) {
          node = gather_rows(node, indices);  // ab[county, 1]: the index array beside more dims
          position += static_cast<int>(index_type.array_sizes.size());
          break;
        }
        node = ad::gather(node, dim, indices);
        if (index_type.is_array()) position += static_cast<int>(index_type.array_sizes.size());
        break;
      }
    }
  }
  return node;
}

}  // namespace pm::compile
