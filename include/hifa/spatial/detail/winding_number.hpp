#pragma once
// Generalized winding number building blocks for hifa/spatial/mesh_bvh.hpp:
//
//   triangle_solid_angle  exact signed solid angle of one triangle seen from a point
//                         (Van Oosterom & Strackee, "The solid angle of a plane triangle",
//                         IEEE Trans. Biomed. Eng. 30(2), 1983)
//   refit_dipoles         per BVH node, the first-order (dipole) data of Barill, Dickson, Schmidt,
//                         Levin & Jacobson, "Fast Winding Numbers for Soups and Clouds" (SIGGRAPH
//                         2018), §3-4: area-weighted normal sum, area-weighted centre, radius
//
// Winding number of a point q: w(q) = Σ_t Ω_t(q) / 4π (Jacobson, Kavan & Sorkine-Hornung, SIGGRAPH
// 2013), 1 inside and 0 outside a closed, outward-oriented mesh, and a smooth, robust indicator
// for meshes with holes, self-intersections and several shells. A cluster of triangles far from q
// (|q - centre| > β·radius) contributes, to second order in radius / distance (r = centre - q),
//   [ N·r / |r|³ + tr(C) / |r|³ - 3 rᵀC r / |r|⁵ ] / 4π,   N = Σ a_t n_t,  C = Σ a_t n_t (c_t - centre)ᵀ
// (the Taylor expansion of the dipole kernel r / 4π|r|³ about the centre, Barill et al. eq. 11-13).

#include <Kokkos_Core.hpp>

namespace hifa::detail {

// Expansion data per node, one row of a View<float*[dipole_fields]>: N (3), centre (3), radius,
// area, then the second-order moment C (row-major 3x3), C_ij = Σ_t a_t n_t,i (c_t - centre)_j.
enum DipoleField : int {
  dipole_nx = 0, dipole_ny, dipole_nz, dipole_cx, dipole_cy, dipole_cz, dipole_radius, dipole_area,
  dipole_c00, dipole_fields = dipole_c00 + 9
};

// Signed solid angle subtended at p by the triangle (a, b, c), in [-2π, 2π]; positive when p sees
// the triangle's back (p on the side opposite to (b - a) x (c - a)), so that a closed mesh with
// outward normals gives 4π at interior points. Computed in double: tan(Ω/2) = a·(b×c) /
// (|a||b||c| + (a·b)|c| + (a·c)|b| + (b·c)|a|) with a, b, c relative to p; atan2 keeps the quadrant.
// A point on the triangle's plane gives 0 outside it and ±2π inside it; a point on a vertex gives 0.
KOKKOS_INLINE_FUNCTION double triangle_solid_angle(const double p[3], const float a_in[3], const float b_in[3],
                                                   const float c_in[3]) {
  double a[3], b[3], c[3];
  for (int d = 0; d < 3; ++d) {
    a[d] = double(a_in[d]) - p[d];
    b[d] = double(b_in[d]) - p[d];
    c[d] = double(c_in[d]) - p[d];
  }
  const double la = Kokkos::Experimental::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
  const double lb = Kokkos::Experimental::sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
  const double lc = Kokkos::Experimental::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
  const double det = a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) +
                     a[2] * (b[0] * c[1] - b[1] * c[0]);
  const double ab = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const double ac = a[0] * c[0] + a[1] * c[1] + a[2] * c[2];
  const double bc = b[0] * c[0] + b[1] * c[1] + b[2] * c[2];
  const double den = la * lb * lc + ab * lc + ac * lb + bc * la;
  return 2.0 * Kokkos::Experimental::atan2(det, den);
}

