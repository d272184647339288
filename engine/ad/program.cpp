#include "engine/ad/program.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace pm::ad {

Shape Node::shape() const { return program->shape(*this); }
bool Node::requires_gradient() const { return program->requires_gradient(*this); }

Node Program::parameter(const Shape& shape) {
  if (std::any_of(nodes_.begin(), nodes_.end(), [](const NodeRecord& n) { return !n.is_parameter; }))
    throw std::logic_error("Program::parameter: create every parameter slot before any other node");
  Node node = add_node(shape, true);
  nodes_.back().is_parameter = true;
  parameter_size_ += shape.element_count();
  return node;
}

Node Program::constant(const Shape& shape, std::span<const double> values) {
  if (values.size() != shape.element_count())
    throw std::invalid_argument(fmt::format("Program::constant: {} values for shape {}", values.size(),
                                            shape.to_string()));
  Node node = add_node(shape, false);
  nodes_.back().initial.assign(values.begin(), values.end());
  return node;
}

Node Program::constant(double value) { return constant(Shape::scalar(), std::span<const double>(&value, 1)); }

Node Program::add_node(const Shape& shape, bool requires_gradient) {
  NodeRecord record;
  record.shape = shape;
  record.requires_gradient = requires_gradient;
  nodes_.push_back(std::move(record));
  finalized_ = false;
  return Node{this, static_cast<std::uint32_t>(nodes_.size() - 1)};
}

Node Program::alias(Node of, bool requires_gradient) {
  const NodeRecord& target = nodes_[of.index];
  if (target.is_parameter || !target.initial.empty())
    throw std::logic_error("Program::alias: a parameter or a constant cannot be updated in place");
  const std::uint32_t root = target.alias_of != kNoAlias ? target.alias_of : of.index;
  Node node = add_node(target.shape, requires_gradient);
  nodes_.back().alias_of = root;
  return node;
}

std::size_t Program::add_scratch(std::size_t size) {
  scratch_.push_back(ScratchRecord{size, 0});
  finalized_ = false;
  return scratch_.size() - 1;
}

void Program::add_op(std::unique_ptr<Op> op) {
  ops_.push_back(std::move(op));
  finalized_ = false;
}

void Program::finalize() {
  // Keep the values already in the arena (parameters set, constants overwritten).
  for (NodeRecord& node : nodes_) {
    if (node.placed && !node.requires_gradient && node.alias_of == kNoAlias) {
      auto begin = arena_.begin() + static_cast<std::ptrdiff_t>(node.value_offset);
      node.initial.assign(begin, begin + static_cast<std::ptrdiff_t>(node.shape.element_count()));
    }
  }
  std::vector<double> old_parameters(arena_.begin(),
                                     arena_.begin() + static_cast<std::ptrdiff_t>(std::min(arena_.size(), parameter_size_)));
  // Each buffer (after the packed parameters) is rounded up to 8 doubles (64 bytes) so that
  // every buffer keeps the arena's alignment and no two buffers share a cache line's tail.
  auto round_up = [](std::size_t n) { return (n + 7) / 8 * 8; };
  // Parameter slots come first, packed, so that parameters() and gradient() are contiguous.
  std::size_t value_size = 0, adjoint_size = 0;
  for (NodeRecord& node : nodes_) {
    if (!node.is_parameter) continue;
    node.value_offset = node.adjoint_offset = value_size;
    value_size += node.shape.element_count();
  }
  value_size = adjoint_size = round_up(value_size);
  // A buffer updated in place needs an adjoint when any of its versions carries a gradient.
  std::vector<bool> aliased_with_gradient(nodes_.size(), false);
  for (const NodeRecord& node : nodes_)
    if (node.alias_of != kNoAlias && node.requires_gradient) aliased_with_gradient[node.alias_of] = true;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    NodeRecord& node = nodes_[i];
    if (node.is_parameter || node.alias_of != kNoAlias) continue;
    std::size_t count = round_up(node.shape.element_count());
    node.value_offset = value_size;
    value_size += count;
    if (node.requires_gradient || aliased_with_gradient[i]) {
      node.adjoint_offset = adjoint_size;
      adjoint_size += count;
    }
  }
  for (NodeRecord& node : nodes_)
    if (node.alias_of != kNoAlias) {
      node.value_offset = nodes_[node.alias_of].value_offset;
      node.adjoint_offset = nodes_[node.alias_of].adjoint_offset;
    }
  for (ScratchRecord& s : scratch_) {
    s.offset = value_size;
    value_size += round_up(s.size);
  }
  arena_.assign(value_size, 0.0);
  adjoint_arena_.assign(adjoint_size, 0.0);
  std::copy(old_parameters.begin(), old_parameters.end(), arena_.begin());
  for (NodeRecord& node : nodes_) {
    if (!node.initial.empty()) {
      std::copy(node.initial.begin(), node.initial.end(), arena_.begin() + static_cast<std::ptrdiff_t>(node.value_offset));
      std::vector<double>().swap(node.initial);
    }
    node.placed = true;
  }
  finalized_ = true;
}

