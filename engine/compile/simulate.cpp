// Forward simulation (simulate.hpp): a Lowerer without a data program (data may be drawn, so
// nothing is computed once), whose unbound names are drawn on demand by their `~`.
#include "engine/compile/simulate.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include "engine/ad/draw.hpp"
#include "engine/compile/lowering.hpp"
#include "engine/compile/model_assembly.hpp"
#include "engine/compile/nets.hpp"
#include "engine/compile/sequential.hpp"
#include "engine/io/constant_expression.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::compile {
namespace {

tensor::Shape with_event_dims(const std::vector<std::size_t>& dims) {
  std::vector<tensor::Dim> shape;
  for (std::size_t k = 0; k < dims.size(); ++k) shape.push_back({tensor::event(static_cast<int>(k)), dims[k]});
  return tensor::Shape(shape);
}

// Arrays first, then vector / matrix sizes: the data_set.hpp layout, where a K-sized
// cholesky_factor_corr, corr_matrix, cov_matrix or cholesky_factor_cov is K x K (as the
// compiler's slots and the draws' element names L[1,1] ... L[K,K]). Null: no declaration.
std::optional<std::vector<std::size_t>> declared_dims(const lang::Symbol& symbol, const io::DataSet& data) {
  if (!symbol.declaration) return std::nullopt;
  const lang::TypeSpec& type = symbol.declaration->type;
  std::vector<std::size_t> dims;
  for (const lang::ExprPtr& size : type.array_sizes) dims.push_back(evaluate_size(*size, data));
  for (const lang::ExprPtr& size : type.sizes) dims.push_back(evaluate_size(*size, data));
  const bool square = type.base == lang::BaseType::CholeskyFactorCorr || type.base == lang::BaseType::CorrMatrix ||
                      type.base == lang::BaseType::CovMatrix || type.base == lang::BaseType::CholeskyFactorCov;
  if (square && type.sizes.size() == 1) dims.push_back(dims.back());
  return dims;
}

// The declared lower / upper bounds as one number each (a per-element bound is not drawn yet).
ad::DrawBounds declared_bounds(const lang::Symbol& symbol, const io::DataSet& data) {
  ad::DrawBounds bounds;
  if (!symbol.declaration) return bounds;
  for (const lang::Constraint& constraint : symbol.declaration->type.constraints) {
    if (constraint.name != "lower" && constraint.name != "upper") continue;
    io::DataValue value;
    try {
      value = io::evaluate_constant(*constraint.value, data);
    } catch (const std::exception& error) {
      throw LocatedError(constraint.range, std::string("a bound must be known from the data: ") + error.what());
    }
    if (!value.is_scalar())
      throw LocatedError(constraint.range, "drawing a value with a bound per element is not supported by the engine yet");
    (constraint.name == "lower" ? bounds.lower : bounds.upper) = value.scalar();
  }
  return bounds;
}

// Spare plate numbers (far above any loop's, the enumeration's and the compiler's own): the
// array dims of a multivariate draw, and event dims parked while dims are reordered.
constexpr int kDrawArrayPlates = 1 << 22;
constexpr int kDrawParkedPlates = (1 << 22) + 64;

int event_rank_of(stdlib::kernels::ArgShape shape) {
  switch (shape) {
    case stdlib::kernels::ArgShape::scalar: return 0;
    case stdlib::kernels::ArgShape::vector: return 1;
    case stdlib::kernels::ArgShape::square_matrix: return 2;
  }
  return 0;
}

}  // namespace

// Builds a Simulator: binds the given names, draws the rest on demand, lowers the outputs
// and the log-likelihood.
class SimulationBuilder {
 public:
  SimulationBuilder(Simulator& simulator, const lang::CheckedProgram& checked, const graph::ModelGraph& graph,
                    const io::DataSet& data)
      : simulator_(simulator), checked_(checked), graph_(graph), data_(data),
        lowerer_(*simulator.program_, graph, data, nullptr) {
    lowerer_.on_unbound([this](const std::string& name, lang::SourceRange where) { return draw(name, where); });
  }

