#pragma once
// Second-order spherical-harmonics lighting: the 9 real SH basis functions, irradiance of a normal
// under an SH light, rotating a light, and seeded random lights per view (PIFu renders each view
// under a random SH environment; Saito et al. 2019 §4, Ramamoorthi & Hanrahan 2001).
//
//   float y[9];  hifa::sh_basis(direction, y);              // Y_0..Y_8 at a unit direction
//   hifa::ShLight light = hifa::random_sh_light(seed, view);  // camera-frame light for view `view`
//   hifa::Vec3f e = hifa::sh_irradiance(light, normal);      // RGB irradiance E(n)
//   hifa::ShLight scan = hifa::sh_rotate(light, R.transpose());  // camera frame -> scan frame
//
// Basis: the real spherical harmonics Y_lm of bands l = 0, 1, 2 with the normalization and the
//   constants of Ramamoorthi & Hanrahan, "An efficient representation for irradiance environment
//   maps", SIGGRAPH 2001, Eq. (3): orthonormal over the unit sphere, ∫ Y_i Y_j dω = δ_ij, for a unit
//   direction (x, y, z):
//     index 0  Y_00  = 0.282095                    (1 / (2 √π))
//     index 1  Y_1-1 = 0.488603 y                  (√3 / (2 √π))
//     index 2  Y_10  = 0.488603 z
//     index 3  Y_11  = 0.488603 x
//     index 4  Y_2-2 = 1.092548 x y                (√15 / (2 √π))
//     index 5  Y_2-1 = 1.092548 y z
//     index 6  Y_20  = 0.315392 (3 z² - 1)         (√5 / (4 √π))
//     index 7  Y_21  = 1.092548 x z
//     index 8  Y_22  = 0.546274 (x² - y²)          (√15 / (4 √π))
//   i.e. index = l (l + 1) + m. The axes are those of whatever frame the directions are in
//   (camera.hpp's normalized frame: x right, y up, z towards the camera; or the scan's frame).
//
// ShLight: 9 coefficients per colour channel, channel[c][i] = ∫ L_c(ω) Y_i(ω) dω, the SH projection
//   of the incident radiance L_c (R&H's L_lm). A constant radiance a has channel[c][0] = 2 √π a.
// sh_irradiance(light, n): E_c(n) = ∫ over the hemisphere around unit n of L_c(ω) (n · ω) dω in the
//   band-limited form of R&H Eq. (7): E(n) = Σ_lm Â_l L_lm Y_lm(n) with the clamped-cosine
//   convolution constants Â_0 = π, Â_1 = 2π/3, Â_2 = π/4 (exact when L has no band above 2; the
//   clamped cosine itself has more bands, which R&H show add < 3% on average).
//   A Lambertian surface of albedo ρ reflects ρ E(n) / π: the shading of prt.hpp divides by π.
// sh_rotate(light, R): the light turned by the rotation R: radiance L'(ω) = L(Rᵀ ω). Band 0 is
//   unchanged, band 1 turns like the vector (x, y, z) reordered to (y, z, x), band 2 by the 5 x 5
//   matrix found by evaluating the band at five fixed directions (the band is closed under
//   rotation, so five generic samples determine it; solved in double precision).
//   A light given in the camera frame of a view with calibration rotation R (camera.hpp: camera =
//   R · scan) is sh_rotate(light, R.transpose()) in the scan frame.
// random_sh_light(seed, view): a plausible indoor light, a pure function of (seed, view) through
//   core/rng.hpp (stream sh_light_stream, indices view · 64 + k): radiance in the CAMERA frame =
//     ambient  a ∈ [0.45, 0.70] (grey, each channel × [0.92, 1.08])           — dominant term
//     key      one directional component from the camera's side: elevation 10..60 degrees above
//              the horizon, azimuth within ±60 degrees of the view axis (+z), strength s ∈ [0.2, 0.45]
//     fill     0 to 2 more from uniform random directions, strength s ∈ [0.04, 0.15]
//   each directional component tinted per channel × [0.9, 1.1]. A component of strength s along unit
//   d is the SH projection of a distant light of radiant intensity π s (L_lm = π s Y_lm(d)), so its
//   band-limited irradiance / π is s · (1/4 + t/2 + 5/16 (3t² - 1)/2) with t = n · d: ≈ s max(0, t),
//   at most 1.0625 s (t = 1) and at least -0.04 s (t ≈ -0.53, the ringing of order-2 SH). The
//   ambient term adds a. The whole light is scaled down when a + 1.0625 Σ s_max > 1, so E(n) / π
//   stays in (0, 1] for every normal: an unshadowed albedo-1 surface is never clipped, never black.
//   The lights are low-frequency by construction (order 2), as PIFu's environment maps projected
//   to order 2 are; "view" is any integer id (PIFu draws a light per rendered view).
//
// Errors: none (every function is total; a non-unit normal is used as given).
// Cost:   O(1); sh_rotate solves one 5 x 5 system.