std::span<double> Program::parameters() {
  ensure_finalized();
  return {arena_.data(), parameter_size_};
}

std::span<const double> Program::gradient() const { return {adjoint_arena_.data(), parameter_size_}; }

void Program::forward(bool record_for_gradient) {
  ensure_finalized();
  for (auto& op : ops_) op->forward(record_for_gradient);
  forward_recorded_ = record_for_gradient;
}

void Program::backward(Node output) {
  ensure_finalized();
  if (shape(output).element_count() != 1)
    throw std::invalid_argument("Program::backward: the output must hold one element, not " +
                                shape(output).to_string());
  // Some ops (the factor op) keep partials from forward(true); forward(false) skips them.
  if (!forward_recorded_) throw std::logic_error("Program::backward: needs forward(true) first");
  std::fill(adjoint_arena_.begin(), adjoint_arena_.end(), 0.0);
  if (!requires_gradient(output)) return;
  *adjoint_data(output.index) = 1.0;
  for (auto op = ops_.rbegin(); op != ops_.rend(); ++op)
    if ((*op)->needs_backward) (*op)->backward();
}

double Program::value_and_gradient(std::span<const double> theta, std::span<double> gradient_out, Node output) {
  std::span<double> slots = parameters();
  if (theta.size() != slots.size() || gradient_out.size() != slots.size())
    throw std::invalid_argument(fmt::format("Program::value_and_gradient: {} parameters, {} values, {} gradient slots",
                                            slots.size(), theta.size(), gradient_out.size()));
  std::copy(theta.begin(), theta.end(), slots.begin());
  forward(true);
  backward(output);
  std::span<const double> g = gradient();
  std::copy(g.begin(), g.end(), gradient_out.begin());
  return value(output);
}

double Program::value_only(std::span<const double> theta, Node output) {
  std::span<double> slots = parameters();
  if (theta.size() != slots.size())
    throw std::invalid_argument(fmt::format("Program::value_only: {} parameters, {} values", slots.size(), theta.size()));
  std::copy(theta.begin(), theta.end(), slots.begin());
  forward(false);
  return value(output);
}

std::span<double> Program::values(Node node) {
  ensure_finalized();
  return {value_data(node.index), shape(node).element_count()};
}

std::span<const double> Program::adjoints(Node node) const {
  const NodeRecord& record = nodes_[node.index];
  if (!record.requires_gradient) return {};
  return {adjoint_arena_.data() + record.adjoint_offset, record.shape.element_count()};
}

double Program::value(Node node) const {
  const NodeRecord& record = nodes_[node.index];
  if (record.shape.element_count() != 1)
    throw std::invalid_argument("Program::value: node has shape " + record.shape.to_string());
  return arena_[record.value_offset];
}

}  // namespace pm::ad
