#pragma once
// A triangle mesh as an implicit field, through its BVH (hifa/spatial/mesh_bvh.hpp), so the grid
// evaluator, marching cubes and samplers run on meshes unchanged:
//
//   hifa::MeshSdf<Kokkos::HostSpace> sdf(mesh);                 // builds the BVH
//   auto values = hifa::evaluate_grid(space, sdf, grid);        // BatchField path
//   auto surface = hifa::marching_cubes(space, values, grid);
//
// MeshSdf<MemorySpace, ExecSpace>        value = signed distance: closest-point distance, negative
//                                        inside (MeshBvh::signed_distances)
// MeshOccupancy<MemorySpace, ExecSpace>  value = 1 where the generalized winding number is >= 0.5,
//                                        else 0 (MeshBvh::occupancies)
//
// Inputs:  a TriMesh<float> (as MeshBvh; outward-oriented faces for a meaningful inside), or an
//          existing MeshBvh<MemorySpace> to share; sign, how MeshSdf tells inside from outside
//          (hifa::SignMethod, see mesh_bvh.hpp; default automatic: the closest feature's
//          pseudo-normal on a closed, manifold mesh without self-intersections, else the winding
//          number; MeshOccupancy builds its BVH with winding_number, the only one it uses); beta,
//          the winding-number accuracy (MeshBvh::default_beta = 2, Barill et al. 2018); ExecSpace
//          defaults to MemorySpace's execution space.
// Outputs: both model hifa::BatchField (scalar float): evaluate(points N x 3, values N) runs on a
//          default ExecSpace instance and fences it, so values are ready on return. Robust to
//          holes, self-intersections and several shells (the winding number decides wherever the
//          pseudo-normal cannot); a mesh stored with both windings of every face has winding
//          number ~0: outside everywhere.
// Copies are cheap and share the BVH (its Views are reference-counted).
// Errors:  as MeshBvh's constructor and its signed_distances / occupancies.

#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/spatial/mesh_bvh.hpp"

#include <Kokkos_Core.hpp>

#include <type_traits>
#include <utility>

namespace hifa {

// What a mesh field's value is: the two fields differ only in the BVH query they run.
enum class MeshFieldKind { signed_distance, occupancy };

template <MeshFieldKind kind, class MemorySpace, class ExecSpace = typename MemorySpace::execution_space>
class MeshField {
 public:
  using scalar = float;
  using execution_space = ExecSpace;
  static_assert(std::is_same_v<typename ExecSpace::memory_space, MemorySpace>,
                "hifa::MeshSdf/MeshOccupancy: ExecSpace's memory space must be the BVH's MemorySpace");

  explicit MeshField(const TriMesh<float>& mesh, float beta = MeshBvh<MemorySpace>::default_beta)
      : MeshField(mesh, kind == MeshFieldKind::signed_distance ? SignMethod::automatic : SignMethod::winding_number,
                  beta) {}
  MeshField(const TriMesh<float>& mesh, SignMethod sign, float beta = MeshBvh<MemorySpace>::default_beta)
      : bvh_(ExecSpace{}, mesh, sign), beta_(beta) {}
  explicit MeshField(MeshBvh<MemorySpace> bvh, float beta = MeshBvh<MemorySpace>::default_beta)
      : bvh_(std::move(bvh)), beta_(beta) {}

  // values(q) = the field at points(q, :); complete on return.
  template <class PointsView, class ValuesView>
  void evaluate(const PointsView& points, const ValuesView& values) const {
    const ExecSpace space;
    if constexpr (kind == MeshFieldKind::signed_distance) {
      bvh_.signed_distances(space, points, values, beta_);
    } else {
      bvh_.occupancies(space, points, values, beta_);
    }
    space.fence();
  }

  const MeshBvh<MemorySpace>& bvh() const { return bvh_; }

 private:
  MeshBvh<MemorySpace> bvh_;
  float beta_;
};

template <class MemorySpace, class ExecSpace = typename MemorySpace::execution_space>
using MeshSdf = MeshField<MeshFieldKind::signed_distance, MemorySpace, ExecSpace>;

template <class MemorySpace, class ExecSpace = typename MemorySpace::execution_space>
using MeshOccupancy = MeshField<MeshFieldKind::occupancy, MemorySpace, ExecSpace>;

}  // namespace hifa
