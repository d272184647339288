// Bayes rule for the summed-out discrete latents: from the tensors of the contraction
// (enumeration.hpp), the exact posterior of each latent, per plate element, given the data
// and the current continuous values; e.g. the responsibilities p(z_i = k | x_i) of a
// mixture.
//
// The contraction keeps, for each plate set O, the log joint T_O before its local latents
// are summed out. For a latent v drawn in plate set O:
//   log p(v | outer, data) = log_softmax over v of log_sum_exp(T_O, O's other local latents)
// where `outer` are the global latents T_O still carries (T_O holds every factor that
// involves v, with everything deeper already summed out). Their joint posterior is read
// from the root T_{} the same way, and
//   log p(v | data) = log_sum_exp over outer of [ log p(v | outer, data) + log p(outer | data) ].
// When the one outer latent u belongs to an enclosing plate (a[i] per row, b[i, j] per
// cell), log p(v | data) = log_sum_exp over u of [ log p(v | u, data) + log p(u | data) ]
// with u's own posterior. Several outer latents not all global (a[i] and a global g) get no
// posterior: that would need their joint.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/ad/program.hpp"

namespace pm::compile {

struct EnumeratedLatent;
struct Contraction;

struct DiscretePosterior {
  std::string name;
  std::vector<std::string> element_names;  // "z[1]", ... ("disease" for a scalar)
  std::vector<std::int64_t> values;        // the support, in order
  std::vector<std::vector<double>> probabilities;  // [element][value]: each row sums to 1
};

// The node of log p(latent | data, continuous) shaped (its plates..., its enumeration dim),
// or an invalid node when the engine cannot form it (see above). `earlier`: the nodes made
// for the latents declared before, by enumeration dim.
ad::Node log_posterior_node(const EnumeratedLatent& latent, const Contraction& contraction,
                            const std::map<tensor::DimId, ad::Node>& earlier);

// "z[1]", "z[2]", ... for the plate elements of a latent (first plate fastest).
std::vector<std::string> latent_element_names(const EnumeratedLatent& latent);

}  // namespace pm::compile
