// Calls: stdlib functions (overloads from the signature table), distribution density forms
// (normal_lpdf, poisson_lpmf, _lcdf, _lccdf, _rng), nets, and kl(q, p).
#include "lang/check/checker.hpp"
#include "lang/check/expression_text.hpp"
#include "lang/check/suggest.hpp"

namespace pm::lang::detail {
namespace {

using stdlib::ArgumentPattern;
using stdlib::ResultPattern;
using stdlib::SizeRule;

bool matches(const ArgumentPattern& pattern, const Type& type) {
  if (type.error) return true;  // already reported
  using Kind = ArgumentPattern::Kind;
  switch (pattern.kind) {
    case Kind::Any: return true;
    case Kind::Reals: return true;
    case Kind::Container: return !type.is_scalar();
    case Kind::Ints: return type.is_int() && type.shape == ShapeKind::Scalar;
    case Kind::Vectors:
      if (type.array_sizes.size() > 1) return false;
      if (type.is_array()) return type.shape != ShapeKind::Matrix;
      return type.shape == ShapeKind::Vector || type.shape == ShapeKind::RowVector;
    case Kind::Exact:
      if (static_cast<int>(type.array_sizes.size()) != pattern.array_dimensions) return false;
      if (type.shape != pattern.shape) return false;
      return pattern.element == ElementType::Real || type.is_int();
  }
  return false;
}

std::string describe(const ArgumentPattern& pattern) {
  using Kind = ArgumentPattern::Kind;
  switch (pattern.kind) {
    case Kind::Any: return "a value";
    case Kind::Reals: return "real values";
    case Kind::Container: return "a vector, row_vector, matrix or array";
    case Kind::Ints: return "an int or an array of ints";
    case Kind::Vectors: return "a vector (or a row_vector, a real array, or an array of vectors)";
    case Kind::Exact: {
      Type type;
      type.element = pattern.element;
      type.shape = pattern.shape;
      type.array_sizes.assign(pattern.array_dimensions, Size::unknown());
      type.shape_sizes.assign(pattern.shape == ShapeKind::Matrix ? 2 : pattern.shape == ShapeKind::Scalar ? 0 : 1,
                              Size::unknown());
      std::string name = kind_name(type);
      return (name[0] == 'a' || name[0] == 'i' ? "an " : "a ") + name;
    }
  }
  return "?";
}

std::string argument_list(const std::vector<ArgumentPattern>& patterns) {
  std::string text;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (i > 0) text += ", ";
    text += patterns[i].name.empty() ? "?" : patterns[i].name;
  }
  return text;
}

std::string type_list(const std::vector<Type>& types) {
  std::string text;
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i > 0) text += ", ";
    text += to_string(types[i]);
  }
  return text;
}

std::string plural(std::size_t count, const char* word) {
  return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

const char* const kDensitySuffixes[] = {"_lpdf", "_lpmf", "_lcdf", "_lccdf", "_rng"};

}  // namespace

namespace {

// The result type of a signature applied to arguments (sizes from their values or sizes).
Type apply_result(Checker& checker, const ResultPattern& pattern, const std::vector<const Expr*>& args,
                  const std::vector<Type>& types) {
  auto size = [&](const SizeRule& rule) {
    switch (rule.kind) {
      case SizeRule::Kind::Unknown: return Size::unknown();
      case SizeRule::Kind::ArgumentValue:
        return rule.argument < static_cast<int>(args.size()) ? checker.size_of(*args[rule.argument]) : Size::unknown();
      case SizeRule::Kind::ArgumentSize: {
        if (rule.argument >= static_cast<int>(types.size())) return Size::unknown();
        auto sizes = types[rule.argument].all_sizes();
        return rule.dimension < static_cast<int>(sizes.size()) ? sizes[rule.dimension] : Size::unknown();
      }
    }
    return Size::unknown();
  };
  auto sizes = [&](const std::vector<SizeRule>& rules) {
    std::vector<Size> out;
    for (const SizeRule& rule : rules) out.push_back(size(rule));
    return out;
  };
  for (const Type& type : types) {
    if (type.error) return Type::failed();
  }
  using Kind = ResultPattern::Kind;
  switch (pattern.kind) {
    case Kind::Fixed: {
      Type type = Type::of_shape(pattern.shape, sizes(pattern.shape_sizes));
      type.element = pattern.element;
      type.array_sizes = sizes(pattern.array_sizes);
      return type;
    }
    case Kind::Same: return types.at(0);
    case Kind::SameReal: return types.at(0).with_element(ElementType::Real);
    case Kind::Element: return types.at(0).is_int() ? Type::int_scalar() : Type::real_scalar();
    case Kind::ArrayOfFirst: {
      Type type = types.at(0);
      auto outer = sizes(pattern.array_sizes);
      type.array_sizes.insert(type.array_sizes.begin(), outer.begin(), outer.end());
      return type;
    }
    case Kind::Broadcast: {
      for (const Type& type : types) {
        if (!type.is_scalar()) return type.with_element(pattern.element);
      }
      return pattern.element == ElementType::Int ? Type::int_scalar() : Type::real_scalar();
    }
  }
  return Type::failed();
}

}  // namespace

