#pragma once
// The shape space of hifa's OpenBody: 10 documented, linear shape blend shapes (SMPL's shapedirs,
// T(β) = v_template + Σ_s β_s D_s) built from the body's skeleton and skinning weights.
//
//   RowMatrixX<float> dirs = hifa::open_body_shapedirs(rest, marks, weights);   // 3#V x 10
//   hifa::open_body_shape_names[s]                                              // "height", ...
//
// Inputs:  rest     #V x 3 rest vertices
//          marks    their BodyLandmarks (hifa/body/landmarks.hpp): joints j_k, leaf ends, floor
//          weights  #V x 24 skinning weights w_vk (rows summing to 1)
// Each parameter is a displacement field D_s(v) = Σ_k w_vk u_k(v), linear in β by construction
// (β_s scales the field). With a_k the unit axis of joint k's bone (to its first child or leaf end,
// hifa/body/joint_regressor.hpp's smpl_bone_end):
//   stretch by ε_k along a_k   the joints below move rigidly, T_c = T_k + ε_k ((j_c - j_k) · a_k) a_k
//                              (T_root = 0), and u_k(v) = T_k + ε_k ((v - j_k) · a_k) a_k; lengths that
//                              move the feet are followed by a vertical shift of the whole body
//                              that keeps the feet's mean height (the body stands on the floor)
//   radial by ε_k about a_k    u_k(v) = ε_k (the part of v - j_k normal to a_k)
// One unit of β (the result at β = ±1 is a plausible person; ±3 is extreme):
//   0 height          uniform scale by 5% about the floor point below the pelvis
//   1 leg_length      thigh and shank bones (hips, knees) stretched 5%, body lifted to keep the feet
//   2 arm_length      upper arm and forearm (shoulders, elbows) stretched 5%
//   3 torso_length    spine1..spine3 stretched 5%, body lifted
//   4 shoulder_width  collar bones stretched 10% (shoulders move out, arms follow)
//   5 hip_width       the pelvis stretched 10% along x (hips and legs move apart)
//   6 girth           radial 5% about every bone but the head, hands and feet
//   7 belly           the front of pelvis, spine1, spine2 pushed forward (+z) by 10%, 20%, 15% of
//                     its distance in front of the joint (a belly, not a uniform girth)
//   8 chest           radial 8% about spine2 and spine3
//   9 head_size       the head (vertices weighted on joint head) scaled by 5% about the neck joint
// Joints follow through the model's J_regressor (hifa/body/joint_regressor.hpp), not these fields.
// Outputs: 3#V x 10 RowMatrixX<float> in SMPL's layout (row 3v + c, column s).
// Errors:  hifa::Error naming "open_body_shapedirs" when rest and weights disagree in size.
// Cost:    O(#V · 24) per parameter.

#include "hifa/body/body_model.hpp"
#include "hifa/body/joint_regressor.hpp"
#include "hifa/body/landmarks.hpp"
#include "hifa/core/error.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <array>
#include <string>
#include <string_view>

namespace hifa {

inline constexpr int open_body_shape_count = 10;
inline constexpr std::array<std::string_view, open_body_shape_count> open_body_shape_names = {
    "height", "leg_length", "arm_length", "torso_length", "shoulder_width",
    "hip_width", "girth", "belly", "chest", "head_size"};

namespace detail {

using JointField = std::array<float, smpl_joint_count>;

struct ShapeRig {
  const RowMatrix3<float>& rest;
  const BodyLandmarks& marks;
  const RowMatrixX<float>& weights;
  std::array<Vec3f, smpl_joint_count> axis;

  Vec3f joint(int k) const { return marks.joints.row(k).transpose(); }

  // Σ_k w_vk u_k(v) for the per-joint displacement u(k, v).
  template <class U>
  RowMatrix3<float> blend(const U& u) const {
    RowMatrix3<float> d = RowMatrix3<float>::Zero(rest.rows(), 3);
    for (Eigen::Index v = 0; v < rest.rows(); ++v) {
      const Vec3f p = rest.row(v).transpose();
      for (int k = 0; k < smpl_joint_count; ++k)
        if (weights(v, k) != 0.0f) d.row(v) += weights(v, k) * u(k, p).transpose();
    }
    return d;
  }