#include "hifa/core/rng.hpp"
#include "hifa/core/types.hpp"

#include <Eigen/Dense>
#include <Kokkos_Macros.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace hifa {

inline constexpr int sh_coefficient_count = 9;  // bands 0..2

// The SH band of coefficient index i (0, 1, 1, 1, 2, 2, 2, 2, 2).
KOKKOS_INLINE_FUNCTION constexpr int sh_band(int i) { return i == 0 ? 0 : (i < 4 ? 1 : 2); }

// R&H 2001 clamped-cosine convolution constants Â_l for band l: π, 2π/3, π/4.
KOKKOS_INLINE_FUNCTION constexpr float sh_cosine_lobe(int band) {
  constexpr float pi = 3.14159265358979323846f;
  return band == 0 ? pi : (band == 1 ? 2.0f * pi / 3.0f : pi / 4.0f);
}

// Y_0..Y_8 at the unit direction (x, y, z) (see the top of this header for the order and constants).
template <class T>
KOKKOS_INLINE_FUNCTION void sh_basis(T x, T y, T z, T (&out)[9]) {
  out[0] = T(0.282094791773878143);
  out[1] = T(0.488602511902919921) * y;
  out[2] = T(0.488602511902919921) * z;
  out[3] = T(0.488602511902919921) * x;
  out[4] = T(1.092548430592079070) * x * y;
  out[5] = T(1.092548430592079070) * y * z;
  out[6] = T(0.315391565252520002) * (3 * z * z - 1);
  out[7] = T(1.092548430592079070) * x * z;
  out[8] = T(0.546274215296039535) * (x * x - y * y);
}
template <class T>
void sh_basis(const Vec3<T>& d, T (&out)[9]) {
  sh_basis(d.x(), d.y(), d.z(), out);
}

struct ShLight {
  // channel[c][i]: coefficient i of colour channel c (0 R, 1 G, 2 B), radiance projected on Y_i.
  std::array<std::array<float, 9>, 3> channel{};

  friend bool operator==(const ShLight&, const ShLight&) = default;
};

// The light of constant radiance `rgb` in every direction (irradiance π rgb for every normal).
inline ShLight constant_sh_light(const Vec3f& rgb) {
  ShLight light;
  const float dc = 2.0f * std::sqrt(std::numbers::pi_v<float>);  // ∫ Y_00 dω = 4π · 0.282095
  for (int c = 0; c < 3; ++c) light.channel[std::size_t(c)][0] = dc * rgb[c];
  return light;
}

// Adds the SH projection of a distant light along unit `direction` with radiant intensity π · rgb
// (the "strength" of random_sh_light: irradiance / π ≈ rgb max(0, n · direction)).
inline void add_directional(ShLight& light, const Vec3f& direction, const Vec3f& rgb) {
  float y[9];
  sh_basis(direction, y);
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < 9; ++i) light.channel[std::size_t(c)][std::size_t(i)] += std::numbers::pi_v<float> * rgb[c] * y[i];
  }
}

// RGB irradiance E(n) = Σ Â_l L_lm Y_lm(n) (R&H 2001 Eq. 7).
inline Vec3f sh_irradiance(const ShLight& light, const Vec3f& normal) {
  float y[9];
  sh_basis(normal, y);
  Vec3f e = Vec3f::Zero();
  for (int c = 0; c < 3; ++c) {
    double sum = 0;
    for (int i = 0; i < 9; ++i) sum += double(sh_cosine_lobe(sh_band(i))) * light.channel[std::size_t(c)][std::size_t(i)] * y[i];
    e[c] = float(sum);
  }
  return e;
}