Type Checker::draw_type(const stdlib::DistributionSignature& dist, const std::vector<const Expr*>& args,
                        const std::vector<Type>& arg_types) {
  return apply_result(*this, dist.draw, args, arg_types);
}

bool Checker::check_distribution_arguments(const stdlib::DistributionSignature& dist, const Expr* outcome,
                                           const Type* outcome_type, const std::vector<const Expr*>& args,
                                           const std::vector<Type>& arg_types, const std::string& label,
                                           SourceRange name_range) {
  if (args.size() != dist.parameters.size()) {
    diagnostics_.error(name_range, label + " takes " + plural(dist.parameters.size(), "argument") + " (" +
                                       argument_list(dist.parameters) + "), got " + std::to_string(args.size()));
    return false;
  }
  bool ok = true;
  if (outcome && outcome_type && !matches(dist.outcome, *outcome_type)) {
    diagnostics_.error(outcome->range, label + " expects " + describe(dist.outcome) + " on the left, got " +
                                           to_string(*outcome_type));
    ok = false;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!matches(dist.parameters[i], arg_types[i])) {
      diagnostics_.error(args[i]->range, label + " expects " + describe(dist.parameters[i]) + " for '" +
                                             dist.parameters[i].name + "', got " + to_string(arg_types[i]));
      ok = false;
    }
  }
  if (!ok) return false;
  // Vectorized arguments pair element by element: their non-scalar shapes must agree.
  using Kind = ArgumentPattern::Kind;
  const Type* reference = nullptr;
  const Expr* reference_expr = nullptr;
  auto agree = [&](const ArgumentPattern& pattern, const Type& type, const Expr& expr) {
    if ((pattern.kind != Kind::Reals && pattern.kind != Kind::Ints) || type.error || type.is_scalar()) return;
    if (!reference) { reference = &type; reference_expr = &expr; return; }
    if (reference->rank() != type.rank()) {
      diagnostics_.error(expr.range, label + ": " + expression_text(expr) + " is " + to_string(type) + " but " +
                                         expression_text(*reference_expr) + " is " + to_string(*reference) +
                                         " (vectorized arguments must have the same shape, or be scalars)");
      ok = false;
      return;
    }
    auto before = diagnostics_.error_count();
    check_same_sizes(*reference, type, expr.range, label);
    ok = ok && diagnostics_.error_count() == before;
  };
  if (outcome && outcome_type) agree(dist.outcome, *outcome_type, *outcome);
  for (std::size_t i = 0; i < args.size(); ++i) agree(dist.parameters[i], arg_types[i], *args[i]);
  return ok;
}

Type Checker::infer_net_call(const Symbol& net, const Expr& expr, Context& context) {
  if (context.reads) context.reads->push_back(net.name);
  std::vector<Type> types;
  for (const ExprPtr& arg : expr.args) types.push_back(infer(*arg, context));
  if (expr.args.size() != 1) {
    diagnostics_.error(expr.name_range, "net '" + net.name + "' takes one argument, got " +
                                            std::to_string(expr.args.size()));
    return Type::failed();
  }
  const Type& input = types[0];
  if (input.error || !net.net || net.net->widths.size() < 2) return Type::failed();
  if (input.is_array() || input.shape == ShapeKind::Scalar) {
    diagnostics_.error(expr.args[0]->range, "net '" + net.name +
                                                "' expects a matrix (one row per datum) or a vector, got " +
                                                to_string(input));
    return Type::failed();
  }
  Size inputs = size_of(*net.net->widths.front());
  Size outputs = size_of(*net.net->widths.back());
  const Size& columns = input.shape_sizes.back();
  if (provably_different(columns, inputs)) {
    diagnostics_.error(expr.args[0]->range, "net '" + net.name + "' has " + inputs.text + " inputs, but " +
                                                expression_text(*expr.args[0]) + " is " + to_string(input) + " (" +
                                                columns.text + (input.shape == ShapeKind::Matrix ? " columns)" : " elements)"));
    return Type::failed();
  }
  Type output = input;
  output.shape_sizes.back() = outputs;
  return output;
}

