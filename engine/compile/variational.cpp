// compile_variational: the model and its guide as one program (variational.hpp).
#include "engine/compile/variational.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <numbers>
#include <set>

#include <fmt/format.h>

#include "engine/compile/data_feed.hpp"
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

// A guide `~` inside plates (`for (n in 1:N) z[n] ~ normal(m[n], s)`): the plates its left
// side is indexed by, in index order. Each index must be one enclosing plate's variable, every
// enclosing plate must index it (else one latent would be drawn once per iteration), and each
// plate must cover its dim whole, 1..size. Throws LocatedError naming what is wrong.
std::vector<PlateBinding> guide_index_plates(const lang::Stmt& statement, const lang::Symbol& latent,
                                             const LoopContext& context, const std::vector<std::size_t>& dims) {
  const lang::Expr& lhs = *statement.lhs;
  if (lhs.kind != lang::ExprKind::Index || lhs.args.empty() || lhs.args[0]->kind != lang::ExprKind::Name)
    throw LocatedError(lhs.range, fmt::format("inside a `for` loop the guide draws '{}' by element: index it by the "
                                              "loop variable ('{}[{}] ~ ...')",
                                              latent.name, latent.name, context.front().variable));
  std::vector<PlateBinding> plates;
  for (const lang::IndexArg& index : lhs.indices) {
    const PlateBinding* plate = loop_variable_of(index, context);
    if (!plate)
      throw LocatedError(index.range, fmt::format("the guide's draw of '{}' inside a loop must be indexed by loop "
                                                  "variables only",
                                                  latent.name));
    plates.push_back(*plate);
  }
  if (plates.size() > dims.size()) throw LocatedError(lhs.range, "too many indices for '" + latent.name + "'");
  for (const PlateBinding& binding : context) {
    bool used = false;
    for (const PlateBinding& plate : plates) used = used || plate.variable == binding.variable;
    if (!used)
      throw LocatedError(binding.loop->range, fmt::format("the guide draws '{}' inside the loop over '{}' without "
                                                          "indexing it by '{}': each iteration would draw it again",
                                                          latent.name, binding.variable, binding.variable));
  }
  for (std::size_t k = 0; k < plates.size(); ++k)
    if (plates[k].first != 1 || plates[k].size != dims[k])
      throw LocatedError(plates[k].loop->range, fmt::format("to draw '{}' in the guide, this loop must cover its every "
                                                            "element (1..{})",
                                                            latent.name, dims[k]));
  return plates;
}

