// compile_variational: the model and its guide as one program (variational.hpp).
#include "engine/compile/variational.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <numbers>
#include <set>

#include <fmt/format.h>

#include "engine/compile/model_assembly.hpp"
#include "engine/io/data_set.hpp"

namespace pm::compile {
namespace {

constexpr double kLogTwoPi = 1.8378770664093454836;  // log(2 pi)

tensor::Shape event_shape(const std::vector<std::size_t>& dims) {
  std::vector<tensor::Dim> event_dims;
  for (std::size_t k = 0; k < dims.size(); ++k) event_dims.push_back({tensor::event(static_cast<int>(k)), dims[k]});
  return tensor::Shape(event_dims);
}

ad::Node zeros(ad::Program& program, const tensor::Shape& shape) {
  return program.constant(shape, std::vector<double>(shape.element_count(), 0.0));
}

// The guide block's draws, each after the draws it reads (directly or through guide
// definitions). Throws LocatedError on a cycle (the checker rejects those first).
std::vector<const lang::Symbol*> guide_draw_order(const lang::CheckedProgram& checked) {
  std::vector<const lang::Symbol*> order;
  std::set<const lang::Symbol*> done, visiting;
  std::function<void(const lang::Symbol&)> visit_reads;
  std::function<void(const lang::Symbol&)> visit = [&](const lang::Symbol& latent) {
    if (done.count(&latent)) return;
    if (visiting.count(&latent)) throw LocatedError(latent.range, "the guide's draws of '" + latent.name + "' depend on each other");
    visiting.insert(&latent);
    for (const lang::Factor& factor : checked.factors)
      if (factor.block == lang::BlockKind::Guide && factor.subject == latent.name)
        for (const std::string& name : factor.reads)
          if (const lang::Symbol* read = checked.find(name)) visit_reads(*read);
    visiting.erase(&latent);
    done.insert(&latent);
    order.push_back(&latent);
  };
  visit_reads = [&](const lang::Symbol& symbol) {
    if (symbol.kind == lang::SymbolKind::Latent && symbol.handling == lang::LatentHandling::GuideBlock) visit(symbol);
    if (symbol.kind == lang::SymbolKind::GuideDefinition)
      for (const std::string& name : symbol.reads)
        if (const lang::Symbol* read = checked.find(name); read && read != &symbol) visit_reads(*read);
  };
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Latent && symbol.handling == lang::LatentHandling::GuideBlock) visit(symbol);
  return order;
}

const lang::Factor* guide_factor(const lang::CheckedProgram& checked, const lang::Symbol& latent) {
  for (const lang::Factor& factor : checked.factors)
    if (factor.block == lang::BlockKind::Guide && factor.subject == latent.name) return &factor;
  return nullptr;
}

// The reparameterized draw of a guide-block `~`: the value as a function of its arguments
// and standard normal noise shaped like the latent.
ad::Node reparameterized_draw(const lang::Stmt& statement, const std::vector<ad::Node>& args, ad::Node noise) {
  const std::string& distribution = statement.distribution;
  if ((distribution == "normal" || distribution == "lognormal") && args.size() == 2) {
    ad::Node normal = ad::add(args[0], ad::multiply(args[1], noise));
    return distribution == "normal" ? normal : ad::exp(normal);
  }
  if (distribution == "multi_normal_cholesky" && args.size() == 2 && noise.shape().rank() == 1)
    return ad::add(args[0], ad::matrix_product(args[1], noise));
  throw LocatedError(statement.distribution_range,
                     "the guide draws from '" + distribution +
                         "', which has no reparameterization in this engine; use normal, lognormal or "
                         "multi_normal_cholesky (a transform of a normal)");
}

}  // namespace

const char* to_string(GuideFamily family) {
  switch (family) {
    case GuideFamily::meanfield: return "meanfield";
    case GuideFamily::fullrank: return "fullrank";
    case GuideFamily::map: return "map";
  }
  return "meanfield";
}

