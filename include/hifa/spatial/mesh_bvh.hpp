#pragma once
// A linear bounding volume hierarchy over the triangles of a mesh, built in parallel, answering
// batches of closest-point queries (the ArborX way: build once, query Views into caller-owned Views).
//
//   hifa::MeshBvh<Kokkos::HostSpace> bvh(space, mesh);   // or (space, mesh, hifa::SignMethod::...)
//   auto out = hifa::ClosestPoints<Kokkos::HostSpace>::allocate(space, points.extent(0));
//   bvh.closest_points(space, points, out);
//   space.fence();                                   // queries are asynchronous on `space`
//   bvh.winding_numbers(space, points, w);           // View<float*> of N: generalized winding number
//   bvh.signed_distances(space, points, sdf);        // View<float*> of N: ± closest-point distance
//   bvh.occupancies(space, points, occ);             // View<float*> of N: 1 inside, 0 outside
//
// Inputs:  mesh    host TriMesh<float>: `vertices` #V x 3, `faces` #F x 3 (F >= 1, indices in
//                  [0, #V), finite coordinates); the BVH copies its triangles, the mesh may go away
//          points  rank-2 float View, N x 3 (any layout), the query points, accessible from the space
//          space   Kokkos execution space that can access MemorySpace
// Outputs: ClosestPoints<MemorySpace> (caller-owned Views of extent N), for query q:
//            distance(q)        Euclidean distance from points(q) to the mesh, in the mesh's units
//            face(q)            the face realising it; among faces at exactly the same computed
//                               distance, the lowest id (duplicated triangles give the first copy)
//            barycentric(q, i)  weight of vertex faces(face, i), i = 0..2, in [0, 1], sum 1 (to rounding)
//            point(q, :)        the closest point on that face (Σ barycentric · vertex, computed
//                               from vertex 0 for accuracy); distance = |points(q) - point(q)|
//          A non-finite point (or one beyond ~1.8e19 of the mesh) gets face -1 and NaN elsewhere.
//          The output is the same bytes on every backend and thread count: the tree is a fixed
//          function of the mesh and each query is one sequential traversal.
//          Winding number w(q) (Jacobson et al. 2013): Σ over faces of the signed solid angle / 4π,
//            1 inside and 0 outside a closed outward-oriented mesh, fractional (but still
//            mostly > 0.5 inside) where the mesh has holes; overlapping shells add up; a face
//            stored with both windings cancels itself (w ~ 0). Inside means w >= 0.5. Computed
//            hierarchically (Barill et al., "Fast Winding Numbers for Soups and Clouds", SIGGRAPH
//            2018): a node farther than beta · radius (default beta = 2) contributes its
//            second-order multipole expansion, near leaves their exact solid angle (Van Oosterom &
//            Strackee 1983). beta = +infinity gives the exact sum. Error vs exact at beta 2, measured
//            on 3k-6k face meshes at points 0.01 or more from the surface: mean ~1.5e-3, largest ~0.035
//            (tests/spatial/test_winding_number.cpp); beta 4: ~3e-4 and ~0.009.
//          signed_distances: closest_points' distance, negative inside; the sign comes from
//            (sign_method(), chosen once at construction by the SignMethod argument):
//            pseudo_normal   the closest feature's angle-weighted pseudo-normal (Bærentzen & Aanæs,
//                            "Signed distance computation using the angle weighted pseudonormal",
//                            IEEE TVCG 2005; detail/pseudo_normal.hpp): inside where
//                            (p - closest point) · n < 0, n the unit normal of the face, the sum of
//                            the two face normals of the edge, or the angle-weighted sum of the face
//                            normals around the vertex the closest point lies on. Correct (the
//                            paper's Theorem 1) on a closed, consistently oriented 2-manifold without
//                            self-intersections, and then the same inside as w >= 0.5 wherever w is
//                            0 or 1. Where rounding could flip it (p within about 2^-16 of the
//                            coordinates' magnitude of the surface, or p - closest point within
//                            ~0.06° of tangent, or a feature whose normals cancel) that point takes
//                            the winding number instead. Costs one closest-point query.
//            winding_number  inside where w >= 0.5 (holes, soups, self-intersections, several
//                            shells); costs a closest-point query plus a winding number.
//            SignMethod::automatic (MeshSdf's default) picks pseudo_normal when the mesh is closed,
//            every directed edge occurs once and its reverse once, the faces around every vertex
//            form one fan, no face has zero area, no two faces meet other than at shared vertices
//            and edges (detail/self_intersection.hpp, conservative: a near-touch counts), and w is 0
//            in front of and 1 behind every connected shell (an inside-out or wrongly nested shell
//            fails); otherwise winding_number, with sign_method_reason() saying why.
//            SignMethod::pseudo_normal checks the topology only (hifa::Error if it fails) and
//            trusts the caller for the rest; SignMethod::winding_number (the constructor's default,
//            so a BVH built for other queries costs nothing more) checks nothing.
//          occupancies always use w >= 0.5.
//          Like closest points, every winding number / signed distance is the same bytes on
//          every backend and thread count (the expansion data are summed left child + right child
//          in a fixed order, each query is one sequential traversal, the checks are sums of
//          integers and sequential per face and vertex).
// Errors:  hifa::Error naming "MeshBvh": no faces, a face index out of range, a non-finite vertex,
//          more than 2^31 - 1 faces, SignMethod::pseudo_normal on a mesh that is not closed and
//          manifold; naming "MeshBvh::closest_points": output extents differ from N,
//          points not N x 3, N > 2^31 - 1.
// Cost:    build O(F) work, all in parallel kernels except one host pass over the vertices (the
//          scene box); about 9-17 ms for 100k faces on 2 threads, boxes and winding-number
//          expansions (bench/bench_spatial.cpp). Memory kept: 2F - 1 boxes (24 bytes),
//          expansions (68 bytes) and patch bounds (32 bytes) + 2 child ints per internal node +
//          per leaf its triangle (36 bytes) and face id.
//          SignMethod::automatic adds the checks: the topology and pseudo-normals on the host
//          (O(F), per-face and per-vertex passes in parallel on the default host space), the
//          self-intersection search (O(pairs of touching leaf boxes), ~7 per face on a smooth mesh)
//          and one probe pair per shell: on the 100k-face sphere 27 -> 102 ms on one thread, 76 ->
//          204 ms on two (bench/bench_spatial.cpp, a machine loaded by other work); a mesh that
//          fails the topology stops there (+10% on a 1.6M-face soup). pseudo_normal skips the
//          self-intersection search and the probes. Memory kept with the pseudo-normal sign: 84
//          bytes per leaf. It pays for itself after ~25k signed distances near the surface (~60k
//          in the box), from the query rates below.
//          Query: O(log F) expected per point for points near a reasonable surface (a point deep
//          inside a sphere is nearly equidistant from much of it and visits much of the tree);
//          per batch, a Morton sort of the points (2 Views of N keys), nothing per point.
//          Winding numbers: O(log F) nodes per point far from the surface, more near it; 1M points
//          against 100k faces on 2 threads: ~1.2M points/s in the box, ~0.45M/s within 0.05 of the
//          surface. Signed distances with the pseudo-normal sign cost a closest-point query (the
//          points too near to call, 0.03% of those within 0.05, add a winding number each): within
//          0.05 of the 100k-face
//          sphere 0.52M points/s vs 0.51M/s for closest points and 0.14M/s with the winding-number
//          sign (bench/bench_spatial.cpp, 2 threads, same loaded machine: 3.8x); in the box 1.4x.
//
// Rays (detail/ray_triangle.hpp):
//   auto hits = hifa::RayHits<Kokkos::HostSpace>::allocate(space, n);
//   bvh.first_hits(space, origins, directions, hits);   // nearest hit per ray
//   bvh.hit_counts(space, origins, directions, counts);  // View<int*> of N: crossings at t > 0
// Inputs:  origins, directions  rank-2 float Views, N x 3 (any layout); a direction need not be
//                               unit length (it is normalised first), it must be finite and nonzero
// Outputs: RayHits<MemorySpace> (caller-owned Views of extent N), for ray q:
//            t(q)               distance from origins(q) along the unit direction to the first hit
//                               with t > 0, in the mesh's units; +infinity when there is none
//            face(q)            the face hit, -1 when none; among faces hit at exactly the same
//                               computed t, the lowest id
//            barycentric(q, i)  weight of vertex faces(face, i) at the hit point (>= 0, sum 1 to
//                               rounding), so origin + t · unit direction = Σ barycentric · vertex up to
//                               float rounding; NaN when there is no hit
//          hit_counts: the number of faces the ray crosses at t > 0 (both facings count; a
//            triangle seen exactly edge-on does not). Watertight (Woop et al., JCGT 2013) with a
//            top-left rule on exact zeros: a ray through a shared edge or vertex of a closed,
//            consistently oriented mesh counts that crossing once, so the parity of the count is
//            the inside test of a closed mesh (not of an open one; use winding numbers there).
//          An invalid ray (non-finite origin or direction, zero direction) has no hit and count 0.
//          Same bytes on every backend and thread count (one sequential traversal per ray).
// Errors:  hifa::Error naming "MeshBvh::first_hits" / "MeshBvh::hit_counts": extents differ from
//          N, origins or directions not N x 3, N > 2^31 - 1.
// Cost:    O(log F) expected boxes per first hit, all boxes along the ray for hit_counts; per batch
//          a Morton sort of the origins (2 Views of N keys), nothing per ray.
//
// Method (detail/bvh_build.hpp): triangle centroids get 30-bit Morton codes in the scene box, made
// unique by appending the face id (64-bit keys), radix-sorted; Karras' binary radix tree (HPG 2012)
// over the sorted keys; boxes bottom-up with atomic arrival flags (Apetrei, CGVC 2014), then the
// winding-number expansions in a second such pass (detail/winding_number.hpp).
// Traversal: depth-first, nearer child first, subtrees pruned when a lower bound of their distance
// is farther than the best triangle so far: the box, tightened for nodes of at most 64 leaves by
// a slab-and-ball bound (detail/patch_bound.hpp; a tilted patch of surface fills its box poorly);
// point-triangle distances by Ericson's region test (RTCD §5.1.5).
// Stack bound: along any root-to-leaf path the common-prefix length of the keys strictly grows and
// the 62 significant key bits allow at most 62 internal levels, so a traversal stack (one pending
// sibling per level, plus the two children just pushed) never holds more than 63 entries; it has
// 64 and needs no overflow check, for any mesh, including ones whose centroids all coincide.

