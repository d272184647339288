// Enumeration dims for summed-out latents and their elimination (enumeration.hpp).
#include "engine/compile/enumeration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/io/constant_expression.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::compile {
namespace {

using tensor::DimId;
using tensor::DimKind;
using tensor::DimSet;

DimSet dims_of_kind(const tensor::Shape& shape, DimKind kind) {
  DimSet dims;
  for (const tensor::Dim& dim : shape.dims())
    if (dim.id.kind == kind) dims.push_back(dim.id);
  return dims;  // canonical order: sorted
}

bool contains(const DimSet& set, DimId id) { return std::find(set.begin(), set.end(), id) != set.end(); }

DimSet united(DimSet a, const DimSet& b) {
  for (DimId id : b)
    if (!contains(a, id)) a.push_back(id);
  std::sort(a.begin(), a.end());
  return a;
}

// The dims a factor stands for: its value's, and the plates of its extent.
tensor::Shape factor_shape(const EnumeratedFactor& factor) { return tensor::broadcast(factor.value.shape(), factor.extent); }

// A zero of shape `extent` added, so that a value constant along those plates gets them.
ad::Node padded(ad::Node value, const tensor::Shape& extent) {
  for (const tensor::Dim& dim : extent.dims())
    if (!value.shape().has(dim.id))
      return ad::add(value, value.program->constant(extent, std::vector<double>(extent.element_count(), 0.0)));
  return value;
}

struct Support {
  double first = -std::numeric_limits<double>::infinity();
  double last = std::numeric_limits<double>::infinity();
  void intersect(double low, double high) {
    first = std::max(first, low);
    last = std::min(last, high);
  }
};

double declared_bound(const lang::Expr* bound, const io::DataSet& data) {
  io::DataValue value;
  try {
    value = io::evaluate_constant(*bound, data);
  } catch (const std::exception& error) {
    throw LocatedError(bound->range, std::string("a bound of a discrete latent must be known from the data: ") + error.what());
  }
  if (!value.is_scalar()) throw LocatedError(bound->range, "a bound of a discrete latent must be one int");
  return value.scalar();
}

// The support of the prior's distribution where the engine knows it (the signature
// table's: bernoulli {0, 1}, categorical 1..K from the simplex size, binomial 0..n).
void intersect_distribution_support(Support& support, Lowerer& lowerer, const lang::Stmt& prior,
                                    const LoopContext& context) {
  const std::string& name = prior.distribution;
  if (name == "bernoulli" || name == "bernoulli_logit") {
    support.intersect(0, 1);
  } else if (name == "categorical" || name == "categorical_logit") {
    ad::Node weights = lowerer.lower(*prior.args.at(0), context);
    support.intersect(1, static_cast<double>(weights.shape().size_of(tensor::event(0))));
  } else if (name == "ordered_logistic" || name == "ordered_probit") {
    ad::Node cutpoints = lowerer.lower(*prior.args.at(1), context);
    const int rank = cutpoints.shape().event_rank();
    support.intersect(1, 1.0 + static_cast<double>(rank == 0 ? 1 : cutpoints.shape().size_of(tensor::event(0))));
  } else if (name == "discrete_range") {
    try {
      support.intersect(static_cast<double>(lowerer.constant_int(*prior.args.at(0), context)),
                        static_cast<double>(lowerer.constant_int(*prior.args.at(1), context)));
    } catch (const LocatedError&) {  // bounds per element: the declared bounds decide
    }
  } else if (name == "binomial" || name == "binomial_logit" || name == "beta_binomial") {
    try {
      support.intersect(0, static_cast<double>(lowerer.constant_int(*prior.args.at(0), context)));
    } catch (const LocatedError&) {
      support.intersect(0, std::numeric_limits<double>::infinity());  // n per element: the declared bounds decide
    }
  } else if (name == "poisson" || name == "poisson_log" || name == "neg_binomial" || name == "neg_binomial_2" ||
             name == "neg_binomial_2_log" || name == "geometric") {
    support.intersect(0, std::numeric_limits<double>::infinity());
  }
}

// Plate numbers for latents drawn vectorized (`z ~ categorical(w)` for array[N] int z):
// above any loop's number, below the spare plates of lowering.cpp and functions.cpp.
constexpr int kVectorizedPlates = 1 << 19;

bool mentions(const lang::Expr& expr, const std::string& name) {
  if (expr.kind == lang::ExprKind::Name && expr.name == name) return true;
  for (const lang::ExprPtr& arg : expr.args)
    if (mentions(*arg, name)) return true;
  for (const lang::IndexArg& index : expr.indices)
    if ((index.first && mentions(*index.first, name)) || (index.last && mentions(*index.last, name))) return true;
  return false;
}

}  // namespace

