#pragma once
// Retargeting of BVH motion capture (the CMU database's skeleton, and rigs with the common
// Hips/Ab/Chest/LeftCollar/... names) onto a body with SMPL's 24 joints: a pose library of SMPL pose
// parameters θ (24 x 3 axis-angle, each joint relative to its parent) and root translations, one
// per kept frame, that hifa/skinning/skeleton.hpp's forward_kinematics and LBS pose a body with.
//
//   auto motion = hifa::load_bvh("01_01.bvh");
//   auto library = hifa::retarget(motion, body_skeleton, /*every=*/4);   // body_skeleton: 24 SMPL joints
//   auto fk = hifa::forward_kinematics_axis_angle(body_skeleton, library.poses[i].axis_angle_span(),
//                                                 library.poses[i].translation);
//
// 1. Name map (bvh_joint_map below). Each SMPL joint takes its rotation from one BVH joint, the
//    first of a short list of names present in the file and not already taken by an earlier entry
//    (the list is resolved in the table's order, so "LeftShoulder" is the CMU collar when the file
//    also has "LeftArm", and the shoulder of rigs that name their collar "LeftCollar"). BVH joints
//    sit at the start of the bone they rotate (a joint's rotation turns its children), as SMPL's do,
//    so the map pairs joints at corresponding places: CMU LeftUpLeg (at the hip) -> left_hip,
//    LeftLeg -> left_knee, LeftFoot -> left_ankle, LeftToeBase -> left_foot, Spine -> spine1,
//    Spine1 -> spine2, Neck (at the top of Spine1, turning the lower neck) -> spine3, Neck1 -> neck,
//    Head -> head, LeftShoulder -> left_collar, LeftArm -> left_shoulder, LeftForeArm -> left_elbow,
//    LeftHand -> left_wrist, LFingers -> left_hand. CMU's LHipJoint, LowerBack, LeftFingerBase and
//    LThumb have no SMPL counterpart: their rotations still move the mapped joints below them,
//    because step 3 copies global (not local) rotations. An SMPL joint without a BVH joint keeps
//    its parent's global rotation (local rotation identity).
// 2. Rest-pose alignment. The BVH rest pose (every channel 0: CMU's is a T-pose) and the body's rest
//    pose (SMPL: T-pose with other proportions; OpenBody: A-pose) differ, so a BVH rotation cannot
//    be copied as is. For each mapped SMPL joint k with bone direction d_k = j_c - j_k (c its main
//    child: the next joint of the chain, spine1 for the pelvis, neck for spine3) the BVH's rest
//    direction b_k runs from k's BVH joint to the BVH joint of c (further down the chain when those
//    coincide, as CMU's Spine1 and Neck do). The rest offset Q_k is the smallest rotation taking d_k
//    to b_k. The pelvis aligns a frame instead: up (to spine1) and across (right hip to left hip),
//    so the body faces where the BVH faces. Leaves (head, feet, hands) have no child to align:
//    Q_k = Q_parent. The body at the BVH's rest pose is then the body with every bone turned onto
//    the BVH's rest bone: G_k = Q_k.
// 3. Each frame: with R_b the BVH global rotation of joint k's BVH joint (relative to the BVH rest,
//    where every global rotation is I), the body joint's global rotation is G_k = R_b · Q_k: it
//    turns the body's rest bone d_k onto R_b b_k, the BVH bone in this frame. So the body's bone
//    directions are the BVH's for every mapped bone whose BVH bone is rigid with its joint (the
//    tests check this on real CMU frames), twist included. Local rotations θ_k = G_parent^T G_k.
// 4. Root translation, scaled by s = the body's leg length / the BVH's (hip-knee-ankle, mean of both
//    legs): t = s · (p(f) - p_ref), p the BVH root position. Horizontally p_ref is frame 0's root, so
//    the motion starts where the body stands; vertically it is the height of the BVH root above
//    the BVH's lowest rest point (a BVH stands on y = 0: CMU, Mixamo), so a standing BVH frame puts
//    the body at its rest height and jumps and crouches move it by the scaled amount.
// Axes: BVH and body both y up (CMU's and SMPL's convention); other axes are not converted.
// Inputs:  motion   a BvhMotion (bvh.hpp) with at least the root, hips, knees and ankles mapped
//          target   Skeleton<double> with SMPL's 24 joints in SMPL's order (smpl_skeleton), the
//                   body's rest joints in the body's units
//          every    keep frames 0, every, 2·every, ... (>= 1)
// Outputs: PoseLibrary: poses (axis-angle 24 x 3 radians, translation in the body's units, the
//          BVH frame it came from), frame_time = every · the BVH's, sources[k] = the BVH joint of
//          SMPL joint k ("" when unmapped), scale s.
// Errors:  hifa::Error naming "retarget": target not SMPL's 24 joints, a required joint missing
//          from the BVH (with the names tried), every < 1, no frames, a zero-length leg.
// Cost:    O(frames · (BVH joints + 24)).

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/motion/bvh.hpp"
#include "hifa/skinning/skeleton.hpp"

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