  void build(const SimulationOptions& options) {
    bind_net_weights(options.net_weights);
    for (const std::string& name : options.given) bind_given(name);
    for (const lang::Symbol& symbol : checked_.symbols) {
      if (given_.count(symbol.name)) continue;
      bool wanted = false;
      switch (symbol.kind) {
        case lang::SymbolKind::Param:
        case lang::SymbolKind::Latent: wanted = true; break;
        case lang::SymbolKind::Data: wanted = data_.find(symbol.name) == nullptr; break;
        case lang::SymbolKind::ModelDefinition: wanted = !symbol.data_only && !iteration_local(graph_, symbol.name); break;
        case lang::SymbolKind::Generated: wanted = options.generated && !iteration_local(graph_, symbol.name); break;
        default: break;
      }
      if (!wanted) continue;
      current_ = nullptr;
      ad::Node node = lowerer_.whole(symbol.name, {}, symbol.range);
      add_output(symbol, node, role_of(symbol));
    }
    simulator_.log_likelihood_ = options.log_likelihood ? lower_log_likelihood()
                                                        : lowerer_.scalar(std::numeric_limits<double>::quiet_NaN());
    simulator_.program_->finalize();
  }

  const lang::Stmt* current() const { return current_; }

 private:
  SimulatedRole role_of(const lang::Symbol& symbol) const {
    if (given_.count(symbol.name)) return SimulatedRole::given;
    if (symbol.kind == lang::SymbolKind::ModelDefinition) return SimulatedRole::defined;
    if (symbol.kind == lang::SymbolKind::Generated) return SimulatedRole::generated;
    return SimulatedRole::drawn;
  }

  void bind_given(const std::string& name) {
    const lang::Symbol* symbol = checked_.find(name);
    if (!symbol || (symbol->kind != lang::SymbolKind::Param && symbol->kind != lang::SymbolKind::Latent))
      throw LocatedError({}, "'" + name + "' is not a param or latent of the model, so it cannot be given");
    std::vector<std::size_t> dims = declared_dims(*symbol, data_).value_or(std::vector<std::size_t>{});
    tensor::Shape shape = with_event_dims(dims);
    ad::Node node = simulator_.program_->constant(shape, std::vector<double>(shape.element_count(), 0.0));
    lowerer_.bind(name, node);
    given_.insert(name);
    simulator_.given_nodes_.push_back(node);
    simulator_.given_size_ += shape.element_count();
    add_output(*symbol, node, SimulatedRole::given);
  }

  void add_output(const lang::Symbol& symbol, ad::Node node, SimulatedRole role) {
    SimulatedValue value;
    value.name = symbol.name;
    value.symbol = &symbol;
    value.role = role;
    value.is_int = symbol.type.is_int();
    const tensor::Shape shape = node.shape();
    if (shape.event_rank() != shape.rank())
      throw LocatedError(symbol.range, "the value of '" + symbol.name + "' varies with a loop it is not indexed by");
    for (const tensor::Dim& dim : shape.dims()) value.dims.push_back(dim.size);
    for (std::size_t k = 0; k < shape.element_count(); ++k)
      value.element_names.push_back(io::element_name(symbol.name, value.dims, k));
    value.node = node;
    if (auto found = drawn_by_.find(symbol.name); found != drawn_by_.end() && role == SimulatedRole::drawn) {
      value.distribution = found->second.first;
      value.arguments = found->second.second;
    }
    simulator_.values_.push_back(std::move(value));
  }