#include "hifa/core/error.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/spatial/detail/bvh_build.hpp"
#include "hifa/spatial/detail/closest_point_triangle.hpp"
#include "hifa/spatial/detail/patch_bound.hpp"
#include "hifa/spatial/detail/pseudo_normal.hpp"
#include "hifa/spatial/detail/ray_triangle.hpp"
#include "hifa/spatial/detail/self_intersection.hpp"
#include "hifa/spatial/detail/winding_number.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace hifa {

// How MeshBvh::signed_distances decides inside from outside (see mesh_bvh.hpp's top).
enum class SignMethod {
  automatic,       // pseudo_normal where the mesh allows it (checked once, at construction), else winding_number
  pseudo_normal,   // the closest feature's angle-weighted pseudo-normal; the caller vouches for the geometry
  winding_number,  // the hierarchical generalized winding number, >= 0.5 inside
};

// Per-query results of MeshBvh::closest_points, one entry per point (see mesh_bvh.hpp's top).
template <class MemorySpace>
struct ClosestPoints {
  Kokkos::View<float*, MemorySpace> distance;
  Kokkos::View<int*, MemorySpace> face;
  Kokkos::View<float* [3], MemorySpace> barycentric;
  Kokkos::View<float* [3], MemorySpace> point;

  // Views for n queries, labelled "hifa::spatial::closest_points::*", not initialised.
  template <class ExecSpace>
  static ClosestPoints allocate(const ExecSpace& space, std::size_t n) {
    return {Kokkos::View<float*, MemorySpace>(detail::uninitialized(space, "hifa::spatial::closest_points::distance"), n),
            Kokkos::View<int*, MemorySpace>(detail::uninitialized(space, "hifa::spatial::closest_points::face"), n),
            Kokkos::View<float* [3], MemorySpace>(detail::uninitialized(space, "hifa::spatial::closest_points::barycentric"), n),
            Kokkos::View<float* [3], MemorySpace>(detail::uninitialized(space, "hifa::spatial::closest_points::point"), n)};
  }
};

// Per-ray results of MeshBvh::first_hits, one entry per ray (see mesh_bvh.hpp's top).
template <class MemorySpace>
struct RayHits {
  Kokkos::View<float*, MemorySpace> t;
  Kokkos::View<int*, MemorySpace> face;
  Kokkos::View<float* [3], MemorySpace> barycentric;

  // Views for n rays, labelled "hifa::spatial::first_hits::*", not initialised.
  template <class ExecSpace>
  static RayHits allocate(const ExecSpace& space, std::size_t n) {
    return {Kokkos::View<float*, MemorySpace>(detail::uninitialized(space, "hifa::spatial::first_hits::t"), n),
            Kokkos::View<int*, MemorySpace>(detail::uninitialized(space, "hifa::spatial::first_hits::face"), n),
            Kokkos::View<float* [3], MemorySpace>(detail::uninitialized(space, "hifa::spatial::first_hits::barycentric"), n)};
  }
};

namespace detail {

// The tree as Views, copied by value into query kernels (no `this` capture, no virtual calls).
template <class MemorySpace>
struct BvhTree {
  int leaf_count = 0;
  Kokkos::View<Box*, MemorySpace> boxes;               // 2n - 1 nodes
  Kokkos::View<int* [2], MemorySpace> children;         // n - 1 internal nodes
  Kokkos::View<float* [3][3], MemorySpace> triangles;  // leaf order: triangle of leaf k
  Kokkos::View<int*, MemorySpace> faces;                // leaf order: mesh face id of leaf k
  Kokkos::View<float* [detail::dipole_fields], MemorySpace> dipoles;  // 2n - 1 nodes: detail/winding_number.hpp
  Kokkos::View<PatchBound*, MemorySpace> patches;       // 2n - 1 nodes: detail/patch_bound.hpp
  // Leaf order: the pseudo-normals of the leaf's face, corners and edges (detail/pseudo_normal.hpp);
  // empty unless signed distances take their sign from them.
  Kokkos::View<float* [pseudo_normal_rows][3], MemorySpace> pseudo_normals;

