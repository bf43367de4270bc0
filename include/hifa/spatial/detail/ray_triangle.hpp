#pragma once
// Ray-box and ray-triangle intersection for MeshBvh's ray queries (hifa/spatial/mesh_bvh.hpp).
//
// Triangle: the watertight test of Woop, Benthin and Wald, "Watertight Ray/Triangle Intersection",
// JCGT 2(1), 2013. The ray is turned into the +z axis of a sheared frame (largest direction
// component kz becomes z, the other two are sheared away), every triangle vertex is transformed once
// the same way, and the three 2D edge functions U, V, W of the origin decide the hit. Chosen over
// Möller-Trumbore (1997) because it needs no epsilon and has no gaps: an edge shared by two
// triangles gets exactly opposite edge-function values in both (same transformed vertices, same
// products), so a ray through the edge can never slip between them.
//   - The edge functions are evaluated in double: a product of two floats is exact in double, so
//     each U, V, W is the correctly rounded exact value, its sign is exact, and the antisymmetry
//     above holds even if the compiler contracts a*b - c*d into an FMA. (Woop et al. evaluate in
//     float and redo the zero case in double; doing double always is simpler and the same answer.)
//   - Exact zeros (the ray passes exactly through an edge or a vertex of the sheared 2D
//     projection) are resolved by a top-left rule as in rasterisation: the edge, oriented as seen
//     from the triangle's front (sign of U + V + W), counts as inside only if it points "up"
//     (dy > 0, or dy == 0 and dx > 0). The neighbour sees the same edge reversed, so exactly one of
//     two consistently oriented triangles crossed by the ray through their shared edge reports
//     the hit. The rule is the sign each edge function would have at the origin moved by the
//     infinitesimal (epsilon, -epsilon^2) (simulation of simplicity), so at a shared vertex too
//     the moved origin lies in exactly one triangle of a fan that tiles its neighbourhood: hit
//     counts neither double-count nor miss on a closed mesh. (A ray that only
//     grazes a silhouette edge touches a fold, counts 0 or 2 there, and keeps its parity.)
//   - Both facings hit (no back-face culling); a triangle seen edge-on (U + V + W = 0) never does.
// Box: the slab test with the inverse direction (Kay & Kajiya 1986, Williams et al. 2005), the far
// distance widened by 1 + 2·gamma(3) as in Ize, "Robust BVH Ray Traversal" (JCGT 2013), so that
// rounding never culls a box that holds a hit; a zero direction component is handled explicitly.

#include "hifa/spatial/detail/bvh_build.hpp"

#include <Kokkos_Core.hpp>

#include <cfloat>