struct BvhJointMapEntry {
  std::string_view smpl;                      // SMPL joint name
  std::array<std::string_view, 3> bvh;        // BVH names tried in order ("" ends the list)
  bool required;                              // retargeting fails when none is present
};

// Resolved in this order (see 1. above): neck before spine3 and the shoulders before the collars,
// so that a name two entries list goes to the one it means in that rig.
inline constexpr std::array<BvhJointMapEntry, 24> bvh_joint_map = {{
    {"pelvis", {"Hips", "hip", "Pelvis"}, true},
    {"left_hip", {"LeftUpLeg", "LeftHip", "LeftThigh"}, true},
    {"right_hip", {"RightUpLeg", "RightHip", "RightThigh"}, true},
    {"left_knee", {"LeftLeg", "LeftKnee", "LeftShin"}, true},
    {"right_knee", {"RightLeg", "RightKnee", "RightShin"}, true},
    {"left_ankle", {"LeftFoot", "LeftAnkle", ""}, true},
    {"right_ankle", {"RightFoot", "RightAnkle", ""}, true},
    {"left_foot", {"LeftToeBase", "LeftToes", "LeftToe"}, false},
    {"right_foot", {"RightToeBase", "RightToes", "RightToe"}, false},
    {"spine1", {"Spine", "Ab", "Abdomen"}, false},
    {"spine2", {"Spine1", "Chest", ""}, false},
    {"neck", {"Neck1", "Neck", ""}, false},
    {"spine3", {"Spine2", "Chest2", "Neck"}, false},
    {"head", {"Head", "", ""}, false},
    {"left_shoulder", {"LeftArm", "LeftShoulder", "LeftUpArm"}, false},
    {"right_shoulder", {"RightArm", "RightShoulder", "RightUpArm"}, false},
    {"left_collar", {"LeftCollar", "LeftShoulder", "LeftClavicle"}, false},
    {"right_collar", {"RightCollar", "RightShoulder", "RightClavicle"}, false},
    {"left_elbow", {"LeftForeArm", "LeftElbow", "LeftLowArm"}, false},
    {"right_elbow", {"RightForeArm", "RightElbow", "RightLowArm"}, false},
    {"left_wrist", {"LeftHand", "LeftWrist", ""}, false},
    {"right_wrist", {"RightHand", "RightWrist", ""}, false},
    {"left_hand", {"LFingers", "LeftFingerBase", "LeftHandEnd"}, false},
    {"right_hand", {"RFingers", "RightFingerBase", "RightHandEnd"}, false},
}};

struct BodyPose {
  RowMatrix3<double> axis_angle = RowMatrix3<double>::Zero(smpl_joint_count, 3);  // θ, 24 x 3, radians
  Vec3d translation = Vec3d::Zero();                                             // SMPL's trans
  int source_frame = 0;                                                          // BVH frame

  std::span<const double> axis_angle_span() const { return {axis_angle.data(), std::size_t(axis_angle.size())}; }
};

struct PoseLibrary {
  std::vector<BodyPose> poses;
  double frame_time = 0.0;                                  // seconds between consecutive poses
  std::array<std::string, smpl_joint_count> sources;        // BVH joint of each SMPL joint, "" if none
  double scale = 1.0;                                       // body units per BVH unit
};

