// Blocks, declarations, statements and nets: the internal tree to the public AST.
#include <algorithm>

#include "lang/parser/convert.hpp"

namespace pm::lang::parser {

namespace {

// How many sizes each base type takes: {fewest, most}.
std::pair<std::size_t, std::size_t> size_count(BaseType base) {
  switch (base) {
    case BaseType::Int:
    case BaseType::Real: return {0, 0};
    case BaseType::Matrix: return {2, 2};
    case BaseType::CholeskyFactorCov: return {1, 2};
    default: return {1, 1};
  }
}

std::string size_message(BaseType base) {
  std::string name = to_string(base);
  switch (base) {
    case BaseType::Int:
    case BaseType::Real: return "'" + name + "' takes no size";
    case BaseType::Matrix: return "'matrix' needs two sizes, as in matrix[R, C]";
    case BaseType::CholeskyFactorCov:
      return "'cholesky_factor_cov' needs one or two sizes, as in cholesky_factor_cov[K] or [M, N]";
    default: return "'" + name + "' needs one size, as in " + name + "[K]";
  }
}

}  // namespace

Program Converter::program(const tree::program& items) {
  Program result;
  for (const tree::top_level_item& item : items) {
    if (const auto* node = boost::get<tree::declaration_block>(&item)) {
      result.order.emplace_back(false, result.blocks.size());
      result.blocks.push_back(block(*node));
    } else if (const auto* statements = boost::get<tree::statement_block>(&item)) {
      result.order.emplace_back(false, result.blocks.size());
      result.blocks.push_back(block(*statements));
    } else {
      result.order.emplace_back(true, result.nets.size());
      result.nets.push_back(net(boost::get<tree::net_declaration>(item)));
    }
  }
  return result;
}

Block Converter::block(const tree::declaration_block& node) {
  Block result;
  result.kind = node.keyword.value;
  result.range = range_of(node);
  result.keyword_range = range_of(node.keyword);
  for (const tree::declaration& declaration_node : node.declarations) {
    result.declarations.push_back(declaration(declaration_node));
  }
  return result;
}

Block Converter::block(const tree::statement_block& node) {
  Block result;
  result.kind = node.keyword.value;
  result.range = range_of(node);
  result.keyword_range = range_of(node.keyword);
  for (const tree::statement& statement : node.statements) {
    statements(statement, result.kind, 0, result.statements);
  }
  return result;
}

TypeSpec Converter::type(const tree::type_spec& node) {
  TypeSpec result;
  result.range = range_of(node);
  result.base = node.element.base.value;
  for (const tree::expression& size : node.array_sizes) result.array_sizes.push_back(expression(size));
  for (const tree::constraint& constraint : node.element.constraints) {
    const std::string& name = constraint.name.text;
    if (name != "lower" && name != "upper" && name != "offset" && name != "multiplier") {
      fail(constraint.name, "unknown constraint '" + name + "' (expected 'lower' or 'upper')");
    }
    Constraint converted;
    converted.name = name;
    converted.name_range = range_of(constraint.name);
    converted.value = convert(constraint.value).expr;
    converted.range = range_of(constraint);
    result.constraints.push_back(std::move(converted));
  }
  auto [fewest, most] = size_count(result.base);
  if (node.element.sizes.size() < fewest || node.element.sizes.size() > most) {
    fail(node.element.base, size_message(result.base));
  }
  for (const tree::expression& size : node.element.sizes) result.sizes.push_back(expression(size));
  return result;
}

Declaration Converter::declaration(const tree::declaration& node) {
  Declaration result;
  result.type = type(node.type);
  result.name = node.name.text;
  result.name_range = range_of(node.name);
  if (node.initializer) result.initializer = expression(*node.initializer);
  result.range = range_of(node);
  return result;
}

Stmt Converter::simple(const tree::simple_statement& node) {
  Stmt result;
  result.range = range_of(node);
  result.lhs = expression(node.left);
  if (const auto* tilde = boost::get<tree::tilde_tail>(&node.tail)) {
    result.kind = StmtKind::Tilde;
    result.distribution = tilde->distribution.text;
    result.distribution_range = range_of(tilde->distribution);
    for (const tree::expression& argument : tilde->arguments) result.args.push_back(expression(argument));
  } else {
    result.kind = StmtKind::Assign;
    result.rhs = expression(boost::get<tree::assign_tail>(node.tail).value);
  }
  return result;
}

// Appends the statement to `out`; `for_depth` counts the enclosing for-plates.
void Converter::statements(const tree::statement& node, BlockKind block, int for_depth, std::vector<Stmt>& out) {
  if (const auto* loop = boost::get<x3::forward_ast<tree::for_statement>>(&node)) {
    const tree::for_statement& for_node = loop->get();
    std::size_t header_count = for_node.headers.size();
    if (for_depth + static_cast<int>(header_count) > max_depth_) {
      fail_nesting(for_node.headers[static_cast<std::size_t>(std::max(0, max_depth_ - for_depth))]);
    }
    // The innermost body first, then one For per header from the inside out.
    std::vector<Stmt> body;
    int body_depth = for_depth + static_cast<int>(header_count);
    if (const auto* braced = boost::get<tree::braced_body>(&for_node.body)) {
      for (const tree::statement& inner : braced->statements) statements(inner, block, body_depth, body);
    } else {
      statements(boost::get<tree::statement>(for_node.body), block, body_depth, body);
    }
    SourceRange whole = range_of(for_node);
    for (std::size_t k = header_count; k-- > 0;) {
      const tree::for_header& header = for_node.headers[k];
      Stmt loop_statement;
      loop_statement.kind = StmtKind::For;
      loop_statement.range = {range_of(header).begin, whole.end};
      loop_statement.loop_variable = header.variable.text;
      loop_statement.loop_variable_range = range_of(header.variable);
      loop_statement.lower = expression(header.lower);
      loop_statement.upper = expression(header.upper);
      loop_statement.body = std::move(body);
      body.clear();
      body.push_back(std::move(loop_statement));
    }
    out.push_back(std::move(body.front()));
  } else if (const auto* target = boost::get<tree::target_statement>(&node)) {
    Stmt result;
    result.kind = StmtKind::TargetPlus;
    result.range = range_of(*target);
    result.rhs = expression(target->value);
    out.push_back(std::move(result));
  } else if (const auto* local = boost::get<tree::local_declaration>(&node)) {
    if (local->guide_param && block != BlockKind::Guide) {
      fail(*local, "'param' declarations belong in the 'param' block or in a guide");
    }
    Stmt result;
    result.kind = StmtKind::Declare;
    result.range = range_of(*local);
    result.declaration = std::make_unique<Declaration>(declaration(local->value));
    result.declaration->guide_param = local->guide_param;
    result.declaration->range = result.range;
    out.push_back(std::move(result));
  } else {
    out.push_back(simple(boost::get<tree::simple_statement>(node)));
  }
}

NetDeclaration Converter::net(const tree::net_declaration& node) {
  NetDeclaration result;
  result.name = node.name.text;
  result.name_range = range_of(node.name);
  result.architecture = node.architecture.text;
  result.architecture_range = range_of(node.architecture);
  result.range = range_of(node);
  for (const tree::net_argument& argument : node.arguments) {
    if (const auto* option = boost::get<tree::net_option>(&argument)) {
      result.options.push_back({option->name.text, option->value.text, range_of(*option)});
    } else {
      result.widths.push_back(expression(boost::get<tree::expression>(argument)));
    }
  }
  return result;
}

}  // namespace pm::lang::parser
