#include "hifa/motion/retarget.hpp"

#include "hifa/core/error.hpp"
#include "hifa/motion/bvh.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <numbers>
#include <string>

namespace {

using hifa::Mat3;
using hifa::Vec3d;
constexpr double pi = std::numbers::pi;

// The CMU joint each SMPL joint should take its rotation from (the name map, written out).
const std::array<std::string, 24> cmu_sources = {
    "Hips",     "LeftUpLeg",   "RightUpLeg",   "Spine",        "LeftLeg",       "RightLeg",
    "Spine1",   "LeftFoot",    "RightFoot",    "Neck",         "LeftToeBase",   "RightToeBase",
    "Neck1",    "LeftShoulder", "RightShoulder", "Head",        "LeftArm",       "RightArm",
    "LeftForeArm", "RightForeArm", "LeftHand", "RightHand",    "LFingers",      "RFingers"};

hifa::BvhMotion cmu() { return hifa::load_bvh(HIFA_TEST_CMU_BVH); }

// A body whose rest joints are the CMU rest joints (scaled to metres): every rest bone already
// points where the BVH's does.
hifa::Skeletond cmu_shaped_body(const hifa::BvhMotion& m) {
  const auto rest = hifa::bvh_positions(m, -1);
  hifa::RowMatrix3<double> j(24, 3);
  for (int k = 0; k < 24; ++k) j.row(k) = 0.056 * rest.row(m.find(cmu_sources[std::size_t(k)])) + Eigen::RowVector3d(0.1, 0.9, 0);
  return hifa::smpl_skeleton(j);
}

// The same body with its arms lowered 40° (an A-pose, as OpenBody's rest), each arm turned about
// z at its shoulder joint.
hifa::Skeletond a_posed_body(const hifa::BvhMotion& m) {
  auto s = cmu_shaped_body(m);
  for (const auto& [side, sign] : {std::pair{std::string("left"), -1.0}, std::pair{std::string("right"), 1.0}}) {
    const int shoulder = s.find(side + "_shoulder");
    const Vec3d centre = s.rest_joints.row(shoulder).transpose();
    const Mat3<double> r = Eigen::AngleAxisd(sign * 40 * pi / 180, Vec3d::UnitZ()).toRotationMatrix();
    for (const char* part : {"_elbow", "_wrist", "_hand"}) {
      const int k = s.find(side + part);
      s.rest_joints.row(k) = (centre + r * (s.rest_joints.row(k).transpose() - centre)).transpose();
    }
  }
  return s;
}

// A motion of one frame at the BVH rest (every channel 0) but with the root standing at `root`.
hifa::BvhMotion rest_frame(hifa::BvhMotion m, const Vec3d& root = Vec3d::Zero()) {
  m.frame_count = 1;
  m.values.assign(std::size_t(m.channel_count), 0.0);
  for (int a = 0; a < 3; ++a) m.values[std::size_t(a)] = root[a];  // CMU's root: X/Y/Zposition first
  return m;
}

double angle_between(const Vec3d& a, const Vec3d& b) { return std::atan2(a.cross(b).norm(), a.dot(b)); }

// The largest angle between a body bone posed by the library and the BVH bone it follows, over the
// bones whose BVH bone is rigid with the BVH joint (the child is a direct BVH child, not at the
// same place), for every pose of the library.
double worst_bone_angle(const hifa::BvhMotion& m, const hifa::Skeletond& body, const hifa::PoseLibrary& lib, int& bones) {
  double worst = 0;
  bones = 0;
  for (const auto& pose : lib.poses) {
    const auto fk = hifa::forward_kinematics_axis_angle(body, pose.axis_angle_span(), pose.translation);
    const auto bvh = hifa::bvh_pose(m, pose.source_frame);
    bones = 0;
    for (int c = 1; c < 24; ++c) {
      const int k = hifa::smpl_parents[std::size_t(c)];
      const int bk = m.find(lib.sources[std::size_t(k)]), bc = m.find(lib.sources[std::size_t(c)]);
      if (bk < 0 || bc < 0 || m.joints[std::size_t(bc)].parent != bk || m.joints[std::size_t(bc)].offset.norm() < 1e-9) continue;
      ++bones;
      worst = std::max(worst, angle_between(fk.joint(std::size_t(c)) - fk.joint(std::size_t(k)), bvh.position(bc) - bvh.position(bk)));
    }
  }
  return worst;
}

}  // namespace

TEST_CASE("the CMU skeleton maps onto SMPL's joints by the documented name map") {
  const auto m = cmu();
  const auto lib = hifa::retarget(m, cmu_shaped_body(m));
  for (int k = 0; k < 24; ++k) CHECK(lib.sources[std::size_t(k)] == cmu_sources[std::size_t(k)]);
  CHECK(lib.poses.size() == 20);
  CHECK(lib.scale == Approx(0.056).epsilon(1e-9));
}

