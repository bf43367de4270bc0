#pragma once
// The canonical surface of a field as a closed, manifold mesh: coarse-to-fine evaluation on a grid
// fitted around a box (hifa/grid/coarse_to_fine.hpp), marching cubes (hifa/grid/marching_cubes.hpp),
// and the largest connected piece (specks of noise floating off a garment are dropped).
//
//   auto grid = hifa::synth::fitted_grid(box, 256);                 // 256 points on the longest axis
//   TriMesh<float> mesh = hifa::synth::extract_surface(space, field, grid, lipschitz);
//
// Inputs:  box        the region the surface lies in, with margin (metres)
//          resolution grid points along the box's longest axis (>= 2); the other axes get the same
//                     spacing, so a 1.9 m tall subject at 256 has ~7.5 mm cells and a grid of about
//                     256 x 130 x 80 points, not 256³
//          field      any hifa::AnyField with negative inside (an SDF)
//          lipschitz  the field's Lipschitz bound, for coarse-to-fine's exact-sign band
// Outputs: extract_surface: a mesh welded by marching cubes (closed and edge-manifold, outward faces,
//          field-free vertex normals from the grid), reduced to the component with the most faces
//          (ties: the lower component id); vertices no kept face uses are dropped, order kept.
//          The outer grid layer should be outside (positive) so the surface closes: fitted_grid's
//          box is the caller's, so give it a margin larger than the garments reach.
// Errors:  hifa::Error from the grid (bad box or resolution) and from marching cubes.
// Cost:    coarse-to-fine queries (a few hundred thousand at 256 for a dressed body), marching cubes
//          over the grid, then O(F) on the host for the components.

#include "hifa/core/error.hpp"
#include "hifa/grid/coarse_to_fine.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace hifa::synth {

inline GridSpec<float> fitted_grid(const AABBf& box, int resolution) {
  if (resolution < 2) throw Error("fitted_grid", "resolution must be >= 2, got " + std::to_string(resolution));
  const Vec3f extent = box.max() - box.min();
  const float h = extent.maxCoeff() / float(resolution - 1);
  if (!(h > 0.0f) || !std::isfinite(h)) throw Error("fitted_grid", "the box is empty or not finite");
  Vec3i n;
  for (int d = 0; d < 3; ++d) n[d] = std::max(2, int(std::ceil(extent[d] / h)) + 1);
  // Keep the spacing h on every axis: grow the box to n - 1 cells around its centre.
  const Vec3f half = 0.5f * h * (n.cast<float>() - Vec3f::Ones());
  const Vec3f centre = box.center();
  return GridSpec<float>{AABBf(centre - half, centre + half), n};
}

// The faces of `mesh` in its largest edge-connected component, with unused vertices dropped.
template <class T>
TriMesh<T> largest_component(const TriMesh<T>& mesh) {
  if (mesh.face_count() == 0) return mesh;
  const Components parts = connected_components(mesh);
  if (parts.count == 1) return mesh;
  std::vector<Eigen::Index> size(std::size_t(parts.count), 0);
  for (const int c : parts.face_component) ++size[std::size_t(c)];
  int best = 0;
  for (int c = 1; c < parts.count; ++c)
    if (size[std::size_t(c)] > size[std::size_t(best)]) best = c;
  std::vector<int> remap(std::size_t(mesh.vertex_count()), -1);
  Eigen::Index kept_faces = 0, kept_vertices = 0;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    if (parts.face_component[std::size_t(f)] != best) continue;
    ++kept_faces;
    for (int k = 0; k < 3; ++k) remap[std::size_t(mesh.faces(f, k))] = 0;
  }
  for (int& r : remap)
    if (r == 0) r = int(kept_vertices++);
  TriMesh<T> out;
  out.vertices.resize(kept_vertices, 3);
  if (mesh.has_normals()) out.normals.resize(kept_vertices, 3);
  if (mesh.has_colors()) out.colors.resize(kept_vertices, 3);
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) {
    const int r = remap[std::size_t(v)];
    if (r < 0) continue;
    out.vertices.row(r) = mesh.vertices.row(v);
    if (mesh.has_normals()) out.normals.row(r) = mesh.normals.row(v);
    if (mesh.has_colors()) out.colors.row(r) = mesh.colors.row(v);
  }
  out.faces.resize(kept_faces, 3);
  Eigen::Index row = 0;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    if (parts.face_component[std::size_t(f)] != best) continue;
    for (int k = 0; k < 3; ++k) out.faces(row, k) = remap[std::size_t(mesh.faces(f, k))];
    ++row;
  }
  return out;
}

template <class ExecSpace, class F>
TriMesh<float> extract_surface(const ExecSpace& space, const F& field, const GridSpec<float>& grid, float lipschitz,
                               int coarse_step = 8) {
  auto options = CoarseToFineOptions<float>::sdf(coarse_step);
  options.lipschitz = lipschitz;
  const auto evaluated = evaluate_coarse_to_fine(space, field, grid, options);
  return largest_component(marching_cubes(space, evaluated.values, grid));
}

}  // namespace hifa::synth
