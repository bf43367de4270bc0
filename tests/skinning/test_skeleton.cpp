#include "hifa/skinning/skeleton.hpp"

#include "hifa/core/error.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

namespace {

using hifa::Mat3;
using hifa::Mat4;
using hifa::Vec3d;

constexpr double pi = 3.14159265358979323846;

// A chain of three joints on the x axis: root at the origin, two bones of length 1 and 2.
hifa::Skeletond two_bone_chain() {
  hifa::Skeletond s;
  s.parents = {-1, 0, 1};
  s.names = {"root", "elbow", "tip"};
  s.rest_joints.resize(3, 3);
  s.rest_joints << 0, 0, 0, 1, 0, 0, 3, 0, 0;
  return s;
}

Mat3<double> rot_z(double angle) { return Eigen::AngleAxisd(angle, Eigen::Vector3d::UnitZ()).toRotationMatrix(); }

}  // namespace

TEST_CASE("SMPL's skeleton has 24 joints whose parents come first and whose names are SMPL's") {
  hifa::RowMatrix3<float> joints = hifa::RowMatrix3<float>::Random(24, 3);
  const auto s = hifa::smpl_skeleton(joints);
  CHECK(s.joint_count() == 24);
  CHECK(s.parents[0] == -1);
  for (int k = 1; k < 24; ++k) CHECK(s.parents[k] < k);
  CHECK(s.names[0] == "pelvis");
  CHECK(s.names[15] == "head");
  CHECK(s.find("left_wrist") == 20);
  CHECK(s.parents[s.find("left_wrist")] == s.find("left_elbow"));
  CHECK(s.parents[s.find("right_shoulder")] == s.find("right_collar"));
  CHECK(s.parents[s.find("neck")] == s.find("spine3"));
  CHECK(s.find("tail") == -1);
}

TEST_CASE("forward kinematics of a 2-bone chain matches the hand computation") {
  const auto s = two_bone_chain();
  // Root turned 90° about z, elbow another 90°, tip's own rotation irrelevant to positions; t shifts all.
  const std::vector<Mat3<double>> r = {rot_z(pi / 2), rot_z(pi / 2), rot_z(0.3)};
  const Vec3d t(0.5, -1, 2);
  const auto fk = hifa::forward_kinematics(s, r, t);
  // By hand: elbow = R0 (1,0,0) = (0,1,0); tip = elbow + R0 R1 (2,0,0) = (0,1,0) + (-2,0,0).
  CHECK((fk.joint(0) - t).norm() < 1e-12);
  CHECK((fk.joint(1) - (Vec3d(0, 1, 0) + t)).norm() < 1e-12);
  CHECK((fk.joint(2) - (Vec3d(-2, 1, 0) + t)).norm() < 1e-12);
  CHECK((fk.global[1].block<3, 3>(0, 0) - rot_z(pi)).norm() < 1e-12);
  CHECK((fk.global[2].block<3, 3>(0, 0) - rot_z(pi + 0.3)).norm() < 1e-12);
  // A point 0.5 along the second bone (rest (2,0,0)) bound to the elbow: elbow + R0 R1 (1,0,0).
  const Eigen::Vector4d x(2, 0, 0, 1);
  const Eigen::Vector4d moved = fk.skinning[1] * x;
  CHECK((moved.head<3>() - (Vec3d(-1, 1, 0) + t)).norm() < 1e-12);
  // A_k maps each rest joint to its posed position.
  for (int k = 0; k < 3; ++k) {
    const Eigen::Vector4d j(s.rest_joints(k, 0), s.rest_joints(k, 1), s.rest_joints(k, 2), 1);
    CHECK(((fk.skinning[k] * j).head<3>() - fk.joint(k)).norm() < 1e-12);
  }
}

TEST_CASE("axis-angle forward kinematics equals forward kinematics of the Rodrigues rotations") {
  const auto s = two_bone_chain();
  const std::vector<double> aa = {0.1, -0.4, 0.7, 1.2, 0.3, -0.2, 0, 0, 1e-9};
  const auto by_angle = hifa::forward_kinematics_axis_angle(s, std::span<const double>(aa));
  for (int k = 0; k < 3; ++k) {
    const Vec3d w(aa[3 * k], aa[3 * k + 1], aa[3 * k + 2]);
    const Mat3<double> expected =
        w.norm() > 0 ? Eigen::AngleAxisd(w.norm(), w.normalized()).toRotationMatrix() : Mat3<double>::Identity();
    CHECK((hifa::rodrigues(w) - expected).norm() < 1e-12);
  }
  const auto by_matrix = hifa::forward_kinematics(s, hifa::rotations_from_axis_angle(std::span<const double>(aa)));
  for (int k = 0; k < 3; ++k) CHECK((by_angle.global[k] - by_matrix.global[k]).norm() == 0.0);
}

TEST_CASE("the rest pose gives identity skinning transforms") {
  hifa::RowMatrix3<float> joints = hifa::RowMatrix3<float>::Random(24, 3);
  const auto s = hifa::smpl_skeleton(joints);
  const auto fk = hifa::forward_kinematics(s, std::vector<Mat3<float>>(24, Mat3<float>::Identity()));
  for (int k = 0; k < 24; ++k) {
    CHECK((fk.skinning[k] - Mat4<float>::Identity()).cwiseAbs().maxCoeff() < 1e-6f);
    CHECK((fk.joint(k) - joints.row(k).transpose()).norm() < 1e-6f);
  }
}

TEST_CASE("a skeleton whose parents do not come first is rejected, naming the joint") {
  auto s = two_bone_chain();
  s.parents = {-1, 2, 0};
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("joint 1 has parent 2"));
  s = two_bone_chain();
  s.names.pop_back();
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("2 names for 3 joints"));
  CHECK_THROWS_WITH(hifa::forward_kinematics(two_bone_chain(), std::vector<Mat3<double>>(2, Mat3<double>::Identity())),
                    Catch::Contains("2 rotations for 3 joints"));
  CHECK_THROWS_AS(hifa::smpl_skeleton(hifa::RowMatrix3<float>(23, 3)), hifa::Error);
  const std::vector<double> bad = {1, 2};
  CHECK_THROWS_WITH(hifa::rotations_from_axis_angle(std::span<const double>(bad)), Catch::Contains("multiple of 3"));
}
