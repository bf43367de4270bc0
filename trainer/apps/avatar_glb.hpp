#pragma once
// A canonical avatar as a skinned, animated GLB (hifa/io/gltf.hpp): the mesh bound to the motion's
// body skeleton, every kept frame of the retargeted motion as one animation. hifa animate writes
// it as animation.glb; hifa demo's results page plays it.
//
//   write_avatar_glb("out/animation.glb", AvatarMotion(model, bvh, 1), canonical, weights);

#include "avatar_motion.hpp"

#include <filesystem>

namespace hifa::app {

void write_avatar_glb(const std::filesystem::path& glb, const AvatarMotion& motion, const TriMesh<float>& canonical,
                      const WeightMatrix& weights);

}  // namespace hifa::app
