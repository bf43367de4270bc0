#pragma once
// Seeded procedural noise for cloth folds, wrinkles and fabric patterns: 3D gradient noise (Perlin,
// "Improving Noise", SIGGRAPH 2002: quintic fade, gradients from the 12 cube-edge directions) and
// its fractal sum (fBm), as device-callable pure functions of (seed, point).
//
//   float n = hifa::synth::gradient_noise(seed, p);             // in about [-1, 1], 0 at lattice points
//   float f = hifa::synth::fbm(seed, p, octaves, gain, lacunarity);
//
// Inputs:  seed   32-bit seed; the lattice hash mixes it in, so two seeds give unrelated noise
//          p      a point in noise units (the caller scales metres by a frequency, cycles per metre)
// Outputs: gradient_noise: continuous with continuous first derivatives (quintic fade), |value| < 1,
//          gradient magnitude below about 2.5 noise units per unit; fbm: Σ_o gain^o · noise(seed + o,
//          lacunarity^o · p) divided by Σ_o gain^o, so it stays in about [-1, 1]. Same bytes on every
//          backend and thread count (integer hash, fixed-order float arithmetic).
// Cost:    gradient_noise: 8 hashes and 8 dot products; fbm: octaves times that.
// Why not a permutation table (Perlin's reference code): a table is state that a Kokkos kernel
// would have to carry in a View; a hash of the lattice coordinates and the seed (the integer
// finalizer of MurmurHash3, Appleby) needs none and gives every seed its own lattice.

#include "hifa/core/types.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>

namespace hifa::synth {

namespace detail {

KOKKOS_INLINE_FUNCTION std::uint32_t mix32(std::uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

KOKKOS_INLINE_FUNCTION std::uint32_t lattice_hash(std::uint32_t seed, int x, int y, int z) {
  std::uint32_t h = mix32(seed ^ 0x9e3779b9u);
  h = mix32(h ^ std::uint32_t(x) * 0x8da6b343u);
  h = mix32(h ^ std::uint32_t(y) * 0xd8163841u);
  h = mix32(h ^ std::uint32_t(z) * 0xcb1ab31fu);
  return h;
}

// The dot product of (x, y, z) with one of the 12 directions to the cube's edge midpoints (Perlin 2002).
KOKKOS_INLINE_FUNCTION float grad_dot(std::uint32_t h, float x, float y, float z) {
  switch (h % 12u) {
    case 0: return x + y;
    case 1: return -x + y;
    case 2: return x - y;
    case 3: return -x - y;
    case 4: return x + z;
    case 5: return -x + z;
    case 6: return x - z;
    case 7: return -x - z;
    case 8: return y + z;
    case 9: return -y + z;
    case 10: return y - z;
    default: return -y - z;
  }
}

KOKKOS_INLINE_FUNCTION float fade(float t) { return t * t * t * (t * (t * 6.0f - 15.0f) + 10.0f); }

KOKKOS_INLINE_FUNCTION float lerp(float a, float b, float t) { return a + t * (b - a); }

}  // namespace detail

KOKKOS_INLINE_FUNCTION float gradient_noise(std::uint32_t seed, const Vec3f& p) {
  const float fx = Kokkos::Experimental::floor(p.x()), fy = Kokkos::Experimental::floor(p.y()), fz = Kokkos::Experimental::floor(p.z());
  const int x0 = int(fx), y0 = int(fy), z0 = int(fz);
  const float x = p.x() - fx, y = p.y() - fy, z = p.z() - fz;
  float corner[8];
  for (int c = 0; c < 8; ++c) {
    const int dx = c >> 2, dy = (c >> 1) & 1, dz = c & 1;
    corner[c] = detail::grad_dot(detail::lattice_hash(seed, x0 + dx, y0 + dy, z0 + dz), x - float(dx), y - float(dy),
                                 z - float(dz));
  }
  const float u = detail::fade(x), v = detail::fade(y), w = detail::fade(z);
  const float x00 = detail::lerp(corner[0], corner[4], u), x01 = detail::lerp(corner[1], corner[5], u);
  const float x10 = detail::lerp(corner[2], corner[6], u), x11 = detail::lerp(corner[3], corner[7], u);
  // The 12-direction gradients reach |value| ~ 1.04 at worst; scale into [-1, 1].
  return 0.96f * detail::lerp(detail::lerp(x00, x10, v), detail::lerp(x01, x11, v), w);
}

KOKKOS_INLINE_FUNCTION float fbm(std::uint32_t seed, const Vec3f& p, int octaves, float gain = 0.5f,
                                 float lacunarity = 2.0f) {
  float sum = 0.0f, amplitude = 1.0f, norm = 0.0f, scale = 1.0f;
  for (int o = 0; o < octaves; ++o) {
    sum += amplitude * gradient_noise(seed + std::uint32_t(o) * 0x68e31da4u, Vec3f(p * scale));
    norm += amplitude;
    amplitude *= gain;
    scale *= lacunarity;
  }
  return norm > 0.0f ? sum / norm : 0.0f;
}

}  // namespace hifa::synth
