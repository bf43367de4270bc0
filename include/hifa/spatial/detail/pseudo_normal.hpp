#pragma once
// The sign of a distance from the angle-weighted pseudo-normal of the closest feature, for
// hifa/spatial/mesh_bvh.hpp: Bærentzen & Aanæs, "Signed distance computation using the angle
// weighted pseudonormal", IEEE TVCG 11(3), 2005. For a closed, orientable 2-manifold triangle mesh
// without self-intersections, a point p with closest point c on feature x (a face's interior, an
// edge or a vertex) is outside exactly when (p - c)·n_x > 0 (their Theorem 1), where
//   face    n_x = the unit face normal
//   edge    n_x = the sum of its two faces' unit normals (each weighted by pi, the angle a face
//                 spans about an edge)
//   vertex  n_x = Σ over its faces of (the face's angle at the vertex) · (unit face normal)
// (all used here normalised; an edge or vertex whose normals cancel gets 0).
//
//   closest_feature       which of a triangle's seven features a closest point lies on, from
//                         closest_point_triangle's weights
//   pseudo_normal_side    +1 outside, -1 inside, 0 when rounding could decide the sign
//   analyse_surface       (host) the topology check, the normals of every face's seven features
//                         and which vertices' fans are simple (for self_intersection.hpp)
//
// Rounding: the sign of (p - c)·n is trusted only where |(p - c)·n| exceeds 2^-10 |p - c| + 2^-16
// of the triangle's coordinate magnitude. That covers the rounding of c (a few float ulps of the
// coordinates), of n, and a closest feature picked among nearly equidistant ones (at the exact
// boundary between two features both give the right sign, so a pick off by rounding changes
// (p - c)·n by about the rounding). Elsewhere the caller takes the winding number instead.

#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/spatial/detail/closest_point_triangle.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace hifa::detail {

// Rows of a triangle's pseudo-normals (View<float*[pseudo_normal_rows][3]>, one per leaf): the
// face, its corners 0..2 and its edges (0,1), (1,2), (2,0).
enum PseudoNormalRow : int {
  feature_face = 0,
  feature_vertex0 = 1,
  feature_edge01 = 4,
  pseudo_normal_rows = 7
};

// The feature a closest point (weights u, v, w of corners 0, 1, 2) lies on: a corner when its
// weight is 1, else the edge opposite a zero weight, else the face. closest_point_triangle sets
// these exactly in its vertex and edge regions; in its face region a weight clamped to 0 or 1 names
// an adjacent feature, which gives the same sign there (see the top of this header).
KOKKOS_INLINE_FUNCTION int closest_feature(const TriangleClosest& c) {
  if (c.u == 1.0f) return feature_vertex0;
  if (c.v == 1.0f) return feature_vertex0 + 1;
  if (c.w == 1.0f) return feature_vertex0 + 2;
  if (c.w == 0.0f) return feature_edge01;      // on edge (0, 1)
  if (c.u == 0.0f) return feature_edge01 + 1;  // on edge (1, 2)
  if (c.v == 0.0f) return feature_edge01 + 2;  // on edge (2, 0)
  return feature_face;
}

// Side of p relative to the surface at its closest point c, with the closest feature's unit
// pseudo-normal n (or 0) and `magnitude`, the sum over axes of the triangle's largest |coordinate|:
// +1 outside, -1 inside, 0 undecided (too near the surface, or p - c nearly tangent, or n = 0).
KOKKOS_INLINE_FUNCTION int pseudo_normal_side(const float p[3], const Float3& c, const float n[3], float distance,
                                              float magnitude) {
  const float s = (p[0] - c.x) * n[0] + (p[1] - c.y) * n[1] + (p[2] - c.z) * n[2];
  const float margin = 0x1p-10f * distance + 0x1p-16f * magnitude;
  return s > margin ? 1 : (s < -margin ? -1 : 0);
}

