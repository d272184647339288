#include "lang/check/expression_text.hpp"

#include "lang/syntax/printer.hpp"

namespace pm::lang {

std::string expression_text(const Expr& expr) { return print_expression(expr); }

bool same_expression(const Expr& a, const Expr& b) { return same_structure(a, b); }

bool same_indices(const std::vector<IndexArg>& a, const std::vector<IndexArg>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto same_part = [](const ExprPtr& x, const ExprPtr& y) { return !x || !y ? !x && !y : same_structure(*x, *y); };
    if (a[i].kind != b[i].kind || !same_part(a[i].first, b[i].first) || !same_part(a[i].last, b[i].last)) return false;
  }
  return true;
}

}  // namespace pm::lang