std::optional<GuideFamily> parse_guide_family(std::string_view text) {
  for (GuideFamily family : {GuideFamily::meanfield, GuideFamily::fullrank, GuideFamily::map})
    if (text == to_string(family)) return family;
  return std::nullopt;
}

std::vector<double> VariationalModel::initial_point(random::Stream& stream) const {
  std::vector<double> point(dimension(), 0.0);
  // theta, phi and m: uniform(-2, 2), CmdStan's default initialization.
  const std::size_t drawn_end = automatic_size > 0 ? location_offset + automatic_size : point.size();
  for (std::size_t k = 0; k < drawn_end; ++k) point[k] = stream.uniform(-2.0, 2.0);
  if (family == GuideFamily::fullrank)
    for (std::size_t i = 0; i < automatic_size; ++i) point[scale_offset + i + i * automatic_size] = 1.0;
  return point;
}

void VariationalModel::draw_noise(random::Stream& stream) {
  for (ad::Node node : noise) {
    std::span<double> values = model.program->values(node);
    stream.fill_normal(values.data(), values.size());
  }
}

std::vector<std::string> VariationalModel::parameter_names() const {
  std::vector<std::string> names(dimension());
  auto free_names = [&](const ParameterSlot& slot, const std::string& prefix) {
    for (std::size_t k = 0; k < slot.free_size(); ++k)
      names[slot.offset + k] = slot.free_size() == 1 ? prefix + slot.name : fmt::format("{}{}[{}]", prefix, slot.name, k + 1);
  };
  for (const ParameterSlot& slot : model.slots)
    if (slot.symbol->kind == lang::SymbolKind::Param) free_names(slot, "");
  for (const ParameterSlot& slot : guide_slots) free_names(slot, "guide.");
  for (std::size_t k = 0; k < automatic_size; ++k) {
    names[location_offset + k] = fmt::format("loc[{}]", k + 1);
    if (family == GuideFamily::meanfield) names[scale_offset + k] = fmt::format("omega[{}]", k + 1);
  }
  if (family == GuideFamily::fullrank)
    for (std::size_t j = 0; j < automatic_size; ++j)
      for (std::size_t i = 0; i < automatic_size; ++i)
        names[scale_offset + i + j * automatic_size] = fmt::format("L[{},{}]", i + 1, j + 1);
  return names;
}

