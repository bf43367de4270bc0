#include "avatar_glb.hpp"

#include "hifa/io/gltf.hpp"

namespace hifa::app {

void write_avatar_glb(const std::filesystem::path& glb, const AvatarMotion& motion, const TriMesh<float>& canonical,
                      const WeightMatrix& weights) {
  SkeletalAnimation animation;
  animation.frame_time = motion.library.frame_time;
  for (const BodyPose& pose : motion.library.poses) {
    animation.rotations.push_back(rotations_from_axis_angle(pose.axis_angle_span()));
    animation.translations.push_back(pose.translation);
  }
  write_skinned_glb(glb, canonical, motion.skeleton, weights, animation);
}

}  // namespace hifa::app