  struct Nearest {
    float distance2;
    int leaf;
    TriangleClosest closest;
  };

  KOKKOS_FUNCTION void visit_leaf(int leaf, const float p[3], Nearest& best) const {
    const Float3 q{p[0], p[1], p[2]};
    const TriangleClosest c =
        closest_point_triangle(q, {triangles(leaf, 0, 0), triangles(leaf, 0, 1), triangles(leaf, 0, 2)},
                               {triangles(leaf, 1, 0), triangles(leaf, 1, 1), triangles(leaf, 1, 2)},
                               {triangles(leaf, 2, 0), triangles(leaf, 2, 1), triangles(leaf, 2, 2)});
    const Float3 d = q - c.q;
    const float d2 = dot(d, d);
    if (d2 < best.distance2 || (d2 == best.distance2 && (best.leaf < 0 || faces(leaf) < faces(best.leaf)))) {
      best = {d2, leaf, c};
    }
  }

  // Lower bound of the squared distance from p to the node's triangles: its box, tightened by its
  // slab-and-ball bound (detail/patch_bound.hpp) when the box alone does not already exceed `best`
  // and p is farther from the box than the patch's radius (nearer, the box's looseness is small
  // next to the patch itself and the extra bound costs more than it prunes: measured on the shell
  // points of bench/bench_spatial.cpp).
  KOKKOS_FUNCTION float node_distance2(int node, const float p[3], float best) const {
    const float box = box_distance2(boxes(node), p);
    const float radius = patches(node).radius;  // -1: no patch bound
    if (box > best || box <= radius * radius || radius < 0.0f) return box;
    const float patch = patch_distance2(patches(node), p);
    return patch > box ? patch : box;
  }

  KOKKOS_FUNCTION Nearest nearest(const float p[3]) const {
    Nearest best{FLT_MAX, -1, {}};
    const int first_leaf = leaf_count - 1;
    // Subtrees are pruned only when strictly farther than the best, so equal-distance duplicates
    // are all visited and the lowest face id wins whatever the visiting order.
    int stack_node[64];
    float stack_distance2[64];
    int top = 0;
    stack_node[top] = 0;
    stack_distance2[top++] = box_distance2(boxes(0), p);
    while (top > 0) {
      --top;
      const int node = stack_node[top];
      if (stack_distance2[top] > best.distance2) continue;
      if (node >= first_leaf) {
        visit_leaf(node - first_leaf, p, best);
        continue;
      }
      const int left = children(node, 0), right = children(node, 1);
      const float dl = node_distance2(left, p, best.distance2), dr = node_distance2(right, p, best.distance2);
      const bool left_first = dl <= dr;
      const int near_node = left_first ? left : right, far_node = left_first ? right : left;
      const float near_d2 = left_first ? dl : dr, far_d2 = left_first ? dr : dl;
      if (far_d2 <= best.distance2) {
        stack_node[top] = far_node;
        stack_distance2[top++] = far_d2;
      }
      if (near_d2 <= best.distance2) {
        stack_node[top] = near_node;
        stack_distance2[top++] = near_d2;
      }
    }
    return best;
  }

  // Generalized winding number of p (Barill et al. 2018, Alg. 1, terms to second order): depth-first
  // from the root; a node whose centre is farther than beta · radius contributes its dipole term,
  // otherwise its children are visited, and a near leaf its exact solid angle. The children are
  // visited left before right, so the summation order is a fixed function of the tree and p.
  // beta = +infinity visits every leaf: the exact sum. Stack bound as for nearest(): at most 63.
  KOKKOS_FUNCTION double winding_number(const float p[3], float beta) const {
    const double q[3] = {p[0], p[1], p[2]};
    const double beta2 = double(beta) * double(beta);
    const int first_leaf = leaf_count - 1;
    double sum = 0.0;
    int stack[64];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const int node = stack[--top];
      const double dx = double(dipoles(node, dipole_cx)) - q[0], dy = double(dipoles(node, dipole_cy)) - q[1],
                   dz = double(dipoles(node, dipole_cz)) - q[2];
      const double d2 = dx * dx + dy * dy + dz * dz;
      const double radius = dipoles(node, dipole_radius);
      // Far: the expansion of detail/winding_number.hpp about the node's centre (r = centre - p).
      // Written so that beta = inf (inf · 0 = NaN, inf · r² = inf) never takes the far branch.
      if (d2 > beta2 * radius * radius) {
        const double dot_n = double(dipoles(node, dipole_nx)) * dx + double(dipoles(node, dipole_ny)) * dy +
                             double(dipoles(node, dipole_nz)) * dz;
        double trace = 0.0, quadratic = 0.0;
        const double r[3] = {dx, dy, dz};
        for (int i = 0; i < 3; ++i) {
          trace += double(dipoles(node, dipole_c00 + 4 * i));
          for (int j = 0; j < 3; ++j) quadratic += r[i] * double(dipoles(node, dipole_c00 + 3 * i + j)) * r[j];
        }
        const double d3 = d2 * Kokkos::Experimental::sqrt(d2);
        sum += (dot_n + trace) / d3 - 3.0 * quadratic / (d3 * d2);
      } else if (node >= first_leaf) {
        const int leaf = node - first_leaf;
        const float a[3] = {triangles(leaf, 0, 0), triangles(leaf, 0, 1), triangles(leaf, 0, 2)};
        const float b[3] = {triangles(leaf, 1, 0), triangles(leaf, 1, 1), triangles(leaf, 1, 2)};
        const float c[3] = {triangles(leaf, 2, 0), triangles(leaf, 2, 1), triangles(leaf, 2, 2)};
        sum += triangle_solid_angle(q, a, b, c);
      } else {
        stack[top++] = children(node, 1);
        stack[top++] = children(node, 0);
      }
    }
    return sum / (4.0 * 3.14159265358979323846);
  }

  // Side of p at its nearest point `best` by the closest feature's pseudo-normal: +1 outside, -1
  // inside, 0 when too near to call (detail/pseudo_normal.hpp). Needs pseudo_normals.
  KOKKOS_FUNCTION int side_at(const float p[3], const Nearest& best) const {
    const int leaf = best.leaf, row = closest_feature(best.closest);
    const float n[3] = {pseudo_normals(leaf, row, 0), pseudo_normals(leaf, row, 1), pseudo_normals(leaf, row, 2)};
    float magnitude = 0.0f;
    for (int d = 0; d < 3; ++d) {
      float largest = 0.0f;
      for (int c = 0; c < 3; ++c) {
        const float x = Kokkos::Experimental::fabs(triangles(leaf, c, d));
        largest = x > largest ? x : largest;
      }
      magnitude += largest;
    }
    return pseudo_normal_side(p, best.closest.q, n, Kokkos::Experimental::sqrt(best.distance2), magnitude);
  }

