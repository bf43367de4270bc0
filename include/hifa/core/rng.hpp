#pragma once
// Counter-based random numbers (Philox-4x32-10, Salmon et al., SC'11 "Parallel random numbers:
// as easy as 1, 2, 3"). A value is a pure function of (seed, stream, index), so a sampler that
// draws number `index` for item `i` gets the same bytes whatever the thread count or order.
//
//   hifa::CounterRng rng{seed};
//   float u = rng.uniform(stream, index);       // [0, 1)
//   float g = rng.normal(stream, index);        // N(0, 1)
//   auto four = rng.bits(stream, index);        // 4 x uint32

#include <Kokkos_Macros.hpp>

#include <cmath>
#include <cstdint>

namespace hifa {

struct RandomBits {
  std::uint32_t v[4];
};

class CounterRng {
 public:
  KOKKOS_FUNCTION constexpr explicit CounterRng(std::uint64_t seed = 0) : seed_(seed) {}

  KOKKOS_FUNCTION constexpr std::uint64_t seed() const { return seed_; }

  // 128 random bits for the counter (stream, index).
  KOKKOS_FUNCTION RandomBits bits(std::uint64_t stream, std::uint64_t index) const {
    std::uint32_t c[4] = {lo(index), hi(index), lo(stream), hi(stream)};
    std::uint32_t k[2] = {lo(seed_), hi(seed_)};
    for (int round = 0; round < 10; ++round) {
      const std::uint64_t p0 = std::uint64_t{0xD2511F53u} * c[0];
      const std::uint64_t p1 = std::uint64_t{0xCD9E8D57u} * c[2];
      const std::uint32_t n0 = hi(p1) ^ c[1] ^ k[0];
      const std::uint32_t n2 = hi(p0) ^ c[3] ^ k[1];
      c[0] = n0;
      c[1] = lo(p1);
      c[2] = n2;
      c[3] = lo(p0);
      k[0] += 0x9E3779B9u;
      k[1] += 0xBB67AE85u;
    }
    return RandomBits{{c[0], c[1], c[2], c[3]}};
  }

  // Uniform in [0, 1) with 24 bits of resolution (exactly representable as float).
  KOKKOS_FUNCTION float uniform(std::uint64_t stream, std::uint64_t index) const {
    return to_unit(bits(stream, index).v[0]);
  }

  // Standard normal by Box-Muller from two uniforms of the same counter.
  KOKKOS_FUNCTION float normal(std::uint64_t stream, std::uint64_t index) const {
    const RandomBits b = bits(stream, index);
    const float u1 = 1.0f - to_unit(b.v[0]);  // (0, 1]: log stays finite
    const float u2 = to_unit(b.v[1]);
    return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.2831853071795864f * u2);
  }

  // Uniform integer in [0, n) (n > 0), by 64-bit multiply-shift; bias below 2^-32 * n.
  KOKKOS_FUNCTION std::uint64_t below(std::uint64_t n, std::uint64_t stream, std::uint64_t index) const {
    const RandomBits b = bits(stream, index);
    const std::uint64_t r = (std::uint64_t{b.v[0]} << 32) | b.v[1];
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(r) * n) >> 64);
  }

 private:
  KOKKOS_FUNCTION static constexpr std::uint32_t lo(std::uint64_t x) { return static_cast<std::uint32_t>(x); }
  KOKKOS_FUNCTION static constexpr std::uint32_t hi(std::uint64_t x) { return static_cast<std::uint32_t>(x >> 32); }
  KOKKOS_FUNCTION static constexpr float to_unit(std::uint32_t x) {
    return static_cast<float>(x >> 8) * (1.0f / 16777216.0f);
  }

  std::uint64_t seed_;
};

}  // namespace hifa
