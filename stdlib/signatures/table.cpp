// The stdlib signature table: filled once from the registration files, then read-only.
#include <stdexcept>

#include "stdlib/signatures/registry.hpp"

namespace pm::stdlib {
namespace {

const Registry& table() {
  static const Registry registry = [] {
    Registry filled;
    register_functions(filled);
    register_distributions(filled);
    return filled;
  }();
  return registry;
}

}  // namespace

void Registry::fn(std::string_view name, std::string_view signature) {
  functions[std::string(name)].push_back(parse_function_signature(name, signature));
}

void Registry::unary(std::string_view name) {
  fn(name, "real x -> real");
  fn(name, "container x -> same_real");
}

void Registry::binary(std::string_view name) {
  fn(name, "real x, real y -> real");
  fn(name, "reals x, reals y -> broadcast");
}

void Registry::dist(std::string_view name, std::string_view signature, Support support,
                    DistributionTraits traits) {
  DistributionSignature entry;
  entry.name = std::string(name);
  entry.text = std::string(name) + "(" + std::string(signature) + ")";
  entry.support = support;
  entry.discrete = is_discrete(support);
  entry.reparameterizable = traits.reparameterizable;
  entry.has_cdf = traits.has_cdf;

  auto arrow = signature.find("->");
  auto arguments = signature.substr(0, arrow);
  auto bar = arguments.find('|');
  if (bar == std::string_view::npos) throw std::logic_error("distribution " + entry.name + ": missing |");
  entry.outcome = parse_argument_pattern(arguments.substr(0, bar));
  auto rest = arguments.substr(bar + 1);
  // Split parameters at commas outside brackets by reusing the function-signature parser.
  auto as_function = parse_function_signature(name, std::string(rest) + " -> real");
  entry.parameters = as_function.arguments;

  if (arrow != std::string_view::npos) {
    entry.draw = parse_result_pattern(signature.substr(arrow + 2));
  } else if (entry.outcome.kind == ArgumentPattern::Kind::Ints) {
    entry.draw = parse_result_pattern("broadcast_int");
  } else if (entry.outcome.kind == ArgumentPattern::Kind::Reals) {
    entry.draw = parse_result_pattern("broadcast");
  } else {
    throw std::logic_error("distribution " + entry.name + ": give the draw type after ->");
  }
  distributions[entry.name] = std::move(entry);
}

const std::vector<FunctionSignature>* find_function(std::string_view name) {
  auto found = table().functions.find(name);
  return found == table().functions.end() ? nullptr : &found->second;
}

const DistributionSignature* find_distribution(std::string_view name) {
  auto found = table().distributions.find(name);
  return found == table().distributions.end() ? nullptr : &found->second;
}

std::vector<std::string> function_names() {
  std::vector<std::string> names;
  for (const auto& [name, overloads] : table().functions) names.push_back(name);
  return names;
}

std::vector<std::string> distribution_names() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : table().distributions) names.push_back(name);
  return names;
}

bool is_discrete(Support support) {
  switch (support) {
    case Support::Binary:
    case Support::ZeroToArgument:
    case Support::OneToArgumentSize:
    case Support::NonNegativeIntegers:
    case Support::IntegerRange:
    case Support::OneToCutpoints: return true;
    default: return false;
  }
}

bool is_finite(Support support) { return is_discrete(support) && support != Support::NonNegativeIntegers; }

std::string describe(Support support) {
  switch (support) {
    case Support::RealLine: return "the real line";
    case Support::Positive: return "(0, inf)";
    case Support::UnitInterval: return "(0, 1)";
    case Support::ClosedUnitInterval: return "[0, 1]";
    case Support::ArgumentInterval: return "[alpha, beta]";
    case Support::Simplex: return "the simplex";
    case Support::CholeskyCorrelation: return "Cholesky factors of correlation matrices";
    case Support::Binary: return "{0, 1}";
    case Support::ZeroToArgument: return "{0, ..., N}";
    case Support::OneToArgumentSize: return "{1, ..., K}";
    case Support::NonNegativeIntegers: return "{0, 1, 2, ...}";
    case Support::IntegerRange: return "{lower, ..., upper}";
    case Support::OneToCutpoints: return "{1, ..., K}";
  }
  return "?";
}

}  // namespace pm::stdlib
