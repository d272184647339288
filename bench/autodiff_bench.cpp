// Value + gradient of three log densities through the autodiff engine, with the stdlib's
// kernels: (a) Bayesian logistic regression, N = 100,000, D = 10 (bernoulli_logit on
// alpha + X * beta, normal priors; the peers' logreg model); (b) a normal likelihood over
// N = 1,000,000; (c) a 3-component normal mixture over N = 1,000 (the size of Stan's
// figure) and N = 1,000,000, with the component summed out by log_sum_exp. Prints ns per
// evaluation and per data point, peak memory, the ratio to Stan's figures (peers'
// results/SUMMARY.md, when present) and a memory-bandwidth bound: the data each evaluation
// must read at least once, over a streaming bandwidth measured here. The first table is
// pm's result (the stdlib's kernels, argument checks included); the second, with kernels
// written here without any checks, only shows how much of the time is the engine's.
#include <sys/resource.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "engine/ad/builder.hpp"
#include "stdlib/distributions/registry.hpp"

using namespace pm;
using ad::Node;
using ad::Program;
using tensor::Dim;
using tensor::Shape;

namespace {


double thread_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

// Median over batches of the thread CPU time per call, in ns. CPU time rather than wall time
// because the machine is shared: wall time also counts the time other processes hold the
// core (the wall figure is printed too).
double last_wall_ns = 0;
template <class F>
double median_ns_per_call(F&& call, int calls_per_batch, int batches = 7) {
  std::vector<double> per_call, wall;
  call();  // warm up
  for (int b = 0; b < batches; ++b) {
    auto start = std::chrono::steady_clock::now();
    double cpu_start = thread_cpu_ns();
    for (int i = 0; i < calls_per_batch; ++i) call();
    double cpu = thread_cpu_ns() - cpu_start;
    auto stop = std::chrono::steady_clock::now();
    per_call.push_back(cpu / calls_per_batch);
    wall.push_back(std::chrono::duration<double, std::nano>(stop - start).count() / calls_per_batch);
  }
  std::sort(per_call.begin(), per_call.end());
  std::sort(wall.begin(), wall.end());
  last_wall_ns = wall[wall.size() / 2];
  return per_call[per_call.size() / 2];
}

// Select-free vectorized kernels (no argument checks), to separate the engine's cost from
// the kernels': Eigen 3.4's select() is not vectorized, so a kernel that masks invalid
// arguments with it runs its transcendental functions one element at a time.
void normal_unchecked(const ad::KernelCall& call, double* out, double* const* partials) {
  using Map = Eigen::Map<const Eigen::ArrayXd>;
  const auto n = static_cast<Eigen::Index>(call.count);
  Map y(call.args[0].data, n), mu(call.args[1].data, n), sigma(call.args[2].data, n);
  Eigen::Map<Eigen::ArrayXd>(out, n) = -0.5 * ((y - mu) / sigma).square() - sigma.log() - 0.91893853320467274178;
  if (partials[0]) Eigen::Map<Eigen::ArrayXd>(partials[0], n) = (mu - y) / sigma.square();
  if (partials[1]) Eigen::Map<Eigen::ArrayXd>(partials[1], n) = (y - mu) / sigma.square();
  if (partials[2]) Eigen::Map<Eigen::ArrayXd>(partials[2], n) = (((y - mu) / sigma).square() - 1.0) / sigma;
}
// log p = log_inv_logit(s alpha) = -log1p_exp(-s alpha), s = 2n - 1; d/dalpha = s inv_logit(-s alpha).
void bernoulli_logit_unchecked(const ad::KernelCall& call, double* out, double* const* partials) {
  using Map = Eigen::Map<const Eigen::ArrayXd>;
  const auto n = static_cast<Eigen::Index>(call.count);
  Map outcome(call.args[0].data, n), alpha(call.args[1].data, n);
  const auto t = -(2.0 * outcome - 1.0) * alpha;
  const auto e = (-t.abs()).exp();
  const auto u = 1.0 + e;  // log1p(e) by Goldberg's form, vectorized (see engine/ad/vector_math.hpp)
  Eigen::Map<Eigen::ArrayXd>(out, n) = -(t.max(0.0) + e * ((u.log() + 1e-300) / (u - 1.0 + 1e-300)));
  if (partials[1]) Eigen::Map<Eigen::ArrayXd>(partials[1], n) = (2.0 * outcome - 1.0) / (1.0 + (-t).exp());
}

bool use_stdlib_kernels = true;

// Streaming read bandwidth (bytes/ns = GB/s) over an array much larger than the caches.
double measure_read_bandwidth() {
  Eigen::ArrayXd big = Eigen::ArrayXd::Ones(16 << 20);  // 128 MiB
  volatile double sink = 0;
  double ns = median_ns_per_call([&] { sink = sink + big.sum(); }, 3, 5);  // vectorized sum
  return static_cast<double>(big.size()) * sizeof(double) / ns;
}

double peak_memory_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Stan's ns/grad (raw method) by model from the gradient table of the peers' SUMMARY.md.
std::map<std::string, double> stan_gradient_ns(const std::string& path) {
  std::map<std::string, double> figures;
  std::ifstream file(path);
  std::string line;
  bool in_table = false;
  while (std::getline(file, line)) {
    if (line.rfind("### ", 0) == 0) in_table = line.find("gradient of the log density") != std::string::npos;
    if (!in_table || line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream stream(line);
    std::string cell;
    while (std::getline(stream, cell, '|')) {
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
    }
    // cells: "", model, N, ns/grad (rstan API), ns/grad (raw method), per datum, ns/log_prob
    if (cells.size() >= 5) {
      try {
        figures[cells[1]] = std::stod(cells[4]);
      } catch (...) {
      }
    }
  }
  return figures;
}

ad::LogDensityKernel kernel(const char* name) {
  if (!use_stdlib_kernels) return std::string(name) == "normal" ? normal_unchecked : bernoulli_logit_unchecked;
  const stdlib::kernels::DistributionEntry* entry = stdlib::kernels::find_distribution(name);
  if (entry == nullptr || entry->log_density == nullptr) {
    std::fprintf(stderr, "no kernel for %s\n", name);
    std::exit(1);
  }
  return entry->log_density;
}

struct Result {
  const char* name;
  double ns_per_evaluation;
  double wall_ns = 0;
  std::size_t data_points;
  double minimum_bytes;  // data read at least once per evaluation
  const char* stan_model;  // row of Stan's table to compare with (or nullptr)
};

std::vector<double> normal_draws(std::size_t n, std::mt19937_64& engine, double mean = 0, double sd = 1) {
  std::normal_distribution<double> normal(mean, sd);
  std::vector<double> values(n);
  for (double& v : values) v = normal(engine);
  return values;
}

Result logistic_regression(bool fused) {
  const std::size_t n = 100000, d = 10;
  std::mt19937_64 engine(20261124);
  std::vector<double> x = normal_draws(n * d, engine);  // column-major N x D
  std::vector<double> true_beta = normal_draws(d, engine);
  std::vector<double> y(n);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (std::size_t i = 0; i < n; ++i) {
    double eta = 0.3;
    for (std::size_t j = 0; j < d; ++j) eta += x[i + j * n] * true_beta[j];
    y[i] = uniform(engine) < 1 / (1 + std::exp(-eta)) ? 1.0 : 0.0;
  }
  Program program;
  Node alpha = program.parameter(Shape::scalar());
  Node beta = program.parameter(Shape::vector(d));
  Node design = program.constant(Shape::matrix(n, d), x);
  Node outcome = program.constant(Shape::vector(n), y);
  Node zero = program.constant(0.0), prior_scale = program.constant(2.5);
  Node eta = ad::matrix_product(design, beta) + alpha;
  Node target = ad::log_density(kernel("bernoulli_logit"), {{outcome}, {eta}}, {tensor::event(0)}) +
                ad::log_density(kernel("normal"), {{alpha}, {zero}, {prior_scale}}, {}) +
                ad::log_density(kernel("normal"), {{beta}, {zero}, {prior_scale}}, {tensor::event(0)});
  program.finalize();
  std::vector<double> theta(d + 1), gradient(d + 1);
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] = 0.5 * std::sin(static_cast<double>(i + 1));
  double ns = median_ns_per_call([&] { program.value_and_gradient(theta, gradient, target); }, 20);
  if (fused) {
    // The same model with the likelihood as one fused GLM factor (X read once).
    Program glm;
    Node a = glm.parameter(Shape::scalar());
    Node b = glm.parameter(Shape::vector(d));
    Node xs = glm.constant(Shape::matrix(n, d), x);
    Node ys = glm.constant(Shape::vector(n), y);
    Node z = glm.constant(0.0), s = glm.constant(2.5);
    Node t = ad::log_density_linear(kernel("bernoulli_logit"), ys, xs, b, a) +
             ad::log_density(kernel("normal"), {{a}, {z}, {s}}, {}) +
             ad::log_density(kernel("normal"), {{b}, {z}, {s}}, {tensor::event(0)});
    std::vector<double> g2(d + 1);
    ns = median_ns_per_call([&] { glm.value_and_gradient(theta, g2, t); }, 20);
    return {"logistic regression, fused GLM", ns, last_wall_ns, n, static_cast<double>((n * d + n) * sizeof(double)), "logreg_glm"};
  }
  return {"logistic regression N=1e5 D=10", ns, last_wall_ns, n, static_cast<double>((n * d + n) * sizeof(double)), "logreg_glm"};
}

Result normal_likelihood() {
  const std::size_t n = 1000000;
  std::mt19937_64 engine(7);
  std::vector<double> y = normal_draws(n, engine, 1.0, 2.0);
  Program program;
  Node mu = program.parameter(Shape::scalar());
  Node log_sigma = program.parameter(Shape::scalar());
  Node data = program.constant(Shape({Dim{tensor::plate(0), n}}), y);
  Node sigma = ad::exp(log_sigma);
  Node target = ad::log_density(kernel("normal"), {{data}, {mu}, {sigma}}, {tensor::plate(0)}) +
                ad::log_density(kernel("normal"), {{mu}, {program.constant(0.0)}, {program.constant(10.0)}}, {}) +
                log_sigma;  // log-Jacobian of sigma = exp(log_sigma)
  program.finalize();
  std::vector<double> theta = {0.5, 0.3}, gradient(2);
  double ns = median_ns_per_call([&] { program.value_and_gradient(theta, gradient, target); }, 10);
  return {"normal likelihood N=1e6", ns, last_wall_ns, n, static_cast<double>(n * sizeof(double)), nullptr};
}

Result mixture(std::size_t n, const char* name, int calls_per_batch) {
  const std::size_t k = 3;
  std::mt19937_64 engine(11);
  std::vector<double> y(n);
  std::uniform_int_distribution<int> component(0, 2);
  std::normal_distribution<double> normal(0, 1);
  const double means[3] = {-3, 0, 4}, sds[3] = {1, 0.5, 1.5};
  for (double& v : y) {
    int c = component(engine);
    v = means[c] + sds[c] * normal(engine);
  }
  const Shape components{Dim{tensor::enumeration(0), k}};
  Program program;
  Node mu = program.parameter(components);
  Node log_sigma = program.parameter(components);
  Node weight_logits = program.parameter(components);
  Node data = program.constant(Shape({Dim{tensor::plate(0), n}}), y);
  Node sigma = ad::exp(log_sigma);
  Node log_weights = ad::log_softmax(weight_logits, tensor::enumeration(0));
  Node per_component = ad::log_density(kernel("normal"), {{data}, {mu}, {sigma}}, {});  // (N plate, K enum)
  Node likelihood = ad::sum(ad::log_sum_exp(per_component + log_weights, {tensor::enumeration(0)}));
  Node target = likelihood +
                ad::log_density(kernel("normal"), {{mu}, {program.constant(0.0)}, {program.constant(5.0)}},
                                {tensor::enumeration(0)}) +
                ad::sum(log_sigma);
  program.finalize();
  std::vector<double> theta = {-2.5, 0.2, 3.5, 0.1, -0.5, 0.3, 0.0, 0.1, -0.1}, gradient(9);
  double ns = median_ns_per_call([&] { program.value_and_gradient(theta, gradient, target); }, calls_per_batch);
  return {name, ns, last_wall_ns, n, static_cast<double>(n * sizeof(double)), "gmm"};
}

}  // namespace