  // The weights of the nets the model block calls, from the saved params (nets.hpp layout:
  // the saved W[j][i] lands at coordinate i + n_{l-1} * j of the stored W^T).
  void bind_net_weights(const nlohmann::json* saved) {
    for (const NetParameters& net : layout_nets(checked_, data_)) {
      if (!read_by_model(checked_, *net.symbol)) continue;
      if (!saved || !saved->is_object())
        throw LocatedError(net.symbol->range, "the net '" + net.name + "' has no prior to draw its weights from: " +
                                                  "give them with --params FILE.json (written by pm fit --save-params)");
      for (const NetLayer& layer : net.layers) {
        auto number_at = [&](const std::string& name, std::initializer_list<std::size_t> path) -> double {
          const nlohmann::json* element = saved->contains(name) ? &(*saved)[name] : nullptr;
          if (!element)
            throw LocatedError(net.symbol->range, "'" + name + "' is missing from the params file");
          for (std::size_t index : path) {
            if (!element->is_array() || element->size() <= index) element = nullptr;
            else element = &(*element)[index];
            if (!element) break;
          }
          if (!element || !element->is_number())
            throw LocatedError(net.symbol->range, "'" + name + "' in the params file should be nested arrays of " +
                                                      (path.size() == 2 ? std::to_string(layer.outputs) + " x " +
                                                                              std::to_string(layer.inputs)
                                                                        : std::to_string(layer.outputs)) +
                                                      " numbers");
          return element->get<double>();
        };
        std::vector<double> weight(layer.inputs * layer.outputs), bias(layer.outputs);
        for (std::size_t j = 0; j < layer.outputs; ++j) {
          for (std::size_t i = 0; i < layer.inputs; ++i) weight[i + layer.inputs * j] = number_at(layer.weight_name, {j, i});
          bias[j] = number_at(layer.bias_name, {j});
        }
        lowerer_.bind(layer.weight_name,
                      simulator_.program_->constant(tensor::Shape::matrix(layer.inputs, layer.outputs), weight));
        lowerer_.bind(layer.bias_name, simulator_.program_->constant(tensor::Shape::vector(layer.outputs), bias));
      }
    }
  }

  // The `~` that draws `name`, with its loops (null when there is none).
  const graph::DefinitionNode* drawing_statement(const lang::Symbol& symbol, graph::DefinitionNode& storage) {
    if (symbol.kind == lang::SymbolKind::Generated) {
      const graph::DefinitionNode* definition = graph_.generated_definition(symbol.name);
      return definition && definition->statement->kind == lang::StmtKind::Tilde ? definition : nullptr;
    }
    const graph::FactorNode* found = nullptr;
    for (const graph::FactorNode& node : graph_.factors) {
      if (node.factor->subject != symbol.name || node.factor->statement->kind != lang::StmtKind::Tilde) continue;
      if (found)
        throw LocatedError(node.factor->statement->range, "'" + symbol.name + "' is on the left of several `~`: " +
                                                              "drawing it is not supported by the engine yet");
      found = &node;
    }
    if (!found) return nullptr;
    storage = graph::DefinitionNode{};
    storage.symbol = &symbol;
    storage.statement = found->factor->statement;
    storage.loops = found->loops;
    return &storage;
  }

  // The Lowerer's hook: draws a param, latent, missing data variable or generated `~`.
  bool draw(const std::string& name, lang::SourceRange where) {
    const lang::Symbol* symbol = checked_.find(name);
    if (!symbol) return false;
    switch (symbol->kind) {
      case lang::SymbolKind::Data:
        if (data_.find(name)) return false;
        break;
      case lang::SymbolKind::Param:
      case lang::SymbolKind::Latent: break;
      case lang::SymbolKind::Generated: {
        const graph::DefinitionNode* definition = graph_.generated_definition(name);
        if (!definition || definition->statement->kind != lang::StmtKind::Tilde) return false;
        break;
      }
      default: return false;
    }
    // Several `~`, or one in a sequential loop: drawn slice by slice, in order (sequential.hpp).
    if (std::vector<const graph::FactorNode*> slices = sliced_draws(graph_, name); !slices.empty()) {
      if (in_progress_.count(name)) throw LocatedError(where, "'" + name + "' depends on itself");
      in_progress_.insert(name);
      const lang::Stmt* outer = current_;
      draw_in_slices(lowerer_, *symbol, slices, declared_dims(*symbol, data_).value_or(std::vector<std::size_t>{}),
                     declared_bounds(*symbol, data_), &simulator_.stream_, current_);
      current_ = outer;
      in_progress_.erase(name);
      return true;
    }
    graph::DefinitionNode storage;
    const graph::DefinitionNode* drawn = drawing_statement(*symbol, storage);
    if (!drawn) {
      if (symbol->kind == lang::SymbolKind::Param)
        throw LocatedError(symbol->range, "the param '" + name + "' has no prior (`~`) to draw it from: give its value "
                                          "(pm sample --params FILE.json)");
      if (symbol->kind == lang::SymbolKind::Latent)
        throw LocatedError(symbol->range, "the latent '" + name + "' has a flat prior (no `~`), so it cannot be drawn");
      throw LocatedError(symbol->range, "no data was loaded for '" + name + "' and no `~` draws it");
    }
    if (in_progress_.count(name)) throw LocatedError(where, "'" + name + "' depends on itself");
    in_progress_.insert(name);
    const lang::Stmt* outer = current_;
    current_ = drawn->statement;
    lowerer_.bind(name, draw_by(*symbol, *drawn->statement, drawn->loops));
    current_ = outer;
    in_progress_.erase(name);
    return true;
  }

