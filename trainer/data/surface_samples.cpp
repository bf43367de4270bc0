#include "data/surface_samples.hpp"

#include "hifa/sampling/surface.hpp"

#include <Kokkos_Core.hpp>

namespace hifa::trainer {

torch::Tensor surface_samples(const TriMeshf& mesh, int count, std::uint64_t seed) {
  TriMeshf faces_only = mesh;
  faces_only.normals.resize(0, 3);
  const auto s = SurfaceSampler<float>(faces_only).sample(Kokkos::DefaultHostExecutionSpace{}, std::size_t(count), seed);
  const auto rows = [](const RowMatrix3<float>& m) {
    return torch::from_blob(const_cast<float*>(m.data()), {m.rows(), 3}, torch::kFloat32).clone();
  };
  return torch::cat({rows(s.points), rows(s.normals)}, 1);
}

}  // namespace hifa::trainer
