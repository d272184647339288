// Expressions in messages and symbolic sizes, and structural comparison of indices: thin
// wrappers over the printer of lang/syntax, so that a message shows an expression exactly
// as `pm check --print` would write it.
#pragma once

#include <string>
#include <vector>

#include "lang/syntax/ast.hpp"

namespace pm::lang {

// One line, canonical spacing, only the parentheses precedence needs: "z[i - 1]", "N - 1".
std::string expression_text(const Expr& expr);

// Same tree, same names and literals (source ranges ignored): two reads of z[i] are one index.
bool same_expression(const Expr& a, const Expr& b);
bool same_indices(const std::vector<IndexArg>& a, const std::vector<IndexArg>& b);

}  // namespace pm::lang
