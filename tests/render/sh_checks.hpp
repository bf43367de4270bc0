#pragma once
// Test helpers for SH lighting: a product quadrature over the unit sphere that is exact for the
// low-degree polynomials SH tests integrate, and a band-limited light whose irradiance is known in
// closed form (Funk-Hecke), independent of sh_lighting.hpp's constants.

#include "hifa/core/types.hpp"
#include "hifa/render/sh_lighting.hpp"

#include <cmath>
#include <numbers>
#include <vector>

namespace hifa::test {

struct SphereNode {
  Vec3d direction;
  double weight;
};

// Gauss-Legendre in z = cos(theta) (n nodes, exact for polynomials of degree 2n - 1 in z) times n_phi
// equally spaced azimuths (exact for trigonometric polynomials of degree < n_phi): exact for every
// polynomial on the sphere of degree < min(2n, n_phi).
inline std::vector<SphereNode> sphere_quadrature(int n = 12, int n_phi = 24) {
  std::vector<SphereNode> nodes;
  for (int i = 0; i < n; ++i) {
    // Newton's iteration on P_n from the Chebyshev guess.
    double z = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5)), dp = 1;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1, p1 = z;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (z * p1 - p0) / (z * z - 1);
      const double step = p1 / dp;
      z -= step;
      if (std::abs(step) < 1e-15) break;
    }
    const double w = 2 / ((1 - z * z) * dp * dp);
    for (int j = 0; j < n_phi; ++j) {
      const double phi = 2 * std::numbers::pi * j / n_phi, rho = std::sqrt(1 - z * z);
      nodes.push_back({Vec3d(rho * std::cos(phi), rho * std::sin(phi), z), w * 2 * std::numbers::pi / n_phi});
    }
  }
  return nodes;
}

// Radiance a + b (w . d) + c P2(w . e) per channel (P2(t) = (3t^2 - 1) / 2): bands 0..2 only.
struct BandLimitedLight {
  Vec3d a, b, c;
  Vec3d d, e;  // unit

  double radiance(int ch, const Vec3d& w) const {
    const double t = w.dot(e);
    return a[ch] + b[ch] * w.dot(d) + c[ch] * (3 * t * t - 1) / 2;
  }
  // Funk-Hecke: the clamped cosine max(0, n . w) has Legendre coefficients 2 pi int_0^1 P_l(t) t dt
  // = pi, 2 pi / 3, pi / 4 for l = 0, 1, 2, so E(n) = pi a + (2 pi / 3) b (n . d) + (pi / 4) c P2(n . e).
  double irradiance(int ch, const Vec3d& n) const {
    const double t = n.dot(e);
    return std::numbers::pi * a[ch] + 2 * std::numbers::pi / 3 * b[ch] * n.dot(d) +
           std::numbers::pi / 4 * c[ch] * (3 * t * t - 1) / 2;
  }
  // Its SH coefficients by quadrature (exact: degree <= 4 integrands).
  ShLight project() const {
    ShLight light;
    for (const SphereNode& q : sphere_quadrature()) {
      double y[9];
      sh_basis(q.direction.x(), q.direction.y(), q.direction.z(), y);
      for (int ch = 0; ch < 3; ++ch) {
        for (int i = 0; i < 9; ++i) light.channel[ch][i] += float(q.weight * radiance(ch, q.direction) * y[i]);
      }
    }
    return light;
  }
};

// A light with all three bands present in every channel, radiance > 0 everywhere.
inline BandLimitedLight test_light() {
  return {Vec3d(0.6, 0.5, 0.4), Vec3d(0.3, 0.25, 0.1), Vec3d(0.15, 0.1, 0.2), Vec3d(0.3, 0.8, 0.52).normalized(),
          Vec3d(-0.5, 0.2, 0.84).normalized()};
}

}  // namespace hifa::test