TEST_CASE("the BVH rest frame retargets to the rest pose of a body with the BVH's rest bones") {
  const auto m = cmu();
  const auto body = cmu_shaped_body(m);
  const auto lib = hifa::retarget(rest_frame(m), body);
  REQUIRE(lib.poses.size() == 1);
  CHECK(lib.poses[0].axis_angle.cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("the BVH rest frame turns an A-posed body's arms up into the BVH's T-pose") {
  const auto m = cmu();
  const auto body = a_posed_body(m);
  const auto lib = hifa::retarget(rest_frame(m), body);
  const auto& theta = lib.poses[0].axis_angle;
  // Only the shoulders turn: 40° about +z (left) and -z (right); the rest stays at rest.
  CHECK((theta.row(body.find("left_shoulder")).transpose() - Vec3d(0, 0, 40 * pi / 180)).norm() < 1e-9);
  CHECK((theta.row(body.find("right_shoulder")).transpose() - Vec3d(0, 0, -40 * pi / 180)).norm() < 1e-9);
  for (int k = 0; k < 24; ++k) {
    if (k != body.find("left_shoulder") && k != body.find("right_shoulder")) CHECK(theta.row(k).norm() < 1e-9);
  }
}

TEST_CASE("a BVH elbow bend becomes the same bend of the SMPL elbow") {
  const auto m0 = cmu();
  auto m = rest_frame(m0);
  const int forearm = m.find("LeftForeArm");
  REQUIRE(m.joints[std::size_t(forearm)].channels[1] == hifa::BvhChannel::y_rotation);
  m.values[std::size_t(m.joints[std::size_t(forearm)].first_channel + 1)] = -90;  // bend forwards about y
  SECTION("on a body with the BVH's rest bones: exactly the BVH's local rotation") {
    const auto body = cmu_shaped_body(m);
    const auto lib = hifa::retarget(m, body);
    const auto& theta = lib.poses[0].axis_angle;
    CHECK((theta.row(body.find("left_elbow")).transpose() - Vec3d(0, -pi / 2, 0)).norm() < 1e-9);
    CHECK(theta.row(body.find("right_elbow")).norm() < 1e-9);
    CHECK(theta.row(body.find("left_shoulder")).norm() < 1e-9);
  }
  SECTION("on an A-posed body: a 90° elbow bend, the forearm at 90° to the upper arm") {
    const auto body = a_posed_body(m);
    const auto pose = hifa::retarget(m, body).poses[0];
    CHECK(pose.axis_angle.row(body.find("left_elbow")).norm() == Approx(pi / 2).epsilon(1e-9));
    const auto fk = hifa::forward_kinematics_axis_angle(body, pose.axis_angle_span(), pose.translation);
    const Vec3d upper = fk.joint(std::size_t(body.find("left_elbow"))) - fk.joint(std::size_t(body.find("left_shoulder")));
    const Vec3d fore = fk.joint(std::size_t(body.find("left_wrist"))) - fk.joint(std::size_t(body.find("left_elbow")));
    CHECK(angle_between(upper, fore) == Approx(pi / 2).epsilon(1e-9));
    CHECK(angle_between(upper, Vec3d::UnitX()) < 1e-9);  // the BVH's T-pose arm
    CHECK(angle_between(fore, Vec3d::UnitZ()) < 1e-9);    // Ry(-90°) turns +x to +z
  }
}

TEST_CASE("retargeted bones point where the BVH's bones point on real CMU frames") {
  const auto m = cmu();
  for (const auto& body : {cmu_shaped_body(m), a_posed_body(m)}) {
    const auto lib = hifa::retarget(m, body);
    int bones = 0;
    const double worst = worst_bone_angle(m, body, lib, bones);
    // Rigid in CMU's rig: hip-knee-ankle-toe (3 per leg), collar-shoulder-elbow-wrist (3 per arm),
    // Spine-Spine1, Neck-Neck1, Neck1-Head. Not: Hips to the legs and spine (LHipJoint, LowerBack
    // between), Spine1 to its children (all at its origin), LeftHand to LFingers (LeftFingerBase).
    CHECK(bones == 15);
    CHECK(worst < 1e-6);
  }
}

TEST_CASE("the root moves by the BVH root's motion scaled by the ratio of leg lengths") {
  const auto m = cmu();
  const auto body = a_posed_body(m);
  const auto lib = hifa::retarget(m, body, 3);
  REQUIRE(lib.poses.size() == 7);  // frames 0, 3, ..., 18 of 20
  CHECK(lib.frame_time == Approx(3 * m.frame_time));
  CHECK(lib.poses[1].source_frame == 3);
  const Vec3d p0 = hifa::bvh_pose(m, 0).position(0);
  const Vec3d p6 = hifa::bvh_pose(m, 18).position(0);
  CHECK(lib.poses[0].translation.x() == Approx(0).margin(1e-12));
  CHECK(lib.poses[0].translation.z() == Approx(0).margin(1e-12));
  CHECK((lib.poses[6].translation - lib.poses[0].translation - lib.scale * (p6 - p0)).norm() < 1e-12);
  // Standing at the BVH's rest height (root above the lowest rest point) is the body's rest height.
  const auto rest = hifa::bvh_positions(m, -1);
  const double height = rest(0, 1) - rest.col(1).minCoeff();
  CHECK(hifa::retarget(rest_frame(m, Vec3d(0, height, 0)), body).poses[0].translation.norm() < 1e-12);
}

TEST_CASE("rigs named the Hips/Ab/Chest/LeftCollar way map too, unmatched SMPL joints stay at rest") {
  // A minimal rig with Boxing_Toes.bvh's names: no Spine2 (spine3 unmapped), no fingers.
  std::string text = "HIERARCHY\nROOT Hips\n{\nOFFSET 0 0 0\nCHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\n";
  int channels = 6;
  auto open = [&](const std::string& name, const std::string& offset) {
    text += "JOINT " + name + "\n{\nOFFSET " + offset + "\nCHANNELS 3 Zrotation Xrotation Yrotation\n";
    channels += 3;
  };
  auto close = [&](int n) {
    for (int i = 0; i < n; ++i) text += "End Site\n{\nOFFSET 0 1 0\n}\n}\n";
  };
  open("Ab", "0 8 0"); open("Chest", "0 22 0"); open("Neck", "0 22 0"); open("Head", "0 11 0"); close(1);
  text += "}\n";  // Neck
  open("LeftCollar", "0 22 0"); open("LeftShoulder", "20 0 0"); open("LeftElbow", "25 0 0"); open("LeftWrist", "23 0 0"); close(1);
  text += "}\n}\n}\n";  // LeftElbow, LeftShoulder, LeftCollar
  open("RightCollar", "0 22 0"); open("RightShoulder", "-20 0 0"); open("RightElbow", "-25 0 0"); open("RightWrist", "-23 0 0"); close(1);
  text += "}\n}\n}\n}\n}\n";  // RightElbow .. RightCollar, Chest, Ab
  open("LeftHip", "12 0 0"); open("LeftKnee", "0 -42 0"); open("LeftAnkle", "0 -43 0"); open("LeftToes", "0 -6 15"); close(1);
  text += "}\n}\n}\n";
  open("RightHip", "-12 0 0"); open("RightKnee", "0 -42 0"); open("RightAnkle", "0 -43 0"); open("RightToes", "0 -6 15"); close(1);
  text += "}\n}\n}\n}\nMOTION\nFrames: 1\nFrame Time: 0.01\n";
  for (int c = 0; c < channels; ++c) text += "0 ";
  text += "\n";
  const auto m = hifa::read_bvh(text, "boxing_like.bvh");
  hifa::RowMatrix3<double> j = hifa::RowMatrix3<double>::Random(24, 3);
  const auto lib = hifa::retarget(m, hifa::smpl_skeleton(j));
  CHECK(lib.sources[3] == "Ab");
  CHECK(lib.sources[6] == "Chest");
  CHECK(lib.sources[9] == "");  // spine3
  CHECK(lib.sources[12] == "Neck");
  CHECK(lib.sources[13] == "LeftCollar");
  CHECK(lib.sources[16] == "LeftShoulder");
  CHECK(lib.sources[18] == "LeftElbow");
  CHECK(lib.sources[20] == "LeftWrist");
  CHECK(lib.sources[22] == "");  // left_hand
  CHECK(lib.sources[10] == "LeftToes");
  CHECK(lib.poses[0].axis_angle.row(9).norm() < 1e-12);
}

TEST_CASE("retargeting refuses a target that is not SMPL's, a BVH without legs and every < 1") {
  const auto m = cmu();
  const auto body = cmu_shaped_body(m);
  CHECK_THROWS_WITH(hifa::retarget(m, body, 0), "retarget: every must be >= 1, got 0");
  auto renamed = body;
  renamed.names[4] = "knee";
  CHECK_THROWS_WITH(hifa::retarget(m, renamed), Catch::Contains("target joint 4 is 'knee', expected SMPL's 'left_knee'"));
  auto no_knee = m;
  no_knee.joints[std::size_t(m.find("LeftLeg"))].name = "Knee_L";
  CHECK_THROWS_WITH(hifa::retarget(no_knee, body),
                    "retarget: the BVH has no joint for SMPL's left_knee (tried LeftLeg, LeftKnee, LeftShin)");
}
