// The normalized text of a program, and structural equality of ASTs.
//
// print_program writes canonical spacing, 2-space indentation, one statement per line, and only
// the parentheses that precedence requires, so that for every program
//   same_structure(parse(print_program(parse(text))), parse(text)).
// Real literals print in the shortest form that reads back to the same double.
#pragma once

#include <string>

#include "lang/syntax/ast.hpp"

namespace pm::lang {

std::string print_program(const Program& program);
std::string print_expression(const Expr& expr);
// `numerator / denominator` rewritten as real division, keeping its meaning: 1.0 * A / B with
// A and B parenthesized where precedence needs it ("1.0 * k / (n + k)"), for the checker's
// integer-division hint.
std::string print_real_division(const Expr& numerator, const Expr& denominator);
// The shortest decimal form of `value` that strtod reads back exactly, always with '.' or 'e'.
std::string print_real(double value);

// Equal trees, ignoring source ranges.
bool same_structure(const Program& left, const Program& right);
bool same_structure(const Expr& left, const Expr& right);

}  // namespace pm::lang