  DefinedValue draw_by(const lang::Symbol& symbol, const lang::Stmt& statement,
                       const std::vector<const lang::Stmt*>& loops) {
    LoopContext context = lowerer_.context_of(loops);
    const stdlib::kernels::DistributionEntry* entry = &sampler_of(statement);
    // The left side: the whole name, or name[i, j] indexed by loop variables only.
    const lang::Expr& lhs = *statement.lhs;
    DefinedValue value;
    if (lhs.kind == lang::ExprKind::Index && lhs.args[0]->kind == lang::ExprKind::Name) {
      for (const lang::IndexArg& index : lhs.indices) {
        const PlateBinding* plate = loop_variable_of(index, context);
        if (!plate)
          throw LocatedError(index.range, "drawing '" + symbol.name + "' needs its `~` indexed by loop variables only");
        value.index_plates.push_back(*plate);
      }
    } else if (lhs.kind != lang::ExprKind::Name) {
      throw LocatedError(lhs.range, "drawing '" + symbol.name + "' needs it alone on the left of `~`");
    }
    std::optional<std::vector<std::size_t>> dims = declared_dims(symbol, data_);
    std::vector<std::size_t> element_dims;
    if (dims) {
      if (value.index_plates.size() > dims->size()) throw LocatedError(lhs.range, "too many indices for this value");
      for (std::size_t k = 0; k < value.index_plates.size(); ++k)
        if (value.index_plates[k].first != 1 || value.index_plates[k].size != (*dims)[k])
          throw LocatedError(value.index_plates[k].loop->range,
                             "to draw '" + symbol.name + "', this loop must cover its every element (1.." +
                                 std::to_string((*dims)[k]) + ")");
      element_dims.assign(dims->begin() + static_cast<std::ptrdiff_t>(value.index_plates.size()), dims->end());
    }

    std::span<const stdlib::kernels::ArgSpec> specs = entry->arguments();
    const int outcome_rank = event_rank_of(specs[0].shape);
    // A multivariate outcome in an array (array[N] vector[K] y ~ multi_normal(mu, S)): the
    // array dims become element plates of the draw (and of parameters given as arrays of
    // events, aligned from the first array dim, as lower_log_density aligns them).
    std::size_t array_rank = 0;
    if (outcome_rank > 0 && dims) {
      if (element_dims.size() < static_cast<std::size_t>(outcome_rank))
        throw LocatedError(lhs.range, "'" + symbol.name + "' has fewer dims than one draw of '" +
                                          statement.distribution + "'");
      array_rank = element_dims.size() - static_cast<std::size_t>(outcome_rank);
    }
    std::vector<ad::FactorArgument> parameters;
    bool parameters_sized = false;
    std::size_t parameter_dimension = 0;
    for (std::size_t k = 0; k < statement.args.size(); ++k) {
      ad::Node node = lowerer_.lower(*statement.args[k], context);
      drawn_by_[symbol.name].second.push_back(node);
      int rank = event_rank_of(specs[k + 1].shape);
      if (rank > 0) {
        const int extra = node.shape().event_rank() - rank;
        if (extra > static_cast<int>(array_rank))
          throw LocatedError(statement.args[k]->range, "this argument has more array dims than '" + symbol.name + "'");
        for (int a = 0; a < extra; ++a) node = ad::rename_dim(node, tensor::event(0), tensor::plate(kDrawArrayPlates + a));
        if (!parameters_sized) parameter_dimension = node.shape().size_of(tensor::event(0));
        parameters_sized = true;
      }
      parameters.push_back({node, rank});
    }
    drawn_by_[symbol.name].first = statement.distribution;
    std::vector<tensor::Dim> elements;
    std::vector<std::size_t> outcome_event;
    for (const PlateBinding& plate : value.index_plates) elements.push_back({plate.dim, plate.size});
    if (outcome_rank == 0) {
      for (std::size_t k = 0; k < element_dims.size(); ++k)
        elements.push_back({tensor::event(static_cast<int>(k)), element_dims[k]});
    } else if (dims) {
      for (std::size_t a = 0; a < array_rank; ++a)
        elements.push_back({tensor::plate(kDrawArrayPlates + static_cast<int>(a)), element_dims[a]});
      outcome_event.assign(element_dims.begin() + static_cast<std::ptrdiff_t>(array_rank), element_dims.end());
    } else {
      if (!parameters_sized)
        throw LocatedError(lhs.range, "declare '" + symbol.name + "' with its size to draw it");
      outcome_event.assign(static_cast<std::size_t>(outcome_rank), parameter_dimension);
    }
    ad::DrawBounds bounds = declared_bounds(symbol, data_);
    // A distribution without parameters (std_normal): one constant gives the draw its program
    // (its sampler reads only the element count).
    if (parameters.empty()) parameters.push_back({lowerer_.scalar(0.0), 0});
    value.node = ad::draw(entry->sample, parameters, tensor::Shape(elements), outcome_event, &simulator_.stream_,
                          bounds, outcome_rank > 0 && !parameters_sized);
    if (array_rank > 0) {
      // (outcome events, array plates) -> (array dims, then the outcome's): park the outcome's
      // event dims, move the array plates in front, put the outcome back behind them.
      for (int k = 0; k < outcome_rank; ++k)
        value.node = ad::rename_dim(value.node, tensor::event(0), tensor::plate(kDrawParkedPlates + k));
      for (std::size_t a = 0; a < array_rank; ++a)
        value.node = ad::rename_dim(value.node, tensor::plate(kDrawArrayPlates + static_cast<int>(a)),
                                    tensor::event(static_cast<int>(a)));
      for (int k = 0; k < outcome_rank; ++k)
        value.node = ad::rename_dim(value.node, tensor::plate(kDrawParkedPlates + k),
                                    tensor::event(static_cast<int>(array_rank) + k));
    }
    // Every dim of the draw must be one of the name's: an extra plate means one `~` per
    // iteration for one value, an extra event dim a value larger than declared.
    const tensor::Shape drawn = value.node.shape();
    if (dims) {
      std::vector<tensor::Dim> expected;
      for (std::size_t k = 0; k < element_dims.size(); ++k)
        expected.push_back({tensor::event(static_cast<int>(k)), element_dims[k]});
      for (const PlateBinding& plate : value.index_plates) expected.push_back({plate.dim, plate.size});
      if (!(drawn == tensor::Shape(expected)))
        throw LocatedError(statement.range, "this `~` draws values shaped " + drawn.to_string() + ", but '" +
                                                symbol.name + "' is declared with " + tensor::Shape(expected).to_string());
    }
    for (const tensor::Dim& dim : drawn.dims()) {
      if (dim.id.kind == tensor::DimKind::event) continue;
      bool indexed = false;
      for (const PlateBinding& plate : value.index_plates) indexed = indexed || plate.dim == dim.id;
      if (!indexed)
        throw LocatedError(statement.range, "this `~` varies with a loop variable its left side is not indexed by");
    }
    return value;
  }

