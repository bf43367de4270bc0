#pragma once
// Joint limits and prior weights for fitting a body to a scan (scan_fit.hpp), per SMPL joint and
// axis-angle component, radians, in the body's frame (y up, facing +z, its left at +x; rest =
// OpenBody's A-pose, 0), the same conventions as hifa/synth/pose.hpp's limits.
//
// Why not synth's limits: those keep synthetic poses to everyday standing stances (hips flex to 70
// degrees, knees to 90); the scans to fit also sit, kneel, lie and hold things, so these are the
// anatomical ranges instead (hips flex to 130 degrees, knees to 150, elbows to 150, shoulders raise
// the arm overhead). The root (joint 0) is free.
//
// pose_prior_weight: the weight of |θ_k|² in the pose prior (scan_fit.cpp). Joints the clothing
// hides or that barely change the surface (collars, wrists, hands, feet) get more of it, so the
// fit does not twist them to chase cloth folds; the large joints get little.

#include "hifa/core/types.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <array>

namespace hifa::trainer {

struct FitJointLimit {
  Vec3f low, high;
  float pose_prior_weight;
};

inline const std::array<FitJointLimit, smpl_joint_count>& fit_joint_limits() {
  constexpr float d = 3.14159265f / 180.0f;
  const auto L = [d](float x0, float x1, float y0, float y1, float z0, float z1, float prior) {
    return FitJointLimit{Vec3f(x0 * d, y0 * d, z0 * d), Vec3f(x1 * d, y1 * d, z1 * d), prior};
  };
  constexpr float big = 1e3f;  // the root: no limit
  static const std::array<FitJointLimit, smpl_joint_count> limits = {
      L(-big, big, -big, big, -big, big, 0),  // pelvis (global orientation)
      L(-130, 30, -45, 45, -20, 60, 0.2f),    // left_hip (x < 0 flexes forwards, z > 0 spreads)
      L(-130, 30, -45, 45, -60, 20, 0.2f),    // right_hip
      L(-25, 45, -35, 35, -25, 25, 0.5f),     // spine1
      L(0, 150, -10, 10, -10, 10, 0.2f),      // left_knee (bends back only)
      L(0, 150, -10, 10, -10, 10, 0.2f),      // right_knee
      L(-20, 35, -30, 30, -20, 20, 0.5f),     // spine2
      L(-40, 45, -25, 25, -25, 25, 1.0f),     // left_ankle
      L(-40, 45, -25, 25, -25, 25, 1.0f),     // right_ankle
      L(-20, 35, -30, 30, -20, 20, 0.5f),     // spine3
      L(-20, 20, -10, 10, -10, 10, 2.0f),     // left_foot
      L(-20, 20, -10, 10, -10, 10, 2.0f),     // right_foot
      L(-40, 50, -60, 60, -35, 35, 0.5f),     // neck
      L(-15, 15, -25, 25, -25, 25, 2.0f),     // left_collar
      L(-15, 15, -25, 25, -25, 25, 2.0f),     // right_collar
      L(-40, 45, -60, 60, -35, 35, 0.5f),     // head
      L(-70, 70, -100, 60, -60, 130, 0.1f),   // left_shoulder (z > 0 raises the arm)
      L(-70, 70, -60, 100, -130, 60, 0.1f),   // right_shoulder
      L(-45, 45, -150, 5, -15, 15, 0.1f),     // left_elbow (bends about y)
      L(-45, 45, -5, 150, -15, 15, 0.1f),     // right_elbow
      L(-70, 70, -45, 45, -70, 70, 1.0f),     // left_wrist
      L(-70, 70, -45, 45, -70, 70, 1.0f),     // right_wrist
      L(-20, 20, -20, 20, -20, 20, 2.0f),     // left_hand
      L(-20, 20, -20, 20, -20, 20, 2.0f),     // right_hand
  };
  return limits;
}

}  // namespace hifa::trainer