Type Checker::infer_call(const Expr& expr, Context& context) {
  const std::string& name = expr.name;
  if (name == "kl") {
    // kl(q, p) of two distribution expressions with a closed form.
    std::vector<std::string> families;
    Type result = Type::real_scalar();
    for (const ExprPtr& arg : expr.args) {
      const stdlib::DistributionSignature* dist =
          arg->kind == ExprKind::Call ? stdlib::find_distribution(arg->name) : nullptr;
      if (!dist) {
        diagnostics_.error(arg->range, "kl expects two distributions, as in kl(normal(m, s), normal(0, 1))");
        return Type::failed();
      }
      std::vector<const Expr*> args;
      std::vector<Type> types;
      for (const ExprPtr& inner : arg->args) {
        args.push_back(inner.get());
        types.push_back(infer(*inner, context));
      }
      if (!check_distribution_arguments(*dist, nullptr, nullptr, args, types, "'" + dist->name + "'", arg->name_range)) {
        return Type::failed();
      }
      Type draw = draw_type(*dist, args, types);
      if (!draw.error && !draw.is_scalar()) result = draw.with_element(ElementType::Real);
      families.push_back(dist->name);
    }
    if (families.size() != 2) {
      diagnostics_.error(expr.name_range, "kl takes 2 distributions, got " + std::to_string(families.size()));
      return Type::failed();
    }
    if (families[0] != "normal" || families[1] != "normal") {
      diagnostics_.error(expr.range, "kl has no closed form for " + families[0] + " and " + families[1] +
                                         " in v0 (only normal and normal)");
      return Type::failed();
    }
    return result;
  }
  if (const Symbol* symbol = result_.find(name); symbol && symbol->kind == SymbolKind::Net) {
    return infer_net_call(*symbol, expr, context);
  }

  std::vector<Type> types;
  std::vector<const Expr*> args;
  bool failed = false;
  for (const ExprPtr& arg : expr.args) {
    args.push_back(arg.get());
    types.push_back(infer(*arg, context));
    failed = failed || types.back().error;
  }

  if (const auto* overloads = stdlib::find_function(name)) {
    for (const stdlib::FunctionSignature& signature : *overloads) {
      if (signature.arguments.size() != args.size()) continue;
      bool all = true;
      for (std::size_t i = 0; i < args.size() && all; ++i) all = matches(signature.arguments[i], types[i]);
      if (all) return failed ? Type::failed() : apply_result(*this, signature.result, args, types);
    }
    if (failed) return Type::failed();
    bool arity_known = false;
    for (const auto& signature : *overloads) arity_known = arity_known || signature.arguments.size() == args.size();
    std::string candidates;
    for (const auto& signature : *overloads) candidates += "\n  " + signature.text;
    if (!arity_known && overloads->size() == 1) {
      diagnostics_.error(expr.name_range, "'" + name + "' takes " + plural(overloads->front().arguments.size(), "argument") +
                                              " (" + argument_list(overloads->front().arguments) + "), got " +
                                              std::to_string(args.size()));
    } else {
      diagnostics_.error(expr.name_range, "no form of '" + name + "' accepts (" + type_list(types) +
                                              "); it takes:" + candidates);
    }
    return Type::failed();
  }

  for (const char* suffix : kDensitySuffixes) {
    std::string_view view(name);
    std::string_view tail(suffix);
    if (view.size() <= tail.size() || view.substr(view.size() - tail.size()) != tail) continue;
    std::string base(view.substr(0, view.size() - tail.size()));
    const stdlib::DistributionSignature* dist = stdlib::find_distribution(base);
    if (!dist) break;
    std::string label = "'" + name + "'";
    if ((tail == "_lpdf" && dist->discrete) || (tail == "_lpmf" && !dist->discrete)) {
      diagnostics_.error(expr.name_range, "'" + base + "' is " + (dist->discrete ? "discrete" : "continuous") +
                                              ": its log density is " + base + std::string(dist->density_suffix()));
      return Type::failed();
    }
    if ((tail == "_lcdf" || tail == "_lccdf") && !dist->has_cdf) {
      diagnostics_.error(expr.name_range, "'" + base + "' has no " + std::string(tail) + " in v0");
      return Type::failed();
    }
    if (tail == "_rng") {
      if (context.scope != Scope::Generated) {
        diagnostics_.error(expr.name_range, label + " draws at random: only the generated block may call it");
        return Type::failed();
      }
      if (failed || !check_distribution_arguments(*dist, nullptr, nullptr, args, types, label, expr.name_range)) {
        return Type::failed();
      }
      return draw_type(*dist, args, types);
    }
    if (args.empty()) {
      diagnostics_.error(expr.name_range, label + " needs the outcome first, as in " + name + "(y | ...)");
      return Type::failed();
    }
    std::vector<const Expr*> parameters(args.begin() + 1, args.end());
    std::vector<Type> parameter_types(types.begin() + 1, types.end());
    if (failed || !check_distribution_arguments(*dist, args[0], &types[0], parameters, parameter_types, label,
                                                expr.name_range)) {
      return Type::failed();
    }
    return Type::real_scalar();
  }

  if (stdlib::find_distribution(name)) {
    diagnostics_.error(expr.name_range, "'" + name + "' is a distribution; use it with '~', or call " + name +
                                            std::string(stdlib::find_distribution(name)->density_suffix()) + "(y | ...)");
    return Type::failed();
  }
  std::vector<std::string> candidates = stdlib::function_names();
  for (const std::string& dist : stdlib::distribution_names()) {
    const auto* entry = stdlib::find_distribution(dist);
    candidates.push_back(dist + std::string(entry->density_suffix()));
  }
  for (const Symbol& symbol : result_.symbols) {
    if (symbol.kind == SymbolKind::Net) candidates.push_back(symbol.name);
  }
  suggest_name(expr.name_range, "unknown function '" + name + "'", name, candidates);
  return Type::failed();
}

}  // namespace pm::lang::detail
