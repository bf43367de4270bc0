#pragma once
// Closed test meshes from analytic fields (marching cubes over [-1, 1]^3): the torus and spheres of
// the spatial and metrics tests.

#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Kokkos_Core.hpp>

namespace hifa::test {

// The field's zero level on a resolution^3 grid over [-1, 1]^3.
template <class Field>
TriMeshf marching_cubes_of(const Field& field, int resolution) {
  const Kokkos::DefaultHostExecutionSpace space;
  const auto grid = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), resolution);
  return marching_cubes(space, evaluate_grid(space, field, grid), grid);
}

// An off-centre torus (radii 0.6 and 0.25) at 40^3.
inline TriMeshf test_torus() { return marching_cubes_of(Torus<float>{Vec3f(0.05f, -0.02f, 0.03f), 0.6f, 0.25f}, 40); }

}  // namespace hifa::test
