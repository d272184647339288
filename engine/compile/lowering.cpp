// Lowering of names, operators, literals and definitions (lowering.hpp). Indexing is in
// indexing.cpp, calls in functions.cpp.
#include "engine/compile/lowering.hpp"

#include <cmath>
#include <set>

#include "engine/compile/nets.hpp"
#include "engine/compile/sequential.hpp"
#include "engine/io/constant_expression.hpp"

namespace pm::compile {
namespace {

bool is_container(const lang::Type& type) { return type.is_array() || type.shape != lang::ShapeKind::Scalar; }

tensor::Shape with_event_dims(const std::vector<std::size_t>& dims) {
  std::vector<tensor::Dim> shape;
  for (std::size_t k = 0; k < dims.size(); ++k) shape.push_back({tensor::event(static_cast<int>(k)), dims[k]});
  return tensor::Shape(shape);
}

// Spare plate numbers for reordering dims (far above any loop's number).
constexpr int kParkedPlates = 1 << 21;

bool has_plate_dims(const tensor::Shape& shape) {
  for (const tensor::Dim& dim : shape.dims())
    if (dim.id.kind != tensor::DimKind::event) return true;
  return false;
}

}  // namespace

Lowerer::Lowerer(ad::Program& program, const graph::ModelGraph& graph, const io::DataSet& data, Lowerer* data_lowerer)
    : program_(program), graph_(graph), data_(data), data_lowerer_(data_lowerer) {}

const lang::Type& Lowerer::type_of(const lang::Expr& expr) const {
  static const lang::Type unknown = lang::Type::failed();
  const lang::Type* type = graph_.checked->type_of(expr);
  return type ? *type : unknown;
}

ad::Node Lowerer::constant(const tensor::Shape& shape, std::vector<double> values) {
  return program_.constant(shape, values);
}

std::int64_t Lowerer::constant_int(const lang::Expr& expr, const LoopContext& context) {
  // From the data and the variables of unrolled sequential iterations (sequential.hpp).
  if (std::optional<std::int64_t> value = iteration_int(expr, context, data_)) return *value;
  throw LocatedError(expr.range, "the engine needs this int from the data alone, before any evaluation");
}

LoopContext Lowerer::context_of(const std::vector<const lang::Stmt*>& loops) {
  LoopContext context;
  for (const lang::Stmt* loop : loops) {
    auto plate = graph_.plate_numbers.find(loop);
    if (graph_.sequential_loops.count(loop))  // callers that unroll use for_each_iteration (sequential.hpp)
      throw LocatedError(loop->range, "this use of the sequential loop over '" + loop->loop_variable + "'" +
                                          " is not supported by the engine yet");
    if (plate == graph_.plate_numbers.end()) throw LocatedError(loop->range, "this loop is not a plate");
    std::int64_t first = constant_int(*loop->lower, context), last = constant_int(*loop->upper, context);
    std::size_t size = last >= first ? static_cast<std::size_t>(last - first + 1) : 0;
    context.push_back({loop->loop_variable, tensor::plate(plate->second), first, size, loop});
  }
  return context;
}

ad::Node Lowerer::loop_variable(const PlateBinding& plate) {
  if (plate.sequential) return scalar(static_cast<double>(plate.first));  // an unrolled iteration
  const auto key = std::make_tuple(plate.dim.number, plate.first, plate.size);
  auto found = loop_variables_.find(key);
  if (found != loop_variables_.end()) return found->second;
  std::vector<double> values(plate.size);
  for (std::size_t k = 0; k < plate.size; ++k) values[k] = static_cast<double>(plate.first) + static_cast<double>(k);
  ad::Node node = constant(tensor::Shape({tensor::Dim{plate.dim, plate.size}}), values);
  loop_variables_[key] = node;
  return node;
}

bool Lowerer::reads_parameters(const lang::Expr& expr) const {
  if (expr.kind == lang::ExprKind::Name) {
    const lang::Symbol* symbol = graph_.checked->find(expr.name);
    if (!symbol) return false;  // a loop variable
    return symbol->kind != lang::SymbolKind::Data && !(symbol->kind == lang::SymbolKind::ModelDefinition && symbol->data_only);
  }
  if (expr.kind == lang::ExprKind::Call && graph_.checked->find(expr.name)) return true;  // a net
  for (const lang::ExprPtr& arg : expr.args)
    if (reads_parameters(*arg)) return true;
  for (const lang::IndexArg& index : expr.indices)
    if ((index.first && reads_parameters(*index.first)) || (index.last && reads_parameters(*index.last))) return true;
  return false;
}

ad::Node Lowerer::computed_once(const lang::Expr& expr, const LoopContext& context) {
  ad::Node computed = data_lowerer_->lower(expr, context);
  ad::Program& data_program = data_lowerer_->program();
  data_program.finalize();
  data_program.forward(false);
  std::span<double> values = data_program.values(computed);
  ad::Node copy = constant(computed.shape(), std::vector<double>(values.begin(), values.end()));
  if (feed_) feed_->copies.push_back({copy, computed});
  return copy;
}

ad::Node Lowerer::lower(const lang::Expr& expr, const LoopContext& context) {
  using lang::ExprKind;
  const bool leaf = expr.kind == ExprKind::IntLiteral || expr.kind == ExprKind::RealLiteral || expr.kind == ExprKind::Name;
  if (data_lowerer_ && !leaf && !reads_parameters(expr)) return computed_once(expr, context);
  switch (expr.kind) {
    case ExprKind::IntLiteral: return scalar(static_cast<double>(expr.int_value));
    case ExprKind::RealLiteral: return scalar(expr.real_value);
    case ExprKind::Name: return lower_name(expr, context);
    case ExprKind::Unary: {
      ad::Node x = lower(*expr.args[0], context);
      if (expr.unary_op == lang::UnaryOp::Negate) return ad::negate(x);
      if (expr.unary_op == lang::UnaryOp::Not) return ad::equal(x, scalar(0.0));
      return x;
    }
    case ExprKind::Binary: return lower_binary(expr, context);
    case ExprKind::Conditional:
      return ad::select(lower(*expr.args[0], context), lower(*expr.args[1], context), lower(*expr.args[2], context));
    case ExprKind::Call: return lower_call(expr, context);
    case ExprKind::Index: return lower_index(expr, context);
    case ExprKind::Transpose: {
      ad::Node x = lower(*expr.args[0], context);
      if (type_of(*expr.args[0]).shape != lang::ShapeKind::Matrix) return x;  // 1-d values are their own transpose
      if (has_plate_dims(x.shape()))
        throw LocatedError(expr.range, "transposing a matrix inside a plate is not supported by the engine yet");
      return ad::transpose(x);
    }
    case ExprKind::ArrayLiteral:
    case ExprKind::RowVectorLiteral: return lower_literal_list(expr, context);
  }
  throw LocatedError(expr.range, "this expression is not supported by the engine yet");
}

ad::Node Lowerer::lower_name(const lang::Expr& expr, const LoopContext& context) {
  for (auto plate = context.rbegin(); plate != context.rend(); ++plate)
    if (plate->variable == expr.name) return loop_variable(*plate);
  if (const graph::DefinitionNode* local = iteration_local(graph_, expr.name))
    return lower_iteration_local(*this, *local, context, expr.range);  // sequential.hpp
  return whole(expr.name, context, expr.range);
}

const DefinedValue& Lowerer::defined(const std::string& name, lang::SourceRange where) {
  auto found = bound_.find(name);
  if (found != bound_.end()) return found->second;
  const lang::Symbol* symbol = graph_.checked->find(name);
  if (!symbol) throw LocatedError(where, "'" + name + "' is not known to the engine");
  if (on_unbound_ && on_unbound_(name, where)) return bound_.at(name);
  DefinedValue value;
  if (symbol->kind == lang::SymbolKind::Data) {
    const io::DataValue* data = data_.find(name);
    if (!data) throw LocatedError(where, "no data was loaded for '" + name + "'");
    value.node = constant(with_event_dims(data->dims), data->values);
    if (feed_) (data_side_ ? feed_->data_inputs : feed_->program_inputs).push_back({value.node, name});
  } else if (symbol->kind == lang::SymbolKind::ModelDefinition || symbol->kind == lang::SymbolKind::GuideDefinition ||
             symbol->kind == lang::SymbolKind::Generated) {
    const graph::DefinitionNode* definition =
        symbol->kind == lang::SymbolKind::Generated ? graph_.generated_definition(name) : graph_.definition(name);
    if (!definition) throw LocatedError(where, "the definition of '" + name + "' is not supported by the engine yet");
    if (in_progress_[name]) throw LocatedError(where, "'" + name + "' depends on itself");
    if (definition->assembled() && !(symbol->data_only && data_lowerer_)) {
      in_progress_[name] = true;
      assemble_definitions(*this, *symbol);  // sequential.hpp: binds it and the rest of its group
      in_progress_[name] = false;
      return bound_.at(name);
    }
    in_progress_[name] = true;  // before the dependencies: a cycle the checker missed cannot recurse
    if (!(symbol->data_only && data_lowerer_)) lower_dependencies_first(*definition);
    value = symbol->data_only && data_lowerer_ ? copy_from_data_program(name, where) : lower_definition(*definition);
    in_progress_[name] = false;
  } else {
    throw LocatedError(where, "'" + name + "' (" + lang::to_string(symbol->kind) +
                                  ") cannot be read by the model's log density in this engine yet");
  }
  return bound_[name] = value;
}

ad::Node Lowerer::whole(const std::string& name, const LoopContext& context, lang::SourceRange where) {
  const DefinedValue& value = defined(name, where);
  if (value.index_plates.empty()) return value.node;
  for (const PlateBinding& plate : value.index_plates)
    if (!value.node.shape().has(plate.dim))  // a summed-out latent (enumeration.hpp)
      throw LocatedError(where, "the discrete latent '" + name + "' must be read as '" + name +
                                    "[...]' with the loop variables of its `~`: any other read would couple the "
                                    "elements of its plate, which the engine does not support");
  return plates_as_leading_events(value.node, value.index_plates);
}

ad::Node plates_as_leading_events(ad::Node node, const std::vector<PlateBinding>& plates) {
  if (plates.empty()) return node;
  // Park the element dims on spare plate dims, move the plates in, put the elements back.
  const int element_rank = node.shape().event_rank();
  for (int k = 0; k < element_rank; ++k) node = ad::rename_dim(node, tensor::event(0), tensor::plate(kParkedPlates + k));
  for (std::size_t k = 0; k < plates.size(); ++k) node = ad::rename_dim(node, plates[k].dim, tensor::event(static_cast<int>(k)));
  const int index_rank = static_cast<int>(plates.size());
  for (int k = 0; k < element_rank; ++k)
    node = ad::rename_dim(node, tensor::plate(kParkedPlates + k), tensor::event(index_rank + k));
  return node;
}

namespace {

const lang::Expr* definition_value(const graph::DefinitionNode& definition) {
  const lang::Stmt& statement = *definition.statement;
  return statement.kind == lang::StmtKind::Declare ? statement.declaration->initializer.get() : statement.rhs.get();
}

// The names an expression reads, found without recursion (an expression's own nesting is
// bounded by the parser, but this runs once per definition of a long chain).
std::vector<std::string> names_read(const lang::Expr& root) {
  std::vector<std::string> names;
  std::vector<const lang::Expr*> pending{&root};
  while (!pending.empty()) {
    const lang::Expr* expr = pending.back();
    pending.pop_back();
    if (expr->kind == lang::ExprKind::Name) names.push_back(expr->name);
    for (const lang::ExprPtr& arg : expr->args)
      if (arg) pending.push_back(arg.get());
    for (const lang::IndexArg& index : expr->indices)
      for (const lang::ExprPtr* end : {&index.first, &index.last})
        if (*end) pending.push_back(end->get());
  }
  return names;
}

}  // namespace

void Lowerer::lower_dependencies_first(const graph::DefinitionNode& root) {
  // Only plain definitions: one statement outside any loop, model or guide block, not
  // data-only (those come from the data program), not yet bound. Others are left to defined().
  auto plain = [&](const std::string& name) -> const graph::DefinitionNode* {
    if (bound_.count(name) || in_progress_[name]) return nullptr;
    const lang::Symbol* symbol = graph_.checked->find(name);
    if (!symbol || (symbol->kind != lang::SymbolKind::ModelDefinition && symbol->kind != lang::SymbolKind::GuideDefinition))
      return nullptr;
    if (symbol->data_only && data_lowerer_) return nullptr;
    const graph::DefinitionNode* node = graph_.definition(name);
    if (!node || node->assembled() || node->iteration_local || !node->loops.empty() || !definition_value(*node))
      return nullptr;
    return node;
  };
  struct Frame {
    const graph::DefinitionNode* node;
    std::vector<std::string> reads;
    std::size_t next = 0;
  };
  const lang::Expr* value = definition_value(root);
  if (!value) return;
  std::vector<Frame> stack{{&root, names_read(*value)}};
  std::set<std::string, std::less<>> visited{root.symbol->name};
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next < frame.reads.size()) {
      const std::string& name = frame.reads[frame.next++];
      if (visited.count(name)) continue;
      visited.insert(name);
      if (const graph::DefinitionNode* node = plain(name)) stack.push_back({node, names_read(*definition_value(*node))});
      continue;
    }
    // Every plain definition it reads is bound: lowering it recurses one level at most.
    const graph::DefinitionNode* done = frame.node;
    stack.pop_back();
    if (done != &root) defined(done->symbol->name, done->symbol->range);
  }
}