// What retargeting needs from the BVH and the body, computed once (steps 1, 2 and 4 above).
struct Retargeting {
  std::array<int, smpl_joint_count> source{};               // BVH joint index, -1 when unmapped
  std::array<Mat3<double>, smpl_joint_count> rest_offset{};  // Q_k (unmapped: unused)
  double scale = 1.0;
  double rest_root_height = 0.0;  // BVH root above the BVH's lowest rest point (BVH units)
  Vec3d first_root = Vec3d::Zero();

  Retargeting(const BvhMotion& motion, const Skeleton<double>& target) {
    if (target.joint_count() != smpl_joint_count) {
      throw Error("retarget", "the target has " + std::to_string(target.joint_count()) + " joints, expected SMPL's 24");
    }
    for (int k = 0; k < smpl_joint_count; ++k) {
      if (target.names[std::size_t(k)] != smpl_joint_names[std::size_t(k)] || target.parents[std::size_t(k)] != smpl_parents[std::size_t(k)]) {
        throw Error("retarget", "target joint " + std::to_string(k) + " is '" + target.names[std::size_t(k)] +
                                    "', expected SMPL's '" + std::string(smpl_joint_names[std::size_t(k)]) + "' (smpl_skeleton)");
      }
    }
    if (motion.frame_count < 1) throw Error("retarget", "the motion has no frames");
    target.validate();
    resolve_names(motion);
    const RowMatrix3<double> rest = bvh_positions(motion, -1);
    const auto& j = target.rest_joints;
    auto bvh_at = [&](int k) -> Vec3d { return rest.row(source[std::size_t(k)]).transpose(); };
    auto body_at = [&](int k) -> Vec3d { return j.row(k).transpose(); };

    // Step 2: rest offsets, parents first (a leaf copies its parent's).
    for (int k = 0; k < smpl_joint_count; ++k) {
      Mat3<double>& q = rest_offset[std::size_t(k)];
      const int p = smpl_parents[std::size_t(k)];
      q = p < 0 ? Mat3<double>::Identity() : rest_offset[std::size_t(p)];
      if (source[std::size_t(k)] < 0) continue;
      const int c = main_child(k);
      if (c < 0) continue;
      const Vec3d d = body_at(c) - body_at(k);
      // The BVH bone: to the first mapped joint down the chain that is not at k's BVH joint.
      Vec3d b = Vec3d::Zero();
      for (int down = c; down >= 0 && b.norm() <= 1e-9 * (1 + bvh_at(k).norm()); down = main_child(down)) {
        if (source[std::size_t(down)] >= 0) b = bvh_at(down) - bvh_at(k);
      }
      if (d.norm() == 0 || b.norm() <= 1e-9 * (1 + bvh_at(k).norm())) continue;
      if (k == 0) {
        const int l = find_smpl("left_hip"), r = find_smpl("right_hip");
        q = frame_alignment(d, body_at(l) - body_at(r), b, bvh_at(l) - bvh_at(r));
      } else {
        q = Mat3<double>(Eigen::Quaterniond::FromTwoVectors(d, b));
      }
    }

    // Step 4: scale and reference root position.
    auto leg = [&](auto at, const char* hip, const char* knee, const char* ankle) {
      return (at(find_smpl(knee)) - at(find_smpl(hip))).norm() + (at(find_smpl(ankle)) - at(find_smpl(knee))).norm();
    };
    const double body_leg = 0.5 * (leg(body_at, "left_hip", "left_knee", "left_ankle") + leg(body_at, "right_hip", "right_knee", "right_ankle"));
    const double bvh_leg = 0.5 * (leg(bvh_at, "left_hip", "left_knee", "left_ankle") + leg(bvh_at, "right_hip", "right_knee", "right_ankle"));
    if (!(body_leg > 0) || !(bvh_leg > 0)) {
      throw Error("retarget", "a zero-length leg (body " + std::to_string(body_leg) + ", BVH " + std::to_string(bvh_leg) + ")");
    }
    scale = body_leg / bvh_leg;
    rest_root_height = rest(0, 1) - rest.col(1).minCoeff();
    first_root = bvh_pose(motion, 0).position(0);
  }

