#pragma once
// Does a triangle mesh intersect itself? For hifa/spatial/mesh_bvh.hpp, which takes the sign of a
// distance from the closest feature's pseudo-normal only on meshes that do not (Bærentzen & Aanæs
// 2005 prove that sign for closed 2-manifolds without self-intersections; see pseudo_normal.hpp).
//
//   triangles_intersect  one pair of triangles, told which corners they share (by vertex index)
//   self_intersections   every pair of leaves of a built BVH whose boxes touch (but for pairs
//                        around a vertex whose fan is known simple): the count of pairs that
//                        intersect other than where they share a vertex or an edge
//
// Conservative: every predicate runs in double on the float corners and calls a sign zero when it
// is within a bound of the rounding (relative 1e-14 of the terms, about 13 times Shewchuk's orient3d
// error bound), and zero counts as touching, and touching as intersecting. So a pair that truly
// intersects (or touches) is reported, and a pair that comes within about 1e-14 of the
// coordinates' magnitude of touching may be reported too: such a mesh is then treated as
// self-intersecting, which only costs speed (the winding number gives the sign instead).
// tests/spatial/test_signed_distance.cpp checks the pair test against CGAL's exact one on lattice
// triangles (every determinant exact, touching and coplanar cases frequent).
// What counts, for triangles T1, T2:
//   no shared vertex index   any common point (coincident vertices at different indices count)
//   one shared vertex v      a common point other than v (they cross, or overlap in one plane)
//   a shared edge            a common point off that edge (they fold onto each other in one plane)
//   three shared vertices    always (a face and its copy, in either winding)
// Zero-area triangles give no reliable answer here: the caller rejects them first.

#include "hifa/spatial/detail/bvh_build.hpp"
#include "hifa/spatial/detail/closest_point_triangle.hpp"

#include <Kokkos_Core.hpp>

