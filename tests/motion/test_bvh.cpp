#include "hifa/motion/bvh.hpp"

#include "hifa/core/error.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

using hifa::Vec3d;

// A root with position and rotation channels, one joint whose channels are listed X, Z, Y (so the
// order of composition shows), and an End Site. Frame 0 moves and turns both; frame 1 is rest.
const std::string two_bone_bvh = R"(HIERARCHY
ROOT root
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Yrotation Xrotation
  JOINT elbow
  {
    OFFSET 0 2 0
    CHANNELS 3 Xrotation Zrotation Yrotation
    End Site
    {
      OFFSET 1 0 0
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.04
1 2 3 90 0 0 90 90 0
0 0 0 0 0 0 0 0 0
)";

std::string error_of(const std::string& text) {
  try {
    hifa::read_bvh(text, "bad.bvh");
  } catch (const hifa::Error& e) {
    return e.what();
  }
  return "no error";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a BVH file's hierarchy, channels and frames are read as written") {
  const auto m = hifa::read_bvh(two_bone_bvh, "chain.bvh");
  REQUIRE(m.joint_count() == 3);
  CHECK(m.joints[0].name == "root");
  CHECK(m.joints[1].name == "elbow");
  CHECK(m.joints[2].name == "elbow_end");
  CHECK(m.joints[2].end_site);
  CHECK(m.joints[1].parent == 0);
  CHECK(m.joints[2].parent == 1);
  CHECK(m.joints[1].first_channel == 6);
  CHECK(m.joints[1].channels ==
        std::vector<hifa::BvhChannel>{hifa::BvhChannel::x_rotation, hifa::BvhChannel::z_rotation, hifa::BvhChannel::y_rotation});
  CHECK(m.channel_count == 9);
  CHECK(m.frame_count == 2);
  CHECK(m.frame_time == 0.04);
  CHECK(m.frame(0)[6] == 90);
  CHECK(m.find("elbow") == 1);
  CHECK(m.find("wrist") == -1);
}

TEST_CASE("BVH forward kinematics of a 2-bone chain matches the hand computation") {
  const auto m = hifa::read_bvh(two_bone_bvh, "chain.bvh");
  const auto pose = hifa::bvh_pose(m, 0);
  // By hand: root at (1,2,3) turned Rz(90) (x -> y, y -> -x). Elbow = root + Rz(90) (0,2,0) = (-1,2,3).
  // The elbow's channels are X then Z: R = Rx(90) Rz(90), so the end's offset (1,0,0) becomes
  // Rx(90) (0,1,0) = (0,0,1) in the elbow's parent frame, Rz(90) (0,0,1) = (0,0,1) globally: (-1,2,4).
  // (Composed the other way, Rz(90) Rx(90), the end would be at (-2,2,3).)
  CHECK((pose.position(0) - Vec3d(1, 2, 3)).norm() < 1e-12);
  CHECK((pose.position(1) - Vec3d(-1, 2, 3)).norm() < 1e-12);
  CHECK((pose.position(2) - Vec3d(-1, 2, 4)).norm() < 1e-12);
  CHECK((pose.local_translation[0] - Vec3d(1, 2, 3)).norm() < 1e-12);
  // The rest pose (and an all-zero frame) is the offsets summed down the chain.
  const auto rest = hifa::bvh_positions(m, -1);
  CHECK((rest.row(2).transpose() - Vec3d(1, 2, 0)).norm() < 1e-12);
  CHECK((hifa::bvh_positions(m, 1) - rest).norm() < 1e-12);
}

TEST_CASE("BVH braces may share a line with names and End Sites get unique names") {
  const std::string text =
      "HIERARCHY\nROOT a{ OFFSET 0 0 0 CHANNELS 3 Zrotation Yrotation Xrotation\n"
      "JOINT a_end { OFFSET 1 0 0\nCHANNELS 0\nEnd Site { OFFSET 0 0 1 } }\nEnd Site { OFFSET 0 1 0 } }\n"
      "MOTION\nFrames: 1\nFrame Time: .5\n\t+0 -0 1e1\r\n";
  const auto m = hifa::read_bvh(text, "glued.bvh");
  REQUIRE(m.joint_count() == 4);
  CHECK(m.joints[1].name == "a_end");
  CHECK(m.joints[2].name == "a_end_end");
  CHECK(m.joints[0].name == "a");
  CHECK(m.find("a_end2") == 3);  // the End Site of a: a JOINT is already called a_end
  CHECK(m.frame(0)[2] == 10);
}

TEST_CASE("malformed BVH files are one error naming the file, the line and the problem") {
  CHECK_THAT(error_of(replaced(two_bone_bvh, "90 90 0\n", "90 90\n")),
             Catch::Matches("bad\\.bvh:19: frame 0 has 8 values, the hierarchy has 9 channels"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "0 0 0 0 0 0 0 0 0\n", "0 0 0 0 0 0 0 0 0 0\n")),
             Catch::Matches("bad\\.bvh:20: frame 1 has 10 values.*"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "1 2 3 90", "1 nan 3 90")),
             Catch::Matches("bad\\.bvh:19: 'nan' is not a finite number"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "1 2 3 90", "1 x2 3 90")),
             Catch::Matches("bad\\.bvh:19: 'x2' is not a number"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "  }\n}\nMOTION", "  }\nMOTION")),
             Catch::Matches("bad\\.bvh:15: missing '\\}' closing joint 'root'"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "  JOINT elbow\n  {", "  JOINT elbow\n")),
             Catch::Matches("bad\\.bvh:8: expected '\\{', got 'OFFSET'"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "}\nMOTION", "}\n}\nMOTION")),
             Catch::Matches("bad\\.bvh:16: an extra '\\}' after the hierarchy"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "Xrotation Zrotation", "Xrotation Wrotation")),
             Catch::Matches("bad\\.bvh:9: unknown channel 'Wrotation'.*"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "CHANNELS 3 Xrotation Zrotation Yrotation", "CHANNELS 3 Xrotation Zrotation")),
             Catch::Matches("bad\\.bvh:9: CHANNELS 3 lists 2 channel names"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "Frames: 2", "Frames: 3")),
             Catch::Matches("bad\\.bvh:.*ends after 2 frame rows; 'Frames: 3'"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "Frame Time: 0.04", "Frame Time: 0")),
             Catch::Matches("bad\\.bvh:18: Frame Time: .* must be positive"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "OFFSET 0 2 0", "OFFSET 0 inf 0")),
             Catch::Matches("bad\\.bvh:8: 'inf' is not a finite number"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "HIERARCHY", "")), Catch::Matches("bad\\.bvh:2: expected 'HIERARCHY', got 'ROOT'"));
  CHECK_THAT(error_of(replaced(two_bone_bvh, "JOINT elbow", "JOINT root")),
             Catch::Matches("bad\\.bvh:6: a second joint named 'root'"));
  CHECK_THAT(error_of(""), Catch::Matches("bad\\.bvh:1: expected 'HIERARCHY', got the end of the file"));
  CHECK_THAT(error_of(two_bone_bvh.substr(0, two_bone_bvh.find("MOTION"))),
             Catch::Matches("bad\\.bvh:.*expected 'MOTION' after the hierarchy, got the end of the file"));
}

TEST_CASE("BVH rows after the frame count are ignored, as assimp does") {
  const auto m = hifa::read_bvh(replaced(two_bone_bvh, "Frames: 2", "Frames: 1"), "long.bvh");
  CHECK(m.frame_count == 1);
  CHECK(m.values.size() == 9);
}

TEST_CASE("a missing BVH file is an error naming it") {
  CHECK_THROWS_WITH(hifa::load_bvh("/no/such/motion.bvh"), "/no/such/motion.bvh: no such file");
}