  KOKKOS_FUNCTION RayTriangleHit intersect_leaf(const PreparedRay& ray, int leaf) const {
    const float a[3] = {triangles(leaf, 0, 0), triangles(leaf, 0, 1), triangles(leaf, 0, 2)};
    const float b[3] = {triangles(leaf, 1, 0), triangles(leaf, 1, 1), triangles(leaf, 1, 2)};
    const float c[3] = {triangles(leaf, 2, 0), triangles(leaf, 2, 1), triangles(leaf, 2, 2)};
    return ray_triangle(ray, a, b, c);
  }

  struct FirstHit {
    int leaf;  // -1: none
    RayTriangleHit hit;
  };

  // Nearest hit at t > 0: depth-first, nearer box first, subtrees pruned when they are entered
  // strictly beyond the best t so far (so equal-t hits are all seen and the lowest face id wins
  // whatever the order). Stack bound as for nearest(): at most 63.
  KOKKOS_FUNCTION FirstHit first_hit(const PreparedRay& ray) const {
    FirstHit best{-1, {false, FLT_MAX * 2.0f, 0.0f, 0.0f, 0.0f}};
    const float inf = FLT_MAX * 2.0f;
    const int first_leaf = leaf_count - 1;
    int stack_node[64];
    float stack_t[64];
    int top = 0;
    stack_node[top] = 0;
    stack_t[top++] = ray_box_entry(boxes(0), ray, inf);
    while (top > 0) {
      --top;
      const int node = stack_node[top];
      if (!(stack_t[top] < inf && stack_t[top] <= best.hit.t)) continue;  // missed, or pruned since pushed
      if (node >= first_leaf) {
        const int leaf = node - first_leaf;
        const RayTriangleHit h = intersect_leaf(ray, leaf);
        if (h.hit && h.t > 0.0f &&
            (h.t < best.hit.t || (h.t == best.hit.t && (best.leaf < 0 || faces(leaf) < faces(best.leaf))))) {
          best = {leaf, h};
        }
        continue;
      }
      const int left = children(node, 0), right = children(node, 1);
      const float tl = ray_box_entry(boxes(left), ray, best.hit.t), tr = ray_box_entry(boxes(right), ray, best.hit.t);
      const bool left_first = tl <= tr;
      const int near_node = left_first ? left : right, far_node = left_first ? right : left;
      const float near_t = left_first ? tl : tr, far_t = left_first ? tr : tl;
      if (far_t < inf) {  // ray_box_entry gives +inf for a miss or an entry beyond the best t
        stack_node[top] = far_node;
        stack_t[top++] = far_t;
      }
      if (near_t < inf) {
        stack_node[top] = near_node;
        stack_t[top++] = near_t;
      }
    }
    return best;
  }

  // Number of triangles crossed at t > 0: every box the ray enters is opened.
  KOKKOS_FUNCTION int hit_count(const PreparedRay& ray) const {
    const float inf = FLT_MAX * 2.0f;
    const int first_leaf = leaf_count - 1;
    int count = 0;
    int stack[64];
    int top = 0;
    if (ray_box_entry(boxes(0), ray, inf) < inf) stack[top++] = 0;
    while (top > 0) {
      const int node = stack[--top];
      if (node >= first_leaf) {
        const RayTriangleHit h = intersect_leaf(ray, node - first_leaf);
        count += (h.hit && h.t > 0.0f) ? 1 : 0;
        continue;
      }
      for (int k = 1; k >= 0; --k) {
        const int child = children(node, k);
        if (ray_box_entry(boxes(child), ray, inf) < inf) stack[top++] = child;
      }
    }
    return count;
  }
};

// The pseudo-normals of analyse_surface (leaf order, host) on the tree's memory space.
template <class ExecSpace, class MemorySpace>
void upload_pseudo_normals(const ExecSpace& space, BvhTree<MemorySpace>& tree, const std::vector<float>& normals) {
  const Kokkos::View<const float* [pseudo_normal_rows][3], Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>
      host(normals.data(), std::size_t(tree.leaf_count));
  tree.pseudo_normals = decltype(tree.pseudo_normals)(uninitialized(space, "hifa::spatial::bvh::pseudo_normals"),
                                                      std::size_t(tree.leaf_count));
  Kokkos::deep_copy(space, tree.pseudo_normals, host);
  space.fence();  // `host` borrows the caller's vector
}

// Is the winding number 0 in front of and 1 behind every shell (connected component) of a closed,
// manifold mesh without self-intersections? Then it is 0 or 1 everywhere (it changes by one across a
// shell, and every region of space borders a shell), so the pseudo-normal sign, which says on which
// side of its nearest shell a point lies, agrees with it; an inside-out shell, or one nested the
// wrong way, fails. One probe pair per shell, in front of and behind the centroid of its largest
// face at half the centroid's distance to the face's nearest side, valid when no other surface is
// nearer to it than that face (else the check fails: the winding number is kept). Returns the
// problem, empty when every shell passes.
template <class ExecSpace, class MemorySpace>
std::string check_shell_sides(const ExecSpace& space, const BvhTree<MemorySpace>& tree, const TriMesh<float>& mesh,
                              const std::vector<int>& shells, float beta) {
  const std::size_t m = shells.size();
  Kokkos::View<float* [3], Kokkos::HostSpace> host_probes("hifa::spatial::bvh::shell_probes", 2 * m);
  std::vector<double> offsets(m);
  for (std::size_t i = 0; i < m; ++i) {
    Double3 x[3];
    for (int c = 0; c < 3; ++c) {
      const int v = mesh.faces(shells[i], c);
      x[c] = {double(mesh.vertices(v, 0)), double(mesh.vertices(v, 1)), double(mesh.vertices(v, 2))};
    }
    const Double3 normal = cross(x[1] - x[0], x[2] - x[0]);
    const double twice_area = norm(normal);
    double longest = 0.0;
    for (int c = 0; c < 3; ++c) longest = std::max(longest, norm(x[(c + 1) % 3] - x[c]));
    // The centroid is 2A / (3 L) from the side of length L: half of that for the nearest side.
    offsets[i] = twice_area / (6.0 * longest);
    const Double3 centroid = (1.0 / 3.0) * (x[0] + x[1] + x[2]);
    for (int s = 0; s < 2; ++s) {
      const Double3 probe = centroid + ((s == 0 ? 1.0 : -1.0) * offsets[i] / twice_area) * normal;
      host_probes(2 * i + s, 0) = float(probe.x);
      host_probes(2 * i + s, 1) = float(probe.y);
      host_probes(2 * i + s, 2) = float(probe.z);
    }
  }
  const Kokkos::View<float* [3], MemorySpace> probes(uninitialized(space, "hifa::spatial::bvh::shell_probes"), 2 * m);
  const Kokkos::View<int*, MemorySpace> face(uninitialized(space, "hifa::spatial::bvh::shell_probe_faces"), 2 * m);
  const Kokkos::View<float* [2], MemorySpace> found(uninitialized(space, "hifa::spatial::bvh::shell_probe_results"), 2 * m);
  Kokkos::deep_copy(space, probes, host_probes);
  Kokkos::parallel_for(
      "hifa::spatial::bvh::shell_probes", Kokkos::RangePolicy<ExecSpace>(space, 0, 2 * m), KOKKOS_LAMBDA(const std::size_t i) {
        const float p[3] = {probes(i, 0), probes(i, 1), probes(i, 2)};
        const auto best = tree.nearest(p);
        face(i) = best.leaf < 0 ? -1 : tree.faces(best.leaf);
        found(i, 0) = Kokkos::Experimental::sqrt(best.distance2);
        found(i, 1) = float(tree.winding_number(p, beta));
      });
  space.fence();
  const auto host_face = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, face);
  const auto host_found = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, found);
  for (std::size_t i = 0; i < m; ++i) {
    for (int s = 0; s < 2; ++s) {
      const std::size_t q = 2 * i + std::size_t(s);
      const bool clear = host_face(q) == shells[i] && double(host_found(q, 0)) >= offsets[i] * (1.0 - 0x1p-10);
      if (!clear) {
        return "a shell's side could not be probed (another surface within " + std::to_string(offsets[i]) +
               " of face " + std::to_string(shells[i]) + ")";
      }
      const float expected = s == 0 ? 0.0f : 1.0f;
      if (!(std::abs(host_found(q, 1) - expected) < 0.25f)) {
        return "a shell is inside-out or nested the wrong way (winding number " + std::to_string(host_found(q, 1)) +
               (s == 0 ? " in front of" : " behind") + " face " + std::to_string(shells[i]) + ")";
      }
    }
  }
  return {};
}

}  // namespace detail

