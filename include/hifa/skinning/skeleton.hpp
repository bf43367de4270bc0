#pragma once
// A joint hierarchy and its forward kinematics, as SMPL defines them (Loper et al., "SMPL: A Skinned
// Multi-Person Linear Model", SIGGRAPH Asia 2015, Eq. 2-4).
//
//   auto skeleton = hifa::smpl_skeleton(rest_joints);          // 24 joints, SMPL's tree and names
//   auto pose = hifa::rotations_from_axis_angle(axis_angle);   // K x 3 axis-angle -> K rotations
//   auto fk = hifa::forward_kinematics(skeleton, pose, translation);
//   fk.global[k]     // G_k: joint k's frame in posed space (4 x 4)
//   fk.skinning[k]   // A_k = G_k · [I | -j_k]: rest-pose point -> posed point for a point bound to k
//
// Skeleton{parents, names, rest_joints}: any rig, not only SMPL's.
//   parents      K ints; parents[0] = -1 (the root) and 0 <= parents[k] < k for k > 0, so a joint
//                comes after its parent (SMPL's kintree order) and one pass over k computes the tree
//   names        K strings (may be empty strings, must be K of them)
//   rest_joints  K x 3, the joint positions j_k in the rest (canonical) pose, in the body's units
// Pose: K rotation matrices R_k, each joint's rotation relative to its parent (R_0: the root's
// global orientation), and a root translation t added in posed space (SMPL's `trans`).
//
// Outputs of forward_kinematics (SMPL Eq. 3-4):
//   G_0 = [R_0 | j_0],  G_k = G_parent(k) · [R_k | j_k - j_parent(k)],  then t added to every G_k;
//   A_k = G_k · [I | -j_k], the rest-relative transform LBS blends (SMPL's "G'_k", Eq. 4): a rest
//   point x bound rigidly to joint k moves to A_k x, and A_k maps j_k to joint k's posed position.
//   At the rest pose (every R_k = I, t = 0) every A_k is the identity, up to the rounding of
//   summing the joint offsets down the chain (a few ulps of the joint coordinates).
// Errors: hifa::Error naming "Skeleton" (parents not a forward tree, names or rest joints not K,
//   non-finite rest joints), "forward_kinematics" (K rotations expected, non-finite rotation or
//   translation), "rotations_from_axis_angle" (length not a multiple of 3).
// Cost: O(K) 4 x 4 products on the host; K is tens of joints, so no kernel is worth launching.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Eigen/Core>
#include <Eigen/Geometry>

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hifa {

template <class T = float>
struct Skeleton {
  using scalar = T;

  std::vector<int> parents;
  std::vector<std::string> names;
  RowMatrix3<T> rest_joints;

  int joint_count() const { return int(parents.size()); }

  // The index of the joint called `name`, or -1.
  int find(std::string_view name) const {
    for (std::size_t k = 0; k < names.size(); ++k)
      if (names[k] == name) return int(k);
    return -1;
  }

  // Throws hifa::Error naming "Skeleton" and the offending joint when the skeleton cannot be posed.
  void validate() const {
    const std::size_t k = parents.size();
    if (k == 0) throw Error("Skeleton", "no joints; a skeleton needs at least a root");
    if (names.size() != k) {
      throw Error("Skeleton", std::to_string(names.size()) + " names for " + std::to_string(k) + " joints");
    }
    if (std::size_t(rest_joints.rows()) != k) {
      throw Error("Skeleton", std::to_string(rest_joints.rows()) + " rest joint positions for " +
                                  std::to_string(k) + " joints");
    }
    if (parents[0] != -1) throw Error("Skeleton", "joint 0 (the root) must have parent -1, got " + std::to_string(parents[0]));
    for (std::size_t j = 1; j < k; ++j) {
      if (parents[j] < 0 || parents[j] >= int(j)) {
        throw Error("Skeleton", "joint " + std::to_string(j) + " has parent " + std::to_string(parents[j]) +
                                    "; parents must come first (0 <= parent < joint)");
      }
    }
    if (!rest_joints.allFinite()) throw Error("Skeleton", "a rest joint position is not finite");
  }
};

using Skeletonf = Skeleton<float>;
using Skeletond = Skeleton<double>;

// SMPL's kinematic tree (the model file's kintree_table row 0) and joint names, in SMPL's order.
inline constexpr int smpl_joint_count = 24;
inline constexpr std::array<int, smpl_joint_count> smpl_parents = {
    -1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21};
inline constexpr std::array<std::string_view, smpl_joint_count> smpl_joint_names = {
    "pelvis",        "left_hip",       "right_hip",      "spine1",      "left_knee",   "right_knee",
    "spine2",        "left_ankle",     "right_ankle",    "spine3",      "left_foot",   "right_foot",
    "neck",          "left_collar",    "right_collar",   "head",        "left_shoulder", "right_shoulder",
    "left_elbow",    "right_elbow",    "left_wrist",     "right_wrist", "left_hand",   "right_hand"};

// A 24-joint skeleton with SMPL's tree and names at the given rest joints (24 x 3; for an SMPL
// model, J_regressor · v_template for the chosen shape). Throws hifa::Error naming "smpl_skeleton"
// when rest_joints does not have 24 rows.
template <class T>
Skeleton<T> smpl_skeleton(const RowMatrix3<T>& rest_joints) {
  if (rest_joints.rows() != smpl_joint_count) {
    throw Error("smpl_skeleton", "expected 24 rest joints, got " + std::to_string(rest_joints.rows()));
  }
  Skeleton<T> s;
  s.parents.assign(smpl_parents.begin(), smpl_parents.end());
  for (const auto name : smpl_joint_names) s.names.emplace_back(name);
  s.rest_joints = rest_joints;
  s.validate();
  return s;
}

// Rodrigues' formula (SMPL Eq. 1): the rotation by |w| radians about w / |w|. Near w = 0 the
// Taylor series of sin(θ)/θ and (1 - cos θ)/θ² is used, so tiny angles (and exactly 0) are exact
// to rounding instead of dividing 0 by 0.
template <class T>
Mat3<T> rodrigues(const Vec3<T>& w) {
  const T theta2 = w.squaredNorm();
  T a, b;  // R = I + a [w]x + b [w]x²
  if (theta2 < T(1e-8)) {
    a = T(1) - theta2 / T(6);
    b = T(0.5) - theta2 / T(24);
  } else {
    const T theta = std::sqrt(theta2);
    a = std::sin(theta) / theta;
    b = (T(1) - std::cos(theta)) / theta2;
  }
  Mat3<T> k;
  k << T(0), -w.z(), w.y(), w.z(), T(0), -w.x(), -w.y(), w.x(), T(0);
  return Mat3<T>::Identity() + a * k + b * (k * k);
}

// K rotations from K x 3 axis-angle values (SMPL's θ, joint after joint).
template <class T>
std::vector<Mat3<T>> rotations_from_axis_angle(std::span<const T> axis_angle) {
  if (axis_angle.size() % 3 != 0) {
    throw Error("rotations_from_axis_angle",
                "length " + std::to_string(axis_angle.size()) + " is not a multiple of 3 (K x 3 axis-angle)");
  }
  std::vector<Mat3<T>> r(axis_angle.size() / 3);
  for (std::size_t k = 0; k < r.size(); ++k)
    r[k] = rodrigues(Vec3<T>(axis_angle[3 * k], axis_angle[3 * k + 1], axis_angle[3 * k + 2]));
  return r;
}

template <class T>
struct JointTransforms {
  std::vector<Mat4<T>> global;    // G_k, joint k's posed frame
  std::vector<Mat4<T>> skinning;  // A_k = G_k · [I | -j_k]

  // Joint k's posed position (the translation of G_k).
  Vec3<T> joint(std::size_t k) const { return global[k].template block<3, 1>(0, 3); }
};

// Forward kinematics (SMPL Eq. 3-4) for K rotations relative to the parents and a root translation.
template <class T>
JointTransforms<T> forward_kinematics(const Skeleton<T>& skeleton, std::span<const Mat3<T>> rotations,
                                      const Vec3<T>& translation = Vec3<T>::Zero()) {
  skeleton.validate();
  const std::size_t k_count = skeleton.parents.size();
  if (rotations.size() != k_count) {
    throw Error("forward_kinematics",
                std::to_string(rotations.size()) + " rotations for " + std::to_string(k_count) + " joints");
  }
  if (!translation.allFinite()) throw Error("forward_kinematics", "the root translation is not finite");
  JointTransforms<T> out{std::vector<Mat4<T>>(k_count), std::vector<Mat4<T>>(k_count)};
  for (std::size_t k = 0; k < k_count; ++k) {
    if (!rotations[k].allFinite()) {
      throw Error("forward_kinematics", "rotation of joint " + std::to_string(k) + " (" + skeleton.names[k] +
                                            ") is not finite");
    }
    const int p = skeleton.parents[k];
    const Vec3<T> j = skeleton.rest_joints.row(Eigen::Index(k)).transpose();
    Mat4<T> local = Mat4<T>::Identity();
    local.template block<3, 3>(0, 0) = rotations[k];
    local.template block<3, 1>(0, 3) = p < 0 ? j : Vec3<T>(j - skeleton.rest_joints.row(p).transpose());
    // Parents come first, so G_parent is final here; it still lacks t, which is added after the
    // whole chain so it is not rotated by the children.
    out.global[k] = p < 0 ? local : Mat4<T>(out.global[std::size_t(p)] * local);
  }
  for (std::size_t k = 0; k < k_count; ++k) {
    const Vec3<T> j = skeleton.rest_joints.row(Eigen::Index(k)).transpose();
    Mat4<T>& g = out.global[k];
    Mat4<T>& a = out.skinning[k];
    // A_k = G_k · [I | -j_k]: G_k's rotation, and G_k's translation minus that rotation times j_k.
    a = g;
    a.template block<3, 1>(0, 3) = g.template block<3, 1>(0, 3) - g.template block<3, 3>(0, 0) * j;
    g.template block<3, 1>(0, 3) += translation;
    a.template block<3, 1>(0, 3) += translation;
  }
  return out;
}

template <class T>
JointTransforms<T> forward_kinematics(const Skeleton<T>& skeleton, const std::vector<Mat3<T>>& rotations,
                                      const Vec3<T>& translation = Vec3<T>::Zero()) {
  return forward_kinematics(skeleton, std::span<const Mat3<T>>(rotations), translation);
}

// Forward kinematics from K x 3 axis-angle values (SMPL's θ).
template <class T>
JointTransforms<T> forward_kinematics_axis_angle(const Skeleton<T>& skeleton, std::span<const T> axis_angle,
                                                 const Vec3<T>& translation = Vec3<T>::Zero()) {
  const auto rotations = rotations_from_axis_angle(axis_angle);
  return forward_kinematics(skeleton, std::span<const Mat3<T>>(rotations), translation);
}

}  // namespace hifa