  // The factors on data and expressions: each summed over its elements, times the size of
  // every enclosing plate it does not vary along (as compile_model's terms).
  ad::Node lower_log_likelihood() {
    ad::Node total;
    for (const graph::FactorNode& node : graph_.factors) {
      const lang::Symbol* subject = node.factor->subject.empty() ? nullptr : checked_.find(node.factor->subject);
      if (subject && (subject->kind == lang::SymbolKind::Param || subject->kind == lang::SymbolKind::Latent)) continue;
      const lang::Stmt& statement = *node.factor->statement;
      current_ = &statement;
      // One term per unrolled iteration of a sequential loop (sequential.hpp).
      for_each_iteration(lowerer_, node.loops, [&](const LoopContext& context) {
        std::vector<ad::Node> values;
        ad::Node term;
        if (statement.kind == lang::StmtKind::Tilde) {
          values.push_back(lowerer_.lower(*statement.lhs, context));
          for (const lang::ExprPtr& arg : statement.args) values.push_back(lowerer_.lower(*arg, context));
          term = lower_log_density(lowerer_, statement.distribution, "", values, true, statement.distribution_range);
        } else {
          values.push_back(lowerer_.lower(*statement.rhs, context));
          term = values[0].shape().rank() == 0 ? values[0] : ad::sum(values[0]);
        }
        double repeats = 1.0;
        for (const PlateBinding& plate : context) {
          bool varies = false;
          for (ad::Node value : values) varies = varies || value.shape().has(plate.dim);
          if (!varies) repeats *= static_cast<double>(plate.size);
        }
        if (repeats != 1.0) term = ad::multiply(term, lowerer_.scalar(repeats));
        total = total.valid() ? ad::add(total, term) : term;
      });
    }
    current_ = nullptr;
    return total.valid() ? total : lowerer_.scalar(0.0);
  }

