#pragma once
// Area-weighted samples of a mesh's surface with its face normals, as one tensor: what CAR's
// refinement anchors to, the hypernetwork reads and its meta-learning tasks fit.
//
//   torch::Tensor s = surface_samples(mesh, 4096, seed);   // N x 6 on the CPU: xyz, unit face normal
//
// The toolkit's SurfaceSampler (hifa/sampling/surface.hpp) on the mesh without its vertex normals
// (a marching-cubes or posed mesh's may be missing or stale), so the normals are the faces'. Same
// values for the same mesh, count and seed.

#include "hifa/mesh/tri_mesh.hpp"

#include <torch/torch.h>

#include <cstdint>

namespace hifa::trainer {

torch::Tensor surface_samples(const TriMeshf& mesh, int count, std::uint64_t seed);

}  // namespace hifa::trainer