template <class MemorySpace>
class MeshBvh {
 public:
  using memory_space = MemorySpace;

  // Builds the tree on `space` and fences it: the BVH is ready when the constructor returns.
  // `sign` picks how signed_distances tells inside from outside (see the top of this header):
  // winding_number (the default: nothing more to build, for BVHs used for closest points, rays,
  // winding numbers and occupancies) checks nothing; automatic checks the mesh once, here, and
  // takes pseudo_normal when it passes (MeshSdf's default); pseudo_normal needs a closed,
  // consistently oriented, edge- and vertex-manifold mesh (hifa::Error otherwise) and trusts it
  // to have no self-intersections and outward normals.
  template <class ExecSpace>
  MeshBvh(const ExecSpace& space, const TriMesh<float>& mesh, SignMethod sign = SignMethod::winding_number) {
    static_assert(Kokkos::is_execution_space<ExecSpace>::value,
                  "hifa::MeshBvh: the first argument must be a Kokkos execution space instance");
    static_assert(Kokkos::SpaceAccessibility<ExecSpace, MemorySpace>::accessible,
                  "hifa::MeshBvh: the execution space cannot access the BVH's MemorySpace");
    using Policy = Kokkos::RangePolicy<ExecSpace>;
    const Eigen::Index face_count = mesh.face_count();
    if (face_count == 0) throw Error("MeshBvh", "the mesh has no faces; a BVH needs at least one triangle");
    if (face_count > Eigen::Index(INT_MAX)) {
      throw Error("MeshBvh", "the mesh has " + std::to_string(face_count) + " faces, more than 2^31 - 1");
    }
    if (mesh.faces.minCoeff() < 0 || mesh.faces.maxCoeff() >= mesh.vertex_count()) {
      throw Error("MeshBvh", "a face index is outside [0, " + std::to_string(mesh.vertex_count()) +
                                 "), the number of vertices");
    }
    if (!mesh.vertices.allFinite()) throw Error("MeshBvh", "a vertex coordinate is not finite");

    const int n = int(face_count);
    tree_.leaf_count = n;
    using Host = Kokkos::HostSpace;
    using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
    const Kokkos::View<const float* [3], Host, Unmanaged> host_vertices(mesh.vertices.data(), mesh.vertex_count());
    const Kokkos::View<const int* [3], Host, Unmanaged> host_faces(mesh.faces.data(), face_count);
    const Kokkos::View<float* [3], MemorySpace> vertices(detail::uninitialized(space, "hifa::spatial::bvh::vertices"), mesh.vertex_count());
    const Kokkos::View<int* [3], MemorySpace> faces(detail::uninitialized(space, "hifa::spatial::bvh::faces"), face_count);
    Kokkos::deep_copy(space, vertices, host_vertices);
    Kokkos::deep_copy(space, faces, host_faces);

    // Triangles in face order, for the keys; moved to leaf order once sorted.
    const Kokkos::View<float* [3][3], MemorySpace> unsorted(detail::uninitialized(space, "hifa::spatial::bvh::unsorted_triangles"), n);
    Kokkos::parallel_for(
        "hifa::spatial::bvh::build_gather", Policy(space, 0, n), KOKKOS_LAMBDA(const int f) {
          for (int c = 0; c < 3; ++c)
            for (int d = 0; d < 3; ++d) unsorted(f, c, d) = vertices(faces(f, c), d);
        });

    // Scene box over all vertices (unused ones only widen it, which costs nothing in correctness).
    detail::Box& scene = scene_;
    for (int d = 0; d < 3; ++d) {
      scene.min[d] = mesh.vertices.col(d).minCoeff();
      scene.max[d] = mesh.vertices.col(d).maxCoeff();
    }

    const Kokkos::View<std::uint64_t*, MemorySpace> keys(detail::uninitialized(space, "hifa::spatial::bvh::keys"), n);
    const Kokkos::View<std::uint64_t*, MemorySpace> scratch(detail::uninitialized(space, "hifa::spatial::bvh::sort_scratch"), n);
    detail::morton_keys(space, "hifa::spatial::bvh::build_morton", scene, keys,
                        KOKKOS_LAMBDA(const int f, float c[3]) {
                          for (int d = 0; d < 3; ++d) c[d] = (unsorted(f, 0, d) + unsorted(f, 1, d) + unsorted(f, 2, d)) / 3.0f;
                        });
    detail::radix_sort(space, keys, scratch);

    tree_.triangles = decltype(tree_.triangles)(detail::uninitialized(space, "hifa::spatial::bvh::triangles"), n);
    tree_.faces = decltype(tree_.faces)(detail::uninitialized(space, "hifa::spatial::bvh::leaf_faces"), n);
    tree_.boxes = decltype(tree_.boxes)(detail::uninitialized(space, "hifa::spatial::bvh::boxes"), 2 * std::size_t(n) - 1);
    tree_.children = decltype(tree_.children)(detail::uninitialized(space, "hifa::spatial::bvh::children"), std::size_t(n) - 1);
    const Kokkos::View<int*, MemorySpace> parents(detail::uninitialized(space, "hifa::spatial::bvh::parents"), 2 * std::size_t(n) - 1);
    const Kokkos::View<int* [2], MemorySpace> ranges(detail::uninitialized(space, "hifa::spatial::bvh::leaf_ranges"), std::size_t(n) - 1);
    const auto triangles = tree_.triangles;
    const auto leaf_faces = tree_.faces;
    const auto boxes = tree_.boxes;
    Kokkos::parallel_for(
        "hifa::spatial::bvh::build_leaves", Policy(space, 0, n), KOKKOS_LAMBDA(const int k) {
          const int f = int(keys(k) & 0xFFFFFFFFu);
          leaf_faces(k) = f;
          detail::Box box;
          for (int d = 0; d < 3; ++d) {
            box.min[d] = box.max[d] = unsorted(f, 0, d);
            for (int c = 0; c < 3; ++c) {
              const float x = unsorted(f, c, d);
              triangles(k, c, d) = x;
              box.min[d] = x < box.min[d] ? x : box.min[d];
              box.max[d] = x > box.max[d] ? x : box.max[d];
            }
          }
          boxes(n - 1 + k) = box;
        });
    detail::karras_hierarchy(space, keys, tree_.children, parents, ranges);
    detail::refit_boxes(space, tree_.children, parents, tree_.boxes);
    tree_.dipoles = decltype(tree_.dipoles)(detail::uninitialized(space, "hifa::spatial::bvh::dipoles"), 2 * std::size_t(n) - 1);
    detail::refit_dipoles(space, tree_.children, parents, tree_.triangles, tree_.dipoles);
    tree_.patches = decltype(tree_.patches)(detail::uninitialized(space, "hifa::spatial::bvh::patch_bounds"), 2 * std::size_t(n) - 1);
    detail::build_patch_bounds(space, ranges, parents, tree_.triangles, tree_.boxes, tree_.dipoles, tree_.patches);
    if (sign != SignMethod::winding_number) choose_sign(space, mesh, sign, faces);
    space.fence();  // the temporaries above are released on return
  }