namespace hifa::detail {

// Relative size below which a determinant is taken for zero (see the top of this header).
inline constexpr double intersection_tolerance = 1e-14;

// Sign of the determinant [b - a, c - a, d - a] (positive when d is on the side of the plane abc
// that (b - a) x (c - a) points to), 0 within the rounding bound; `value` receives the determinant.
KOKKOS_INLINE_FUNCTION int orient3(const Double3& a, const Double3& b, const Double3& c, const Double3& d,
                                   double& value) {
  const Double3 u = b - a, v = c - a, w = d - a;
  const double cx = u.y * v.z - u.z * v.y, cy = u.z * v.x - u.x * v.z, cz = u.x * v.y - u.y * v.x;
  value = cx * w.x + cy * w.y + cz * w.z;
  using Kokkos::Experimental::fabs;
  const double bound = intersection_tolerance *
                       ((fabs(u.y * v.z) + fabs(u.z * v.y)) * fabs(w.x) + (fabs(u.z * v.x) + fabs(u.x * v.z)) * fabs(w.y) +
                        (fabs(u.x * v.y) + fabs(u.y * v.x)) * fabs(w.z));
  return value > bound ? 1 : (value < -bound ? -1 : 0);
}

KOKKOS_INLINE_FUNCTION int orient3(const Double3& a, const Double3& b, const Double3& c, const Double3& d) {
  double value;
  return orient3(a, b, c, d, value);
}

// The same in a plane: sign of (b - a) x (c - a) along `axis`'s complement (the coordinates other
// than the dropped one), 0 within the rounding bound.
KOKKOS_INLINE_FUNCTION int orient2(const Double3& a, const Double3& b, const Double3& c, int dropped) {
  const double ax = dropped == 0 ? a.y : a.x, ay = dropped == 2 ? a.y : a.z;
  const double bx = dropped == 0 ? b.y : b.x, by = dropped == 2 ? b.y : b.z;
  const double cx = dropped == 0 ? c.y : c.x, cy = dropped == 2 ? c.y : c.z;
  const double l = (bx - ax) * (cy - ay), r = (by - ay) * (cx - ax);
  const double bound = intersection_tolerance * (Kokkos::Experimental::fabs(l) + Kokkos::Experimental::fabs(r));
  const double det = l - r;
  return det > bound ? 1 : (det < -bound ? -1 : 0);
}

// The coordinate to drop to project a plane with normal n without degenerating it.
KOKKOS_INLINE_FUNCTION int dominant_axis(const Double3& n) {
  using Kokkos::Experimental::fabs;
  const double x = fabs(n.x), y = fabs(n.y), z = fabs(n.z);
  return x >= y && x >= z ? 0 : (y >= z ? 1 : 2);
}

KOKKOS_INLINE_FUNCTION bool same_or_zero(int a, int b, int c) {
  return (a >= 0 && b >= 0 && c >= 0) || (a <= 0 && b <= 0 && c <= 0);
}

// In the projection dropping `dropped`: do the closed segments pq and rs meet?
KOKKOS_INLINE_FUNCTION bool segments_meet2(const Double3& p, const Double3& q, const Double3& r, const Double3& s,
                                           int dropped) {
  const int d1 = orient2(r, s, p, dropped), d2 = orient2(r, s, q, dropped);
  const int d3 = orient2(p, q, r, dropped), d4 = orient2(p, q, s, dropped);
  if (d1 * d2 > 0 || d3 * d4 > 0) return false;
  if (d1 != 0 || d2 != 0 || d3 != 0 || d4 != 0) return true;  // proper crossing, or an end on the other segment's line between
  // Collinear: overlapping extents along the segment's longer axis.
  const Double3 pq = q - p;
  using Kokkos::Experimental::fabs;
  const int axis = fabs(pq.x) >= fabs(pq.y) && fabs(pq.x) >= fabs(pq.z) ? 0 : (fabs(pq.y) >= fabs(pq.z) ? 1 : 2);
  auto coord = [axis](const Double3& a) { return axis == 0 ? a.x : (axis == 1 ? a.y : a.z); };
  const double lo1 = coord(p) < coord(q) ? coord(p) : coord(q), hi1 = coord(p) < coord(q) ? coord(q) : coord(p);
  const double lo2 = coord(r) < coord(s) ? coord(r) : coord(s), hi2 = coord(r) < coord(s) ? coord(s) : coord(r);
  return lo1 <= hi2 && lo2 <= hi1;
}

// In the projection dropping `dropped`: is p in the closed triangle abc?
KOKKOS_INLINE_FUNCTION bool point_in_triangle2(const Double3& p, const Double3& a, const Double3& b, const Double3& c,
                                               int dropped) {
  return same_or_zero(orient2(a, b, p, dropped), orient2(b, c, p, dropped), orient2(c, a, p, dropped));
}

// Does the closed segment pq meet the closed triangle abc?
KOKKOS_INLINE_FUNCTION bool segment_meets_triangle(const Double3& p, const Double3& q, const Double3& a, const Double3& b,
                                                   const Double3& c) {
  const int sp = orient3(a, b, c, p), sq = orient3(a, b, c, q);
  if (sp * sq > 0) return false;
  if (sp == 0 && sq == 0) {  // in the triangle's plane: a question in two dimensions
    const int dropped = dominant_axis(cross(b - a, c - a));
    return point_in_triangle2(p, a, b, c, dropped) || segments_meet2(p, q, a, b, dropped) ||
           segments_meet2(p, q, b, c, dropped) || segments_meet2(p, q, c, a, dropped);
  }
  // The segment reaches the plane; its line passes through the closed triangle when the three
  // edges are seen turning the same way from it.
  return same_or_zero(orient3(p, q, a, b), orient3(p, q, b, c), orient3(p, q, c, a));
}

// Two triangles with no vertex index in common: do they have a common point? Two triangles meet
// exactly when an edge of one meets the other (the ends of the segment they share lie on edges).
KOKKOS_INLINE_FUNCTION bool disjoint_triangles_meet(const Double3 t[3], const Double3 u[3]) {
  // Corners of one strictly on one side of the other's plane: apart (the usual case for the
  // near neighbours whose boxes touch on a smooth surface).
  const int su[3] = {orient3(t[0], t[1], t[2], u[0]), orient3(t[0], t[1], t[2], u[1]), orient3(t[0], t[1], t[2], u[2])};
  if (su[0] * su[1] > 0 && su[1] * su[2] > 0) return false;
  const int st[3] = {orient3(u[0], u[1], u[2], t[0]), orient3(u[0], u[1], u[2], t[1]), orient3(u[0], u[1], u[2], t[2])};
  if (st[0] * st[1] > 0 && st[1] * st[2] > 0) return false;
  for (int k = 0; k < 3; ++k) {
    if (segment_meets_triangle(t[k], t[(k + 1) % 3], u[0], u[1], u[2])) return true;
    if (segment_meets_triangle(u[k], u[(k + 1) % 3], t[0], t[1], t[2])) return true;
  }
  return false;
}

// Is the direction r inside the closed wedge from x to y (turning about n, angle below pi), within
// a relative tolerance?
KOKKOS_INLINE_FUNCTION bool in_wedge(const Double3& r, const Double3& x, const Double3& y, const Double3& n) {
  const double scale = 1e-12 * norm(r) * norm(n);
  return dot(cross(x, r), n) >= -scale * norm(x) && dot(cross(r, y), n) >= -scale * norm(y);
}

// Triangles (v, b, c) and (v, d, e) sharing only the vertex v: do they meet anywhere else?
KOKKOS_INLINE_FUNCTION bool vertex_sharing_triangles_meet(const Double3& v, const Double3& b, const Double3& c,
                                                          Double3 d, Double3 e) {
  double vb, vc, vd, ve;
  const int sb = orient3(v, d, e, b, vb), sc = orient3(v, d, e, c, vc);  // T1's far corners vs T2's plane
  if (sb * sc > 0) return false;  // T1 meets T2's plane only at v (the usual case on a convex patch)
  const int sd = orient3(v, b, c, d, vd), se = orient3(v, b, c, e, ve);  // T2's far corners vs T1's plane
  if ((sb == 0 && sc == 0) || (sd == 0 && se == 0)) {
    // One plane: they overlap beyond v exactly when their corner wedges at v overlap, which is when
    // a side of one wedge lies in the other (both are convex, narrower than pi).
    const Double3 n = cross(b - v, c - v);
    if (dot(cross(d - v, e - v), n) < 0.0) {
      const Double3 t = d;
      d = e;
      e = t;
    }
    return in_wedge(d - v, b - v, c - v, n) || in_wedge(e - v, b - v, c - v, n) || in_wedge(b - v, d - v, e - v, n) ||
           in_wedge(c - v, d - v, e - v, n);
  }
  // A triangle whose far corners lie strictly on one side of the other's plane meets it only at v.
  if (sd * se > 0) return false;
  // Otherwise each meets the other's plane in a segment from v along the planes' common line (to P
  // and to Q); the triangles share more than v when both segments leave v the same way.
  const Double3 p = sb == 0 ? b : (sc == 0 ? c : b + (vb / (vb - vc)) * (c - b));
  const Double3 q = sd == 0 ? d : (se == 0 ? e : d + (vd / (vd - ve)) * (e - d));
  const Double3 vp = p - v, vq = q - v;
  const double lengths = norm(vp) * norm(vq);
  const double scale = norm(b - v) + norm(c - v) + norm(d - v) + norm(e - v);
  if (!(norm(vp) > 1e-12 * scale && norm(vq) > 1e-12 * scale)) return true;  // too short to tell: count it
  return dot(vp, vq) > -0.5 * lengths;  // parallel in exact arithmetic: same way or opposite
}

// Triangles (a, b, c) and (b, a, d) (or (a, b, d)) sharing the edge ab: do they meet off it? Only
// when they lie in one plane with c and d on the same side of ab.
KOKKOS_INLINE_FUNCTION bool edge_sharing_triangles_meet(const Double3& a, const Double3& b, const Double3& c,
                                                        const Double3& d) {
  if (orient3(a, b, c, d) != 0) return false;
  const Double3 ab = b - a;
  const Double3 nc = cross(ab, c - a), nd = cross(ab, d - a);
  return dot(nc, nd) >= -1e-12 * norm(nc) * norm(nd);
}

// Do triangles t (vertex indices ti) and u (indices ui) meet other than at what they share?
KOKKOS_INLINE_FUNCTION bool triangles_intersect(const Double3 t[3], const int ti[3], const Double3 u[3], const int ui[3]) {
  int shared = 0, t_shared[3] = {-1, -1, -1}, u_of[3] = {-1, -1, -1};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      if (ti[i] == ui[j]) {
        t_shared[shared++] = i;
        u_of[i] = j;
      }
    }
  }
  if (shared == 0) return disjoint_triangles_meet(t, u);
  if (shared >= 3) return true;
  if (shared == 1) {
    const int i = t_shared[0], j = u_of[i];
    return vertex_sharing_triangles_meet(t[i], t[(i + 1) % 3], t[(i + 2) % 3], u[(j + 1) % 3], u[(j + 2) % 3]);
  }
  // Two shared corners: the edge between them; c and d are the corners off it.
  const int i0 = t_shared[0], i1 = t_shared[1];
  const int i2 = 3 - i0 - i1, j2 = 3 - u_of[i0] - u_of[i1];
  return edge_sharing_triangles_meet(t[i0], t[i1], t[i2], u[j2]);
}

