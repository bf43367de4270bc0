#pragma once
// A second lower bound of the distance to the triangles of a BVH node, for hifa/spatial/mesh_bvh.hpp's
// closest-point traversal: the node's triangles lie in a slab low <= n·(x - c) <= high across a
// unit normal n and within distance r of the line through c along n. For any x there and any p,
// with h = n·(p - c) and ρ = |(p - c) - h n| (the offset along the plane),
//   |p - x|² = (n·(p - x))² + |in-plane part of p - x|²  >=  max(low - h, h - high, 0)² + max(ρ - r, 0)²,
// because n·(x - c) lies in [low, high] and the in-plane part of x - c is no longer than r.
//
// Why: an axis-aligned box is a loose container for a tilted patch of surface (a triangle at 45°
// fills half of its box), so for a point outside a curved surface the box bound lets through
// hundreds of nearly equidistant triangles and nodes that cannot hold the closest point. A flat
// patch has a thin slab and this bound is then nearly exact: on the 100k-face sphere of
// bench/bench_spatial.cpp it cuts the nodes a query in the box opens from ~590 to ~170.
//
// Built for every leaf (one triangle: n its normal, a slab of width ~0) and every internal node covering at
// most patch_bound_max_leaves leaves (bigger nodes are rarely flat, and computing theirs would cost
// O(F log F)); others are marked invalid (radius -1) and keep the box bound alone. A patch whose
// normals cancel exactly (a face stored with both windings) gets n = 0: the bound is then the ball's.

#include "hifa/spatial/detail/bvh_build.hpp"
#include "hifa/spatial/detail/winding_number.hpp"

#include <Kokkos_Core.hpp>

#include <cfloat>  // DBL_MAX

namespace hifa::detail {

struct PatchBound {
  float centre[3];  // the centre of the node's box
  float normal[3];  // unit, or 0 when the patch's area-weighted normals cancel
  float radius;     // largest in-plane distance from the centre; -1: no bound for this node
  float low, high;  // the slab, as offsets along the normal from the centre
};

inline constexpr int patch_bound_max_leaves = 64;

// Squared lower bound of the distance from p to anything inside the patch. The margin m (relative
// 2^-13 of the magnitudes involved, plus 2^-18 of the centre's coordinates) is about a thousand
// times float rounding, so the bound stays below every distance the traversal computes in float
// and triangles at exactly the best distance are never cut (ties keep the lowest face id).
KOKKOS_INLINE_FUNCTION float patch_distance2(const PatchBound& b, const float p[3]) {
  const float dx = p[0] - b.centre[0], dy = p[1] - b.centre[1], dz = p[2] - b.centre[2];
  const float h = b.normal[0] * dx + b.normal[1] * dy + b.normal[2] * dz;
  const float vx = dx - h * b.normal[0], vy = dy - h * b.normal[1], vz = dz - h * b.normal[2];
  const float rho = Kokkos::Experimental::sqrt(vx * vx + vy * vy + vz * vz);
  const float margin = 0x1p-13f * (Kokkos::Experimental::fabs(h) + rho + b.radius) +
                       0x1p-18f * (Kokkos::Experimental::fabs(b.centre[0]) + Kokkos::Experimental::fabs(b.centre[1]) +
                                   Kokkos::Experimental::fabs(b.centre[2]));
  const float outside_slab = h < b.low ? b.low - h : h - b.high;
  const float across = outside_slab - margin, along = rho - b.radius - margin;
  return (across > 0.0f ? across * across : 0.0f) + (along > 0.0f ? along * along : 0.0f);
}

// The bound of one node covering the leaves first..last (at most patch_bound_max_leaves).
template <class Triangles, class Boxes, class Dipoles>
KOKKOS_FUNCTION PatchBound patch_bound(int node, int first, int last, const Triangles& triangles, const Boxes& boxes,
                                       const Dipoles& dipoles) {
  PatchBound b{};
  // The area-weighted normal sum of the node's triangles (the winding-number dipole N): any unit
  // vector gives a valid bound, since the slab below is measured along it; this one makes the slab
  // thin when the patch is nearly flat.
  const double normal[3] = {dipoles(node, dipole_nx), dipoles(node, dipole_ny), dipoles(node, dipole_nz)};
  const double length = Kokkos::Experimental::sqrt(normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
  const Box& box = boxes(node);
  for (int d = 0; d < 3; ++d) {
    b.centre[d] = float(0.5 * (double(box.min[d]) + double(box.max[d])));
    b.normal[d] = length > 0.0 ? float(normal[d] / length) : 0.0f;
  }
  // Radius and slab against the stored (rounded) centre and normal, so they bound what
  // patch_distance2 uses; widened by 2^-20 of their size to stay outside float rounding.
  double radius2 = 0.0, low = DBL_MAX, high = -DBL_MAX;
  for (int k = first; k <= last; ++k) {
    for (int v = 0; v < 3; ++v) {
      double x[3], h = 0.0;
      for (int d = 0; d < 3; ++d) {
        x[d] = double(triangles(k, v, d)) - double(b.centre[d]);
        h += x[d] * double(b.normal[d]);
      }
      double r2 = 0.0;
      for (int d = 0; d < 3; ++d) {
        const double in_plane = x[d] - h * double(b.normal[d]);
        r2 += in_plane * in_plane;
      }
      radius2 = r2 > radius2 ? r2 : radius2;
      low = h < low ? h : low;
      high = h > high ? h : high;
    }
  }
  const double slack = 0x1p-20 * (high - low + Kokkos::Experimental::sqrt(radius2));
  b.radius = float(Kokkos::Experimental::sqrt(radius2) * (1.0 + 0x1p-20));
  b.low = float(low - slack);
  b.high = float(high + slack);
  return b;
}

// bounds(node) for the 2n - 1 nodes (node numbering of bvh_build.hpp). ranges(i, 0..1): the first
// and last leaf under internal node i; parents: bvh_build.hpp's; triangles: leaf order; boxes and
// dipoles (winding_number.hpp): all nodes, refit. One thread per leaf k computes leaf k and then
// every ancestor whose first leaf is k (each internal node has exactly one first leaf, so each is
// written once); the work, about patch_bound_max_leaves·log of it per leaf, is spread evenly over
// the leaves, which one thread per node in node order would not do (the internal nodes, all the
// heavy ones, come first). Each bound is one sequential loop in double: the same bytes on any backend.
template <class ExecSpace, class Ranges, class Parents, class Triangles, class Boxes, class Dipoles, class Bounds>
void build_patch_bounds(const ExecSpace& space, const Ranges& ranges, const Parents& parents,
                        const Triangles& triangles, const Boxes& boxes, const Dipoles& dipoles, const Bounds& bounds) {
  const int n = int(triangles.extent(0));
  Kokkos::parallel_for(
      "hifa::spatial::bvh::build_patch_bounds", Kokkos::RangePolicy<ExecSpace>(space, 0, n),
      KOKKOS_LAMBDA(const int k) {
        int node = n - 1 + k;
        bounds(node) = patch_bound(node, k, k, triangles, boxes, dipoles);
        while (node != 0 && ranges(parents(node), 0) == k) {
          node = parents(node);
          const int last = ranges(node, 1);
          if (last - k + 1 <= patch_bound_max_leaves) {
            bounds(node) = patch_bound(node, k, last, triangles, boxes, dipoles);
          } else {
            PatchBound none{};
            none.radius = -1.0f;
            bounds(node) = none;
          }
        }
      });
}

}  // namespace hifa::detail
