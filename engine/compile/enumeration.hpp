// Exact marginalization of finite discrete latents (ARCHITECTURE.md decision 4; LANGUAGE.md
// "Discrete latents"), as Pyro's TraceEnum_ELBO does it: tensor variable elimination for
// plated factor graphs (Obermeyer et al. 2019, "Tensor Variable Elimination for Plated
// Factor Graphs", Algorithm 1).
//
// Each summed-out latent gets an enumeration dim holding its whole support; inside
// expressions its value is the constant tensor (enumeration e: lo..hi). `z[i]` of
// `array[N] int z` whose `~` is in `for (i in ...)` is that same tensor: the FACTORS carry
// the plate, so one enumeration dim stands for every z[i] at once. The set of plates a
// latent is indexed by is its "ordinal". Factors that mention an enumeration dim are kept
// per plate element and per value (log space) and contracted here, not summed in place:
//
//   repeat, deepest plate set O first:
//     T = sum of the factors whose plates are exactly O          (product in log space)
//     T = log_sum_exp(T, latents whose ordinal is O)             (their elimination)
//     T = sum(T, plates of O not needed by the latents left in T)  (product over the plate)
//     T joins the factors of that smaller plate set
//
// A latent local to plate i is thus summed out before its plate is multiplied out; a
// global latent used inside a plate meets the product of the plate's factors first. The
// result, log sum_z p(data, z | continuous), is one scalar term of the log density. The
// tensor T of each plate set before its elimination is kept: it is an unnormalized joint
// from which the Bayes-rule posteriors are read (posterior.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/compile/lowering.hpp"

namespace pm::compile {

struct EnumeratedLatent {
  const lang::Symbol* symbol = nullptr;
  tensor::DimId dim;                   // its enumeration dim
  std::int64_t first_value = 0;        // support first_value .. first_value + support_size - 1
  std::size_t support_size = 0;
  std::vector<PlateBinding> plates;    // the loops its elements are indexed by (its ordinal)
  ad::Node value;                      // (enumeration: first_value..last)
};

// A factor in log space with plate and enumeration dims, and the statement it came from.
struct EnumeratedFactor {
  ad::Node value;
  const lang::Stmt* statement = nullptr;
  // Plate dims (with sizes) the factor stands for without carrying them: one copy of its
  // value per plate element (a prior `z[i] ~ categorical(w)` inside `for (i ...)`). The
  // contraction broadcasts instead of materializing the copies.
  tensor::Shape extent;
};

// One plate set of the contraction: the summed factors before the elimination of its
// local latents (an unnormalized log joint of every enumeration dim it carries). Where
// latents are eliminated, `joint` is the second output of the fused step
// (ad::log_sum_exp_of_sum): a value for the posteriors, carrying no gradient.
struct ContractionGroup {
  tensor::DimSet plates;
  ad::Node joint;
  tensor::DimSet eliminated;  // the enumeration dims summed out at this plate set
};

struct Contraction {
  ad::Node log_total;  // scalar
  std::vector<ContractionGroup> groups;
};

// The sum-product contraction above over arbitrary named dims. `ordinals` gives the plate
// set of every enumeration dim. Throws LocatedError at a factor's statement when an
// elimination would couple the elements of a plate.
Contraction contract(const std::vector<EnumeratedFactor>& factors, const std::map<tensor::DimId, tensor::DimSet>& ordinals);

class Enumeration {
 public:
  // Gives every summed-out latent of the graph its enumeration dim and support (from its
  // prior's distribution, intersected with its declared bounds) and binds its value in the
  // lowerer. Throws LocatedError for infinite supports and unsupported forms.
  void declare_latents(Lowerer& lowerer, const graph::ModelGraph& graph, const io::DataSet& data);

  bool empty() const { return latents_.empty(); }
  const std::vector<EnumeratedLatent>& latents() const { return latents_; }
  static bool involves(const std::vector<ad::Node>& values);

  // A `~` (distribution non-empty) or `target +=` whose values carry enumeration dims,
  // inside the loops of `context`: kept per plate element and per value.
  void add_factor(Lowerer& lowerer, const lang::Stmt& statement, const std::vector<ad::Node>& values,
                  const LoopContext& context);

  // The contraction of every factor added (call once, after the last add_factor).
  Contraction eliminate() const;
  const lang::Stmt* first_statement() const { return factors_.empty() ? nullptr : factors_.front().statement; }

 private:
  std::vector<EnumeratedLatent> latents_;
  std::vector<EnumeratedFactor> factors_;
  std::vector<std::pair<std::string, PlateBinding>> vectorized_;  // latents drawn as `z ~ ...`
};

}  // namespace pm::compile