KOKKOS_INLINE_FUNCTION bool boxes_touch(const Box& a, const Box& b) {
  for (int d = 0; d < 3; ++d) {
    if (a.max[d] < b.min[d] || b.max[d] < a.min[d]) return false;
  }
  return true;
}

// Number of leaf pairs of a built BVH whose triangles intersect (triangles_intersect). boxes,
// children: the tree (bvh_build.hpp numbering, internal nodes 0 .. n-2); triangles, leaf_faces:
// leaf order; face_vertices(f, c): vertex index of corner c of face f; simple_fan(v): nonzero when
// the faces around vertex v are known not to meet each other beyond their shared edges (pseudo_normal.hpp's
// SurfaceAnalysis::simple_fan), so pairs sharing v are not tested. Every pair of leaves has one
// lowest common ancestor, so internal node m takes the pairs between its two subtrees: a
// simultaneous descent of the two (the larger box split first) through boxes that touch (the
// self-collision traversal of bounding-volume trees). Cost: O(pairs of touching boxes); on a
// marching-cubes sphere about 7 triangle pairs per face, most sharing a vertex or an edge. The
// count is a sum of integers: the same on any backend and thread count.
template <class ExecSpace, class Boxes, class Children, class Triangles, class LeafFaces, class FaceVertices,
          class SimpleFans>
