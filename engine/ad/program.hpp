// A program of vectorized tensor ops, recorded once by the builder functions (builder.hpp)
// and then evaluated many times: forward() computes every node's value, backward() every
// gradient-carrying node's adjoint, over buffers laid out once in one arena.
//
// Life cycle:
//   Program program;
//   Node theta = program.parameter(Shape::vector(3));      // parameter slots first...
//   Node x = program.constant(shape, data);                 // ...constants (data) anywhere
//   Node target = sum(log_density(...));                    // ops through builder.hpp
//   program.finalize();                                     // lays out the arena (once)
//   for each evaluation:
//     copy theta into program.parameters(); program.forward(); program.backward(target);
//     read program.value(target) and program.gradient().
//
// The parameter slots occupy the front of the arena in creation order, so parameters() and
// gradient() are plain spans over the arena: no copying. Nothing is allocated by forward()
// or backward(): every op's output, adjoint and scratch space is placed by finalize().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <vector>

#include "engine/tensor/shape.hpp"

namespace pm::ad {

using tensor::DimId;
using tensor::DimSet;
using tensor::Shape;

class Program;

// 64-byte aligned storage for the arenas. Eigen's vectorized loops and reductions peel
// elements up to the first aligned address, so where malloc placed an arena would change
// the order of a sum, and with it the last bits of a result: two runs with the same seed in
// one process could differ. Every node's buffer starts at a multiple of 8 doubles from the
// arena's start (finalize), so every buffer is aligned alike.
template <class T>
struct CacheAlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t alignment{64};
  CacheAlignedAllocator() = default;
  template <class U>
  CacheAlignedAllocator(const CacheAlignedAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), alignment)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, alignment); }
  bool operator==(const CacheAlignedAllocator&) const { return true; }
};
using AlignedBuffer = std::vector<double, CacheAlignedAllocator<double>>;

// A handle to a node (a tensor value) of a program. Cheap to copy.
struct Node {
  Program* program = nullptr;
  std::uint32_t index = 0;

  // A copy: a reference into the program would dangle when the next node is added.
  Shape shape() const;
  bool requires_gradient() const;
  bool valid() const { return program != nullptr; }
};

// An op reads its input nodes and writes its output node(s). forward() overwrites its
// outputs; backward() ADDS the vector-Jacobian product of its outputs' adjoints to its
// inputs' adjoints (only those inputs that require a gradient). Ops receive stable pointers
// after finalize() through the Program accessors.
class Op {
 public:
  virtual ~Op() = default;
  virtual const char* name() const = 0;
  // record_for_gradient: backward() will follow; ops that can cheaply save partials do.
  virtual void forward(bool record_for_gradient) = 0;
  virtual void backward() = 0;
  // Whether backward() has anything to do (some input requires a gradient).
  bool needs_backward = true;
};

class Program {
 public:
  Program() = default;
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  // --- slots -----------------------------------------------------------------------------
  // A parameter slot: its adjoint is part of gradient(). Slots are laid out contiguously in
  // creation order; parameters() is their concatenation.
  Node parameter(const Shape& shape);
  // A constant slot (data): no adjoint. Values are copied into the arena; they may later be
  // overwritten through values(node) (e.g. a new minibatch of the same shape).
  Node constant(const Shape& shape, std::span<const double> values);
  Node constant(double value);

  // --- for op implementations -------------------------------------------------------------
  Node add_node(const Shape& shape, bool requires_gradient);
  // A node sharing `of`'s value buffer and, when it carries a gradient, an adjoint buffer
  // (a later version of a value updated in place: see ad::write_in_place). Never of a
  // parameter or a constant. A version may carry a gradient where earlier ones do not.
  Node alias(Node of, bool requires_gradient);
  bool is_alias(Node node) const { return nodes_[node.index].alias_of != kNoAlias; }
  // Scratch space of `size` doubles in the arena (no adjoint); returns its id.
  std::size_t add_scratch(std::size_t size);
  void add_op(std::unique_ptr<Op> op);

  // --- evaluation --------------------------------------------------------------------------
  // Lays out the arena. Called by the first forward() if not before; calling it again after
  // adding nodes re-lays the arena, keeping parameter and constant values.
  void finalize();
  std::size_t parameter_count() const { return parameter_size_; }
  std::span<double> parameters();
  std::span<const double> gradient() const;
  void forward(bool record_for_gradient = true);
  // Seeds the adjoint of `output` (which must hold one element) with 1 and runs every op's
  // backward pass in reverse order. Adjoints are zeroed first. The last forward() must have
  // been forward(true) (throws std::logic_error otherwise).
  void backward(Node output);
  // Convenience: set parameters, forward, backward; returns the value, writes the gradient.
  double value_and_gradient(std::span<const double> theta, std::span<double> gradient, Node output);
  double value_only(std::span<const double> theta, Node output);

  // --- access --------------------------------------------------------------------------------
  const Shape& shape(Node node) const { return nodes_[node.index].shape; }
  bool requires_gradient(Node node) const { return nodes_[node.index].requires_gradient; }
  std::span<double> values(Node node);
  std::span<const double> adjoints(Node node) const;
  double value(Node node) const;  // the node must hold one element
  double* value_data(std::uint32_t index) { return arena_.data() + nodes_[index].value_offset; }
  // Null for nodes without a gradient.
  double* adjoint_data(std::uint32_t index) {
    return nodes_[index].requires_gradient ? adjoint_arena_.data() + nodes_[index].adjoint_offset : nullptr;
  }
  double* scratch_data(std::size_t id) { return arena_.data() + scratch_[id].offset; }
  std::size_t node_count() const { return nodes_.size(); }
  std::size_t op_count() const { return ops_.size(); }
  std::size_t arena_bytes() const { return (arena_.size() + adjoint_arena_.size()) * sizeof(double); }

 private:
  struct NodeRecord {
    Shape shape;
    bool requires_gradient = false;
    bool is_parameter = false;
    std::vector<double> initial;  // constants until laid out
    std::size_t value_offset = 0;
    std::size_t adjoint_offset = 0;
    bool placed = false;
    std::uint32_t alias_of = kNoAlias;  // the node whose buffers this one shares
  };
  static constexpr std::uint32_t kNoAlias = 0xffffffffu;
  struct ScratchRecord {
    std::size_t size = 0;
    std::size_t offset = 0;
  };
  void ensure_finalized() {
    if (!finalized_) finalize();
  }

  std::vector<NodeRecord> nodes_;
  std::vector<ScratchRecord> scratch_;
  std::vector<std::unique_ptr<Op>> ops_;
  AlignedBuffer arena_;          // values of every node, then scratch
  AlignedBuffer adjoint_arena_;  // adjoints of gradient-carrying nodes
  std::size_t parameter_size_ = 0;
  bool finalized_ = false;
  bool forward_recorded_ = false;
};

}  // namespace pm::ad