// The light turned by rotation R: L'(ω) = L(Rᵀ ω) (see the top of this header).
inline ShLight sh_rotate(const ShLight& light, const Mat3<float>& rotation) {
  const Eigen::Matrix3d r = rotation.cast<double>();
  // Band 1: coefficients (c_y, c_z, c_x) of L(ω) = k c · ω; L'(ω) = k c · (Rᵀ ω) = k (R c) · ω.
  // Band 2: with five fixed generic directions d_k, A(k, j) = Y_2j(d_k), B(k, j) = Y_2j(Rᵀ d_k);
  // L'(d_k) = Σ_j c_j Y_2j(Rᵀ d_k) = (B c)_k must equal (A c')_k, so c' = A⁻¹ B c.
  static const Eigen::Vector3d probes[5] = {
      Eigen::Vector3d(1, 0, 0), Eigen::Vector3d(0, 0, 1), Eigen::Vector3d(1, 1, 0).normalized(),
      Eigen::Vector3d(1, 0, 1).normalized(), Eigen::Vector3d(0, 1, 1).normalized()};
  Eigen::Matrix<double, 5, 5> a, b;
  for (int k = 0; k < 5; ++k) {
    double ya[9], yb[9];
    const Eigen::Vector3d d = probes[k], turned = r.transpose() * probes[k];
    sh_basis(d.x(), d.y(), d.z(), ya);
    sh_basis(turned.x(), turned.y(), turned.z(), yb);
    for (int j = 0; j < 5; ++j) {
      a(k, j) = ya[4 + j];
      b(k, j) = yb[4 + j];
    }
  }
  const Eigen::Matrix<double, 5, 5> band2 = a.partialPivLu().solve(b);
  ShLight out;
  for (int c = 0; c < 3; ++c) {
    const auto& in = light.channel[std::size_t(c)];
    auto& o = out.channel[std::size_t(c)];
    o[0] = in[0];
    const Eigen::Vector3d v1 = r * Eigen::Vector3d(in[3], in[1], in[2]);  // (x, y, z) components
    o[1] = float(v1.y());
    o[2] = float(v1.z());
    o[3] = float(v1.x());
    Eigen::Matrix<double, 5, 1> v2;
    for (int j = 0; j < 5; ++j) v2[j] = in[std::size_t(4 + j)];
    const Eigen::Matrix<double, 5, 1> turned = band2 * v2;
    for (int j = 0; j < 5; ++j) o[std::size_t(4 + j)] = float(turned[j]);
  }
  return out;
}

// CounterRng stream of random_sh_light ("SHLIGHT" in ASCII), kept apart from the samplers' streams.
inline constexpr std::uint64_t sh_light_stream = 0x5348'4C49'4748'54ull;

// A random plausible camera-frame light for view `view` (see the top of this header).
inline ShLight random_sh_light(std::uint64_t seed, std::uint64_t view) {
  const CounterRng rng{seed};
  std::uint64_t draw = 0;
  const auto uniform = [&](float lo, float hi) { return lo + (hi - lo) * rng.uniform(sh_light_stream, view * 64 + draw++); };
  const auto tint = [&](float spread) {
    return Vec3f(uniform(1 - spread, 1 + spread), uniform(1 - spread, 1 + spread), uniform(1 - spread, 1 + spread));
  };
  constexpr float degree = std::numbers::pi_v<float> / 180.0f;
  const float ambient = uniform(0.45f, 0.70f);
  const Vec3f ambient_rgb = ambient * tint(0.08f);
  struct Component {
    Vec3f direction, rgb;
  };
  Component parts[3];
  int count = 0;
  {
    const float elevation = uniform(10.0f, 60.0f) * degree, azimuth = uniform(-60.0f, 60.0f) * degree;
    // Camera frame: y up, +z towards the camera; azimuth 0 = straight from the camera.
    const Vec3f d(std::cos(elevation) * std::sin(azimuth), std::sin(elevation), std::cos(elevation) * std::cos(azimuth));
    parts[count++] = {d, uniform(0.20f, 0.45f) * tint(0.1f)};
  }
  const int fills = int(rng.below(3, sh_light_stream, view * 64 + draw++));
  for (int k = 0; k < fills; ++k) {
    // Uniform on the sphere (Archimedes: z uniform in [-1, 1], angle uniform).
    const float z = uniform(-1.0f, 1.0f), phi = uniform(0.0f, 2.0f * std::numbers::pi_v<float>);
    const float rho = std::sqrt(std::max(0.0f, 1.0f - z * z));
    parts[count++] = {Vec3f(rho * std::cos(phi), rho * std::sin(phi), z), uniform(0.04f, 0.15f) * tint(0.1f)};
  }
  // Largest possible E / π over all normals (each lobe peaks at 1.0625 s): keep it <= 1.
  float peak = ambient_rgb.maxCoeff();
  for (int k = 0; k < count; ++k) peak += 1.0625f * parts[k].rgb.maxCoeff();
  const float gain = peak > 1.0f ? 1.0f / peak : 1.0f;
  ShLight light = constant_sh_light(gain * ambient_rgb);
  for (int k = 0; k < count; ++k) add_directional(light, parts[k].direction, gain * parts[k].rgb);
  return light;
}

}  // namespace hifa