bool Enumeration::involves(const std::vector<ad::Node>& values) {
  for (ad::Node value : values)
    if (!dims_of_kind(value.shape(), DimKind::enumeration).empty()) return true;
  return false;
}

void Enumeration::declare_latents(Lowerer& lowerer, const graph::ModelGraph& graph, const io::DataSet& data) {
  for (const lang::Symbol& symbol : graph.checked->symbols) {
    if (symbol.kind != lang::SymbolKind::Latent || !symbol.discrete) continue;
    const lang::Stmt* prior = symbol.prior;
    if (!prior)
      throw LocatedError(symbol.range, "the discrete latent '" + symbol.name + "' needs a `~` in the model block");
    const graph::FactorNode* node = nullptr;
    for (const graph::FactorNode& factor : graph.factors)
      if (factor.factor->statement == prior) node = &factor;
    if (!node) throw LocatedError(prior->range, "the `~` of '" + symbol.name + "' is not in the model block");
    LoopContext context = lowerer.context_of(node->loops);

    EnumeratedLatent latent;
    latent.symbol = &symbol;
    const lang::Expr& lhs = *prior->lhs;
    if (lhs.kind == lang::ExprKind::Index) {
      for (const lang::IndexArg& index : lhs.indices) {
        const PlateBinding* plate = loop_variable_of(index, context);
        if (!plate)
          throw LocatedError(index.range, "a discrete latent's `~` must index it by loop variables only (the engine "
                                          "enumerates one element per plate element)");
        latent.plates.push_back(*plate);
      }
    }
    const bool vectorized = lhs.kind == lang::ExprKind::Name && symbol.type.array_sizes.size() == 1 && context.empty();
    if (vectorized) {
      // `z ~ categorical(w)` draws z[1..N] at once: z gets a plate of its own, and whole
      // reads of z are (event0: N, enumeration), aligned with the data's event0.
      const lang::Expr* size = symbol.declaration ? symbol.declaration->type.array_sizes.at(0).get() : nullptr;
      if (!size) throw LocatedError(lhs.range, "the size of '" + symbol.name + "' must be known from the data");
      std::int64_t count = lowerer.constant_int(*size, context);
      latent.plates.push_back({"", tensor::plate(kVectorizedPlates + static_cast<int>(latents_.size())), 1,
                               static_cast<std::size_t>(std::max<std::int64_t>(count, 0)), nullptr});
    }
    if (latent.plates.size() != symbol.type.array_sizes.size())
      throw LocatedError(lhs.range, "the `~` of the discrete latent '" + symbol.name +
                                        "' must draw one element per iteration, as '" + symbol.name +
                                        "[i] ~ ...' inside `for (i in ...)`, or vectorized as '" + symbol.name +
                                        " ~ ...' outside any loop for a 1-d array");

    Support support;
    intersect_distribution_support(support, lowerer, *prior, context);
    if (symbol.support.lower) support.intersect(declared_bound(symbol.support.lower, data), support.last);
    if (symbol.support.upper) support.intersect(support.first, declared_bound(symbol.support.upper, data));
    if (!std::isfinite(support.first) || !std::isfinite(support.last))
      throw LocatedError(prior->range, "the discrete latent '" + symbol.name + "' has an infinite support under '" +
                                           prior->distribution + "': declare both bounds (int<lower=a, upper=b>) to "
                                           "enumerate it");
    if (support.last < support.first)
      throw LocatedError(prior->range, "the discrete latent '" + symbol.name + "' has an empty support");
    latent.first_value = static_cast<std::int64_t>(std::ceil(support.first));
    latent.support_size = static_cast<std::size_t>(std::floor(support.last) - std::ceil(support.first)) + 1;
    latent.dim = tensor::enumeration(static_cast<int>(latents_.size()));
    std::vector<double> values(latent.support_size);
    for (std::size_t k = 0; k < values.size(); ++k) values[k] = static_cast<double>(latent.first_value) + static_cast<double>(k);
    latent.value = lowerer.constant(tensor::Shape({tensor::Dim{latent.dim, latent.support_size}}), values);
    // A vectorized z is bound without its plate too: `mu[z]` is then mu's K values, not an
    // (N, K) gather; the factors reading z stand for every element of z's plate (their
    // extent, add_factor), which the contraction broadcasts.
    if (vectorized) vectorized_.push_back({symbol.name, latent.plates.front()});
    lowerer.bind(symbol.name, DefinedValue{latent.value, vectorized ? std::vector<PlateBinding>{} : latent.plates});
    latents_.push_back(latent);
  }
}