std::optional<VariationalModel> compile_variational(const lang::CheckedProgram& checked, const io::DataSet& data,
                                                    const VariationalOptions& options, lang::Diagnostics& diagnostics) {
  std::optional<graph::ModelGraph> graph = graph::build_model_graph(checked, diagnostics);
  if (!graph) return std::nullopt;
  VariationalModel result;
  result.family = options.family;
  CompiledModel& model = result.model;
  model.options = {.include_priors = true, .include_jacobian = false, .discrete_posteriors = options.discrete_posteriors};
  model.program = std::make_unique<ad::Program>();
  ad::Program& program = *model.program;
  ad::Program data_program;
  Lowerer data_lowerer(data_program, *graph, data, nullptr);
  Lowerer lowerer(program, *graph, data, &data_lowerer);
  const lang::Stmt* current = nullptr;
  try {
    for (const lang::Factor& factor : checked.factors)
      if (factor.block == lang::BlockKind::Guide && !factor.enclosing_loops.empty())
        throw LocatedError(factor.statement->range,
                           "guide statements inside `for` loops are not supported by the engine yet; draw the "
                           "latent vectorized (z ~ normal(m, s) with vector arguments)");
    // 1. The parameter vector: theta, phi, then the automatic guide (the program packs
    //    parameters first, so every one is made before any other node).
    std::size_t offset = 0;
    for (const lang::Symbol* symbol : graph->parameters) model.slots.push_back(make_slot(*symbol, data, 0));
    for (ParameterSlot& slot : model.slots) {
      if (slot.symbol->kind != lang::SymbolKind::Param) continue;
      slot.offset = offset;
      slot.unconstrained = program.parameter(tensor::Shape::vector(slot.free_size()));
      offset += slot.free_size();
    }
    for (const lang::Symbol& symbol : checked.symbols) {
      if (symbol.kind != lang::SymbolKind::GuideParam) continue;
      result.guide_slots.push_back(make_slot(symbol, data, offset));
      ParameterSlot& slot = result.guide_slots.back();
      slot.unconstrained = program.parameter(tensor::Shape::vector(slot.free_size()));
      offset += slot.free_size();
    }
    for (std::size_t k = 0; k < model.slots.size(); ++k) {
      const lang::Symbol& symbol = *model.slots[k].symbol;
      if (symbol.kind == lang::SymbolKind::Latent && symbol.handling == lang::LatentHandling::AutomaticGuide) {
        result.automatic_latents.push_back(k);
        result.automatic_size += model.slots[k].free_size();
      }
    }
    const std::size_t d = result.automatic_size;
    if (d > 0) {
      result.location_offset = offset;
      result.location = program.parameter(tensor::Shape::vector(d));
      offset += d;
      result.scale_offset = offset;
      if (options.family == GuideFamily::meanfield) {
        result.scale = program.parameter(tensor::Shape::vector(d));
        offset += d;
      } else if (options.family == GuideFamily::fullrank) {
        result.scale = program.parameter(tensor::Shape::matrix(d, d));
        offset += d * d;
      }
    }

    // 2. The automatic guide: u = m + scale(eps), sliced into its latents' slots.
    ad::Node automatic_log_q, automatic_entropy;
    if (d > 0) {
      ad::Node u = result.location;
      if (options.family != GuideFamily::map) {
        ad::Node eps = zeros(program, tensor::Shape::vector(d));
        result.noise.push_back(eps);
        result.noise_size += d;
        const double normal_constant = -0.5 * static_cast<double>(d) * kLogTwoPi;
        const double entropy_constant = 0.5 * static_cast<double>(d) * (1.0 + kLogTwoPi);
        ad::Node log_scale_sum;
        if (options.family == GuideFamily::meanfield) {
          u = ad::add(u, ad::multiply(ad::exp(result.scale), eps));
          log_scale_sum = ad::sum(result.scale);
        } else {
          std::vector<double> lower_mask(d * d, 0.0), identity(d * d, 0.0);
          for (std::size_t j = 0; j < d; ++j)
            for (std::size_t i = j; i < d; ++i) lower_mask[i + j * d] = 1.0;
          for (std::size_t i = 0; i < d; ++i) identity[i + i * d] = 1.0;
          const tensor::Shape square = tensor::Shape::matrix(d, d);
          ad::Node lower = ad::multiply(result.scale, program.constant(square, lower_mask));
          u = ad::add(u, ad::matrix_product(lower, eps));
          ad::Node diagonal = ad::sum(ad::multiply(lower, program.constant(square, identity)), {tensor::event(1)});
          log_scale_sum = ad::sum(ad::log(ad::abs(diagonal)));
        }
        // log q(u) = sum(-eps^2 / 2) - log|det scale| - d/2 log(2 pi); H = log|det| + d/2 (1 + log 2 pi).
        automatic_log_q = ad::subtract(ad::add(ad::multiply(ad::sum(ad::square(eps)), program.constant(-0.5)),
                                               program.constant(normal_constant)),
                                       log_scale_sum);
        automatic_entropy = ad::add(log_scale_sum, program.constant(entropy_constant));
      }
      std::size_t within = 0;
      for (std::size_t k : result.automatic_latents) {
        ParameterSlot& slot = model.slots[k];
        slot.offset = result.location_offset + within;
        slot.unconstrained = d == slot.free_size() ? u : ad::slice(u, tensor::event(0), within, slot.free_size());
        within += slot.free_size();
      }
    }
    for (ParameterSlot& slot : model.slots) {
      if (!slot.unconstrained.valid()) continue;  // drawn by the guide block, below
      constrain_slot(slot, slot.symbol->range);
      lowerer.bind(slot.name, slot.value);
    }
    for (ParameterSlot& slot : result.guide_slots) {
      constrain_slot(slot, slot.symbol->range);
      lowerer.bind(slot.name, slot.value);
    }

    // 3. The guide block's draws, in dependency order, and their log density.
    ad::Node block_log_q;
    for (const lang::Symbol* latent : guide_draw_order(checked)) {
      const lang::Factor* factor = guide_factor(checked, *latent);
      if (!factor) continue;
      const lang::Stmt& statement = *factor->statement;
      current = &statement;
      ParameterSlot* slot = nullptr;
      for (ParameterSlot& candidate : model.slots)
        if (candidate.symbol == latent) slot = &candidate;
      if (!slot) continue;
      const tensor::Shape shape = event_shape(slot->dims);
      ad::Node eps = zeros(program, shape);
      result.noise.push_back(eps);
      result.noise_size += shape.element_count();
      std::vector<ad::Node> args;
      for (const lang::ExprPtr& arg : statement.args) args.push_back(lowerer.lower(*arg, {}));
      ad::Node drawn = reparameterized_draw(statement, args, eps);
      if (!(drawn.shape() == shape))
        throw LocatedError(statement.range, fmt::format("the guide's draw of '{}' has shape {}, but '{}' is declared with "
                                                        "shape {}",
                                                        latent->name, drawn.shape().to_string(), latent->name,
                                                        shape.to_string()));
      slot->value = drawn;
      lowerer.bind(latent->name, drawn);
      std::vector<ad::Node> density_args{drawn};
      density_args.insert(density_args.end(), args.begin(), args.end());
      ad::Node log_q = lower_log_density(lowerer, statement.distribution, "", density_args, true, statement.distribution_range);
      block_log_q = block_log_q.valid() ? ad::add(block_log_q, log_q) : log_q;
    }
    current = nullptr;

    // 4. The model's terms, and the estimators built from them.
    ad::Node log_joint = lower_model_factors(model, lowerer, *graph, data, current);
    if (!log_joint.valid()) log_joint = program.constant(0.0);
    ad::Node reconstruction;
    for (const FactorTerm& term : model.terms)
      if (term.on_data) reconstruction = reconstruction.valid() ? ad::add(reconstruction, term.value) : term.value;
    result.reconstruction = reconstruction.valid() ? reconstruction : program.constant(0.0);
    if (options.family != GuideFamily::map)
      for (std::size_t k : result.automatic_latents) log_joint = ad::add(log_joint, model.slots[k].log_jacobian);
    ad::Node log_guide = program.constant(0.0), elbo = log_joint;
    if (automatic_log_q.valid()) {
      log_guide = ad::add(log_guide, automatic_log_q);
      elbo = ad::add(elbo, automatic_entropy);
    }
    if (block_log_q.valid()) {
      log_guide = ad::add(log_guide, block_log_q);
      elbo = ad::subtract(elbo, block_log_q);
    }
    // The params' priors: in the objective (MAP of theta), not in p(data; theta) (evidence).
    ad::Node param_priors = program.constant(0.0);
    for (const FactorTerm& term : model.terms)
      for (const lang::Factor& factor : checked.factors)
        if (factor.statement == term.statement && factor.kind == lang::FactorKind::Prior)
          if (const lang::Symbol* subject = checked.find(factor.subject); subject && subject->kind == lang::SymbolKind::Param)
            param_priors = ad::add(param_priors, term.value);
    result.params_log_prior = param_priors;
    result.log_joint = model.log_density = log_joint;
    result.log_guide = log_guide;
    result.elbo = elbo;
    result.log_weight = ad::subtract(log_joint, log_guide);
    lower_reported_definitions(model, lowerer, *graph);
    program.finalize();
  } catch (const LocatedError& error) {
    diagnostics.error(error.range, error.what());
    return std::nullopt;
  } catch (const std::invalid_argument& error) {
    diagnostics.error(current ? current->range : lang::SourceRange{},
                      std::string("the sizes in this statement do not agree with the data: ") + error.what());
    return std::nullopt;
  }
  return result;
}

}  // namespace pm::compile