int main(int argc, char** argv) {
  std::string summary_path = argc > 1 ? argv[1] : PM_PEERS_SUMMARY;
  std::map<std::string, double> stan = stan_gradient_ns(summary_path);
  std::map<std::string, std::size_t> stan_n = {{"logreg_glm", 100000}, {"logreg", 100000}, {"gmm", 1000}};
  double bandwidth = measure_read_bandwidth();
  std::printf("streaming read bandwidth: %.1f GB/s (single thread)\n\n", bandwidth);
  for (bool stdlib_kernels : {true, false}) {
    use_stdlib_kernels = stdlib_kernels;
    std::printf("%s\n", stdlib_kernels
                           ? "OUR RESULT -- with the stdlib's kernels (pm_stdlib, argument checks included):"
                           : "LIMIT ONLY -- with hand-written kernels without argument checks (not a pm result):");
    std::printf("%-32s %12s %12s %9s %12s %8s  %s\n", "model", "cpu ns/eval", "wall ns/eval", "ns/datum",
                "bound ns", "x bound", "vs Stan (cpu ns/datum ratio)");
    for (Result r : {logistic_regression(false), logistic_regression(true), normal_likelihood(),
                     mixture(1000, "3-component mixture N=1e3", 2000), mixture(1000000, "3-component mixture N=1e6", 5)}) {
      double per_datum = r.ns_per_evaluation / static_cast<double>(r.data_points);
      double bound = r.minimum_bytes / bandwidth;
      std::string versus = "no Stan figure";
      if (r.stan_model && stan.count(r.stan_model)) {
        double stan_per_datum = stan[r.stan_model] / static_cast<double>(stan_n[r.stan_model]);
        char text[128];
        std::snprintf(text, sizeof text, "%.2f x Stan %s (%.1f ns/datum)", per_datum / stan_per_datum, r.stan_model,
                      stan_per_datum);
        versus = text;
      } else if (r.stan_model) {
        versus = "SUMMARY.md absent: no ratio";
      }
      std::printf("%-32s %12.0f %12.0f %9.2f %12.0f %8.2f  %s\n", r.name, r.ns_per_evaluation, r.wall_ns, per_datum,
                  bound, r.ns_per_evaluation / bound, versus.c_str());
    }
    std::printf("\n");
  }
  std::printf("\npeak memory (max RSS): %.1f MiB\n", peak_memory_mib());
  std::printf("bound = bytes of data each evaluation must read once (X and y; y) / measured bandwidth\n");
  return 0;
}