DefinedValue Lowerer::lower_definition(const graph::DefinitionNode& definition) {
  const lang::Stmt& statement = *definition.statement;
  LoopContext context = context_of(definition.loops);
  const lang::Expr* rhs = statement.kind == lang::StmtKind::Declare ? statement.declaration->initializer.get()
                                                                     : statement.rhs.get();
  if (!rhs) throw LocatedError(statement.range, "a definition without a value is not supported by the engine yet");
  DefinedValue value;
  value.node = lower(*rhs, context);
  const lang::Expr* lhs = statement.kind == lang::StmtKind::Assign ? statement.lhs.get() : nullptr;
  if (lhs && lhs->kind == lang::ExprKind::Index) {
    for (const lang::IndexArg& index : lhs->indices) {
      const PlateBinding* plate = loop_variable_of(index, context);
      if (!plate)
        throw LocatedError(index.range, "an elementwise definition indexed by anything but its loop variables is not "
                                        "supported by the engine yet");
      value.index_plates.push_back(*plate);
    }
    // Elements constant along a loop are broadcast over its plate, so the value has one
    // element per index.
    for (const PlateBinding& plate : value.index_plates)
      if (!value.node.shape().has(plate.dim))
        value.node = ad::add(value.node, constant(tensor::Shape({tensor::Dim{plate.dim, plate.size}}),
                                                  std::vector<double>(plate.size, 0.0)));
  }
  const tensor::Shape shape = value.node.shape();  // a copy: the loop must not outlive it
  for (const tensor::Dim& dim : shape.dims()) {
    if (dim.id.kind != tensor::DimKind::plate) continue;
    bool indexed = false;
    for (const PlateBinding& plate : value.index_plates) indexed = indexed || plate.dim == dim.id;
    if (!indexed)
      throw LocatedError(statement.range, "this definition varies with a loop variable it is not indexed by");
  }
  return value;
}

