// Writing one slice of a value (sequential.hpp, "Slices"): what a left side such as x[:, d],
// y[i, t] or mu[2:N] writes, and the whole value with that slice replaced.
#include <algorithm>

#include "engine/compile/sequential.hpp"
#include "engine/io/data_set.hpp"

namespace pm::compile {
namespace {

// Spare plate numbers, far above any loop's, the enumeration's, the compiler's and the
// simulator's own (1 << 22 ...): the slice's dims while they are put in the variable's order.
constexpr int kParkedPlates = 1 << 23;
constexpr int kPositionPlates = (1 << 23) + 64;

}  // namespace

std::vector<WrittenDim> written_slice(Lowerer& lowerer, const lang::Expr& lhs, const std::string& name,
                                      const std::vector<std::size_t>& dims, const LoopContext& context) {
  const io::DataSet& data = lowerer.data();
  std::vector<WrittenDim> positions(dims.size());
  for (std::size_t k = 0; k < dims.size(); ++k) positions[k] = {WrittenDim::Kind::span, 0, dims[k], {}};
  if (lhs.kind == lang::ExprKind::Name) return positions;
  if (lhs.indices.size() > dims.size()) throw LocatedError(lhs.range, "too many indices for '" + name + "'");
  for (std::size_t k = 0; k < lhs.indices.size(); ++k) {
    const lang::IndexArg& index = lhs.indices[k];
    const std::int64_t size = static_cast<std::int64_t>(dims[k]);
    switch (index.kind) {
      case lang::IndexArg::Kind::All: break;
      case lang::IndexArg::Kind::Range: {
        const std::int64_t low = index.first ? lowerer.constant_int(*index.first, context) : 1;
        const std::int64_t high = index.last ? lowerer.constant_int(*index.last, context) : size;
        const std::int64_t length = std::max<std::int64_t>(0, high - low + 1);
        if (length > 0 && (low < 1 || high > size))
          throw LocatedError(index.range, "the range " + std::to_string(low) + ":" + std::to_string(high) +
                                              " is out of bounds for size " + std::to_string(size));
        positions[k] = {WrittenDim::Kind::span, static_cast<std::size_t>(length > 0 ? low - 1 : 0),
                        static_cast<std::size_t>(length), {}};
        break;
      }
      case lang::IndexArg::Kind::Single: {
        const PlateBinding* plate = nullptr;
        if (index.first->kind == lang::ExprKind::Name)
          for (const PlateBinding& binding : context)
            if (binding.variable == index.first->name && !binding.sequential) plate = &binding;
        if (plate) {
          const std::int64_t last = plate->first + static_cast<std::int64_t>(plate->size) - 1;
          if (plate->size > 0 && (plate->first < 1 || last > size))
            throw LocatedError(index.range, "'" + plate->variable + "' runs over " + std::to_string(plate->first) + ":" +
                                                std::to_string(last) + " but '" + name + "' has " +
                                                std::to_string(size) + " elements here");
          positions[k] = {WrittenDim::Kind::plate, static_cast<std::size_t>(std::max<std::int64_t>(plate->first - 1, 0)),
                          plate->size, plate->dim};
          break;
        }
        std::optional<std::int64_t> value = iteration_int(*index.first, context, data);
        if (!value)
          throw LocatedError(index.range, "writing '" + name + "' in slices needs it indexed by `:`, ranges, known ints "
                                          "or loop variables");
        if (*value < 1 || *value > size)
          throw LocatedError(index.range, "index " + std::to_string(*value) + " is out of bounds for size " +
                                              std::to_string(size));
        positions[k] = {WrittenDim::Kind::fixed, static_cast<std::size_t>(*value - 1), 1, {}};
        break;
      }
    }
  }
  return positions;
}

namespace {

// Zeros shaped like x but with `size` elements along `dim`.
ad::Node zeros_beside(Lowerer& lowerer, ad::Node x, tensor::DimId dim, std::size_t size) {
  std::vector<tensor::Dim> dims = x.shape().dims();
  for (tensor::Dim& each : dims)
    if (each.id == dim) each.size = size;
  tensor::Shape shape(dims);
  return lowerer.constant(shape, std::vector<double>(shape.element_count(), 0.0));
}

// The drawn slice (spans as its event dims in order, plates as theirs) laid out as the whole
// variable: zeros outside the written elements.
ad::Node embed(Lowerer& lowerer, ad::Node piece, const std::vector<WrittenDim>& positions, const std::vector<std::size_t>& dims) {
  // Park the spans' event dims (event 0 each time: event dims are positional), give every
  // position a spare plate (a size-1 one for a dropped dim), then make them events in order.
  int spans = 0;
  for (const WrittenDim& position : positions)
    if (position.kind == WrittenDim::Kind::span)
      piece = ad::rename_dim(piece, tensor::event(0), tensor::plate(kParkedPlates + spans++));
  for (std::size_t k = 0, span = 0; k < positions.size(); ++k) {
    const tensor::DimId target = tensor::plate(kPositionPlates + static_cast<int>(k));
    switch (positions[k].kind) {
      case WrittenDim::Kind::span:
        piece = ad::rename_dim(piece, tensor::plate(kParkedPlates + static_cast<int>(span++)), target);
        break;
      case WrittenDim::Kind::plate: piece = ad::rename_dim(piece, positions[k].plate, target); break;
      case WrittenDim::Kind::fixed:
        piece = ad::add(piece, lowerer.constant(tensor::Shape({tensor::Dim{target, 1}}), {0.0}));
        break;
    }
  }
  for (std::size_t k = 0; k < positions.size(); ++k)
    piece = ad::rename_dim(piece, tensor::plate(kPositionPlates + static_cast<int>(k)), tensor::event(static_cast<int>(k)));
  for (std::size_t k = 0; k < positions.size(); ++k) {
    const tensor::DimId dim = tensor::event(static_cast<int>(k));
    const std::size_t before = positions[k].offset, after = dims[k] - positions[k].offset - positions[k].length;
    if (before > 0) piece = ad::concatenate(zeros_beside(lowerer, piece, dim, before), piece, dim);
    if (after > 0) piece = ad::concatenate(piece, zeros_beside(lowerer, piece, dim, after), dim);
  }
  return piece;
}

// 1 where the variable keeps its value, 0 where the slice is written.
std::vector<double> keep_mask(const std::vector<WrittenDim>& positions, const std::vector<std::size_t>& dims) {
  std::size_t total = 1;
  for (std::size_t size : dims) total *= size;
  std::vector<double> mask(total, 1.0);
  for (std::size_t flat = 0; flat < total; ++flat) {
    std::vector<std::size_t> at = io::indices_of(dims, flat);
    bool written = true;
    for (std::size_t k = 0; k < dims.size(); ++k)
      written = written && at[k] >= positions[k].offset && at[k] < positions[k].offset + positions[k].length;
    if (written) mask[flat] = 0.0;
  }
  return mask;
}


}  // namespace

tensor::Shape slice_shape(const std::vector<WrittenDim>& positions) {
  std::vector<tensor::Dim> elements;
  int span = 0;
  for (const WrittenDim& position : positions) {
    if (position.kind == WrittenDim::Kind::span) elements.push_back({tensor::event(span++), position.length});
    if (position.kind == WrittenDim::Kind::plate) elements.push_back({position.plate, position.length});
  }
  return tensor::Shape(elements);
}

bool slice_is_empty(const std::vector<WrittenDim>& positions) {
  for (const WrittenDim& position : positions)
    if (position.length == 0) return true;
  return false;
}

ad::Node write_slice(Lowerer& lowerer, ad::Node whole, ad::Node piece, const std::vector<WrittenDim>& positions,
                     const std::vector<std::size_t>& dims) {
  ad::Node mask = lowerer.constant(whole.shape(), keep_mask(positions, dims));
  return ad::add(ad::multiply(whole, mask), embed(lowerer, piece, positions, dims));
}

std::vector<std::size_t> slice_offsets(const tensor::Shape& piece, const std::vector<WrittenDim>& slice,
                                       const tensor::Shape& whole) {
  // Per written dim k: the piece's dim that runs along it (none for a fixed index) and whole's stride.
  std::vector<int> piece_position(slice.size(), -1);
  std::vector<std::size_t> whole_stride(slice.size());
  int span = 0;
  for (std::size_t k = 0; k < slice.size(); ++k) {
    whole_stride[k] = whole.stride(whole.position(tensor::event(static_cast<int>(k))));
    if (slice[k].kind == WrittenDim::Kind::span) piece_position[k] = piece.position(tensor::event(span++));
    if (slice[k].kind == WrittenDim::Kind::plate) piece_position[k] = piece.position(slice[k].plate);
  }
  std::vector<std::size_t> offsets(piece.element_count());
  for (std::size_t element = 0; element < offsets.size(); ++element) {
    std::size_t offset = 0;
    for (std::size_t k = 0; k < slice.size(); ++k) {
      std::size_t coordinate = slice[k].offset;
      if (piece_position[k] >= 0) {
        const int i = piece_position[k];
        coordinate += element / piece.stride(i) % piece.dim(i).size;
      }
      offset += coordinate * whole_stride[k];
    }
    offsets[element] = offset;
  }
  return offsets;
}

}  // namespace pm::compile
