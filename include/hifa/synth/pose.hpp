#pragma once
// Seeded body poses within joint limits, for synthetic subjects: SMPL's θ (24 joints x 3
// axis-angle, each relative to its parent; joint 0 the global orientation) and a root translation.
//
//   hifa::synth::Pose pose = hifa::synth::random_pose(seed);
//   hifa::synth::Pose near = hifa::synth::perturb_pose(library_pose, seed, 0.15f);
//
// Joint limits (joint_limits, radians, per axis-angle component, in the body's frame: y up, the
// subject facing +z, its left at +x; rest = the body model's rest pose, 0). Chosen for everyday
// stances from an A-pose rest: hips flex forward to 70 degrees (x < 0 swings a leg forwards) and
// spread by 25; knees bend back to 90 (x > 0); shoulders raise by 55 degrees or lower by 20 (z, left
// positive), swing forwards or back (y); elbows bend up to 100 degrees about y; spine, neck and head
// turn and bend moderately; wrists, ankles and feet a little. The root turns about y by up to 25
// degrees (hifa prepare renders all around the subject anyway).
// random_pose draws each component uniformly inside its limits; perturb_pose adds N(0, sigma²) to
// each component of a given pose and clamps the joints (not the root: a library pose keeps its
// own orientation) to the limits (library poses beyond a limit are kept at the limit). These limits keep most poses free of self-intersection, not all (an arm can still
// swing into the torso): the synthetic mesh is posed by LBS, which does not prevent it.
// Errors: hifa::Error naming "perturb_pose" when the pose is not 24 x 3.

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/core/types.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace hifa::synth {

struct Pose {
  std::vector<float> axis_angle;  // 24 x 3, joint after joint
  Vec3f translation = Vec3f::Zero();
};

struct JointLimit {
  Vec3f low, high;
};

inline const std::array<JointLimit, smpl_joint_count>& joint_limits() {
  constexpr float d = 3.14159265f / 180.0f;
  const auto L = [d](float x0, float x1, float y0, float y1, float z0, float z1) {
    return JointLimit{Vec3f(x0 * d, y0 * d, z0 * d), Vec3f(x1 * d, y1 * d, z1 * d)};
  };
  static const std::array<JointLimit, smpl_joint_count> limits = {
      L(-5, 5, -25, 25, -5, 5),      // pelvis (global orientation)
      L(-70, 15, -20, 20, -5, 25),   // left_hip
      L(-70, 15, -20, 20, -25, 5),   // right_hip
      L(-10, 20, -15, 15, -10, 10),  // spine1
      L(0, 90, -5, 5, -3, 3),        // left_knee
      L(0, 90, -5, 5, -3, 3),        // right_knee
      L(-5, 15, -15, 15, -8, 8),     // spine2
      L(-20, 20, -10, 10, -10, 10),  // left_ankle
      L(-20, 20, -10, 10, -10, 10),  // right_ankle
      L(-5, 15, -15, 15, -8, 8),     // spine3
      L(-10, 10, -5, 5, -5, 5),      // left_foot
      L(-10, 10, -5, 5, -5, 5),      // right_foot
      L(-15, 25, -30, 30, -15, 15),  // neck
      L(-5, 5, -10, 10, -10, 10),    // left_collar
      L(-5, 5, -10, 10, -10, 10),    // right_collar
      L(-15, 20, -30, 30, -15, 15),  // head
      L(-30, 30, -45, 35, -20, 55),  // left_shoulder
      L(-30, 30, -35, 45, -55, 20),  // right_shoulder
      L(-20, 20, -100, 0, -5, 5),    // left_elbow
      L(-20, 20, 0, 100, -5, 5),     // right_elbow
      L(-30, 30, -20, 20, -30, 30),  // left_wrist
      L(-30, 30, -20, 20, -30, 30),  // right_wrist
      L(-10, 10, -10, 10, -10, 10),  // left_hand
      L(-10, 10, -10, 10, -10, 10),  // right_hand
  };
  return limits;
}

inline Pose random_pose(std::uint64_t seed) {
  const CounterRng rng(seed);
  Pose pose;
  pose.axis_angle.resize(3 * smpl_joint_count);
  const auto& limits = joint_limits();
  for (int k = 0; k < smpl_joint_count; ++k) {
    for (int a = 0; a < 3; ++a) {
      const float u = rng.uniform(/*stream=*/0x905e, std::uint64_t(3 * k + a));
      pose.axis_angle[std::size_t(3 * k + a)] = limits[std::size_t(k)].low[a] + u * (limits[std::size_t(k)].high[a] - limits[std::size_t(k)].low[a]);
    }
  }
  return pose;
}

inline Pose perturb_pose(const Pose& base, std::uint64_t seed, float sigma) {
  if (base.axis_angle.size() != std::size_t(3 * smpl_joint_count)) {
    throw Error("perturb_pose", std::to_string(base.axis_angle.size()) + " pose values, expected 72 (24 x 3)");
  }
  const CounterRng rng(seed);
  Pose pose = base;
  const auto& limits = joint_limits();
  for (int k = 0; k < smpl_joint_count; ++k) {
    for (int a = 0; a < 3; ++a) {
      float& v = pose.axis_angle[std::size_t(3 * k + a)];
      v += sigma * rng.normal(/*stream=*/0x9e27, std::uint64_t(3 * k + a));
      if (k > 0) v = std::clamp(v, limits[std::size_t(k)].low[a], limits[std::size_t(k)].high[a]);
    }
  }
  return pose;
}

}  // namespace hifa::synth
