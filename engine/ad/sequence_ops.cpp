// Ops along one dim that keep it: cumulative_sum, log_softmax (and softmax from it), sort.
// Along dim d (stride s, size n), the tensor is `outer` groups of n contiguous sub-blocks of
// s elements; each pass walks sub-blocks as Eigen segments of length s.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include "engine/ad/builder.hpp"
#include "engine/ad/op_support.hpp"

namespace pm::ad {

using namespace detail;

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

struct AlongDim {
  Index stride, size, outer;
};

AlongDim along(const Shape& shape, DimId dim, const char* op) {
  int position = shape.position(dim);
  if (position < 0)
    throw std::invalid_argument(fmt::format("{}: {} has no dim {}", op, shape.to_string(), tensor::to_string(dim)));
  std::size_t outer = 1;
  for (int i = position + 1; i < shape.rank(); ++i) outer *= shape.dim(i).size;
  return {as_index(shape.stride(position)), as_index(shape.dim(position).size), as_index(outer)};
}

}  // namespace

Node cumulative_sum(Node x, DimId dim) {
  AlongDim a = along(x.shape(), dim, "cumulative_sum");
  Program& program = *x.program;
  Node y = program.add_node(x.shape(), x.requires_gradient());
  const std::size_t running = program.add_scratch(static_cast<std::size_t>(a.stride));
  Program* p = &program;
  const std::uint32_t ix = x.index, iy = y.index;
  record_callback(
      program, "cumulative_sum",
      [=](bool) {
        const double* from = p->value_data(ix);
        double* to = p->value_data(iy);
        for (Index o = 0; o < a.outer; ++o) {
          Index base = o * a.size * a.stride;
          for (Index k = 0; k < a.size; ++k) {
            ArrayMap current(to + base + k * a.stride, a.stride);
            current = ConstArrayMap(from + base + k * a.stride, a.stride);
            if (k > 0) current += ConstArrayMap(to + base + (k - 1) * a.stride, a.stride);
          }
        }
      },
      [=]() {
        // x_k feeds y_k, y_{k+1}, ...: its adjoint is the reverse running sum of g.
        const double* g = p->adjoint_data(iy);
        double* x_adjoint = p->adjoint_data(ix);
        ArrayMap total(p->scratch_data(running), a.stride);
        for (Index o = 0; o < a.outer; ++o) {
          Index base = o * a.size * a.stride;
          total.setZero();
          for (Index k = a.size - 1; k >= 0; --k) {
            total += ConstArrayMap(g + base + k * a.stride, a.stride);
            ArrayMap(x_adjoint + base + k * a.stride, a.stride) += total;
          }
        }
      },
      x.requires_gradient());
  return y;
}

Node log_softmax(Node x, DimId dim) {
  AlongDim a = along(x.shape(), dim, "log_softmax");
  Program& program = *x.program;
  Node y = program.add_node(x.shape(), x.requires_gradient());
  const std::size_t work = program.add_scratch(static_cast<std::size_t>(a.stride * a.outer));
  Program* p = &program;
  const std::uint32_t ix = x.index, iy = y.index;
  record_callback(
      program, "log_softmax",
      [=](bool) {
        // y = x - log_sum_exp(x along dim), shifted by the max when finite (an all -inf
        // slice gives -inf - -inf = NaN: no distribution over nothing).
        const double* from = p->value_data(ix);
        double* to = p->value_data(iy);
        for (Index o = 0; o < a.outer; ++o) {
          Index base = o * a.size * a.stride;
          ArrayMap shift(p->scratch_data(work) + o * a.stride, a.stride);
          shift.setConstant(-infinity);
          for (Index k = 0; k < a.size; ++k) shift = shift.max(ConstArrayMap(from + base + k * a.stride, a.stride));
          shift = shift.isFinite().select(shift, 0.0);
          ArrayMap total(to + base, a.stride);  // first sub-block of y as the accumulator
          for (Index k = 0; k < a.size; ++k) {
            auto term = (ConstArrayMap(from + base + k * a.stride, a.stride) - shift).exp();
            if (k == 0) total = term; else total += term;
          }
          shift += total.log();  // now log_sum_exp
          for (Index k = 0; k < a.size; ++k)
            ArrayMap(to + base + k * a.stride, a.stride) = ConstArrayMap(from + base + k * a.stride, a.stride) - shift;
        }
      },
      [=]() {
        // d y_k / d x_m = [k = m] - softmax_m: x_adjoint = g - exp(y) * sum_k g_k.
        const double *g = p->adjoint_data(iy), *values = p->value_data(iy);
        double* x_adjoint = p->adjoint_data(ix);
        for (Index o = 0; o < a.outer; ++o) {
          Index base = o * a.size * a.stride;
          ArrayMap total(p->scratch_data(work) + o * a.stride, a.stride);
          total.setZero();
          for (Index k = 0; k < a.size; ++k) total += ConstArrayMap(g + base + k * a.stride, a.stride);
          for (Index k = 0; k < a.size; ++k) {
            Index at = base + k * a.stride;
            ArrayMap(x_adjoint + at, a.stride) +=
                ConstArrayMap(g + at, a.stride) - ConstArrayMap(values + at, a.stride).exp() * total;
          }
        }
      },
      x.requires_gradient());
  return y;
}

Node softmax(Node x, DimId dim) { return exp(log_softmax(x, dim)); }

Node sort(Node x, DimId dim, bool descending) {
  AlongDim a = along(x.shape(), dim, "sort");
  Program& program = *x.program;
  Node y = program.add_node(x.shape(), x.requires_gradient());
  // The source position of each output element, kept for the backward pass (exact as doubles).
  const std::size_t source = program.add_scratch(x.shape().element_count());
  auto order = std::make_shared<std::vector<Index>>(static_cast<std::size_t>(a.size));
  Program* p = &program;
  const std::uint32_t ix = x.index, iy = y.index;
  record_callback(
      program, "sort",
      [=](bool) {
        const double* from = p->value_data(ix);
        double* to = p->value_data(iy);
        double* positions = p->scratch_data(source);
        for (Index o = 0; o < a.outer; ++o)
          for (Index s = 0; s < a.stride; ++s) {
            const Index base = o * a.size * a.stride + s;
            auto at = [&](Index k) { return from[base + k * a.stride]; };
            std::iota(order->begin(), order->end(), Index{0});
            // A strict weak order with NaN after every number, in either direction.
            std::stable_sort(order->begin(), order->end(), [&](Index i, Index j) {
              const double u = at(i), v = at(j);
              if (std::isnan(u) || std::isnan(v)) return !std::isnan(u) && std::isnan(v);
              return descending ? u > v : u < v;
            });
            for (Index k = 0; k < a.size; ++k) {
              const Index from_index = base + (*order)[static_cast<std::size_t>(k)] * a.stride;
              to[base + k * a.stride] = from[from_index];
              positions[base + k * a.stride] = static_cast<double>(from_index);
            }
          }
      },
      [=]() {
        const double* g = p->adjoint_data(iy);
        const double* positions = p->scratch_data(source);
        double* x_adjoint = p->adjoint_data(ix);
        const Index total = a.outer * a.size * a.stride;
        for (Index k = 0; k < total; ++k) x_adjoint[static_cast<Index>(positions[k])] += g[k];
      },
      x.requires_gradient());
  return y;
}

}  // namespace pm::ad
