#pragma once
// Marching cubes: the iso-surface of a sampled scalar field as a welded, closed, edge-manifold
// triangle mesh.
//
//   auto mesh = hifa::marching_cubes(space, values, grid);                          // SDF, level 0
//   auto mesh = hifa::marching_cubes(values, grid, hifa::MarchingCubesOptions<float>::occupancy());
//   auto mesh = hifa::marching_cubes(space, values, grid, field);                   // field normals
//
// Inputs:  values  GridValues<T, MemorySpace> (View<T***, LayoutRight>), extents == grid.resolution,
//                  value (i, j, k) sampled at grid.point(i, j, k); every value finite
//          grid    the GridSpec the values were sampled on (its units are the mesh's units)
//          options iso level and which side of it is inside (below: SDF, above: occupancy)
//          field   optional hifa::ImplicitField the values came from, for vertex normals
//          space   Kokkos execution space that can access MemorySpace; without it, the View's default
// Outputs: TriMesh<T> on the host, `vertices` #V x 3 and `faces` #F x 3 counter-clockwise seen from
//          outside (outward normals) for either convention; `normals` #V x 3 unit, outward: from
//          the field's gradient (hifa::gradient_at: analytic when the field models GradientField)
//          when given, else from central differences of the grid values interpolated along the edge.
//          One vertex per crossed grid edge (linear interpolation), numbered by grid edge order, so
//          the output is the same bytes for any backend or thread count. Closed and edge-manifold
//          wherever the surface does not leave the grid (force the outer layer outside to close it).
//          A grid with no crossing gives an empty mesh.
// Errors:  hifa::Error naming "marching_cubes": extents differ from grid.resolution, an invalid grid,
//          a non-finite value (reports its index), or more than 2^31 - 1 vertices or faces.
// Cost:    one pass over the values, then work proportional to grid rows and surface cells (cells
//          away from the surface are skipped 64 at a time); memory: one bit per grid point, three
//          integers per grid row, and the output. 256^3 in about 27 ms on one core (bench/).
//          Method and orientation: see grid/detail/marching_cubes_cell.hpp.

#include "hifa/core/error.hpp"
#include "hifa/field/concepts.hpp"
#include "hifa/field/gradient.hpp"
#include "hifa/grid/detail/marching_cubes_kernels.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Kokkos_Core.hpp>

#include <type_traits>

namespace hifa {

// Iso level and inside convention. Values equal to the level count as outside for both conventions,
// so the topology stays consistent; a grid point exactly on the level then carries the vertices of
// all its crossed edges at one position (zero-area faces there, still closed and edge-manifold).
template <class T>
struct MarchingCubesOptions {
  enum class Inside { below, above };

  T level = T(0);
  Inside inside = Inside::below;

  // Signed distance: negative inside, surface at `level` (default 0).
  static MarchingCubesOptions sdf(T level = T(0)) { return {level, Inside::below}; }
  // Occupancy: 1 inside, 0 outside, surface at `level` (default 0.5).
  static MarchingCubesOptions occupancy(T level = T(0.5)) { return {level, Inside::above}; }
};

template <class ExecSpace, class Values>
  requires Kokkos::is_execution_space<ExecSpace>::value && Kokkos::is_view<Values>::value
TriMesh<typename Values::non_const_value_type> marching_cubes(
    const ExecSpace& space, const Values& values, const GridSpec<typename Values::non_const_value_type>& grid,
    const MarchingCubesOptions<typename Values::non_const_value_type>& options = {}) {
  using T = typename Values::non_const_value_type;
  return detail::marching_cubes_impl(space, values, grid, options.level,
                                     options.inside == MarchingCubesOptions<T>::Inside::above,
                                     detail::McGridNormals<Values>{values, grid.spacing()});
}

template <class ExecSpace, class Values, ImplicitField Field>
  requires Kokkos::is_execution_space<ExecSpace>::value && Kokkos::is_view<Values>::value
TriMesh<typename Values::non_const_value_type> marching_cubes(
    const ExecSpace& space, const Values& values, const GridSpec<typename Values::non_const_value_type>& grid,
    const Field& field, const MarchingCubesOptions<typename Values::non_const_value_type>& options = {}) {
  using T = typename Values::non_const_value_type;
  static_assert(std::is_same_v<typename Field::scalar, T>,
                "hifa::marching_cubes: the field's scalar type must equal the grid values' type");
  return detail::marching_cubes_impl(space, values, grid, options.level,
                                     options.inside == MarchingCubesOptions<T>::Inside::above,
                                     detail::McFieldNormals<Field>{field, grid.spacing().minCoeff()});
}

// The same, on the values View's default execution space.
template <class Values>
  requires Kokkos::is_view<Values>::value
TriMesh<typename Values::non_const_value_type> marching_cubes(
    const Values& values, const GridSpec<typename Values::non_const_value_type>& grid,
    const MarchingCubesOptions<typename Values::non_const_value_type>& options = {}) {
  return marching_cubes(typename Values::execution_space{}, values, grid, options);
}

template <class Values, ImplicitField Field>
  requires Kokkos::is_view<Values>::value
TriMesh<typename Values::non_const_value_type> marching_cubes(
    const Values& values, const GridSpec<typename Values::non_const_value_type>& grid, const Field& field,
    const MarchingCubesOptions<typename Values::non_const_value_type>& options = {}) {
  return marching_cubes(typename Values::execution_space{}, values, grid, field, options);
}

}  // namespace hifa
