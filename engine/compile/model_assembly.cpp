// The shared pieces of compilation (model_assembly.hpp).
#include "engine/compile/model_assembly.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "engine/compile/enumeration.hpp"
#include "engine/compile/sequential.hpp"
#include "engine/io/constant_expression.hpp"
#include "stdlib/transforms/transform_op.hpp"

namespace pm::compile {
namespace {

transforms::DeclaredBase declared_base(lang::BaseType base) {
  using transforms::DeclaredBase;
  switch (base) {
    case lang::BaseType::Vector: return DeclaredBase::vector;
    case lang::BaseType::RowVector: return DeclaredBase::row_vector;
    case lang::BaseType::Matrix: return DeclaredBase::matrix;
    case lang::BaseType::Simplex: return DeclaredBase::simplex;
    case lang::BaseType::Ordered: return DeclaredBase::ordered;
    case lang::BaseType::PositiveOrdered: return DeclaredBase::positive_ordered;
    case lang::BaseType::CholeskyFactorCorr: return DeclaredBase::cholesky_factor_corr;
    case lang::BaseType::CholeskyFactorCov: return DeclaredBase::cholesky_factor_cov;
    case lang::BaseType::CorrMatrix: return DeclaredBase::corr_matrix;
    case lang::BaseType::CovMatrix: return DeclaredBase::cov_matrix;
    default: return DeclaredBase::real;
  }
}

// A bound as one value or one per element of the constrained value (data_set layout). A
// bound sized like one array element (vector<lower=L>[K] in an array) is repeated over the
// array dims, which come first (fastest) in the layout.
std::vector<double> bound_values(const lang::Expr* expr, const io::DataSet& data, std::size_t total) {
  if (!expr) return {};
  io::DataValue value;
  try {
    value = io::evaluate_constant(*expr, data);
  } catch (const std::exception& error) {
    throw LocatedError(expr->range, std::string("a bound must be known from the data: ") + error.what());
  }
  if (value.size() == 1 || value.size() == total) return value.values;
  if (value.size() == 0 || total % value.size() != 0)
    throw LocatedError(expr->range, "this bound has " + std::to_string(value.size()) + " values for " +
                                        std::to_string(total) + " elements");
  std::size_t copies = total / value.size();
  std::vector<double> expanded(total);
  for (std::size_t k = 0; k < total; ++k) expanded[k] = value.values[k / copies];
  return expanded;
}

const lang::Symbol* subject_symbol(const lang::CheckedProgram& checked, const lang::Factor& factor) {
  return factor.subject.empty() ? nullptr : checked.find(factor.subject);
}

// One `~` or `target +=` in one loop context as a scalar: the sum over its elements, times
// the size of each enclosing plate its value does not vary along (the statement holds once
// per iteration). A statement reading a summed-out latent goes to the enumeration instead
// (invalid node). Inside a sequential loop this is one unrolled iteration (sequential.hpp).
ad::Node lower_term(Lowerer& lowerer, const graph::FactorNode& node, const LoopContext& context,
                    Enumeration& enumeration, std::vector<ad::Node>& values) {
  const lang::Stmt& statement = *node.factor->statement;
  ad::Node total;
  values.clear();  // what the term is computed from
  if (statement.kind == lang::StmtKind::Tilde) {
    values.push_back(lowerer.lower(*statement.lhs, context));
    for (const lang::ExprPtr& arg : statement.args) values.push_back(lowerer.lower(*arg, context));
  } else {
    values.push_back(lowerer.lower(*statement.rhs, context));
  }
  if (Enumeration::involves(values)) {
    if (in_sequential_loop(lowerer.graph(), node.loops))
      throw LocatedError(statement.range, "a discrete latent summed out inside a sequential loop (a forward algorithm) "
                                          "is not supported by the engine yet");
    enumeration.add_factor(lowerer, statement, values, context);
    return {};
  }
  if (statement.kind == lang::StmtKind::Tilde)
    total = lower_log_density(lowerer, statement.distribution, "", values, true, statement.distribution_range);
  else
    total = values[0].shape().rank() == 0 ? values[0] : ad::sum(values[0]);
  double repeats = 1.0;
  for (const PlateBinding& plate : context) {
    bool varies = false;
    for (ad::Node value : values) varies = varies || value.shape().has(plate.dim);
    if (!varies) repeats *= static_cast<double>(plate.size);
  }
  return repeats == 1.0 ? total : ad::multiply(total, lowerer.scalar(repeats));
}

}  // namespace

std::size_t evaluate_size(const lang::Expr& expr, const io::DataSet& data) {
  try {
    io::DataValue value = io::evaluate_constant(expr, data);
    if (value.is_scalar() && value.scalar() >= 0 && value.scalar() == std::floor(value.scalar()))
      return static_cast<std::size_t>(value.scalar());
  } catch (const std::exception&) {
  }
  throw LocatedError(expr.range, "this size must be a non-negative int known from the data");
}

ParameterSlot make_slot(const lang::Symbol& symbol, const io::DataSet& data, std::size_t offset) {
  const lang::TypeSpec& spec = symbol.declaration->type;
  ParameterSlot slot;
  slot.name = symbol.name;
  slot.symbol = &symbol;
  slot.offset = offset;
  std::size_t count = 1;
  std::vector<std::size_t> shape_sizes;
  for (const lang::ExprPtr& size : spec.array_sizes) slot.dims.push_back(evaluate_size(*size, data));
  for (std::size_t size : slot.dims) count *= size;
  for (const lang::ExprPtr& size : spec.sizes) shape_sizes.push_back(evaluate_size(*size, data));
  using Kind = lang::DeclaredSupport::Kind;
  const Kind kind = symbol.support.kind;
  bool lower = kind == Kind::Lower || kind == Kind::LowerUpper, upper = kind == Kind::Upper || kind == Kind::LowerUpper;
  std::optional<transforms::Transform> transform =
      transforms::make_transform(declared_base(spec.base), shape_sizes, lower, upper, count);
  if (!transform) throw LocatedError(spec.range, "the engine has no transform for this declaration");
  slot.transform = *transform;
  // The constrained value's dims: arrays, then the event's rows (and columns).
  bool matrix_valued = transform->cols > 1 || spec.base == lang::BaseType::Matrix ||
                       spec.base == lang::BaseType::CholeskyFactorCorr || spec.base == lang::BaseType::CholeskyFactorCov ||
                       spec.base == lang::BaseType::CorrMatrix || spec.base == lang::BaseType::CovMatrix;
  if (spec.base != lang::BaseType::Real && spec.base != lang::BaseType::Int) {
    slot.dims.push_back(transform->rows);
    if (matrix_valued) slot.dims.push_back(transform->cols);
  }
  std::size_t total = transform->constrained_size();
  slot.lower_bounds = bound_values(symbol.support.lower, data, total);
  slot.upper_bounds = bound_values(symbol.support.upper, data, total);
  for (std::size_t k = 0; k < total; ++k) slot.element_names.push_back(io::element_name(slot.name, slot.dims, k));
  return slot;
}

// The constrained value in the tensor layout. Elementwise transforms share the data_set
// layout; an array of vector- or matrix-valued transforms (simplex, ordered, Cholesky
// factors; any number of array dims) is laid out copy after copy by the transform (each
// event contiguous, copy c = the array elements in data_set order, first index fastest):
// that (event size, copies) matrix transposed is (copies, event size), i.e. the array dims
// first and the event's entries column-major, reshaped to (array dims..., rows[, cols]).
void constrain_slot(ParameterSlot& slot, lang::SourceRange /*where*/) {
  const transforms::Transform& transform = slot.transform;
  std::vector<tensor::Dim> dims;
  for (std::size_t k = 0; k < slot.dims.size(); ++k) dims.push_back({tensor::event(static_cast<int>(k)), slot.dims[k]});
  const tensor::Shape shape(dims);
  const bool elementwise = transform.kind == transforms::TransformKind::identity ||
                           transform.kind == transforms::TransformKind::lower ||
                           transform.kind == transforms::TransformKind::upper ||
                           transform.kind == transforms::TransformKind::lower_upper;
  transforms::OwnedBounds bounds{slot.lower_bounds, slot.upper_bounds};
  if (elementwise || transform.count == 1) {
    transforms::Constrained constrained = transforms::constrain(slot.unconstrained, transform, bounds, shape);
    slot.value = constrained.value;
    slot.log_jacobian = constrained.log_jacobian;
    return;
  }
  const std::size_t event_size = transform.constrained_event_size();
  transforms::Constrained constrained =
      transforms::constrain(slot.unconstrained, transform, bounds, tensor::Shape::matrix(event_size, transform.count));
  slot.value = ad::transpose(constrained.value);
  if (slot.dims.size() != 2 || transform.cols != 1) slot.value = ad::reshape(slot.value, slot.dims);
  slot.log_jacobian = constrained.log_jacobian;
}

ad::Node lower_model_factors(CompiledModel& model, Lowerer& lowerer, const graph::ModelGraph& graph,
                             const io::DataSet& data, const lang::Stmt*& current) {
  const lang::CheckedProgram& checked = *graph.checked;
  const CompileOptions& options = model.options;
  Enumeration enumeration;
  enumeration.declare_latents(lowerer, graph, data);
  ad::Node sum;
  auto accumulate = [&](ad::Node term) { sum = sum.valid() ? ad::add(sum, term) : term; };
  for (const graph::FactorNode& node : graph.factors) {
    const lang::Symbol* subject = subject_symbol(checked, *node.factor);
    if (!options.include_priors && node.factor->kind == lang::FactorKind::Prior && subject &&
        subject->kind == lang::SymbolKind::Param)
      continue;
    current = node.factor->statement;
    const bool on_data = node.factor->kind == lang::FactorKind::Likelihood || node.factor->kind == lang::FactorKind::Target;
    // One term per unrolled iteration of the sequential loops around it (once without any).
    for_each_iteration(lowerer, node.loops, [&](const LoopContext& context) {
      std::vector<ad::Node> arguments;
      ad::Node term = lower_term(lowerer, node, context, enumeration, arguments);
      if (!term.valid()) return;  // kept for the enumeration
      model.terms.push_back({current, term, on_data, std::move(arguments)});
      accumulate(term);
    });
  }
  current = nullptr;
  if (!enumeration.empty()) {
    // Every discrete latent summed out at once: one term (enumeration.hpp). It holds the
    // likelihood of the data given the continuous values, so it counts as a data term.
    current = enumeration.first_statement();
    Contraction contraction = enumeration.eliminate();
    if (contraction.log_total.valid()) {
      model.terms.push_back({current, contraction.log_total, true, {}});
      accumulate(contraction.log_total);
    }
    std::map<tensor::DimId, ad::Node> posteriors;
    for (const EnumeratedLatent& latent : enumeration.latents()) {
      ad::Node log_posterior =
          options.discrete_posteriors ? log_posterior_node(latent, contraction, posteriors) : ad::Node{};
      posteriors[latent.dim] = log_posterior;
      model.discrete_latents.push_back({latent.symbol->name, latent.symbol, latent.first_value, latent.support_size,
                                        latent_element_names(latent), log_posterior});
    }
    current = nullptr;
  }
  return sum;
}

void lower_reported_definitions(CompiledModel& model, Lowerer& lowerer, const graph::ModelGraph& graph) {
  for (const auto& [name, definition] : graph.definitions) {
    const lang::Symbol& symbol = *definition.symbol;
    if (symbol.kind != lang::SymbolKind::ModelDefinition || symbol.data_only) continue;
    if (definition.iteration_local) continue;  // one value per iteration: nothing to report
    ReportedDefinition reported;
    reported.name = name;
    reported.symbol = &symbol;
    reported.value = lowerer.whole(name, {}, symbol.range);
    const tensor::Shape shape = reported.value.shape();
    if (shape.rank() != shape.event_rank()) continue;  // carries plate or enumeration dims: not one value
    for (int k = 0; k < shape.event_rank(); ++k) reported.dims.push_back(shape.size_of(tensor::event(k)));
    for (std::size_t k = 0; k < shape.element_count(); ++k)
      reported.element_names.push_back(io::element_name(name, reported.dims, k));
    model.definitions.push_back(std::move(reported));
  }
  // Declaration order reads better than the map's alphabetical one.
  std::sort(model.definitions.begin(), model.definitions.end(),
            [](const ReportedDefinition& a, const ReportedDefinition& b) { return a.symbol->range.begin < b.symbol->range.begin; });
}

void finish_program(CompiledModel& model) {
  const DiscreteLatent* first = model.discrete_latents.empty() ? nullptr : &model.discrete_latents.front();
  check_memory_budget(*model.program, first && first->symbol->prior ? first->symbol->prior->range : lang::SourceRange{});
  model.program->finalize();
}

bool lower_reporting_errors(const std::function<void()>& lower, const lang::Stmt* const& current,
                            lang::Diagnostics& diagnostics) {
  try {
    lower();
    return true;
  } catch (const LocatedError& error) {
    diagnostics.error(error.range, error.what());
  } catch (const std::invalid_argument& error) {
    // Shapes that disagree once sizes are known: the statement is the place.
    diagnostics.error(current ? current->range : lang::SourceRange{},
                      std::string("the sizes in this statement do not agree with the data: ") + error.what());
  }
  return false;
}

std::size_t memory_budget_bytes() {
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  if (const char* text = std::getenv("PM_MEMORY_BUDGET_GB")) {
    char* end = nullptr;
    const double gib = std::strtod(text, &end);
    if (end != text && gib > 0) return static_cast<std::size_t>(gib * kGiB);
  }
  return static_cast<std::size_t>(8 * kGiB);
}

void check_memory_budget(ad::Program& program, lang::SourceRange where) {
  // The arena's layout (program.cpp): each buffer rounded up to 8 doubles, adjoints beside
  // the values of nodes that carry a gradient. Scratch space is small beside these.
  double bytes = 0, largest = 0;
  std::string largest_shape;
  for (std::size_t i = 0; i < program.node_count(); ++i) {
    ad::Node node{&program, static_cast<std::uint32_t>(i)};
    if (program.is_alias(node)) continue;  // shares another node's buffers
    const tensor::Shape shape = program.shape(node);
    const double elements = static_cast<double>((shape.element_count() + 7) / 8 * 8);
    bytes += elements * sizeof(double) * (program.requires_gradient(node) ? 2.0 : 1.0);
    if (elements > largest) {
      largest = elements;
      largest_shape = shape.to_string();
    }
  }
  const double budget = static_cast<double>(memory_budget_bytes());
  if (bytes <= budget) return;
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  throw LocatedError(where, fmt::format("this model would need {:.3g} GiB of tensors, more than the budget of {:.3g} GiB "
                                        "(PM_MEMORY_BUDGET_GB); its largest tensor has shape {} ({:.3g} elements): an "
                                        "enumeration of several discrete latents at once multiplies their supports",
                                        bytes / kGiB, budget / kGiB, largest_shape, largest));
}

}  // namespace pm::compile