  // Number of triangles (leaves).
  int size() const { return tree_.leaf_count; }

  // How signed_distances takes its sign: SignMethod::pseudo_normal or SignMethod::winding_number
  // (never automatic: that has been resolved at construction).
  SignMethod sign_method() const { return sign_method_; }

  // Why the winding number gives the sign (as "not closed (12 boundary edges)") when
  // SignMethod::automatic fell back to it; empty otherwise.
  const std::string& sign_method_reason() const { return sign_reason_; }

  // For each points(q, :), the closest point of the mesh into out (see the top of this header).
  // The points are first put in Morton order (as ArborX sorts its queries) so that consecutive
  // traversals on a thread touch the same nodes: 2 Views of N 64-bit keys are allocated per batch,
  // none per point. Enqueued on `space` ("hifa::spatial::bvh::closest_points"), no fence.
  template <class ExecSpace, class PointsView>
  void closest_points(const ExecSpace& space, const PointsView& points, const ClosestPoints<MemorySpace>& out) const {
    static_check_points<ExecSpace, PointsView>();
    const std::size_t n = points.extent(0);
    check_points(points, "MeshBvh::closest_points");
    if (out.distance.extent(0) != n || out.face.extent(0) != n || out.barycentric.extent(0) != n ||
        out.point.extent(0) != n) {
      throw Error("MeshBvh::closest_points",
                  "every output View must have extent " + std::to_string(n) + ", the number of points");
    }
    if (n == 0) return;
    const auto order = query_order(space, points);
    const detail::BvhTree<MemorySpace> tree = tree_;
    const ClosestPoints<MemorySpace> o = out;
    Kokkos::parallel_for(
        "hifa::spatial::bvh::closest_points", Kokkos::RangePolicy<ExecSpace>(space, 0, n),
        KOKKOS_LAMBDA(const std::size_t i) {
          const std::size_t q = std::size_t(order(i) & 0xFFFFFFFFu);
          const float p[3] = {points(q, 0), points(q, 1), points(q, 2)};
          const auto best = tree.nearest(p);
          if (best.leaf < 0) {  // a non-finite point, or one whose squared distance overflows
            constexpr float nan = std::numeric_limits<float>::quiet_NaN();
            o.distance(q) = nan;
            o.face(q) = -1;
            for (int d = 0; d < 3; ++d) o.barycentric(q, d) = o.point(q, d) = nan;
            return;
          }
          o.distance(q) = Kokkos::Experimental::sqrt(best.distance2);
          o.face(q) = tree.faces(best.leaf);
          o.barycentric(q, 0) = best.closest.u;
          o.barycentric(q, 1) = best.closest.v;
          o.barycentric(q, 2) = best.closest.w;
          o.point(q, 0) = best.closest.q.x;
          o.point(q, 1) = best.closest.q.y;
          o.point(q, 2) = best.closest.q.z;
        });
  }

  // Default accuracy of the hierarchical winding number (Barill et al. 2018 use β = 2): a node is
  // replaced by its dipole when the query is farther than β times its radius from its centre.
  static constexpr float default_beta = 2.0f;

  // out(q) = generalized winding number of the mesh at points(q, :) (see the winding-number
  // section at the top of this header): ~1 inside, ~0 outside a closed outward-oriented mesh,
  // fractional near holes. beta: accuracy (default 2; larger is slower and more accurate,
  // +infinity is the exact O(F) sum of solid angles). NaN for non-finite points.
  // out: rank-1 float View of extent N. Enqueued on `space` ("hifa::spatial::bvh::winding_numbers").
  // Errors: hifa::Error naming "MeshBvh::winding_numbers" (extents, N > 2^31 - 1, beta not > 0).
  template <class ExecSpace, class PointsView, class OutView>
  void winding_numbers(const ExecSpace& space, const PointsView& points, const OutView& out,
                       float beta = default_beta) const {
    static_check_points<ExecSpace, PointsView>();
    static_check_out<ExecSpace, OutView>();
    check_points(points, "MeshBvh::winding_numbers");
    check_out(points, out, beta, "MeshBvh::winding_numbers");
    if (points.extent(0) == 0) return;
    const auto order = query_order(space, points);
    const detail::BvhTree<MemorySpace> tree = tree_;
    Kokkos::parallel_for(
        "hifa::spatial::bvh::winding_numbers", Kokkos::RangePolicy<ExecSpace>(space, 0, points.extent(0)),
        KOKKOS_LAMBDA(const std::size_t i) {
          const std::size_t q = std::size_t(order(i) & 0xFFFFFFFFu);
          const float p[3] = {points(q, 0), points(q, 1), points(q, 2)};
          if (!(Kokkos::Experimental::isfinite(p[0]) && Kokkos::Experimental::isfinite(p[1]) &&
                Kokkos::Experimental::isfinite(p[2]))) {
            out(q) = std::numeric_limits<float>::quiet_NaN();
            return;
          }
          out(q) = float(tree.winding_number(p, beta));
        });
  }

