#pragma once
// A canonical avatar -- a mesh in the body's rest pose with per-vertex skinning weights, as CAR's
// canonical.obj and weights.npy -- posed by BVH motion retargeted onto the body's 24 SMPL joints
// (hifa/motion/retarget.hpp): hifa animate writes every kept frame, hifa demo's sheet draws one.
//
//   const auto model = SmplModel<float>::load("data/body/open_body.npz");
//   const AvatarMotion motion(model, load_bvh("data/motion/01_01.bvh"), /*every=*/1);
//   const WeightMatrix w = read_avatar_weights("weights.npy", canonical.vertex_count(), 24);
//   TriMesh<float> frame = motion.pose(space, 60, canonical, upload_weights(space, w));
//
// The skeleton is the body's rest skeleton without shape coefficients (what hifa animate has
// always used). Errors (hifa::Error naming the file): weights of another shape, a row that is not
// finite, non-negative with a positive sum; a frame out of range.

#include "hifa/body/smpl_model.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/motion/bvh.hpp"
#include "hifa/motion/retarget.hpp"
#include "hifa/skinning/lbs.hpp"
#include "hifa/skinning/skeleton.hpp"
#include "hifa/skinning/weights.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <filesystem>

namespace hifa::app {

using AvatarSpace = Kokkos::DefaultExecutionSpace;
using AvatarMemory = AvatarSpace::memory_space;

struct AvatarMotion {
  Skeleton<double> skeleton;
  PoseLibrary library;

  AvatarMotion(const SmplModel<float>& model, const BvhMotion& motion, int every);
  // The kept frame farthest from the rest pose: the largest sum of joint rotation angles, the root's
  // own turn left out (so the avatar still faces the way the motion starts). hifa demo's sheet shows
  // it, where reposing shows most.
  std::size_t liveliest_frame() const;
  // The canonical mesh posed by LBS with frame `frame` of the library (vertices and normals).
  TriMesh<float> pose(const AvatarSpace& space, std::size_t frame, const TriMesh<float>& canonical,
                      const SkinningWeights<AvatarMemory>& weights) const;
};

// W.npy, a (vertices, joints) float array; rows normalized to sum 1.
WeightMatrix read_avatar_weights(const std::filesystem::path& file, std::size_t vertices, std::size_t joints);

// An avatar folder as hifa reconstruct and eval-run write it: canonical.obj and its weights.npy
// (vertices x the skeleton's joints).
struct Avatar {
  TriMesh<float> canonical;
  WeightMatrix weights;
};
Avatar read_avatar(const std::filesystem::path& folder, const AvatarMotion& motion);

SkinningWeights<AvatarMemory> upload_weights(const AvatarSpace& space, const WeightMatrix& weights);

}  // namespace hifa::app
