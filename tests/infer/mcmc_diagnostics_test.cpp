// MCMC diagnostics (engine/infer/mcmc_diagnostics.hpp) against the R package posterior 1.4.0.
// tests/infer/data/mcmc_reference.R builds each draw set with exact arithmetic only (a
// Park-Miller LCG, Irwin-Hall normals, AR(1) recurrences), so this file rebuilds the same
// doubles bit for bit; its output, mcmc_reference.txt, holds posterior's rhat, ess_bulk,
// ess_tail, ess_basic, mcse_mean, mcse_sd and the pooled mean, sd and quantiles. Agreement
// is asserted to 1e-9 relative: the two compute the same sums in nearly the same order (the
// FFT and R's long-double means differ from ours by rounding only), so anything looser
// would hide a real difference.
#include <ctime>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "engine/infer/mcmc_diagnostics.hpp"

namespace pm::infer {
namespace {

using Chains = std::vector<std::vector<double>>;

struct Generator {  // the R script's next_uniform and next_normal
  std::uint64_t state;
  double uniform() {
    state = (16807 * state) % 2147483647;
    return static_cast<double>(state) / 2147483647.0;
  }
  double normal() {
    double s = 0;
    for (int i = 0; i < 12; ++i) s = s + uniform();
    return s - 6;
  }
};

Chains make_draws(std::uint64_t seed, int chains, int draws, double phi, double shift, const std::string& kind) {
  Generator generator{seed};
  Chains x(static_cast<std::size_t>(chains), std::vector<double>(static_cast<std::size_t>(draws)));
  for (int c = 0; c < chains; ++c) {
    double previous = 0;
    for (int s = 0; s < draws; ++s) {
      double e = generator.normal();
      if (kind == "heavy") e = e / (generator.uniform() + 0.05);
      previous = phi * previous + e;
      double v = previous + shift * c;
      if (kind == "floor") v = std::floor(2 * v) / 2;
      if (kind == "constant") v = 2.5;
      x[static_cast<std::size_t>(c)][static_cast<std::size_t>(s)] = v;
    }
  }
  if (kind == "inf") x[1][9] = std::numeric_limits<double>::infinity();
  return x;
}

double number(const std::string& text) {
  if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (text == "inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  return std::stod(text);
}

void check_value(const std::string& what, double ours, double reference) {
  INFO(what << ": ours " << ours << ", posterior " << reference);
  if (std::isnan(reference)) {
    CHECK(std::isnan(ours));
  } else if (std::isinf(reference)) {
    CHECK(ours == reference);
  } else {
    CHECK(std::abs(ours - reference) <= 1e-9 * std::max(1.0, std::abs(reference)));
  }
}

TEST_CASE("rhat, ess, mcse against posterior 1.4.0 (tests/infer/data/mcmc_reference.txt)") {
  std::ifstream in(std::string(PM_SOURCE_DIR) + "/tests/infer/data/mcmc_reference.txt");
  REQUIRE(in);
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, kind, phi, shift, checksum;
    std::uint64_t seed = 0;
    int chains = 0, draws = 0;
    fields >> name >> seed >> chains >> draws >> phi >> shift >> kind >> checksum;
    std::vector<double> reference;
    for (std::string field; fields >> field;) reference.push_back(number(field));
    REQUIRE(reference.size() == 11);
    CAPTURE(name);
    Chains x = make_draws(seed, chains, draws, number(phi), number(shift), kind);
    double sum = 0;
    for (const std::vector<double>& chain : x)
      for (double v : chain) sum = sum + v;
    if (std::isinf(number(checksum))) REQUIRE(std::isinf(sum));
    else REQUIRE(sum == number(checksum));  // the generator reproduces R's draws exactly

    ChainSummary summary = summarize_chains(x);
    check_value("rhat", summary.rhat, reference[0]);
    check_value("ess_bulk", summary.ess_bulk, reference[1]);
    check_value("ess_tail", summary.ess_tail, reference[2]);
    check_value("ess_basic", ess_basic(x), reference[3]);
    check_value("mcse_mean", summary.mcse_mean, reference[4]);
    check_value("mcse_sd", summary.mcse_sd, reference[5]);
    check_value("mean", summary.mean, reference[6]);
    check_value("sd", summary.sd, reference[7]);
    check_value("q5", summary.q5, reference[8]);
    check_value("q50", summary.q50, reference[9]);
    check_value("q95", summary.q95, reference[10]);
    check_value("rhat()", rhat(x), reference[0]);
    check_value("ess_bulk()", ess_bulk(x), reference[1]);
    check_value("ess_tail()", ess_tail(x), reference[2]);
    ++cases;
  }
  CHECK(cases == 12);
}

TEST_CASE("the reference cases say what they are meant to") {
  // Guards against a reference file that no longer exercises the diagnostics: chains with
  // different means fail R-hat, AR(0.99) chains have few effective draws.
  CHECK(rhat(make_draws(12, 4, 300, 0, 0.6, "ar")) > 1.1);
  CHECK(rhat(make_draws(11, 4, 300, 0, 0, "ar")) < 1.01);
  CHECK(ess_bulk(make_draws(14, 4, 1000, 0.99, 0, "ar")) < 50);
}

TEST_CASE("bad chains are refused") {
  CHECK_THROWS_AS(summarize_chains({}), std::invalid_argument);
  CHECK_THROWS_AS(summarize_chains({{}}), std::invalid_argument);
  CHECK_THROWS_AS(summarize_chains({{1, 2, 3}, {1, 2}}), std::invalid_argument);
  ChainSummary one = summarize_chains({{1.5}});  // one draw: nothing but the mean is defined
  CHECK(one.mean == 1.5);
  CHECK(std::isnan(one.rhat));
  CHECK(std::isnan(one.ess_bulk));
}

TEST_CASE("E-BFMI: the definition, and its undefined cases") {
  // Energies 1, 3, 2, 4: mean 2.5; differences 2, -1, 2 -> 9; deviations 2.25 + .25 + .25 + 2.25 = 5.
  std::vector<double> energy = {1, 3, 2, 4};
  CHECK(e_bfmi(energy) == doctest::Approx(9.0 / 5).epsilon(1e-15));
  // A slowly drifting energy (a random walk) has a small E-BFMI; independent draws about 2.
  Generator generator{5};
  std::vector<double> walk(1000), independent(1000);
  double position = 0;
  for (std::size_t n = 0; n < walk.size(); ++n) {
    position += generator.normal();
    walk[n] = position;
    independent[n] = generator.normal();
  }
  CHECK(e_bfmi(walk) < 0.3);
  CHECK(e_bfmi(independent) == doctest::Approx(2).epsilon(0.15));  // sd of the estimate ~0.06
  CHECK(std::isnan(e_bfmi(std::vector<double>{1})));
  CHECK(std::isnan(e_bfmi(std::vector<double>{2, 2, 2})));
  CHECK(std::isnan(e_bfmi(std::vector<double>{1, std::numeric_limits<double>::infinity()})));
}

TEST_CASE("fast enough for pm summary: 300 quantities of 4 chains x 1000 draws") {
  std::vector<Chains> quantities;
  for (std::uint64_t q = 0; q < 300; ++q) quantities.push_back(make_draws(100 + q, 4, 1000, q % 3 == 0 ? 0.9 : 0.2, 0, "ar"));
  // CPU time, not wall time: the machines that run the suite are shared.
  const std::clock_t start = std::clock();
  double total = 0;
  for (const Chains& x : quantities) total += summarize_chains(x).ess_bulk;
  const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  MESSAGE("summarize_chains x 300 (4 x 1000 draws each): " << seconds << " s of CPU");
  CHECK(total > 0);
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
  CHECK(seconds < 3);  // about 0.5 s on a loaded 2-core machine; an O(N^2) autocovariance takes longer
#endif
}

}  // namespace
}  // namespace pm::infer
