#pragma once
// The closest point on `mesh` of each host point, through a MeshBvh built for the call: for tests
// that check what the BVH's closest-point query returns (distances, faces, barycentrics).

#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/spatial/mesh_bvh.hpp"

#include <Kokkos_Core.hpp>

namespace hifa::test {

inline ClosestPoints<Kokkos::HostSpace> host_closest_points(const TriMesh<float>& mesh,
                                                            const Kokkos::View<float* [3], Kokkos::HostSpace>& points) {
  const Kokkos::DefaultHostExecutionSpace space;
  const MeshBvh<Kokkos::HostSpace> bvh(space, mesh);
  auto out = ClosestPoints<Kokkos::HostSpace>::allocate(space, points.extent(0));
  bvh.closest_points(space, points, out);
  space.fence();
  return out;
}

}  // namespace hifa::test