  // out(q) = signed distance from points(q, :) to the mesh: the unsigned closest-point distance
  // (exactly closest_points' `distance`), negated inside. Inside by sign_method() (see the top of
  // this header): the closest feature's pseudo-normal (SignMethod::pseudo_normal; the winding
  // number for points too near the surface to call), or the hierarchical winding number >= 0.5
  // (SignMethod::winding_number; meaningful for meshes that enclose a volume, even with holes or
  // several shells; a mesh with both windings of every face has winding number ~0 everywhere: all
  // distances >= 0). beta: the winding number's accuracy, wherever it is used.
  // NaN for non-finite points. Enqueued on `space` ("hifa::spatial::bvh::signed_distances").
  // Errors: hifa::Error naming "MeshBvh::signed_distances" (as winding_numbers).
  template <class ExecSpace, class PointsView, class OutView>
  void signed_distances(const ExecSpace& space, const PointsView& points, const OutView& out,
                        float beta = default_beta) const {
    distance_kernel<false>(space, points, out, beta, "MeshBvh::signed_distances",
                           "hifa::spatial::bvh::signed_distances");
  }

  // out(q) = 1 where the hierarchical winding number at points(q, :) is >= 0.5, else 0 (NaN for
  // non-finite points). Enqueued on `space` ("hifa::spatial::bvh::occupancies").
  template <class ExecSpace, class PointsView, class OutView>
  void occupancies(const ExecSpace& space, const PointsView& points, const OutView& out,
                   float beta = default_beta) const {
    distance_kernel<true>(space, points, out, beta, "MeshBvh::occupancies", "hifa::spatial::bvh::occupancies");
  }

  // First hit of each ray origins(q, :) + t · directions(q, :) / |directions(q, :)|, t > 0, into out
  // (see "Rays" at the top of this header): t (distance along the unit direction, +infinity when
  // none), face (-1 when none; lowest id on exactly equal t), barycentric (NaN when none).
  // origins, directions: rank-2 float Views, N x 3; out: RayHits of extent N, caller-owned.
  // The rays are traversed in Morton order of their origins. Enqueued on `space`
  // ("hifa::spatial::bvh::first_hits"), no fence.
  // Errors: hifa::Error naming "MeshBvh::first_hits" (shapes and extents, N > 2^31 - 1).
  template <class ExecSpace, class OriginsView, class DirectionsView>
  void first_hits(const ExecSpace& space, const OriginsView& origins, const DirectionsView& directions,
                  const RayHits<MemorySpace>& out) const {
    static_check_points<ExecSpace, OriginsView>();
    static_check_points<ExecSpace, DirectionsView>();
    check_rays(origins, directions, "MeshBvh::first_hits");
    const std::size_t n = origins.extent(0);
    if (out.t.extent(0) != n || out.face.extent(0) != n || out.barycentric.extent(0) != n) {
      throw Error("MeshBvh::first_hits", "every output View must have extent " + std::to_string(n) + ", the number of rays");
    }
    if (n == 0) return;
    const auto order = query_order(space, origins);
    const detail::BvhTree<MemorySpace> tree = tree_;
    const RayHits<MemorySpace> o = out;
    Kokkos::parallel_for(
        "hifa::spatial::bvh::first_hits", Kokkos::RangePolicy<ExecSpace>(space, 0, n), KOKKOS_LAMBDA(const std::size_t i) {
          const std::size_t q = std::size_t(order(i) & 0xFFFFFFFFu);
          const float p[3] = {origins(q, 0), origins(q, 1), origins(q, 2)};
          const float d[3] = {directions(q, 0), directions(q, 1), directions(q, 2)};
          const detail::PreparedRay ray = detail::prepare_ray(p, d);
          const auto best = ray.valid ? tree.first_hit(ray) : typename detail::BvhTree<MemorySpace>::FirstHit{-1, {}};
          if (best.leaf < 0) {
            constexpr float nan = std::numeric_limits<float>::quiet_NaN();
            o.t(q) = std::numeric_limits<float>::infinity();
            o.face(q) = -1;
            for (int k = 0; k < 3; ++k) o.barycentric(q, k) = nan;
            return;
          }
          o.t(q) = best.hit.t;
          o.face(q) = tree.faces(best.leaf);
          o.barycentric(q, 0) = best.hit.u;
          o.barycentric(q, 1) = best.hit.v;
          o.barycentric(q, 2) = best.hit.w;
        });
  }