DefinedValue Lowerer::copy_from_data_program(const std::string& name, lang::SourceRange where) {
  // Stan's transformed data: computed once in the data program, then a constant here.
  DefinedValue computed = data_lowerer_->defined(name, where);
  ad::Program& data_program = data_lowerer_->program();
  data_program.finalize();
  data_program.forward(false);
  std::span<double> values = data_program.values(computed.node);
  DefinedValue value = computed;
  value.node = constant(computed.node.shape(), std::vector<double>(values.begin(), values.end()));
  if (feed_) feed_->copies.push_back({value.node, computed.node});
  return value;
}

ad::Node Lowerer::lower_binary(const lang::Expr& expr, const LoopContext& context) {
  using lang::BinaryOp;
  const lang::Expr &left = *expr.args[0], &right = *expr.args[1];
  const lang::Type &left_type = type_of(left), &right_type = type_of(right);
  if ((expr.binary_op == BinaryOp::Divide && left_type.is_int() && right_type.is_int()) ||
      expr.binary_op == BinaryOp::Modulo) {
    // Integer division truncates and % has no op: only over data, folded here.
    try {
      io::DataValue value = io::evaluate_constant(expr, data_);
      return constant(with_event_dims(value.dims), value.values);
    } catch (const std::exception&) {
      throw LocatedError(expr.range, "integer division and % of non-data values are not supported by the engine yet");
    }
  }
  ad::Node a = lower(left, context), b = lower(right, context);
  switch (expr.binary_op) {
    case BinaryOp::Add: return ad::add(a, b);
    case BinaryOp::Subtract: return ad::subtract(a, b);
    case BinaryOp::ElementMultiply: return ad::multiply(a, b);
    case BinaryOp::ElementDivide: return ad::divide(a, b);
    case BinaryOp::Power:
    case BinaryOp::ElementPower: return ad::pow(a, b);
    case BinaryOp::Multiply: {
      if (!is_container(left_type) || !is_container(right_type)) return ad::multiply(a, b);
      bool plates = has_plate_dims(a.shape()) || has_plate_dims(b.shape());
      if (left_type.shape == lang::ShapeKind::RowVector && right_type.shape == lang::ShapeKind::Vector && plates)
        return ad::sum(ad::multiply(a, b), {tensor::event(0)});  // a dot product per plate element
      if (left_type.shape == lang::ShapeKind::Vector && right_type.shape == lang::ShapeKind::RowVector)
        throw LocatedError(expr.range, "the outer product vector * row_vector is not supported by the engine yet");
      if (plates)
        throw LocatedError(expr.range, "a matrix product inside a plate is not supported by the engine yet");
      return ad::matrix_product(a, b);
    }
    case BinaryOp::Divide:
      if (is_container(right_type))
        throw LocatedError(expr.range, "division by a vector or matrix is not supported by the engine yet");
      return ad::divide(a, b);
    case BinaryOp::Less: return ad::less(a, b);
    case BinaryOp::LessEqual: return ad::less_equal(a, b);
    case BinaryOp::Greater: return ad::greater(a, b);
    case BinaryOp::GreaterEqual: return ad::greater_equal(a, b);
    case BinaryOp::Equal: return ad::equal(a, b);
    case BinaryOp::NotEqual: return ad::not_equal(a, b);
    case BinaryOp::And: {
      ad::Node zero = scalar(0.0);
      return ad::multiply(ad::not_equal(a, zero), ad::not_equal(b, zero));
    }
    case BinaryOp::Or: {
      ad::Node zero = scalar(0.0);
      return ad::greater(ad::add(ad::not_equal(a, zero), ad::not_equal(b, zero)), zero);
    }
    case BinaryOp::Modulo: break;
  }
  throw LocatedError(expr.range, "this operator is not supported by the engine yet");
}

