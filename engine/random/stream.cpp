// The generator core of Stream: seeding, splitting, jumping, uniform and normal variates.
#include "engine/random/stream.hpp"

#include <cmath>

namespace pm::random {
namespace {

constexpr std::uint64_t rotate_left(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Stream::Stream(std::uint64_t seed) { seed_state(seed); }

void Stream::seed_state(std::uint64_t seed) {
  std::uint64_t expander = seed;
  // The key is drawn first so that split() of streams with different seeds differ too.
  key_ = splitmix64(expander);
  for (auto& word : state_) word = splitmix64(expander);
  // splitmix64 is a bijection of a counter, so the four words are never all zero for a
  // given seed in practice; guard anyway, the all-zero state being xoshiro's fixed point.
  if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 1;
  has_spare_normal_ = false;
}

Stream Stream::split(std::uint64_t index) const {
  // Mix key and index through two splitmix64 rounds so that nearby indices (0, 1, 2, ...)
  // give unrelated seeds, and so that split(i).split(j) differs from split(j).split(i).
  std::uint64_t mixer = key_ ^ rotate_left(index, 17);
  std::uint64_t first = splitmix64(mixer);
  mixer ^= index;
  std::uint64_t child_seed = first ^ splitmix64(mixer);
  return Stream(child_seed);
}

std::uint64_t Stream::next_bits() {
  // xoshiro256++ (reference implementation at prng.di.unimi.it).
  const std::uint64_t result = rotate_left(state_[0] + state_[3], 23) + state_[0];
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotate_left(state_[3], 45);
  return result;
}

void Stream::jump() {
  static constexpr std::uint64_t jump_polynomial[] = {0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                                      0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL};
  std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (std::uint64_t word : jump_polynomial) {
    for (int bit = 0; bit < 64; ++bit) {
      if (word & (std::uint64_t{1} << bit)) {
        s0 ^= state_[0];
        s1 ^= state_[1];
        s2 ^= state_[2];
        s3 ^= state_[3];
      }
      next_bits();
    }
  }
  state_[0] = s0;
  state_[1] = s1;
  state_[2] = s2;
  state_[3] = s3;
  has_spare_normal_ = false;
}

double Stream::uniform() { return static_cast<double>(next_bits() >> 11) * 0x1.0p-53; }

double Stream::uniform_open() {
  // (k + 0.5) * 2^-53 for k in [0, 2^53): symmetric about 1/2, never 0 or 1.
  return (static_cast<double>(next_bits() >> 11) + 0.5) * 0x1.0p-53;
}

double Stream::uniform(double lower, double upper) { return lower + (upper - lower) * uniform(); }

double Stream::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  // Marsaglia polar method: (u, v) uniform in the unit disc, s = u^2 + v^2; then
  // u * sqrt(-2 log s / s) and v * sqrt(-2 log s / s) are independent standard normals.
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_normal_ = true;
  return u * factor;
}

double Stream::exponential() { return -std::log(uniform_open()); }

void Stream::fill_uniform(double* out, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) out[i] = uniform();
}

void Stream::fill_normal(double* out, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) out[i] = normal();
}

}  // namespace pm::random