  // Bones stretched by eps[k] along `along[k]` (default: the bone axes); keep_feet lifts the body
  // so the feet keep their height.
  RowMatrix3<float> stretch(const JointField& eps, const std::array<Vec3f, smpl_joint_count>& along, bool keep_feet) const {
    std::array<Vec3f, smpl_joint_count> moved{};
    moved[0] = Vec3f::Zero();
    for (int k = 1; k < smpl_joint_count; ++k) {
      const int p = smpl_parents[std::size_t(k)];
      moved[std::size_t(k)] = moved[std::size_t(p)] + eps[std::size_t(p)] * (joint(k) - joint(p)).dot(along[std::size_t(p)]) * along[std::size_t(p)];
    }
    const Vec3f lift = keep_feet ? Vec3f(0, -0.5f * (moved[10].y() + moved[11].y()), 0) : Vec3f::Zero();
    return blend([&](int k, const Vec3f& p) -> Vec3f {
      return moved[std::size_t(k)] + eps[std::size_t(k)] * (p - joint(k)).dot(along[std::size_t(k)]) * along[std::size_t(k)] + lift;
    });
  }

  RowMatrix3<float> radial(const JointField& eps) const {
    return blend([&](int k, const Vec3f& p) -> Vec3f {
      const Vec3f r = p - joint(k);
      return eps[std::size_t(k)] * (r - r.dot(axis[std::size_t(k)]) * axis[std::size_t(k)]);
    });
  }
};

inline JointField joint_field(std::initializer_list<std::pair<int, float>> values) {
  JointField f{};
  for (const auto& [k, v] : values) f[std::size_t(k)] = v;
  return f;
}

}  // namespace detail

inline RowMatrixX<float> open_body_shapedirs(const RowMatrix3<float>& rest, const BodyLandmarks& marks,
                                             const RowMatrixX<float>& weights) {
  if (weights.rows() != rest.rows() || weights.cols() != smpl_joint_count || marks.joints.rows() != smpl_joint_count) {
    throw Error("open_body_shapedirs", "weights are " + std::to_string(weights.rows()) + " x " +
                                           std::to_string(weights.cols()) + " for " + std::to_string(rest.rows()) +
                                           " vertices, expected #V x 24 (and 24 joints)");
  }
  detail::ShapeRig rig{rest, marks, weights, {}};
  for (int k = 0; k < smpl_joint_count; ++k) rig.axis[std::size_t(k)] = (smpl_bone_end(marks, k) - rig.joint(k)).normalized();
  using detail::joint_field;
  std::array<Vec3f, smpl_joint_count> across{};
  across.fill(Vec3f::UnitX());

  std::array<RowMatrix3<float>, open_body_shape_count> fields;
  const Vec3f base(rig.joint(0).x(), marks.floor, rig.joint(0).z());
  fields[0] = 0.05f * (rest.rowwise() - base.transpose());
  fields[1] = rig.stretch(joint_field({{1, 0.05f}, {2, 0.05f}, {4, 0.05f}, {5, 0.05f}}), rig.axis, true);
  fields[2] = rig.stretch(joint_field({{16, 0.05f}, {17, 0.05f}, {18, 0.05f}, {19, 0.05f}}), rig.axis, false);
  fields[3] = rig.stretch(joint_field({{3, 0.05f}, {6, 0.05f}, {9, 0.05f}}), rig.axis, true);
  fields[4] = rig.stretch(joint_field({{13, 0.10f}, {14, 0.10f}}), rig.axis, false);
  fields[5] = rig.stretch(joint_field({{0, 0.10f}}), across, false);
  detail::JointField girth{};
  girth.fill(0.05f);
  for (int k : {10, 11, 15, 22, 23}) girth[std::size_t(k)] = 0.0f;
  fields[6] = rig.radial(girth);
  const auto belly = joint_field({{0, 0.10f}, {3, 0.20f}, {6, 0.15f}});
  fields[7] = rig.blend([&](int k, const Vec3f& p) -> Vec3f {
    return Vec3f(0, 0, belly[std::size_t(k)] * std::max(0.0f, p.z() - rig.joint(k).z()));
  });
  fields[8] = rig.radial(joint_field({{6, 0.08f}, {9, 0.08f}}));
  const Vec3f neck = rig.joint(12);
  fields[9] = rig.blend([&](int k, const Vec3f& p) -> Vec3f { return k == 15 ? Vec3f(0.05f * (p - neck)) : Vec3f::Zero(); });

  RowMatrixX<float> dirs(3 * rest.rows(), open_body_shape_count);
  for (int s = 0; s < open_body_shape_count; ++s)
    dirs.col(s) = Eigen::Map<const Eigen::VectorXf>(fields[std::size_t(s)].data(), 3 * rest.rows());
  return dirs;
}

}  // namespace hifa