namespace hifa::detail {

// A ray prepared for traversal: unit direction, its inverse, and Woop's shear constants.
struct PreparedRay {
  float origin[3];
  float direction[3];  // unit length
  float inverse[3];    // 1 / direction (±inf for a zero component, never used then)
  int kx, ky, kz;      // permutation: kz = the dominant axis, (kx, ky) keep the winding
  float sx, sy, sz;    // shear: x' = x[kx] - sx·x[kz], y' = x[ky] - sy·x[kz], z' = sz·x[kz]
  bool valid;          // false: a non-finite origin or direction, or a zero direction
};

KOKKOS_INLINE_FUNCTION PreparedRay prepare_ray(const float o[3], const float d[3]) {
  PreparedRay r{};
  const float length = Kokkos::Experimental::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  r.valid = length > 0.0f && length <= FLT_MAX;
  for (int i = 0; i < 3; ++i) r.valid = r.valid && Kokkos::Experimental::isfinite(o[i]) && Kokkos::Experimental::isfinite(d[i]);
  if (!r.valid) return r;
  for (int i = 0; i < 3; ++i) {
    r.origin[i] = o[i];
    r.direction[i] = d[i] / length;
    r.inverse[i] = 1.0f / r.direction[i];
  }
  const float ax = Kokkos::Experimental::fabs(r.direction[0]), ay = Kokkos::Experimental::fabs(r.direction[1]),
              az = Kokkos::Experimental::fabs(r.direction[2]);
  r.kz = (ax >= ay && ax >= az) ? 0 : (ay >= az ? 1 : 2);
  r.kx = (r.kz + 1) % 3;
  r.ky = (r.kx + 1) % 3;
  if (r.direction[r.kz] < 0.0f) {  // swap to keep the triangles' winding in the sheared frame
    const int k = r.kx;
    r.kx = r.ky;
    r.ky = k;
  }
  r.sx = r.direction[r.kx] / r.direction[r.kz];
  r.sy = r.direction[r.ky] / r.direction[r.kz];
  r.sz = 1.0f / r.direction[r.kz];
  return r;
}

// Entry distance of the ray into the box, clamped to >= 0, or +inf when the ray misses it or
// enters only beyond t_max. Conservative: never +inf for a box holding a triangle hit at t <= t_max.
KOKKOS_INLINE_FUNCTION float ray_box_entry(const Box& b, const PreparedRay& r, float t_max) {
  constexpr float u = FLT_EPSILON / 2.0f;                  // unit roundoff
  constexpr float widen = 1.0f + 2.0f * (3.0f * u) / (1.0f - 3.0f * u);  // 1 + 2·gamma(3), Ize 2013
  float t_near = 0.0f, t_far = t_max;
  for (int i = 0; i < 3; ++i) {
    if (r.direction[i] == 0.0f) {
      if (r.origin[i] < b.min[i] || r.origin[i] > b.max[i]) return FLT_MAX * 2.0f;  // +inf
      continue;
    }
    float t0 = (b.min[i] - r.origin[i]) * r.inverse[i];
    float t1 = (b.max[i] - r.origin[i]) * r.inverse[i];
    if (t0 > t1) {
      const float t = t0;
      t0 = t1;
      t1 = t;
    }
    t1 *= widen;
    t_near = t0 > t_near ? t0 : t_near;
    t_far = t1 < t_far ? t1 : t_far;
  }
  return t_near <= t_far ? t_near : FLT_MAX * 2.0f;
}

struct RayTriangleHit {
  bool hit;
  float t;        // distance along the unit direction (may be <= 0: behind or at the origin)
  float u, v, w;  // barycentric weights of a, b, c (>= 0, sum 1 up to rounding)
};

// Top-left rule for an edge whose edge function is exactly zero: (dx, dy) is the 2D edge vector in
// the sheared frame, already multiplied by the facing sign. Antisymmetric: of (d) and (-d) exactly one
// passes unless d = 0 (a degenerate edge, which then counts for neither).
KOKKOS_INLINE_FUNCTION bool top_left(float dx, float dy) { return dy > 0.0f || (dy == 0.0f && dx > 0.0f); }

// Watertight ray-triangle test (Woop et al. 2013, see the top of this file).
KOKKOS_INLINE_FUNCTION RayTriangleHit ray_triangle(const PreparedRay& r, const float a[3], const float b[3],
                                                   const float c[3]) {
  RayTriangleHit none{false, 0.0f, 0.0f, 0.0f, 0.0f};
  const float A[3] = {a[0] - r.origin[0], a[1] - r.origin[1], a[2] - r.origin[2]};
  const float B[3] = {b[0] - r.origin[0], b[1] - r.origin[1], b[2] - r.origin[2]};
  const float C[3] = {c[0] - r.origin[0], c[1] - r.origin[1], c[2] - r.origin[2]};
  const float Ax = A[r.kx] - r.sx * A[r.kz], Ay = A[r.ky] - r.sy * A[r.kz];
  const float Bx = B[r.kx] - r.sx * B[r.kz], By = B[r.ky] - r.sy * B[r.kz];
  const float Cx = C[r.kx] - r.sx * C[r.kz], Cy = C[r.ky] - r.sy * C[r.kz];
  // Edge functions at the origin (0, 0): U for edge b->c (weight of a), V for c->a, W for a->b.
  const double U = double(Cx) * double(By) - double(Cy) * double(Bx);
  const double V = double(Ax) * double(Cy) - double(Ay) * double(Cx);
  const double W = double(Bx) * double(Ay) - double(By) * double(Ax);
  const double det = U + V + W;
  if (det == 0.0) return none;  // seen edge-on (or degenerate)
  const float s = det > 0.0 ? 1.0f : -1.0f;
  auto inside = [&](double e, float ex, float ey) {
    return det > 0.0 ? (e > 0.0 || (e == 0.0 && top_left(s * ex, s * ey)))
                     : (e < 0.0 || (e == 0.0 && top_left(s * ex, s * ey)));
  };
  if (!inside(U, Cx - Bx, Cy - By) || !inside(V, Ax - Cx, Ay - Cy) || !inside(W, Bx - Ax, By - Ay)) return none;
  const double Az = double(r.sz) * double(A[r.kz]), Bz = double(r.sz) * double(B[r.kz]),
               Cz = double(r.sz) * double(C[r.kz]);
  const double T = U * Az + V * Bz + W * Cz;
  return {true, float(T / det), float(U / det), float(V / det), float(W / det)};
}

}  // namespace hifa::detail