long self_intersections(const ExecSpace& space, const Boxes& boxes, const Children& children, const Triangles& triangles,
                        const LeafFaces& leaf_faces, const FaceVertices& face_vertices, const SimpleFans& simple_fan) {
  const int n = int(triangles.extent(0));
  if (n < 2) return 0;
  // The corners' vertex indices in leaf order, next to the triangles they go with.
  const Kokkos::View<int* [3], typename Triangles::memory_space> corners(
      uninitialized(space, "hifa::spatial::bvh::leaf_corners"), std::size_t(n));
  Kokkos::parallel_for(
      "hifa::spatial::bvh::gather_leaf_corners", Kokkos::RangePolicy<ExecSpace>(space, 0, n), KOKKOS_LAMBDA(const int k) {
        for (int c = 0; c < 3; ++c) corners(k, c) = face_vertices(leaf_faces(k), c);
      });
  long count = 0;
  Kokkos::parallel_reduce(
      "hifa::spatial::bvh::self_intersections",
      Kokkos::RangePolicy<ExecSpace, Kokkos::Schedule<Kokkos::Dynamic>>(space, 0, n - 1),
      KOKKOS_LAMBDA(const int m, long& sum) {
        // Pending pairs: each step replaces one pair by at most two, one of whose nodes is a child
        // of the popped one, so along a descent (at most 62 + 62 levels, see mesh_bvh.hpp's stack
        // bound) at most one sibling pair per level waits.
        int stack[128][2];
        int top = 0;
        stack[top][0] = children(m, 0);
        stack[top++][1] = children(m, 1);
        while (top > 0) {
          --top;
          const int a = stack[top][0], b = stack[top][1];
          const Box& box_a = boxes(a);
          const Box& box_b = boxes(b);
          if (!boxes_touch(box_a, box_b)) continue;
          const bool leaf_a = a >= n - 1, leaf_b = b >= n - 1;
          if (leaf_a && leaf_b) {
            const int i = a - (n - 1), j = b - (n - 1);
            int ti[3], ui[3];
            bool known_apart = false;
            for (int c = 0; c < 3; ++c) {
              ti[c] = corners(i, c);
              ui[c] = corners(j, c);
            }
            for (int c = 0; c < 3; ++c) {
              for (int e = 0; e < 3; ++e) known_apart |= ti[c] == ui[e] && simple_fan(ti[c]) != 0;
            }
            if (known_apart) continue;
            Double3 t[3], u[3];
            for (int c = 0; c < 3; ++c) {
              t[c] = {triangles(i, c, 0), triangles(i, c, 1), triangles(i, c, 2)};
              u[c] = {triangles(j, c, 0), triangles(j, c, 1), triangles(j, c, 2)};
            }
            sum += triangles_intersect(t, ti, u, ui) ? 1 : 0;
            continue;
          }
          float extent_a = 0.0f, extent_b = 0.0f;
          for (int d = 0; d < 3; ++d) {
            extent_a += box_a.max[d] - box_a.min[d];
            extent_b += box_b.max[d] - box_b.min[d];
          }
          if (leaf_b || (!leaf_a && extent_a >= extent_b)) {  // split a
            stack[top][0] = children(a, 1);
            stack[top++][1] = b;
            stack[top][0] = children(a, 0);
            stack[top++][1] = b;
          } else {
            stack[top][0] = a;
            stack[top++][1] = children(b, 1);
            stack[top][0] = a;
            stack[top++][1] = children(b, 0);
          }
        }
      },
      count);
  return count;
}

}  // namespace hifa::detail