void Enumeration::add_factor(Lowerer& lowerer, const lang::Stmt& statement, const std::vector<ad::Node>& values,
                             const LoopContext& context) {
  // The plates of the vectorized latents this statement reads.
  std::vector<PlateBinding> read_plates;
  for (const auto& [name, plate] : vectorized_) {
    bool reads = statement.lhs && mentions(*statement.lhs, name);
    for (const lang::ExprPtr& arg : statement.args) reads = reads || mentions(*arg, name);
    if (reads) read_plates.push_back(plate);
  }
  ad::Node factor;
  if (statement.kind == lang::StmtKind::Tilde) {
    std::vector<ad::Node> arguments = values;
    // A statement reading a vectorized latent z: its elements along event0 are z's plate
    // (for the arguments the kernel takes one element of; a vector argument keeps its event).
    for (const PlateBinding& plate : read_plates) {
      const stdlib::kernels::DistributionEntry* entry = stdlib::kernels::find_distribution(statement.distribution);
      if (!entry || entry->arguments().size() != arguments.size()) continue;  // lower_log_density reports it
      for (std::size_t k = 0; k < arguments.size(); ++k)
        if (entry->arguments()[k].shape == stdlib::kernels::ArgShape::scalar && arguments[k].shape().has(tensor::event(0)) &&
            !arguments[k].shape().has(plate.dim))
          arguments[k] = ad::rename_dim(arguments[k], tensor::event(0), plate.dim);
    }
    // Summed over its event dims only: the plate and enumeration dims stay.
    factor = lower_log_density(lowerer, statement.distribution, "", arguments, false, statement.distribution_range);
  } else {
    factor = values.at(0);
    DimSet events = dims_of_kind(factor.shape(), DimKind::event);
    if (!events.empty()) factor = ad::sum(factor, events);
  }
  // One factor per iteration of every enclosing loop and per element of every vectorized
  // latent read, even where the value does not vary: recorded as the factor's extent.
  EnumeratedFactor entry{factor, &statement, {}};
  read_plates.insert(read_plates.end(), context.begin(), context.end());
  for (const PlateBinding& plate : read_plates)
    if (!factor.shape().has(plate.dim))
      entry.extent = tensor::broadcast(entry.extent, tensor::Shape({tensor::Dim{plate.dim, plate.size}}));
  factors_.push_back(entry);
}

Contraction Enumeration::eliminate() const {
  std::map<DimId, DimSet> ordinals;
  for (const EnumeratedLatent& latent : latents_) {
    DimSet plates;
    for (const PlateBinding& plate : latent.plates) plates.push_back(plate.dim);
    std::sort(plates.begin(), plates.end());
    ordinals[latent.dim] = plates;
  }
  return contract(factors_, ordinals);
}

