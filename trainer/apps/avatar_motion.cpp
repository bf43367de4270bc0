#include "avatar_motion.hpp"

#include "hifa/core/error.hpp"
#include "hifa/io/npy.hpp"
#include "hifa/mesh/obj_io.hpp"

#include <span>
#include <string>
#include <vector>

namespace hifa::app {
namespace {

Skeleton<double> rest_skeleton_of(const SmplModel<float>& model) {
  const Skeleton<float> s = rest_skeleton(model, std::span<const float>());
  return {s.parents, s.names, s.rest_joints.cast<double>()};
}

}  // namespace

AvatarMotion::AvatarMotion(const SmplModel<float>& model, const BvhMotion& motion, int every)
    : skeleton(rest_skeleton_of(model)), library(retarget(motion, skeleton, every)) {}

std::size_t AvatarMotion::liveliest_frame() const {
  std::size_t best = 0;
  double most = -1;
  for (std::size_t f = 0; f < library.poses.size(); ++f) {
    const auto& angles = library.poses[f].axis_angle;
    const double turn = angles.bottomRows(angles.rows() - 1).rowwise().norm().sum();
    if (turn > most) {
      most = turn;
      best = f;
    }
  }
  return best;
}

TriMesh<float> AvatarMotion::pose(const AvatarSpace& space, std::size_t frame, const TriMesh<float>& canonical,
                                  const SkinningWeights<AvatarMemory>& weights) const {
  if (frame >= library.poses.size()) {
    throw Error("motion", "frame " + std::to_string(frame) + " asked for, the motion has " + std::to_string(library.poses.size()));
  }
  const BodyPose& pose = library.poses[frame];
  const auto fk = forward_kinematics(skeleton, rotations_from_axis_angle(pose.axis_angle_span()), pose.translation);
  const LbsWarper<AvatarMemory> warper{upload_transforms<AvatarMemory>(space, fk.skinning), weights};
  return warp_mesh(space, warper, canonical);
}

Avatar read_avatar(const std::filesystem::path& folder, const AvatarMotion& motion) {
  Avatar a{read_obj(folder / "canonical.obj"), {}};
  a.weights = read_avatar_weights(folder / "weights.npy", std::size_t(a.canonical.vertex_count()), std::size_t(motion.skeleton.joint_count()));
  return a;
}

WeightMatrix read_avatar_weights(const std::filesystem::path& file, std::size_t vertices, std::size_t joints) {
  const NpyArray a = read_npy(file);
  if (a.shape.size() != 2 || a.shape[0] != vertices || a.shape[1] != joints) {
    throw Error(file.string(), "weights are " + a.shape_string() + ", expected (" + std::to_string(vertices) + ", " +
                                   std::to_string(joints) + ") for the mesh's vertices and the body's joints");
  }
  const std::vector<float> values = a.values<float>(file.string());
  WeightMatrix w = Eigen::Map<const WeightMatrix>(values.data(), Eigen::Index(vertices), Eigen::Index(joints));
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    const float sum = w.row(i).sum();
    if (!w.row(i).allFinite() || w.row(i).minCoeff() < 0 || !(sum > 0)) {
      throw Error(file.string(), "row " + std::to_string(i) + " is not a weight row (finite, non-negative, positive sum)");
    }
    w.row(i) /= sum;
  }
  return w;
}

SkinningWeights<AvatarMemory> upload_weights(const AvatarSpace& space, const WeightMatrix& weights) {
  SkinningWeights<AvatarMemory> out(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::avatar::weights"),
                                    std::size_t(weights.rows()), std::size_t(weights.cols()));
  const Kokkos::View<const float**, Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> host(
      weights.data(), std::size_t(weights.rows()), std::size_t(weights.cols()));
  Kokkos::deep_copy(space, out, host);
  space.fence();
  return out;
}

}  // namespace hifa::app