// What analyse_surface found.
struct SurfaceAnalysis {
  bool manifold = false;        // closed, consistently oriented, edge- and vertex-manifold
  int zero_area_faces = 0;      // faces whose corners are collinear (in double)
  std::string problem;          // why not manifold (empty when it is)
  std::vector<float> normals;   // when manifold: #F x pseudo_normal_rows x 3, in row order (below)
  std::vector<int> components;  // when manifold: one face per connected component (its largest)
  // When manifold, per vertex: 1 when its faces, seen along its pseudo-normal, turn once about it
  // without folding (every face's corner there positively oriented, the angles summing to 2π).
  // Then no two of them meet other than along their shared edges: their projections are disjoint
  // wedges, so a common point would lie on the line through the vertex along the normal, which each
  // of these faces meets only at the vertex (self_intersection.hpp skips those pairs).
  std::vector<unsigned char> simple_fan;
};

// Checks the mesh's topology and, when it passes, computes every face's seven pseudo-normals in
// double (rounded to float at the end) and one representative face per connected component (faces
// joined across edges). Topology, with every face's directed edges a->b:
//   closed, consistently oriented and edge-manifold  every directed edge occurs once, its reverse once
//   vertex-manifold                                  the faces around every used vertex form one fan
//   (a face repeating a vertex index fails the first)
// Host: O(F) time, the per-face and per-vertex passes in parallel on Kokkos' default host space
// (labelled "hifa::spatial::bvh::surface_*"), the vertex -> corner lists and the components in one
// thread; O(F) memory. Deterministic: every value is written by one iteration, every sum runs in
// face order, and the first failing vertex is reported whatever the thread count.
// row_faces: the face of each row of `normals` (a BVH's leaf order), or empty for face order.
inline SurfaceAnalysis analyse_surface(const TriMesh<float>& mesh, std::span<const int> row_faces = {}) {
  using Host = Kokkos::DefaultHostExecutionSpace;
  using Policy = Kokkos::RangePolicy<Host>;
  SurfaceAnalysis out;
  const int nf = int(mesh.face_count());
  const int nv = int(mesh.vertex_count());
  const int* corner_vertex = mesh.faces.data();  // row-major: corner h = 3f + k is faces(f, k)
  const float* xyz = mesh.vertices.data();
  const auto next_corner = [](int h) { return h % 3 == 2 ? h - 2 : h + 1; };

  // Corners of each vertex (CSR), in increasing corner (so face) order, with the vertex each one's
  // half-edge leads to (half-edge h = corner h -> next corner of its face).
  std::vector<int> start_v(std::size_t(nv) + 1, 0), corners_v(std::size_t(3) * std::size_t(nf)),
      leads_to_v(std::size_t(3) * std::size_t(nf)), opposite_v(std::size_t(3) * std::size_t(nf), -1);
  int* start = start_v.data();
  int* corners = corners_v.data();
  int* leads_to = leads_to_v.data();
  int* opposite = opposite_v.data();  // opposite[h] = the half-edge running the other way
  for (int h = 0; h < 3 * nf; ++h) ++start[corner_vertex[h] + 1];
  for (int v = 0; v < nv; ++v) start[v + 1] += start[v];
  {
    std::vector<int> fill(start_v.begin(), start_v.end() - 1);
    for (int h = 0; h < 3 * nf; ++h) {
      const int i = fill[std::size_t(corner_vertex[h])]++;
      corners[i] = h;
      leads_to[i] = corner_vertex[next_corner(h)];
    }
  }

  int boundary = 0, non_manifold = 0;
  Kokkos::parallel_reduce(
      "hifa::spatial::bvh::surface_edges", Policy(0, nv),
      [=](const int a, int& open, int& bad) {
        for (int i = start[a]; i < start[a + 1]; ++i) {
          const int b = leads_to[i];
          if (a == b) {
            ++bad;
            continue;
          }
          int same = 0, reverse = 0, found = -1;
          for (int j = start[a]; j < start[a + 1]; ++j) same += leads_to[j] == b;
          for (int j = start[b]; j < start[b + 1]; ++j) {
            if (leads_to[j] == a) {
              ++reverse;
              found = corners[j];
            }
          }
          opposite[corners[i]] = found;
          if (same == 1 && reverse == 0) {
            ++open;
          } else if (same != 1 || reverse != 1) {
            ++bad;
          }
        }
      },
      boundary, non_manifold);
  if (boundary > 0 || non_manifold > 0) {
    out.problem = boundary > 0 ? "not closed (" + std::to_string(boundary) + " boundary edges)"
                               : "not an edge-manifold, consistently oriented surface (" +
                                     std::to_string(non_manifold) + " directed edges used twice, or by a face repeating a vertex)";
    return out;
  }
  // One fan per vertex: turning about v from one face to the next across the edge leaving v must
  // come back after visiting all of v's faces.
  int pinched = nv;
  Kokkos::parallel_reduce(
      "hifa::spatial::bvh::surface_fans", Policy(0, nv),
      [=](const int v, int& first_bad) {
        const int valence = start[v + 1] - start[v];
        if (valence == 0) return;
        const int first = corners[start[v]];
        int h = first, steps = 0;
        do {
          h = next_corner(opposite[h]);  // the reverse half-edge ends at v; its next leaves v
          ++steps;
        } while (h != first && steps <= valence);
        if (steps != valence && v < first_bad) first_bad = v;
      },
      Kokkos::Min<int>(pinched));
  if (pinched < nv) {
    out.problem = "not vertex-manifold (vertex " + std::to_string(pinched) + " joins separate fans of faces)";
    return out;
  }
  out.manifold = true;

  // Unit face normals (0 for a face whose corners are collinear, in double), twice the areas and
  // the corner angles (atan2 of |e1 x e2| = twice the area, and e1 . e2).
  const auto position = [xyz](int v) {
    return Double3{double(xyz[3 * v]), double(xyz[3 * v + 1]), double(xyz[3 * v + 2])};
  };
  std::vector<Double3> face_normal_v(static_cast<std::size_t>(nf));
  std::vector<double> twice_area_v(static_cast<std::size_t>(nf)), angle_v(std::size_t(3) * std::size_t(nf));
  Double3* face_normal = face_normal_v.data();
  double* twice_area = twice_area_v.data();
  double* angle = angle_v.data();
  int flat_faces = 0;
  Kokkos::parallel_reduce(
      "hifa::spatial::bvh::surface_faces", Policy(0, nf),
      [=](const int f, int& flats) {
        const Double3 x[3] = {position(corner_vertex[3 * f]), position(corner_vertex[3 * f + 1]),
                              position(corner_vertex[3 * f + 2])};
        const Double3 e[3] = {x[1] - x[0], x[2] - x[1], x[0] - x[2]};  // e[k]: corner k -> k + 1
        const Double3 n = cross(e[0], e[1]);
        const double length = norm(n);
        // Collinear corners: no plane, no normal (the bound is far below any real triangle's sine).
        const bool flat = !(length > 1e-12 * norm(e[0]) * norm(e[1]));
        flats += flat;
        twice_area[f] = flat ? 0.0 : length;
        face_normal[f] = flat ? Double3{0.0, 0.0, 0.0} : (1.0 / length) * n;
        for (int k = 0; k < 3; ++k) {  // at corner k: the edges to k + 1 and (back) to k + 2
          angle[3 * f + k] = std::atan2(length, -dot(e[k], e[(k + 2) % 3]));
        }
      },
      flat_faces);
  out.zero_area_faces = flat_faces;
  const auto is_flat = [twice_area](int f) { return twice_area[f] == 0.0; };
  const auto unit = [](const Double3& n, float* to) {
    const double length = norm(n);  // the sums are of unit vectors: below 1e-6 they (nearly) cancel
    to[0] = length > 1e-6 ? float(n.x / length) : 0.0f;
    to[1] = length > 1e-6 ? float(n.y / length) : 0.0f;
    to[2] = length > 1e-6 ? float(n.z / length) : 0.0f;
  };
  // Angle-weighted vertex normals, summed in face order. A vertex of a face with no normal (and an
  // edge of one, below) gets 0: the angle that face should carry is missing from the sum, so their
  // points go to the winding number.
  std::vector<float> vertex_normal_v(std::size_t(3) * std::size_t(nv), 0.0f);
  float* vertex_normal = vertex_normal_v.data();
  out.simple_fan.assign(std::size_t(nv), 0);
  unsigned char* simple_fan = out.simple_fan.data();
  Kokkos::parallel_for("hifa::spatial::bvh::surface_vertex_normals", Policy(0, nv), [=](const int v) {
    Double3 sum{0.0, 0.0, 0.0};
    bool flat = false;
    for (int i = start[v]; i < start[v + 1]; ++i) {
      const int h = corners[i];
      flat |= is_flat(h / 3);
      sum = sum + angle[h] * face_normal[h / 3];
    }
    if (flat) return;
    unit(sum, vertex_normal + 3 * std::size_t(v));
    const double length = norm(sum);
    if (!(length > 1e-6)) return;
    const Double3 n = (1.0 / length) * sum;
    const Double3 x = position(v);
    const auto flatten = [&n](const Double3& e) { return e - dot(e, n) * n; };
    double turned = 0.0;
    for (int i = start[v]; i < start[v + 1]; ++i) {
      const int h = corners[i], next = next_corner(h);
      const Double3 to_next = flatten(position(corner_vertex[next]) - x);
      const Double3 to_previous = flatten(position(corner_vertex[next_corner(next)]) - x);
      const double sine = dot(cross(to_next, to_previous), n), cosine = dot(to_next, to_previous);
      if (!(sine > 1e-9 * norm(to_next) * norm(to_previous))) return;
      turned += std::atan2(sine, cosine);
    }
    // Each angle is in (0, pi) and they sum to 2 pi times the number of turns.
    simple_fan[v] = std::abs(turned - 2.0 * 3.14159265358979323846) < 1.0 ? 1 : 0;
  });
  out.normals.assign(std::size_t(nf) * pseudo_normal_rows * 3, 0.0f);
  float* normals = out.normals.data();
  const int* row_face = row_faces.empty() ? nullptr : row_faces.data();
  Kokkos::parallel_for("hifa::spatial::bvh::surface_face_rows", Policy(0, nf), [=](const int r) {
    const int f = row_face ? row_face[r] : r;
    if (is_flat(f)) return;
    float* row = normals + std::size_t(r) * pseudo_normal_rows * 3;
    unit(face_normal[f], row + 3 * feature_face);
    for (int k = 0; k < 3; ++k) {
      const int h = 3 * f + k, g = opposite[h] / 3;
      for (int d = 0; d < 3; ++d) row[3 * (feature_vertex0 + k) + d] = vertex_normal[3 * corner_vertex[h] + d];
      if (!is_flat(g)) unit(face_normal[f] + face_normal[g], row + 3 * (feature_edge01 + k));
    }
  });

  // Connected components across edges (union-find), and the largest face of each (lowest id on ties).
  std::vector<int> parent(static_cast<std::size_t>(nf));
  for (int f = 0; f < nf; ++f) parent[std::size_t(f)] = f;
  const auto root = [&parent](int f) {
    while (parent[std::size_t(f)] != f) f = parent[std::size_t(f)] = parent[std::size_t(parent[std::size_t(f)])];
    return f;
  };
  for (int h = 0; h < 3 * nf; ++h) {
    const int a = root(h / 3), b = root(opposite[h] / 3);
    if (a != b) parent[std::size_t(a < b ? b : a)] = a < b ? a : b;
  }
  std::vector<int> largest(static_cast<std::size_t>(nf), -1);
  for (int f = 0; f < nf; ++f) {
    int& best = largest[std::size_t(root(f))];
    if (best < 0 || twice_area[f] > twice_area[best]) best = f;
  }
  for (int f = 0; f < nf; ++f) {
    if (largest[std::size_t(f)] >= 0) out.components.push_back(largest[std::size_t(f)]);
  }
  return out;
}

}  // namespace hifa::detail