  // The pose of BVH frame f (step 3 and 4).
  BodyPose pose(const BvhMotion& motion, int f) const {
    const BvhPose bvh = bvh_pose(motion, f);
    std::array<Mat3<double>, smpl_joint_count> global;
    BodyPose out;
    out.source_frame = f;
    for (int k = 0; k < smpl_joint_count; ++k) {
      const int p = smpl_parents[std::size_t(k)];
      const int s = source[std::size_t(k)];
      global[std::size_t(k)] = s >= 0 ? Mat3<double>(bvh.global_rotation(s) * rest_offset[std::size_t(k)]) : global[std::size_t(p)];
      const Mat3<double> local = p < 0 ? global[0] : Mat3<double>(global[std::size_t(p)].transpose() * global[std::size_t(k)]);
      out.axis_angle.row(k) = axis_angle_of(local).transpose();
    }
    const Vec3d root = bvh.position(0);
    out.translation = scale * Vec3d(root.x() - first_root.x(), root.y() - rest_root_height, root.z() - first_root.z());
    return out;
  }

  // The unit-angle axis-angle vector of a rotation (|w| in [0, π]).
  static Vec3d axis_angle_of(const Mat3<double>& r) {
    const Eigen::AngleAxisd aa(r);
    return aa.angle() * aa.axis();
  }

 private:
  static int find_smpl(std::string_view name) {
    for (int k = 0; k < smpl_joint_count; ++k)
      if (smpl_joint_names[std::size_t(k)] == name) return k;
    return -1;
  }

  // The child a joint's bone points to (step 2), or -1 for a leaf.
  static int main_child(int k) {
    if (k == 0) return find_smpl("spine1");
    if (k == find_smpl("spine3")) return find_smpl("neck");
    for (int c = k + 1; c < smpl_joint_count; ++c)
      if (smpl_parents[std::size_t(c)] == k) return c;
    return -1;
  }

  // The rotation taking the orthonormal frame of (up_from, across_from) onto that of (up_to,
  // across_to): up exactly, across as nearly as up allows.
  static Mat3<double> frame_alignment(const Vec3d& up_from, const Vec3d& across_from, const Vec3d& up_to, const Vec3d& across_to) {
    auto frame = [](const Vec3d& up, const Vec3d& across) {
      Mat3<double> f;
      f.col(1) = up.normalized();
      f.col(2) = across.cross(up).normalized();
      f.col(0) = f.col(1).cross(f.col(2));
      return f;
    };
    const Mat3<double> from = frame(up_from, across_from), to = frame(up_to, across_to);
    if (!from.allFinite() || !to.allFinite()) return Mat3<double>(Eigen::Quaterniond::FromTwoVectors(up_from, up_to));
    return to * from.transpose();
  }

  void resolve_names(const BvhMotion& motion) {
    source.fill(-1);
    std::vector<bool> used(motion.joints.size(), false);
    for (const BvhJointMapEntry& entry : bvh_joint_map) {
      const int k = find_smpl(entry.smpl);
      std::string tried;
      for (const std::string_view name : entry.bvh) {
        if (name.empty()) break;
        tried += (tried.empty() ? "" : ", ") + std::string(name);
        const int b = motion.find(name);
        if (b >= 0 && !used[std::size_t(b)] && !motion.joints[std::size_t(b)].end_site) {
          source[std::size_t(k)] = b;
          used[std::size_t(b)] = true;
          break;
        }
      }
      if (source[std::size_t(k)] < 0 && entry.required) {
        throw Error("retarget", "the BVH has no joint for SMPL's " + std::string(entry.smpl) + " (tried " + tried + ")");
      }
    }
  }
};

// Retargets frames 0, every, 2·every, ... of `motion` onto `target` (see the top of this file).
inline PoseLibrary retarget(const BvhMotion& motion, const Skeleton<double>& target, int every = 1) {
  if (every < 1) throw Error("retarget", "every must be >= 1, got " + std::to_string(every));
  const Retargeting r(motion, target);
  PoseLibrary library;
  library.frame_time = motion.frame_time * every;
  library.scale = r.scale;
  for (int k = 0; k < smpl_joint_count; ++k) {
    const int s = r.source[std::size_t(k)];
    library.sources[std::size_t(k)] = s >= 0 ? motion.joints[std::size_t(s)].name : std::string();
  }
  for (int f = 0; f < motion.frame_count; f += every) library.poses.push_back(r.pose(motion, f));
  return library;
}

}  // namespace hifa