  // out(q) = number of faces the ray origins(q, :) + t · directions(q, :) crosses at t > 0 (see
  // "Rays" at the top of this header; a crossing through a shared edge or vertex of a closed mesh
  // counts once). out: rank-1 int View of extent N, caller-owned; 0 for an invalid ray.
  // Enqueued on `space` ("hifa::spatial::bvh::hit_counts"), no fence.
  // Errors: hifa::Error naming "MeshBvh::hit_counts" (shapes and extents, N > 2^31 - 1).
  template <class ExecSpace, class OriginsView, class DirectionsView, class CountsView>
  void hit_counts(const ExecSpace& space, const OriginsView& origins, const DirectionsView& directions,
                  const CountsView& out) const {
    static_check_points<ExecSpace, OriginsView>();
    static_check_points<ExecSpace, DirectionsView>();
    static_assert(Kokkos::is_view<CountsView>::value && CountsView::rank == 1 &&
                      std::is_same_v<typename CountsView::value_type, int>,
                  "hifa::MeshBvh::hit_counts: the output must be a rank-1 Kokkos::View of (non-const) int");
    static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename CountsView::memory_space>::accessible,
                  "hifa::MeshBvh: the execution space must access the output View");
    check_rays(origins, directions, "MeshBvh::hit_counts");
    const std::size_t n = origins.extent(0);
    if (out.extent(0) != n) {
      throw Error("MeshBvh::hit_counts", "the output View must have extent " + std::to_string(n) + ", the number of rays");
    }
    if (n == 0) return;
    const auto order = query_order(space, origins);
    const detail::BvhTree<MemorySpace> tree = tree_;
    Kokkos::parallel_for(
        "hifa::spatial::bvh::hit_counts", Kokkos::RangePolicy<ExecSpace>(space, 0, n), KOKKOS_LAMBDA(const std::size_t i) {
          const std::size_t q = std::size_t(order(i) & 0xFFFFFFFFu);
          const float p[3] = {origins(q, 0), origins(q, 1), origins(q, 2)};
          const float d[3] = {directions(q, 0), directions(q, 1), directions(q, 2)};
          const detail::PreparedRay ray = detail::prepare_ray(p, d);
          out(q) = ray.valid ? tree.hit_count(ray) : 0;
        });
  }

 private:
  template <class OriginsView, class DirectionsView>
  static void check_rays(const OriginsView& origins, const DirectionsView& directions, const char* who) {
    check_points(origins, who);
    if (directions.extent(1) != 3) throw Error(who, "directions must be N x 3");
    if (directions.extent(0) != origins.extent(0)) {
      throw Error(who, "directions must have as many rows (" + std::to_string(directions.extent(0)) +
                           ") as origins (" + std::to_string(origins.extent(0)) + ")");
    }
  }

  template <bool occupancy, class ExecSpace, class PointsView, class OutView>
  void distance_kernel(const ExecSpace& space, const PointsView& points, const OutView& out, float beta,
                       const char* who, const char* label) const {
    static_check_points<ExecSpace, PointsView>();
    static_check_out<ExecSpace, OutView>();
    check_points(points, who);
    check_out(points, out, beta, who);
    if (points.extent(0) == 0) return;
    const auto order = query_order(space, points);
    const detail::BvhTree<MemorySpace> tree = tree_;
    const bool pseudo_normal = sign_method_ == SignMethod::pseudo_normal;
    Kokkos::parallel_for(
        label, Kokkos::RangePolicy<ExecSpace>(space, 0, points.extent(0)), KOKKOS_LAMBDA(const std::size_t i) {
          const std::size_t q = std::size_t(order(i) & 0xFFFFFFFFu);
          const float p[3] = {points(q, 0), points(q, 1), points(q, 2)};
          if (!(Kokkos::Experimental::isfinite(p[0]) && Kokkos::Experimental::isfinite(p[1]) &&
                Kokkos::Experimental::isfinite(p[2]))) {
            out(q) = std::numeric_limits<float>::quiet_NaN();
            return;
          }
          if constexpr (occupancy) {
            out(q) = tree.winding_number(p, beta) >= 0.5 ? 1.0f : 0.0f;
          } else {
            const auto best = tree.nearest(p);
            if (best.leaf < 0) {  // the squared distance overflows
              out(q) = std::numeric_limits<float>::quiet_NaN();
              return;
            }
            const float distance = Kokkos::Experimental::sqrt(best.distance2);
            int side = pseudo_normal ? tree.side_at(p, best) : 0;
            if (side == 0) side = tree.winding_number(p, beta) >= 0.5 ? -1 : 1;
            out(q) = side < 0 ? -distance : distance;
          }
        });
  }

  template <class ExecSpace, class PointsView>
  static constexpr void static_check_points() {
    static_assert(Kokkos::is_view<PointsView>::value && PointsView::rank == 2,
                  "hifa::MeshBvh: points must be a rank-2 Kokkos::View (N x 3)");
    static_assert(std::is_same_v<typename PointsView::non_const_value_type, float>,
                  "hifa::MeshBvh: points must hold float coordinates");
    static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename PointsView::memory_space>::accessible &&
                      Kokkos::SpaceAccessibility<ExecSpace, MemorySpace>::accessible,
                  "hifa::MeshBvh: the execution space must access the points and the BVH");
  }

  template <class ExecSpace, class OutView>
  static constexpr void static_check_out() {
    static_assert(Kokkos::is_view<OutView>::value && OutView::rank == 1 &&
                      std::is_same_v<typename OutView::value_type, float>,
                  "hifa::MeshBvh: the output must be a rank-1 Kokkos::View of (non-const) float");
    static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename OutView::memory_space>::accessible,
                  "hifa::MeshBvh: the execution space must access the output View");
  }

  template <class PointsView>
  static void check_points(const PointsView& points, const char* who) {
    if (points.extent(1) != 3) throw Error(who, "points must be N x 3");
    if (points.extent(0) > std::size_t(INT_MAX)) throw Error(who, "more than 2^31 - 1 points in one batch");
  }

  template <class PointsView, class OutView>
  static void check_out(const PointsView& points, const OutView& out, float beta, const char* who) {
    if (out.extent(0) != points.extent(0)) {
      throw Error(who, "the output View must have extent " + std::to_string(points.extent(0)) +
                           ", the number of points");
    }
    if (!(beta > 0.0f)) throw Error(who, "beta must be > 0 (2 by default; +infinity for the exact sum)");
  }

  // The query indices in Morton order of the points (as ArborX sorts its queries) so consecutive
  // traversals on a thread touch the same nodes: 2 Views of N 64-bit keys, none per point.
  template <class ExecSpace, class PointsView>
  Kokkos::View<std::uint64_t*, MemorySpace> query_order(const ExecSpace& space, const PointsView& points) const {
    const std::size_t n = points.extent(0);
    const Kokkos::View<std::uint64_t*, MemorySpace> order(detail::uninitialized(space, "hifa::spatial::bvh::query_order"), n);
    const Kokkos::View<std::uint64_t*, MemorySpace> scratch(detail::uninitialized(space, "hifa::spatial::bvh::query_sort_scratch"), n);
    detail::morton_keys(space, "hifa::spatial::bvh::query_morton", scene_, order,
                        KOKKOS_LAMBDA(const int q, float c[3]) {
                          for (int d = 0; d < 3; ++d) c[d] = points(q, d);
                        });
    detail::radix_sort(space, order, scratch);
    return order;
  }

  // Resolves SignMethod::automatic / pseudo_normal at construction (see the constructor): the
  // topology on the host (detail/pseudo_normal.hpp), then for automatic no zero-area face, no
  // self-intersection (detail/self_intersection.hpp) and every shell outward (check_shell_sides).
  template <class ExecSpace, class FaceView>
  void choose_sign(const ExecSpace& space, const TriMesh<float>& mesh, SignMethod sign, const FaceView& faces) {
    space.fence();
    const auto leaf_faces = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, tree_.faces);
    detail::SurfaceAnalysis surface =
        detail::analyse_surface(mesh, std::span<const int>(leaf_faces.data(), leaf_faces.size()));
    if (!surface.manifold) {
      if (sign == SignMethod::pseudo_normal) {
        throw Error("MeshBvh", "SignMethod::pseudo_normal needs a closed, consistently oriented, manifold mesh; this one is " +
                                   surface.problem);
      }
      sign_reason_ = surface.problem;
      return;
    }
    if (sign == SignMethod::automatic) {
      if (surface.zero_area_faces > 0) {
        sign_reason_ = std::to_string(surface.zero_area_faces) + " faces of zero area";
        return;
      }
      const Kokkos::View<const unsigned char*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> host_fans(
          surface.simple_fan.data(), surface.simple_fan.size());
      const Kokkos::View<unsigned char*, MemorySpace> fans(detail::uninitialized(space, "hifa::spatial::bvh::simple_fans"),
                                                           surface.simple_fan.size());
      Kokkos::deep_copy(space, fans, host_fans);
      const long crossings = detail::self_intersections(space, tree_.boxes, tree_.children, tree_.triangles, tree_.faces,
                                                       faces, fans);
      if (crossings > 0) {
        sign_reason_ = "self-intersecting (" + std::to_string(crossings) + " pairs of faces meet)";
        return;
      }
      std::string sides = detail::check_shell_sides(space, tree_, mesh, surface.components, default_beta);
      if (!sides.empty()) {
        sign_reason_ = std::move(sides);
        return;
      }
    }
    detail::upload_pseudo_normals(space, tree_, surface.normals);
    sign_method_ = SignMethod::pseudo_normal;
  }

  detail::BvhTree<MemorySpace> tree_;
  detail::Box scene_;  // box of all mesh vertices, the frame of the Morton codes
  SignMethod sign_method_ = SignMethod::winding_number;
  std::string sign_reason_;
};

}  // namespace hifa