// Leaf rows of `dipoles` from the leaf triangles (leaf k is node n-1+k): N = (b-a)x(c-a)/2 (area
// times unit normal), centre = centroid, radius = largest centroid-to-corner distance, area = |N|.
// Internal rows bottom-up, as refit_boxes: the second child to arrive at a parent writes the
// parent from children(parent, 0) then children(parent, 1), always in that order, so every sum is
// the same float operations whichever thread arrives last (bitwise identical on any backend):
//   area = A_l + A_r, N = N_l + N_r, centre = (A_l c_l + A_r c_r) / area (midpoint if area is 0),
//   radius = max(|centre - c_l| + r_l, |centre - c_r| + r_r) (a ball holding both child balls),
//   C = C_l + N_l (c_l - centre)^T + C_r + N_r (c_r - centre)^T (leaves: C = 0, centre = centroid;
//   exact because ∫_t x dA = a_t c_t, Barill et al. 2018 §4.1).
template <class ExecSpace, class Children, class Parents, class Triangles, class Dipoles>
void refit_dipoles(const ExecSpace& space, const Children& children, const Parents& parents,
                   const Triangles& triangles, const Dipoles& dipoles) {
  using Memory = typename Dipoles::memory_space;
  const int n = int(triangles.extent(0));
  Kokkos::View<int*, Memory> arrivals(Kokkos::view_alloc(space, "hifa::spatial::bvh::dipole_arrivals"),
                                      std::size_t(n > 1 ? n - 1 : 1));
  Kokkos::parallel_for(
      "hifa::spatial::bvh::build_dipoles", Kokkos::RangePolicy<ExecSpace>(space, 0, n), KOKKOS_LAMBDA(const int k) {
        int node = n - 1 + k;
        {
          float e1[3], e2[3], centre[3];
          for (int d = 0; d < 3; ++d) {
            e1[d] = triangles(k, 1, d) - triangles(k, 0, d);
            e2[d] = triangles(k, 2, d) - triangles(k, 0, d);
            centre[d] = (triangles(k, 0, d) + triangles(k, 1, d) + triangles(k, 2, d)) / 3.0f;
          }
          const float nx = 0.5f * (e1[1] * e2[2] - e1[2] * e2[1]);
          const float ny = 0.5f * (e1[2] * e2[0] - e1[0] * e2[2]);
          const float nz = 0.5f * (e1[0] * e2[1] - e1[1] * e2[0]);
          float radius2 = 0.0f;
          for (int c = 0; c < 3; ++c) {
            float r2 = 0.0f;
            for (int d = 0; d < 3; ++d) {
              const float x = triangles(k, c, d) - centre[d];
              r2 += x * x;
            }
            radius2 = r2 > radius2 ? r2 : radius2;
          }
          dipoles(node, dipole_nx) = nx;
          dipoles(node, dipole_ny) = ny;
          dipoles(node, dipole_nz) = nz;
          for (int d = 0; d < 3; ++d) dipoles(node, dipole_cx + d) = centre[d];
          dipoles(node, dipole_radius) = Kokkos::Experimental::sqrt(radius2);
          dipoles(node, dipole_area) = Kokkos::Experimental::sqrt(nx * nx + ny * ny + nz * nz);
          for (int i = 0; i < 9; ++i) dipoles(node, dipole_c00 + i) = 0.0f;
        }
        while (node != 0) {
          const int parent = parents(node);
          Kokkos::memory_fence();  // this thread's writes visible before announcing the arrival
          if (Kokkos::atomic_fetch_add(&arrivals(parent), 1) == 0) return;
          Kokkos::memory_fence();
          const int l = children(parent, 0), r = children(parent, 1);
          const float al = dipoles(l, dipole_area), ar = dipoles(r, dipole_area);
          const float area = al + ar;
          float centre[3];
          for (int d = 0; d < 3; ++d) {
            const float cl = dipoles(l, dipole_cx + d), cr = dipoles(r, dipole_cx + d);
            centre[d] = area > 0.0f ? (al * cl + ar * cr) / area : 0.5f * (cl + cr);
            dipoles(parent, dipole_nx + d) = dipoles(l, dipole_nx + d) + dipoles(r, dipole_nx + d);
          }
          float reach[2];
          for (int s = 0; s < 2; ++s) {
            const int child = s == 0 ? l : r;
            float d2 = 0.0f;
            for (int d = 0; d < 3; ++d) {
              const float x = centre[d] - dipoles(child, dipole_cx + d);
              d2 += x * x;
            }
            reach[s] = Kokkos::Experimental::sqrt(d2) + dipoles(child, dipole_radius);
          }
          for (int i = 0; i < 3; ++i) {
            for (int j = 0; j < 3; ++j) {
              const float from_l = dipoles(l, dipole_c00 + 3 * i + j) +
                                   dipoles(l, dipole_nx + i) * (dipoles(l, dipole_cx + j) - centre[j]);
              const float from_r = dipoles(r, dipole_c00 + 3 * i + j) +
                                   dipoles(r, dipole_nx + i) * (dipoles(r, dipole_cx + j) - centre[j]);
              dipoles(parent, dipole_c00 + 3 * i + j) = from_l + from_r;
            }
          }
          for (int d = 0; d < 3; ++d) dipoles(parent, dipole_cx + d) = centre[d];
          dipoles(parent, dipole_radius) = reach[0] > reach[1] ? reach[0] : reach[1];
          dipoles(parent, dipole_area) = area;
          node = parent;
        }
      });
}

}  // namespace hifa::detail