ad::Node Lowerer::lower_literal_list(const lang::Expr& expr, const LoopContext& context) {
  // {a, b, c} or [a, b, c] of scalars: each a (event0: 1) value, concatenated.
  if (!expr.args.empty() && is_container(type_of(*expr.args[0]))) return lower_list_of_containers(expr, context);
  std::vector<ad::Node> elements;
  tensor::Shape common;
  for (const lang::ExprPtr& element : expr.args) {
    if (is_container(type_of(*element)))
      throw LocatedError(element->range, "a list of containers is not supported by the engine yet");
    elements.push_back(lower(*element, context));
    common = tensor::broadcast(common, elements.back().shape());
  }
  if (elements.empty()) throw LocatedError(expr.range, "an empty list is not supported by the engine yet");
  std::vector<tensor::Dim> dims = common.dims();
  dims.push_back({tensor::event(0), 1});
  tensor::Shape one(dims);
  ad::Node zeros = constant(one, std::vector<double>(one.element_count(), 0.0));
  ad::Node result = ad::add(elements[0], zeros);
  for (std::size_t k = 1; k < elements.size(); ++k)
    result = ad::concatenate(result, ad::add(elements[k], zeros), tensor::event(0));
  return result;
}

ad::Node Lowerer::lower_list_of_containers(const lang::Expr& expr, const LoopContext& context) {
  // {theta1, theta2} of vectors (an HMM's transition rows): each element gets a new leading
  // event dim of size 1 (its own event dims parked on spare plates meanwhile, then moved
  // behind it), and the elements are concatenated along it: an (elements, ...) array.
  ad::Node result;
  for (const lang::ExprPtr& element : expr.args) {
    if (!is_container(type_of(*element)))
      throw LocatedError(element->range, "a list mixing containers and scalars is not supported by the engine yet");
    ad::Node node = lower(*element, context);
    const int rank = node.shape().event_rank();
    for (int k = 0; k < rank; ++k) node = ad::rename_dim(node, tensor::event(0), tensor::plate(kParkedPlates + k));
    node = ad::add(node, constant(tensor::Shape({tensor::Dim{tensor::event(0), 1}}), {0.0}));
    for (int k = 0; k < rank; ++k) node = ad::rename_dim(node, tensor::plate(kParkedPlates + k), tensor::event(1 + k));
    result = result.valid() ? ad::concatenate(result, node, tensor::event(0)) : node;
  }
  return result;
}

ad::Node Lowerer::lower_call(const lang::Expr& expr, const LoopContext& context) {
  std::vector<ad::Node> args;
  for (const lang::ExprPtr& arg : expr.args) args.push_back(lower(*arg, context));
  if (const lang::Symbol* net = graph_.checked->find(expr.name); net && net->kind == lang::SymbolKind::Net)
    return apply_net(*this, *net, args.at(0), expr.range);  // nets.hpp
  return lower_function(*this, expr, args, context);
}

}  // namespace pm::compile
