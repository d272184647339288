// Evaluation of the constant expressions of a data block: sizes (`vector[N - 1]`), bounds
// (`int<upper=K>`) and defaults (`int K = 3;`), over literals and data already loaded.
//
// Values are DataValues (data_set.hpp layout). Supported: int and real literals, names of
// loaded data, unary - + !, the arithmetic operators (+ - * / % ^ elementwise, with a scalar
// broadcast; int / int truncates toward zero as in Stan), comparisons and && || on scalars,
// `c ? a : b`, indexing by single ints (x[i], x[i, j]), array literals {a, b} and row-vector
// literals [a, b] (and their transpose), and the functions size, rows, cols, num_elements,
// min, max, sum, abs, fabs, exp, log, sqrt, floor, ceil, round, pow.
// Anything else (matrix products, slices, other functions) is a ConstantError naming it.
#pragma once

#include <stdexcept>
#include <string>

#include "engine/io/data_set.hpp"
#include "lang/syntax/ast.hpp"

namespace pm::io {

struct ConstantError : std::runtime_error {
  // unavailable_name: the expression reads this name, which has no loaded value (it is
  // missing or failed validation, already reported), so the caller may stay silent.
  ConstantError(std::string message, std::string unavailable = {})
      : std::runtime_error(std::move(message)), unavailable_name(std::move(unavailable)) {}
  std::string unavailable_name;
};

DataValue evaluate_constant(const lang::Expr& expr, const DataSet& known);

}  // namespace pm::io