Contraction contract(const std::vector<EnumeratedFactor>& factors, const std::map<DimId, DimSet>& ordinals) {
  Contraction result;
  std::vector<EnumeratedFactor> pending = factors;
  while (!pending.empty()) {
    // The deepest plate set left: every factor reduced into it has been added already,
    // because a reduction always removes at least one plate.
    std::size_t deepest = 0;
    for (std::size_t k = 1; k < pending.size(); ++k)
      if (dims_of_kind(factor_shape(pending[k]), DimKind::plate).size() >
          dims_of_kind(factor_shape(pending[deepest]), DimKind::plate).size())
        deepest = k;
    const DimSet plates = dims_of_kind(factor_shape(pending[deepest]), DimKind::plate);
    const lang::Stmt* statement = pending[deepest].statement;
    std::vector<ad::Node> terms;
    tensor::Shape joint_shape;  // the broadcast of the terms and their extents: the dims of their sum
    std::vector<EnumeratedFactor> rest;
    for (const EnumeratedFactor& factor : pending) {
      const tensor::Shape shape = factor_shape(factor);
      if (dims_of_kind(shape, DimKind::plate) != plates) {
        rest.push_back(factor);
        continue;
      }
      terms.push_back(factor.value);
      joint_shape = tensor::broadcast(joint_shape, shape);
    }
    tensor::Shape extent;  // the group's plates, which some term may lack
    for (const tensor::Dim& dim : joint_shape.dims())
      if (dim.id.kind == DimKind::plate) extent = tensor::broadcast(extent, tensor::Shape({dim}));
    pending = std::move(rest);

    ContractionGroup group{plates, {}, {}};
    DimSet needed_plates;
    for (DimId latent : dims_of_kind(joint_shape, DimKind::enumeration)) {
      auto ordinal = ordinals.find(latent);
      if (ordinal == ordinals.end())
        throw LocatedError(statement ? statement->range : lang::SourceRange{}, "an enumeration dim without a latent");
      if (ordinal->second == plates) {
        group.eliminated.push_back(latent);
        continue;
      }
      for (DimId plate : ordinal->second)
        if (!contains(plates, plate))
          throw LocatedError(statement ? statement->range : lang::SourceRange{},
                             "a discrete latent is used here outside the plate it is drawn in: summing it out would "
                             "couple the elements of a plate, which the engine does not support");
      needed_plates = united(needed_plates, ordinal->second);
    }
    DimSet product_plates;  // multiplied out here: the plates no latent left needs
    for (DimId plate : plates)
      if (!contains(needed_plates, plate)) product_plates.push_back(plate);
    if (!plates.empty() && product_plates.empty())  // latents of two different plates meet in one factor
      throw LocatedError(statement ? statement->range : lang::SourceRange{},
                         "discrete latents of different plates meet here: summing them out would couple the "
                         "elements of a plate, which the engine does not support");

    ad::Node reduced;
    if (!group.eliminated.empty()) {
      // Sum of the factors, log_sum_exp over the latents, product over the plates: one op
      // (engine/ad/contraction_ops.cpp) that also keeps the joint for the posteriors.
      ad::Elimination step = ad::log_sum_exp_of_sum(terms, group.eliminated, product_plates, extent);
      group.joint = step.joint;
      reduced = step.output;
    } else {
      for (ad::Node term : terms) group.joint = group.joint.valid() ? ad::add(group.joint, term) : term;
      group.joint = padded(group.joint, extent);
      reduced = product_plates.empty() ? group.joint : ad::sum(group.joint, product_plates);
    }
    result.groups.push_back(group);
    if (plates.empty())
      result.log_total = result.log_total.valid() ? ad::add(result.log_total, reduced) : reduced;
    else
      pending.push_back({reduced, statement, {}});
  }
  return result;
}

}  // namespace pm::compile