  Simulator& simulator_;
  const lang::CheckedProgram& checked_;
  const graph::ModelGraph& graph_;
  const io::DataSet& data_;
  Lowerer lowerer_;
  std::set<std::string, std::less<>> given_, in_progress_;
  // Each drawn name's distribution and lowered arguments (SimulatedValue::distribution).
  std::map<std::string, std::pair<std::string, std::vector<ad::Node>>> drawn_by_;
  const lang::Stmt* current_ = nullptr;
};

std::unique_ptr<Simulator> Simulator::compile(const lang::CheckedProgram& checked, const io::DataSet& data,
                                              const SimulationOptions& options, lang::Diagnostics& diagnostics) {
  std::optional<graph::ModelGraph> graph = graph::build_model_graph(checked, diagnostics, options.generated);
  if (!graph) return nullptr;
  std::unique_ptr<Simulator> simulator(new Simulator());
  simulator->program_ = std::make_unique<ad::Program>();
  simulator->base_ = random::Stream(options.seed);
  simulator->stream_ = simulator->base_.split(0);
  SimulationBuilder builder(*simulator, checked, *graph, data);
  try {
    builder.build(options);
  } catch (const LocatedError& error) {
    diagnostics.error(error.range, error.what());
    return nullptr;
  } catch (const std::invalid_argument& error) {
    diagnostics.error(builder.current() ? builder.current()->range : lang::SourceRange{},
                      std::string("the sizes in this statement do not agree with the data: ") + error.what());
    return nullptr;
  }
  return simulator;
}

const SimulatedValue* Simulator::find(std::string_view name) const {
  for (const SimulatedValue& value : values_)
    if (value.name == name) return &value;
  return nullptr;
}

std::vector<std::string> Simulator::names() const {
  std::vector<std::string> names;
  for (const SimulatedValue& value : values_) names.insert(names.end(), value.element_names.begin(), value.element_names.end());
  return names;
}

std::vector<double> Simulator::run(std::span<const double> given_values, std::uint64_t draw_index) {
  if (given_values.size() != given_size_)
    throw std::invalid_argument("Simulator::run: " + std::to_string(given_values.size()) + " given values for " +
                                std::to_string(given_size_));
  std::size_t offset = 0;
  for (ad::Node node : given_nodes_) {
    std::span<double> target = program_->values(node);
    std::copy_n(given_values.begin() + static_cast<std::ptrdiff_t>(offset), target.size(), target.begin());
    offset += target.size();
  }
  stream_ = base_.split(draw_index);
  program_->forward(false);
  std::vector<double> row;
  for (const SimulatedValue& value : values_) {
    std::span<const double> values = program_->values(value.node);
    row.insert(row.end(), values.begin(), values.end());
  }
  return row;
}

std::vector<std::string> given_names_in_json(const lang::CheckedProgram& checked, const nlohmann::json& saved) {
  std::vector<std::string> names;
  if (!saved.is_object()) return names;
  for (const lang::Symbol& symbol : checked.symbols)
    if ((symbol.kind == lang::SymbolKind::Param || symbol.kind == lang::SymbolKind::Latent) && saved.contains(symbol.name))
      names.push_back(symbol.name);
  return names;
}