// A value computed inside a guide draw's plates, broadcast to `drawn`'s shape (an argument
// may lack a plate) and laid out as the latent is (plates_as_leading_events).
ad::Node to_latent_layout(ad::Program& program, ad::Node x, ad::Node drawn, const std::vector<PlateBinding>& plates) {
  if (!(x.shape() == drawn.shape())) x = ad::add(x, zeros(program, drawn.shape()));
  return plates_as_leading_events(x, plates);
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

// A latent's normal guide: its log q node and the guide's mean and sd (broadcast to its shape).
struct NormalGuide {
  ad::Node log_q, mean, sd;  // log_q already weighted by `scale`
  double scale = 1.0;        // N / B for a local latent in a minibatch
};

// KL(N(m, s) || N(a, b)) elementwise, summed: log(b / s) + (s^2 + (m - a)^2) / (2 b^2) - 1/2.
ad::Node normal_kl(ad::Node m, ad::Node s, ad::Node a, ad::Node b) {
  ad::Node variance_ratio = ad::divide(ad::add(ad::square(s), ad::square(ad::subtract(m, a))), ad::square(b) * 2.0);
  return ad::sum(ad::subtract(ad::add(ad::subtract(ad::log(b), ad::log(s)), variance_ratio), ad::constant_like(m, 0.5)));
}

// The prior `z ~ normal(a, b)` of a latent, whole and outside loops, or null.
const lang::Stmt* normal_prior(const lang::CheckedProgram& checked, const lang::Symbol& latent) {
  const lang::Stmt* prior = latent.prior;
  if (!prior || prior->distribution != "normal" || prior->args.size() != 2 || !prior->lhs ||
      prior->lhs->kind != lang::ExprKind::Name || prior->lhs->name != latent.name)
    return nullptr;
  for (const lang::Factor& factor : checked.factors)
    if (factor.statement == prior && !factor.enclosing_loops.empty()) return nullptr;
  return prior;
}

// The ELBO with E_q[log p(z) - log q(z)] of each latent whose prior and guide are both normal
// (elementwise independent) replaced by the closed form -KL(q || p): the same expectation
// without the Monte Carlo noise of those terms (LANGUAGE.md `kl`). The prior's arguments may
// read other latents: given their draw, the conditional KL is exact, so the estimator stays
// unbiased. Automatic meanfield latents qualify when their transform is the identity and
// they are scalars or vectors (their guide's m and omega slices have their shape).
ad::Node with_analytic_kl(VariationalModel& result, const lang::CheckedProgram& checked, Lowerer& lowerer,
                          const std::map<const lang::Symbol*, NormalGuide>& normal_guides, ad::Node elbo) {
  CompiledModel& model = result.model;
  auto prior_term = [&](const lang::Stmt* prior) -> ad::Node {
    for (const FactorTerm& term : model.terms)
      if (term.statement == prior) return term.value;
    return {};
  };
  for (const auto& [latent, guide] : normal_guides) {
    const lang::Stmt* prior = normal_prior(checked, *latent);
    ad::Node term = prior ? prior_term(prior) : ad::Node{};
    if (!term.valid()) continue;
    ad::Node kl = normal_kl(guide.mean, guide.sd, lowerer.lower(*prior->args[0], {}), lowerer.lower(*prior->args[1], {}));
    if (guide.scale != 1.0) kl = kl * guide.scale;
    // elbo held log p(z) (in log_joint) and -log q(z) (block_log_q): swap both for -KL.
    elbo = ad::subtract(ad::add(ad::subtract(elbo, term), guide.log_q), kl);
    result.analytic_kl_latents.push_back(latent->name);
  }
  if (result.family != GuideFamily::meanfield) return elbo;
  std::size_t within = 0;
  for (std::size_t k : result.automatic_latents) {
    const ParameterSlot& slot = model.slots[k];
    const std::size_t size = slot.free_size();
    const std::size_t start = within;
    within += size;
    const lang::Stmt* prior = normal_prior(checked, *slot.symbol);
    ad::Node term = prior ? prior_term(prior) : ad::Node{};
    if (!term.valid() || slot.transform.kind != transforms::TransformKind::identity || slot.dims.size() > 1) continue;
    ad::Node m = size == result.automatic_size ? result.location : ad::slice(result.location, tensor::event(0), start, size);
    ad::Node omega = size == result.automatic_size ? result.scale : ad::slice(result.scale, tensor::event(0), start, size);
    if (slot.dims.empty()) {  // a scalar latent: its slices are vectors of 1
      m = ad::index(m, tensor::event(0), 0);
      omega = ad::index(omega, tensor::event(0), 0);
    }
    ad::Node kl = normal_kl(m, ad::exp(omega), lowerer.lower(*prior->args[0], {}), lowerer.lower(*prior->args[1], {}));
    // elbo held log p(z) (in log_joint) and this slot's share of the entropy,
    // sum(omega) + size/2 (1 + log 2 pi): swap both for -KL.
    ad::Node entropy = ad::add(ad::sum(omega), ad::constant_like(omega, 0.5 * static_cast<double>(size) * (1.0 + kLogTwoPi)));
    elbo = ad::subtract(ad::subtract(ad::subtract(elbo, term), entropy), kl);
    result.analytic_kl_latents.push_back(slot.name);
  }
  return elbo;
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

std::vector<double> VariationalModel::initial_point(random::Stream& stream, double radius) const {
  std::vector<double> point(dimension(), 0.0);
  // theta, phi and m: uniform(-radius, radius), CmdStan's initialization (radius 2 by default).
  const std::size_t drawn_end = automatic_size > 0 ? location_offset + automatic_size : point.size();
  for (std::size_t k = 0; k < drawn_end; ++k) point[k] = stream.uniform(-radius, radius);
  // Net weights: Glorot / He instead (nets.hpp), from their own substream.
  initialize_net_weights(model.nets, stream.split(kNetInitStream), point);
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
  // Net coordinates: W[j][i] of "decoder.layer1.weight[j,i]" (nets.hpp's row-major storage).
  for (const NetParameters& net : model.nets)
    for (const NetLayer& layer : net.layers) {
      for (std::size_t j = 0; j < layer.outputs; ++j)
        for (std::size_t i = 0; i < layer.inputs; ++i)
          names[layer.weight_offset + i + layer.inputs * j] = fmt::format("{}[{},{}]", layer.weight_name, j + 1, i + 1);
      for (std::size_t j = 0; j < layer.outputs; ++j)
        names[layer.bias_offset + j] = fmt::format("{}[{}]", layer.bias_name, j + 1);
    }
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
  model.feed = std::make_shared<DataFeed>();
  Lowerer data_lowerer(*model.feed->data_program, *graph, data, nullptr);
  Lowerer lowerer(program, *graph, data, &data_lowerer);
  data_lowerer.record_data_into(model.feed.get(), true);
  lowerer.record_data_into(model.feed.get(), false);
  const DataPlate* plate = options.batch_plate;
  // The weight of a statement's term: N / B for the plate's terms in a minibatch, else 1.
  auto scale_of = [&](const lang::Stmt* statement) {
    if (!plate) return 1.0;
    for (const lang::Factor& factor : checked.factors)
      if (factor.statement == statement && plate->is_local(factor)) return options.batch_scale;
    return 1.0;
  };
  const lang::Stmt* current = nullptr;
  auto lower = [&] {
    for (const lang::Factor& factor : checked.factors)
      if (factor.block == lang::BlockKind::Guide)
        for (const lang::Stmt* loop : factor.enclosing_loops)
          if (graph->sequential_loops.count(loop))
            throw LocatedError(factor.statement->range,
                               "guide statements inside a sequential loop are not supported by the engine yet; draw "
                               "the latent vectorized, or in a plate (a loop whose iterations do not read each other)");
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
    // Nets read by the model are part of theta, nets read by the guide only part of phi.
    model.nets = layout_nets(checked, data);
    for (NetParameters& net : model.nets)
      if (read_by_model(checked, *net.symbol)) declare_net_parameters(program, net, offset);
    for (const lang::Symbol& symbol : checked.symbols) {
      if (symbol.kind != lang::SymbolKind::GuideParam) continue;
      result.guide_slots.push_back(make_slot(symbol, data, offset));
      ParameterSlot& slot = result.guide_slots.back();
      slot.unconstrained = program.parameter(tensor::Shape::vector(slot.free_size()));
      offset += slot.free_size();
    }
    for (NetParameters& net : model.nets)
      if (!read_by_model(checked, *net.symbol)) declare_net_parameters(program, net, offset);
    for (const NetParameters& net : model.nets) bind_net_parameters(lowerer, net);
    for (std::size_t k = 0; k < model.slots.size(); ++k) {
      const lang::Symbol& symbol = *model.slots[k].symbol;
      if (plate && symbol.kind == lang::SymbolKind::Latent && symbol.handling == lang::LatentHandling::AutomaticGuide &&
          plate->is_local(symbol.name))
        throw LocatedError(symbol.range, fmt::format("minibatching needs a guide block drawing '{}': it is sized by the data "
                                                     "plate {}, and an automatic guide would have parameters per datum, "
                                                     "which a batch cannot update; draw it in a guide block from the data "
                                                     "(an amortized guide, as in vae.pm)",
                                                     symbol.name, plate->size_name));
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
    std::map<const lang::Symbol*, NormalGuide> normal_guides;
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
      // Inside plates (`for (n in 1:N) z[n] ~ ...`) the draw carries the plates' dims in
      // front of the element's event dims, and is laid out as the latent afterwards.
      const LoopContext context = lowerer.context_of(factor->enclosing_loops);
      std::vector<PlateBinding> plates;
      tensor::Shape draw_shape = shape;
      if (!context.empty()) {
        plates = guide_index_plates(statement, *latent, context, slot->dims);
        std::vector<tensor::Dim> dims;
        for (const PlateBinding& plate : plates) dims.push_back({plate.dim, plate.size});
        for (std::size_t k = plates.size(); k < slot->dims.size(); ++k)
          dims.push_back({tensor::event(static_cast<int>(k - plates.size())), slot->dims[k]});
        draw_shape = tensor::Shape(dims);
        if (statement.distribution == "multi_normal_cholesky")
          throw LocatedError(statement.distribution_range, "a guide's multi_normal_cholesky draw inside a loop is not "
                                                           "supported by the engine yet; draw it outside the loop");
      }
      ad::Node eps = zeros(program, draw_shape);
      result.noise.push_back(eps);
      result.noise_size += draw_shape.element_count();
      std::vector<ad::Node> args;
      for (const lang::ExprPtr& arg : statement.args) args.push_back(lowerer.lower(*arg, context));
      ad::Node drawn = reparameterized_draw(statement, args, eps);
      if (!(drawn.shape() == draw_shape))
        throw LocatedError(statement.range, fmt::format("the guide's draw of '{}' has shape {}, but '{}' is declared with "
                                                        "shape {}",
                                                        latent->name, drawn.shape().to_string(),
                                                        plates.empty() ? latent->name : "one element of it",
                                                        draw_shape.to_string()));
      std::vector<ad::Node> density_args{drawn};
      density_args.insert(density_args.end(), args.begin(), args.end());
      ad::Node log_q = lower_log_density(lowerer, statement.distribution, "", density_args, true, statement.distribution_range);
      if (!plates.empty()) {
        for (ad::Node& arg : args) arg = to_latent_layout(program, arg, drawn, plates);
        drawn = to_latent_layout(program, drawn, drawn, plates);
      }
      slot->value = drawn;
      lowerer.bind(latent->name, drawn);
      result.guide_draws.push_back({latent->name, statement.distribution, args, drawn});
      const double scale = scale_of(&statement);
      if (scale != 1.0) log_q = log_q * scale;
      block_log_q = block_log_q.valid() ? ad::add(block_log_q, log_q) : log_q;
      if (statement.distribution == "normal") normal_guides[latent] = {log_q, args[0], args[1], scale};
    }
    current = nullptr;

    // 4. The model's terms, and the estimators built from them.
    ad::Node log_joint = lower_model_factors(model, lowerer, *graph, data, current);
    if (plate) {
      for (const DiscreteLatent& latent : model.discrete_latents)
        if (!plate->is_local(latent.name))
          throw LocatedError(latent.symbol->range, fmt::format("minibatching cannot sum out '{}': it is not sized by the "
                                                               "data plate {}, so its exact sum couples every datum; fit "
                                                               "without --batch",
                                                               latent.name, plate->size_name));
      // The plate's terms count N / B times: the sum is rebuilt from the scaled terms.
      log_joint = ad::Node{};
      for (FactorTerm& term : model.terms) {
        const double scale = scale_of(term.statement);
        if (scale != 1.0) term.value = term.value * scale;
        log_joint = log_joint.valid() ? ad::add(log_joint, term.value) : term.value;
      }
    }
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
    if (options.analytic_kl) elbo = with_analytic_kl(result, checked, lowerer, normal_guides, elbo);
    result.log_joint = model.log_density = log_joint;
    result.log_guide = log_guide;
    result.elbo = elbo;
    result.log_weight = ad::subtract(log_joint, log_guide);
    lower_reported_definitions(model, lowerer, *graph);
    finish_program(model);
  };
  if (!lower_reporting_errors(lower, current, diagnostics)) return std::nullopt;
  return result;
}

}  // namespace pm::compile
