// The pieces the function tables share (functions.cpp, functions_math.cpp): a call being
// lowered, the type of one table entry, and helpers on plate and event dims.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/compile/lowering.hpp"

namespace pm::compile::functions {

using Args = std::vector<ad::Node>;
struct Call {
  Lowerer& lowerer;
  const lang::Expr& expr;
  const Args& args;
  const LoopContext& context;
};
using Lowering = std::function<ad::Node(const Call&)>;
using Table = std::map<std::string, Lowering, std::less<>>;

inline tensor::DimSet event_dims(const tensor::Shape& shape) {
  tensor::DimSet dims;
  for (const tensor::Dim& dim : shape.dims())
    if (dim.id.kind == tensor::DimKind::event) dims.push_back(dim.id);
  return dims;
}

inline bool has_plate_dims(const tensor::Shape& shape) { return event_dims(shape).size() != shape.dims().size(); }

inline ad::Node no_plates(const Call& call, ad::Node x) {
  if (has_plate_dims(x.shape()))
    throw LocatedError(call.expr.range, "'" + call.expr.name + "' inside a plate is not supported by the engine yet");
  return x;
}

// The functions of functions_math.cpp: trigonometric, rounding, special functions, the
// general-matrix linear algebra and sorting.
const Table& math_functions();

}  // namespace pm::compile::functions