std::optional<std::vector<double>> given_values_from_json(const Simulator& simulator, const nlohmann::json& saved,
                                                          std::string& error) {
  std::vector<double> given;
  for (const SimulatedValue& value : simulator.values()) {
    if (value.role != SimulatedRole::given) continue;
    if (!saved.contains(value.name)) {
      error = "'" + value.name + "' is missing";
      return std::nullopt;
    }
    const nlohmann::json& json = saved[value.name];
    for (std::size_t k = 0; k < value.element_names.size(); ++k) {
      const nlohmann::json* element = &json;
      for (std::size_t index : io::indices_of(value.dims, k)) {
        if (!element->is_array() || element->size() <= index) {
          error = "'" + value.name + "' has the wrong shape (" + std::to_string(value.element_names.size()) +
                  " values expected)";
          return std::nullopt;
        }
        element = &(*element)[index];
      }
      if (!element->is_number()) {
        error = "'" + value.element_names[k] + "' is not a number";
        return std::nullopt;
      }
      given.push_back(element->get<double>());
    }
  }
  return given;
}

std::optional<GeneratedRows> generated_per_row(const lang::CheckedProgram& checked, const io::DataSet& data,
                                               std::span<const std::string> names, std::span<const double> rows,
                                               std::uint64_t seed, lang::Diagnostics& diagnostics,
                                               const nlohmann::json* net_weights) {
  if (names.empty() ? !rows.empty() : rows.size() % names.size() != 0)
    throw std::invalid_argument("generated_per_row: " + std::to_string(rows.size()) + " values are not rows of " +
                                std::to_string(names.size()) + " columns");
  std::map<std::string, std::size_t, std::less<>> column_of;
  for (std::size_t c = 0; c < names.size(); ++c) column_of.emplace(names[c], c);
  // The params and latents every element of which the rows hold: given, through their columns.
  GeneratedRows result;
  SimulationOptions options{.given = {}, .generated = true, .log_likelihood = false, .seed = seed, .net_weights = net_weights};
  std::vector<std::size_t> columns;
  for (const lang::Symbol& symbol : checked.symbols) {
    if (symbol.kind != lang::SymbolKind::Param && symbol.kind != lang::SymbolKind::Latent) continue;
    std::vector<std::size_t> dims;
    try {
      dims = declared_dims(symbol, data).value_or(std::vector<std::size_t>{});
    } catch (const LocatedError& error) {
      diagnostics.error(error.range, error.what());
      return std::nullopt;
    }
    std::size_t count = 1;
    for (std::size_t size : dims) count *= size;
    std::vector<std::size_t> found;
    for (std::size_t k = 0; k < count; ++k) {
      auto column = column_of.find(io::element_name(symbol.name, dims, k));
      if (column == column_of.end()) break;
      found.push_back(column->second);
    }
    if (found.size() != count) {
      result.drawn.push_back(symbol.name);
      continue;
    }
    options.given.push_back(symbol.name);
    columns.insert(columns.end(), found.begin(), found.end());
  }
  std::unique_ptr<Simulator> simulator = Simulator::compile(checked, data, options, diagnostics);
  if (!simulator) return std::nullopt;
  for (const SimulatedValue& value : simulator->values())
    if (value.role == SimulatedRole::generated)
      result.names.insert(result.names.end(), value.element_names.begin(), value.element_names.end());
  const std::size_t row_count = names.empty() ? 0 : rows.size() / names.size();
  result.values.reserve(row_count * result.names.size());
  std::vector<double> given(columns.size());
  for (std::size_t r = 0; r < row_count; ++r) {
    for (std::size_t k = 0; k < columns.size(); ++k) given[k] = rows[r * names.size() + columns[k]];
    simulator->run(given, r);
    for (const SimulatedValue& value : simulator->values())
      if (value.role == SimulatedRole::generated) {
        std::span<const double> v = simulator->values_of(value);
        result.values.insert(result.values.end(), v.begin(), v.end());
      }
  }
  return result;
}

}  // namespace pm::compile
