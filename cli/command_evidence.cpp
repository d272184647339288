// `pm evidence MODEL.pm -d DATA [--method exact|prior|is|iwae] [--json]` (CLI.md "pm evidence"):
// the log marginal likelihood log p(data).
//
// Exact, the only method implemented: when every latent is discrete and the model has no
// params (CompiledModel::exact_evidence()), the compiled log density, with every discrete
// latent summed out, is log p(data) itself, so one evaluation gives it with no error (se 0,
// draws 0). The Monte Carlo methods (prior, is, iwae) and models with params or continuous
// latents need a fitted guide, i.e. variational inference, which is not implemented yet:
// they are refused with exit 2 and a message saying so. elbo, reconstruction and kl are
// absent from --json because no guide was fitted (CLI.md "--json").
//
// Exit 0 success, 1 when log p(data) is not finite (the data are impossible under the
// model), 2 for bad model, data or arguments, or a method not implemented.
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "engine/compile/compiled_model.hpp"

namespace pm::cli {
namespace {

struct EvidenceOptions {
  std::string model_path;
  std::vector<std::string> data;
  std::string method;  // empty: exact when possible (CLI.md)
  std::uint64_t seed = 1;
  bool json = false;
};

// The continuous latents and params that keep log p(data) from being exact.
std::vector<std::string> non_enumerable_variables(const lang::CheckedProgram& checked) {
  std::vector<std::string> names;
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Param || (symbol.kind == lang::SymbolKind::Latent && !symbol.discrete))
      names.push_back(symbol.name);
  return names;
}

int run_evidence(const EvidenceOptions& options) {
  std::unique_ptr<LoadedModel> loaded = load_model(options.model_path);
  if (!loaded) return kExitBadInput;
  if (!options.method.empty() && options.method != "exact") {
    std::cerr << "pm: evidence: --method " << options.method
              << " needs a guide fitted by variational inference, which is not implemented yet; --method exact "
                 "works when every latent is discrete and the model has no params\n";
    return kExitBadInput;
  }
  std::vector<std::string> blocking = non_enumerable_variables(loaded->checked);
  if (!blocking.empty()) {
    std::string names;
    for (const std::string& name : blocking) names += (names.empty() ? "" : ", ") + name;
    std::cerr << "pm: evidence: log p(data) is exact only when every latent is discrete and there are no params; "
                 "this model has "
              << names
              << ", so it needs importance sampling with a guide fitted by variational inference, which is not "
                 "implemented yet\n";
    return kExitBadInput;
  }
  // Priors included (they are the discrete latents' own): the density is p(data, z) summed over z.
  std::optional<compile::CompiledModel> model = load_data_and_compile(
      *loaded, options.data, {.include_priors = true, .include_jacobian = false, .discrete_posteriors = false});
  if (!model) return kExitBadInput;
  if (!model->exact_evidence()) {
    std::cerr << "pm: evidence: the compiled model has free coordinates, so log p(data) is not exact\n";
    return kExitBadInput;
  }

  auto begin = std::chrono::steady_clock::now();
  double log_evidence = model->program->value_only({}, model->log_density);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (!std::isfinite(log_evidence)) {
    std::cerr << "pm: evidence: log p(data) is " << log_evidence << ": the data are impossible under the model\n";
    return kExitInferenceFailed;
  }
  if (options.json) {
    nlohmann::json out = {{"method", "exact"}, {"log_evidence", log_evidence}, {"se", 0}, {"draws", 0},
                          {"time_s", seconds}};
    std::cout << out.dump() << "\n";
  } else {
    std::cout << fmt::format("log p(data): {:.10g} (exact: every latent summed out; se 0)\n", log_evidence);
    std::cout << fmt::format("p(data): {:.10g}\n", std::exp(log_evidence));
    std::cout << fmt::format("wall time: {:.3f} s\n", seconds);
  }
  return kExitSuccess;
}

}  // namespace

void add_evidence_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<EvidenceOptions>();
  CLI::App* command = app.add_subcommand("evidence", "The log marginal likelihood log p(data) (exact when every "
                                                     "latent is discrete)");
  command->add_option("model", options->model_path, "the model file (.pm)")->required();
  command->add_option("-d,--data", options->data, "a data file (JSON or CSV), or name=value; repeatable");
  command->add_option("--method", options->method,
                      "exact (default when every latent is discrete); prior, is, iwae need VI (not implemented yet)")
      ->check(CLI::IsMember({"exact", "prior", "is", "iwae"}));
  command->add_option("--seed", options->seed, "seed of the Monte Carlo methods")->capture_default_str();
  command->add_flag("--json", options->json, "print the result as JSON (CLI.md)");
  command->callback([options, &exit_code] { exit_code = run_evidence(*options); });
}

}  // namespace pm::cli
