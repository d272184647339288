// score_data: per-datum IWAE estimates, exact without continuous latents (per_datum.hpp).
#include "engine/infer/per_datum.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/compile/data_feed.hpp"

namespace pm::infer {

std::vector<std::string> global_latents(const compile::VariationalModel& model, const compile::DataPlate& plate) {
  std::vector<std::string> names;
  for (const compile::ParameterSlot& slot : model.model.slots)
    if (slot.symbol->kind == lang::SymbolKind::Latent && !plate.is_local(slot.name)) names.push_back(slot.name);
  return names;
}

std::vector<std::string> per_datum_guide_parameters(const lang::CheckedProgram& checked, const io::DataSet& full,
                                                    const compile::DataPlate& plate, compile::GuideFamily family) {
  if (plate.size < 2) return {};
  const std::size_t one[1] = {0}, two[2] = {0, 1};
  lang::Diagnostics ignored;
  std::optional<compile::VariationalModel> a =
      compile::compile_variational(checked, compile::select_rows(full, plate, one), {.family = family, .discrete_posteriors = false}, ignored);
  std::optional<compile::VariationalModel> b =
      compile::compile_variational(checked, compile::select_rows(full, plate, two), {.family = family, .discrete_posteriors = false}, ignored);
  if (!a || !b) return {};
  const std::vector<std::string> names_a = a->parameter_names(), names_b = b->parameter_names();
  if (names_a == names_b) return {};
  std::vector<std::string> differing;
  for (const std::string& name : names_b)
    if (std::find(names_a.begin(), names_a.end(), name) == names_a.end()) differing.push_back(name);
  if (differing.empty()) differing.push_back(names_b.front());
  return differing;
}

std::vector<double> datum_log_weights(compile::VariationalModel& model, std::size_t particles, random::Stream& stream) {
  ad::Program& program = *model.model.program;
  std::vector<double> weights(particles);
  for (double& weight : weights) {
    model.draw_noise(stream);
    program.forward(false);
    weight = program.value(model.log_weight) - program.value(model.params_log_prior);
  }
  return weights;
}

ScoreResult score_data(compile::VariationalModel& model, const io::DataSet& full, const compile::DataPlate& plate,
                       std::span<const double> parameters, std::size_t particles, std::uint64_t seed) {
  ScoreResult result;
  ad::Program& program = *model.model.program;
  std::copy(parameters.begin(), parameters.end(), program.parameters().begin());
  result.exact = model.noise_size == 0;
  result.particles = result.exact ? 1 : particles;
  const random::Stream root(seed);
  double variance = 0;
  for (std::size_t n = 0; n < plate.size; ++n) {
    const std::size_t row[1] = {n};
    model.model.feed->load_rows(program, full, plate, row);
    DatumScore score;
    if (result.exact) {
      program.forward(false);
      score.log_p = program.value(model.log_weight) - program.value(model.params_log_prior);
      score.effective_sample_size = 1;
    } else {
      random::Stream stream = root.split(n);
      const std::vector<double> weights = datum_log_weights(model, particles, stream);
      const double largest = *std::max_element(weights.begin(), weights.end());
      if (!std::isfinite(largest)) {
        score.log_p = largest == -std::numeric_limits<double>::infinity() ? largest : std::numeric_limits<double>::quiet_NaN();
      } else {
        double sum = 0, square_sum = 0;
        for (double w : weights) {
          const double scaled = std::exp(w - largest);  // NaN weights propagate
          sum += scaled;
          square_sum += scaled * scaled;
        }
        const double k = static_cast<double>(particles), mean = sum / k;
        score.log_p = largest + std::log(mean);
        const double weight_variance = std::max(0.0, square_sum / k - mean * mean);
        score.standard_error = std::sqrt(weight_variance / k) / mean;
        score.effective_sample_size = sum * sum / square_sum;
      }
    }
    result.total += score.log_p;
    variance += score.standard_error * score.standard_error;
    result.scores.push_back(score);
  }
  result.total_standard_error = std::sqrt(variance);
  return result;
}

}  // namespace pm::infer
