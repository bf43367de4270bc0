#pragma once
// Closest point of a triangle to a point, as barycentric weights: Ericson, "Real-Time Collision
// Detection" (2005), §5.1.5 ClosestPtPointTriangle. The Voronoi region of p (three vertex, three
// edge regions, or the face) is found from six dot products, so only the one needed projection is
// computed and no square root is taken.

#include <Kokkos_Core.hpp>

namespace hifa::detail {

struct Float3 {
  float x, y, z;
};

KOKKOS_INLINE_FUNCTION Float3 operator-(const Float3& a, const Float3& b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
KOKKOS_INLINE_FUNCTION float dot(const Float3& a, const Float3& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }

// The same in double, for the exact-leaning predicates of self_intersection.hpp and the normals of
// pseudo_normal.hpp.
struct Double3 {
  double x, y, z;
};

KOKKOS_INLINE_FUNCTION Double3 operator-(const Double3& a, const Double3& b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
KOKKOS_INLINE_FUNCTION Double3 operator+(const Double3& a, const Double3& b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
KOKKOS_INLINE_FUNCTION Double3 operator*(double s, const Double3& a) { return {s * a.x, s * a.y, s * a.z}; }
KOKKOS_INLINE_FUNCTION double dot(const Double3& a, const Double3& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
KOKKOS_INLINE_FUNCTION Double3 cross(const Double3& a, const Double3& b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
KOKKOS_INLINE_FUNCTION double norm(const Double3& a) { return Kokkos::Experimental::sqrt(dot(a, a)); }

// Weights (u, v, w) of a, b, c (all in [0, 1], summing to 1 up to rounding) and the closest point q = a + v·ab + w·ac
// (written from a so q is exact at the vertex a and accurate near it).
struct TriangleClosest {
  float u, v, w;
  Float3 q;
};

// Weights are passed explicitly (not u = 1 - v - w) so that a point on edge bc gets u = 0 exactly
// rather than a rounding-error negative weight.
KOKKOS_INLINE_FUNCTION TriangleClosest triangle_closest_from(const Float3& a, const Float3& ab, const Float3& ac,
                                                             float u, float v, float w) {
  return {u, v, w, {a.x + v * ab.x + w * ac.x, a.y + v * ab.y + w * ac.y, a.z + v * ab.z + w * ac.z}};
}

KOKKOS_INLINE_FUNCTION float clamp01(float t) { return t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t); }

// Parameter of the closest point on a segment, numerator / |segment|² clamped to [0, 1]; 0 for a point.
KOKKOS_INLINE_FUNCTION float segment_parameter(float numerator, float length2) {
  return length2 > 0.0f ? clamp01(numerator / length2) : 0.0f;
}

KOKKOS_INLINE_FUNCTION TriangleClosest closest_point_triangle(const Float3& p, const Float3& a, const Float3& b,
                                                              const Float3& c) {
  const Float3 ab = b - a, ac = c - a;
  const Float3 ap = p - a;
  const float d1 = dot(ab, ap), d2 = dot(ac, ap);
  if (d1 <= 0.0f && d2 <= 0.0f) return {1.0f, 0.0f, 0.0f, a};  // vertex region a

  const Float3 bp = p - b;
  const float d3 = dot(ab, bp), d4 = dot(ac, bp);
  if (d3 >= 0.0f && d4 <= d3) return {0.0f, 1.0f, 0.0f, b};  // vertex region b

  const float vc = d1 * d4 - d3 * d2;
  if (vc <= 0.0f && d1 >= 0.0f && d3 <= 0.0f) {  // edge region ab
    const float v = d1 / (d1 - d3);
    return triangle_closest_from(a, ab, ac, 1.0f - v, v, 0.0f);
  }

  const Float3 cp = p - c;
  const float d5 = dot(ab, cp), d6 = dot(ac, cp);
  if (d6 >= 0.0f && d5 <= d6) return {0.0f, 0.0f, 1.0f, c};  // vertex region c

  const float vb = d5 * d2 - d1 * d6;
  if (vb <= 0.0f && d2 >= 0.0f && d6 <= 0.0f) {  // edge region ac
    const float w = d2 / (d2 - d6);
    return triangle_closest_from(a, ab, ac, 1.0f - w, 0.0f, w);
  }

  const float va = d3 * d6 - d5 * d4;
  if (va <= 0.0f && (d4 - d3) >= 0.0f && (d5 - d6) >= 0.0f) {  // edge region bc
    const float t = (d4 - d3) / ((d4 - d3) + (d5 - d6));
    return triangle_closest_from(a, ab, ac, 0.0f, 1.0f - t, t);
  }

  const float area = va + vb + vc;  // 2·area² (scaled); positive for any non-degenerate triangle
  if (!(area > 0.0f)) {
    // A (nearly) collinear triangle whose rounded region tests fell through to the face: the
    // closest point is on one of its edges; take the nearest of the three (first on ties).
    const float tab = segment_parameter(d1, d1 - d3);  // d1 - d3 = |ab|²
    const float tac = segment_parameter(d2, d2 - d6);  // d2 - d6 = |ac|²
    const float tbc = segment_parameter(d4 - d3, (d4 - d3) + (d5 - d6));  // |bc|²
    const TriangleClosest candidates[3] = {triangle_closest_from(a, ab, ac, 1.0f - tab, tab, 0.0f),
                                           triangle_closest_from(a, ab, ac, 1.0f - tac, 0.0f, tac),
                                           triangle_closest_from(a, ab, ac, 0.0f, 1.0f - tbc, tbc)};
    int best = 0;
    float best_d2 = 0.0f;
    for (int k = 0; k < 3; ++k) {
      const Float3 d = p - candidates[k].q;
      const float d2k = dot(d, d);
      if (k == 0 || d2k < best_d2) {
        best = k;
        best_d2 = d2k;
      }
    }
    return candidates[best];
  }
  // Face region. Near its border rounding can push a weight just outside [0, 1]: clamp, so the
  // weights are always a valid convex combination.
  const float inv = 1.0f / area;
  const float v = clamp01(vb * inv), w = clamp01(vc * inv);
  return triangle_closest_from(a, ab, ac, clamp01(1.0f - v - w), v, w);
}

}  // namespace hifa::detail
