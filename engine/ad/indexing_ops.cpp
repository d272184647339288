// Indexing: a single index along a dim, a slice, a gather by an int tensor (scatter-add in
// the backward pass), renaming a dim, and reshaping the event dims. Index and slice copy contiguous blocks: in the
// canonical layout, fixing a range of dim d leaves, for every combination of the dims after
// d, one contiguous block of (range length) * (stride of d) elements.
#include <cmath>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"

namespace pm::ad {

using namespace detail;

namespace detail {

// y[y_start + o * y_outer + i] = x[x_start + o * x_outer + i] for i < block, o < outer;
// backward adds the other way. Shared by index, slice and concatenate.
struct BlockCopy {
  std::size_t outer = 0, block = 0, x_start = 0, x_outer = 0, y_start = 0, y_outer = 0;
};

void record_block_copy(Program& program, const char* name, Node x, Node y, BlockCopy copy) {
  Program* p = &program;
  const std::uint32_t ix = x.index, iy = y.index;
  record_callback(
      program, name,
      [=](bool) {
        const double* from = p->value_data(ix) + copy.x_start;
        double* to = p->value_data(iy) + copy.y_start;
        for (std::size_t o = 0; o < copy.outer; ++o)
          std::copy_n(from + o * copy.x_outer, copy.block, to + o * copy.y_outer);
      },
      [=]() {
        double* to = p->adjoint_data(ix) + copy.x_start;
        const double* from = p->adjoint_data(iy) + copy.y_start;
        for (std::size_t o = 0; o < copy.outer; ++o)
          ArrayMap(to + o * copy.x_outer, as_index(copy.block)) += ConstArrayMap(from + o * copy.y_outer, as_index(copy.block));
      },
      x.requires_gradient());
}

}  // namespace detail

namespace {

struct DimLayout {
  std::size_t stride, size, outer;  // stride of the dim, its size, product of later sizes
};

DimLayout layout_of(const Shape& shape, DimId dim, const char* op) {
  int position = shape.position(dim);
  if (position < 0)
    throw std::invalid_argument(fmt::format("{}: {} has no dim {}", op, shape.to_string(), tensor::to_string(dim)));
  std::size_t outer = 1;
  for (int i = position + 1; i < shape.rank(); ++i) outer *= shape.dim(i).size;
  return {shape.stride(position), shape.dim(position).size, outer};
}

}  // namespace

Node index(Node x, DimId dim, std::size_t i) {
  DimLayout layout = layout_of(x.shape(), dim, "index");
  if (i >= layout.size)
    throw std::invalid_argument(fmt::format("index: {} is out of range for size {}", i, layout.size));
  Node y = x.program->add_node(tensor::remove_dims(x.shape(), {dim}), x.requires_gradient());
  record_block_copy(*x.program, "index", x, y,
                    {layout.outer, layout.stride, i * layout.stride, layout.size * layout.stride, 0, layout.stride});
  return y;
}

Node slice(Node x, DimId dim, std::size_t start, std::size_t length) {
  DimLayout layout = layout_of(x.shape(), dim, "slice");
  if (start + length > layout.size)
    throw std::invalid_argument(fmt::format("slice: [{}, {}) is out of range for size {}", start, start + length, layout.size));
  std::vector<tensor::Dim> dims = x.shape().dims();
  dims[static_cast<std::size_t>(x.shape().position(dim))].size = length;
  Node y = x.program->add_node(Shape(dims), x.requires_gradient());
  record_block_copy(*x.program, "slice", x, y,
                    {layout.outer, length * layout.stride, start * layout.stride, layout.size * layout.stride, 0,
                     length * layout.stride});
  return y;
}

Node concatenate(Node a, Node b, DimId dim) {
  Program& program = same_program(a, b);
  DimLayout la = layout_of(a.shape(), dim, "concatenate"), lb = layout_of(b.shape(), dim, "concatenate");
  std::vector<tensor::Dim> dims = a.shape().dims();
  dims[static_cast<std::size_t>(a.shape().position(dim))].size = la.size + lb.size;
  Shape shape(dims);
  std::vector<tensor::Dim> b_dims = b.shape().dims();
  b_dims[static_cast<std::size_t>(b.shape().position(dim))].size = la.size + lb.size;
  if (Shape(b_dims) != shape)
    throw std::invalid_argument("concatenate: " + a.shape().to_string() + " and " + b.shape().to_string());
  Node y = program.add_node(shape, a.requires_gradient() || b.requires_gradient());
  const std::size_t y_outer = (la.size + lb.size) * la.stride;
  if (la.size > 0) record_block_copy(program, "concatenate", a, y, {la.outer, la.size * la.stride, 0, la.size * la.stride, 0, y_outer});
  if (lb.size > 0)
    record_block_copy(program, "concatenate", b, y,
                      {lb.outer, lb.size * lb.stride, 0, lb.size * lb.stride, la.size * la.stride, y_outer});
  return y;
}

// Strides of x along the dims of `output`, where output's dims are x's with `from` replaced:
// either removed (gather; `to` absent) or renamed to `to`.
static std::vector<std::size_t> source_strides(const Shape& x, DimId from, const Shape& output, const DimId* to) {
  std::vector<std::size_t> strides(static_cast<std::size_t>(output.rank()), 0);
  for (int i = 0; i < output.rank(); ++i) {
    DimId id = output.dim(i).id;
    DimId source = id;
    if (to != nullptr && id == *to) {
      source = from;
    } else if (from.kind == tensor::DimKind::event && id.kind == tensor::DimKind::event && id.number >= from.number &&
               !(to != nullptr && to->kind == tensor::DimKind::event)) {
      source.number = id.number + 1;  // event dims after the removed one were renumbered
    }
    int position = x.position(source);
    if (position >= 0) strides[static_cast<std::size_t>(i)] = x.stride(position);
  }
  return strides;
}

Node gather(Node x, DimId dim, Node indices) {
  Program& program = same_program(x, indices);
  DimLayout layout = layout_of(x.shape(), dim, "gather");
  Shape rest = tensor::remove_dims(x.shape(), {dim});
  if (rest.event_rank() > 0 && indices.shape().event_rank() > 0)
    throw std::invalid_argument("gather: an index with event dims into " + x.shape().to_string() + " is ambiguous");
  Shape shape = tensor::broadcast(rest, indices.shape());
  Node y = program.add_node(shape, x.requires_gradient());
  std::vector<std::size_t> sizes;
  for (const tensor::Dim& d : shape.dims()) sizes.push_back(d.size);
  tensor::LoopPlan plan(sizes, {source_strides(x.shape(), dim, shape, nullptr), indices.shape().strides_along(shape),
                                std::vector<std::size_t>(shape.strides_along(shape))});
  Program* p = &program;
  const std::uint32_t ix = x.index, ii = indices.index, iy = y.index;
  const std::size_t size = layout.size, stride = layout.stride;
  auto valid = [size](double index) { return index >= 0 && index < static_cast<double>(size) && index == std::floor(index); };
  record_callback(
      program, "gather",
      [=](bool) {
        const double *from = p->value_data(ix), *index = p->value_data(ii);
        double* to = p->value_data(iy);
        plan.for_each_run([&](const std::size_t* offset, std::size_t length) {
          for (std::size_t j = 0; j < length; ++j) {
            double k = index[offset[1] + j * plan.inner_stride(1)];
            to[offset[2] + j] = valid(k) ? from[offset[0] + j * plan.inner_stride(0) + static_cast<std::size_t>(k) * stride]
                                         : std::numeric_limits<double>::quiet_NaN();
          }
        });
      },
      [=]() {  // scatter-add
        const double *g = p->adjoint_data(iy), *index = p->value_data(ii);
        double* x_adjoint = p->adjoint_data(ix);
        plan.for_each_run([&](const std::size_t* offset, std::size_t length) {
          for (std::size_t j = 0; j < length; ++j) {
            double k = index[offset[1] + j * plan.inner_stride(1)];
            if (valid(k)) x_adjoint[offset[0] + j * plan.inner_stride(0) + static_cast<std::size_t>(k) * stride] += g[offset[2] + j];
          }
        });
      },
      x.requires_gradient());
  return y;
}

Node rename_dim(Node x, DimId from, DimId to) {
  const Shape shape = x.shape();
  if (!shape.has(from))
    throw std::invalid_argument(fmt::format("rename_dim: {} has no dim {}", shape.to_string(), tensor::to_string(from)));
  std::vector<tensor::Dim> dims;
  for (tensor::Dim d : shape.dims()) {
    if (d.id == from) {
      d.id = to;
    } else if (from.kind == tensor::DimKind::event && to.kind != tensor::DimKind::event &&
               d.id.kind == tensor::DimKind::event && d.id.number > from.number) {
      --d.id.number;
    }
    dims.push_back(d);
  }
  Shape renamed(dims);
  Program& program = *x.program;
  Node y = program.add_node(renamed, x.requires_gradient());
  std::vector<std::size_t> sizes;
  for (const tensor::Dim& d : renamed.dims()) sizes.push_back(d.size);
  tensor::LoopPlan plan(sizes, {source_strides(shape, from, renamed, &to), renamed.strides_along(renamed)});
  Program* p = &program;
  const std::uint32_t ix = x.index, iy = y.index;
  record_callback(
      program, "rename_dim",
      [=](bool) {
        const double* from_values = p->value_data(ix);
        double* to_values = p->value_data(iy);
        plan.for_each_run([&](const std::size_t* offset, std::size_t length) {
          for (std::size_t j = 0; j < length; ++j) to_values[offset[1] + j] = from_values[offset[0] + j * plan.inner_stride(0)];
        });
      },
      [=]() {
        const double* g = p->adjoint_data(iy);
        double* x_adjoint = p->adjoint_data(ix);
        plan.for_each_run([&](const std::size_t* offset, std::size_t length) {
          for (std::size_t j = 0; j < length; ++j) x_adjoint[offset[0] + j * plan.inner_stride(0)] += g[offset[1] + j];
        });
      },
      x.requires_gradient());
  return y;
}

Node reshape(Node x, const std::vector<std::size_t>& event_sizes) {
  const Shape shape = x.shape();
  std::size_t before = 1, after = 1;
  std::vector<tensor::Dim> dims;
  for (std::size_t k = 0; k < event_sizes.size(); ++k) {
    dims.push_back({tensor::event(static_cast<int>(k)), event_sizes[k]});
    after *= event_sizes[k];
  }
  for (const tensor::Dim& d : shape.dims()) {
    if (d.id.kind == tensor::DimKind::event)
      before *= d.size;
    else
      dims.push_back(d);
  }
  if (before != after)
    throw std::invalid_argument(fmt::format("reshape: {} has {} elements per event, not {}", shape.to_string(), before, after));
  // The event dims come first in the canonical order: the same buffer, read in the same order.
  Node y = x.program->add_node(Shape(dims), x.requires_gradient());
  const std::size_t total = shape.element_count();
  record_block_copy(*x.program, "reshape", x, y, {1, total, 0, total, 0, total});
  return y;
}

Node in_place_start(Program& program, const Shape& shape) {
  Node start = program.add_node(shape, false);
  const std::uint32_t index = start.index;
  const std::size_t count = shape.element_count();
  Program* p = &program;
  record_callback(
      program, "in_place_start", [=](bool) { std::fill_n(p->value_data(index), count, 0.0); }, [] {}, false);
  return start;
}

Node write_in_place(Node whole, Node piece, std::vector<std::size_t> targets) {
  Program& program = same_program(whole, piece);
  const std::size_t count = piece.shape().element_count();
  if (targets.size() != count)
    throw std::invalid_argument(fmt::format("write_in_place: {} targets for {} values", targets.size(), count));
  const std::size_t size = whole.shape().element_count();
  for (std::size_t target : targets)
    if (target >= size) throw std::invalid_argument(fmt::format("write_in_place: offset {} of {}", target, size));
  // A version carries a gradient from the first piece that does (an int index built from
  // data-only pieces stays free of parameters).
  Node version = program.alias(whole, whole.requires_gradient() || piece.requires_gradient());
  auto offsets = std::make_shared<const std::vector<std::size_t>>(std::move(targets));
  Program* p = &program;
  const std::uint32_t buffer = version.index, source = piece.index;
  record_callback(
      program, "write_in_place",
      [=](bool) {
        double* to = p->value_data(buffer);
        const double* from = p->value_data(source);
        for (std::size_t i = 0; i < count; ++i) to[(*offsets)[i]] = from[i];
      },
      [=]() {
        // The shared adjoint holds, at these elements, what every reader of this version or a
        // later one added: the functional update's adjoint of the written slice.
        const double* g = p->adjoint_data(buffer);
        double* into = p->adjoint_data(source);
        for (std::size_t i = 0; i < count; ++i) into[i] += g[(*offsets)[i]];
      },
      piece.requires_gradient());
  return version;
}

}  // namespace pm::ad
