// One reproducible source of randomness for everything the engine draws.
//
// A Stream is a xoshiro256++ generator (Blackman & Vigna, "Scrambled linear pseudorandom
// number generators", 2021) whose 256-bit state is expanded from a 64-bit seed by splitmix64,
// as its authors recommend. Every variate below is computed by our own code from the raw
// 64-bit output, never by std:: distributions (whose algorithms are implementation-defined),
// so a run repeats bit for bit for a given seed on every platform and compiler.
//
// Independent streams for threads and chains come from split(index): the index-th substream
// is seeded from (this stream's key, index) through splitmix64, so it depends only on the
// seed and on the path of split indices, never on how many numbers were drawn before.
// jump() advances by 2^128 draws, for callers that prefer provably disjoint sequences.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pm::random {

class Stream {
 public:
  explicit Stream(std::uint64_t seed = 0);

  // The index-th independent substream; the same (seed, index) always gives the same stream.
  [[nodiscard]] Stream split(std::uint64_t index) const;
  // Advances the state by 2^128 steps (the xoshiro256 jump polynomial).
  void jump();

  // Raw 64 random bits.
  std::uint64_t next_bits();

  // Uniform on [0, 1): the top 53 bits scaled by 2^-53 (every double k * 2^-53 equally likely).
  double uniform();
  // Uniform on (0, 1): never exactly 0, for logarithms.
  double uniform_open();
  double uniform(double lower, double upper);
  // Standard normal by Marsaglia's polar method (the second value of each pair is kept).
  double normal();
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // Exponential with rate 1, by inversion: -log(U), U in (0, 1).
  double exponential();
  // Gamma(shape, rate 1) by Marsaglia & Tsang (2000); shape < 1 by the boost U^(1/shape).
  double gamma(double shape);
  // log of a Gamma(shape, 1) draw, accurate even when the draw underflows (tiny shapes).
  double log_gamma(double shape);
  // Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), formed in log space.
  double beta(double a, double b);
  // Poisson(rate): exact; multiplication of uniforms for small rates, the gamma/binomial
  // recursion of Ahrens & Dieter (Knuth TAOCP vol. 2, 3.4.1 F) for large ones.
  std::int64_t poisson(double rate);
  // Binomial(trials, probability): exact; inversion for small trial counts, the beta
  // recursion of Knuth (TAOCP vol. 2, 3.4.1 F) to reduce large ones.
  std::int64_t binomial(std::int64_t trials, double probability);
  // An index in [0, count) with probability weights[k] / sum(weights) (weights >= 0).
  std::size_t categorical(const double* weights, std::size_t count);

  // Vector fills, for speed in the samplers and guides.
  void fill_uniform(double* out, std::size_t count);
  void fill_normal(double* out, std::size_t count);

 private:
  void seed_state(std::uint64_t seed);

  std::uint64_t state_[4]{};
  std::uint64_t key_ = 0;  // identifies this stream for split(); fixed at construction
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

// splitmix64 (Steele, Lea & Flood 2014): a bijective 64-bit mixer; exposed for seeding.
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace pm::random
