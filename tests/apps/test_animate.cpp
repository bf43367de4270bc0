// `hifa animate` end to end: a tiny 24-joint body written as an SMPL-layout .npz, the CMU excerpt of
// tests/data, and the command's outputs read back (OBJ frames, the GLB through tinygltf).
#include "support/temp_dir.hpp"

#include "hifa/body/body_model.hpp"
#include "hifa/body/smpl_model.hpp"
#include "hifa/io/npy.hpp"
#include "hifa/mesh/load.hpp"
#include "hifa/motion/bvh.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <tiny_gltf.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

// The CMU joint at each SMPL joint's place (the retargeting's name map), to place the tiny body's
// joints like a person's. Where CMU has several joints at one point (Spine1, Neck and the
// shoulders), spine3 and the collars move half-way to the next joint (below), so that no two
// octahedra overlap and each body point's nearest joint is its own.
const char* const cmu_places[24] = {"Hips",   "LeftUpLeg", "RightUpLeg", "Spine",        "LeftLeg",       "RightLeg",
                                    "Spine1", "LeftFoot",  "RightFoot",  "Neck",         "LeftToeBase",   "RightToeBase",
                                    "Neck1",  "LeftShoulder", "RightShoulder", "Head",   "LeftArm",       "RightArm",
                                    "LeftForeArm", "RightForeArm", "LeftHand", "RightHand", "LFingers",   "RFingers"};
constexpr double kHalf = 0.01;  // octahedron half-size (m); joints are >= 3.4 cm apart

// 24 octahedra, one around each joint, each bound rigidly to its joint; the joint regressor takes
// each joint as the mean of its octahedron, so J(0) is exactly the joint. Metres, y up, about 1.7 m.
hifa::BodyModelData<float> tiny_body() {
  const auto cmu = hifa::load_bvh(HIFA_TEST_CMU_BVH);
  const auto rest = hifa::bvh_positions(cmu, -1);
  hifa::BodyModelData<float> d;
  d.v_template.resize(24 * 6, 3);
  d.faces.resize(24 * 8, 3);
  d.J_regressor = hifa::RowMatrixX<float>::Zero(24, 24 * 6);
  d.weights = hifa::RowMatrixX<float>::Zero(24 * 6, 24);
  const int corners[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
  const int tris[8][3] = {{0, 2, 4}, {2, 1, 4}, {1, 3, 4}, {3, 0, 4}, {2, 0, 5}, {1, 2, 5}, {3, 1, 5}, {0, 3, 5}};
  for (int k = 0; k < 24; ++k) {
    const char* next = k == 9 ? "Neck1" : k == 13 ? "LeftArm" : k == 14 ? "RightArm" : cmu_places[k];
    const Eigen::RowVector3d j =
        0.028 * (rest.row(cmu.find(cmu_places[k])) + rest.row(cmu.find(next))) + Eigen::RowVector3d(0, 0.95, 0);
    for (int c = 0; c < 6; ++c) {
      d.v_template.row(6 * k + c) = (j + kHalf * Eigen::RowVector3d(corners[c][0], corners[c][1], corners[c][2])).cast<float>();
      d.J_regressor(k, 6 * k + c) = 1.0f / 6;
      d.weights(6 * k + c, k) = 1;
    }
    for (int t = 0; t < 8; ++t) d.faces.row(8 * k + t) << 6 * k + tris[t][0], 6 * k + tris[t][1], 6 * k + tris[t][2];
  }
  d.shapedirs = hifa::RowMatrixX<float>::Zero(3 * 24 * 6, 1);
  d.posedirs.resize(3 * 24 * 6, 0);
  d.parents.assign(hifa::smpl_parents.begin(), hifa::smpl_parents.end());
  for (const auto name : hifa::smpl_joint_names) d.joint_names.emplace_back(name);
  return d;
}

struct Run {
  int rc;
  std::string out, err;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs `hifa animate ARGS` with HIFA_DATA=data_dir (the folder `--body open` reads from).
Run hifa_animate(const hifa::test::TempDir& dir, const std::string& args, const std::filesystem::path& data_dir = "/nonexistent") {
  const std::string cmd = "HIFA_DATA='" + data_dir.string() + "' '" + HIFA_COMMAND + "' animate " + args + " > '" + (dir / "stdout").string() + "' 2> '" +
                          (dir / "stderr").string() + "'";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "stdout"), slurp(dir / "stderr")};
}

std::string frame(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "frame_%04d.obj", i);
  return name;
}

}  // namespace

TEST_CASE("hifa animate poses a body through a BVH: OBJ frames without tearing and a GLB of the whole motion") {
  hifa::test::TempDir dir;
  const auto body = tiny_body();
  hifa::write_body_npz(dir / "tiny.npz", body);
  const auto run = hifa_animate(dir, "--body '" + (dir / "tiny.npz").string() + "' --motion '" HIFA_TEST_CMU_BVH "' --out '" +
                                         (dir / "out").string() + "' --every 2");
  INFO(run.err);
  REQUIRE(run.rc == 0);
  CHECK_THAT(run.out, Catch::Contains("10 of 20 frames (every 2, 0.2000 s apart)"));
  // 20 BVH frames, every 2nd: frames 0..9, nothing more.
  for (int i = 0; i < 10; ++i) CHECK(std::filesystem::exists(dir / "out" / frame(i)));
  CHECK_FALSE(std::filesystem::exists(dir / "out" / frame(10)));
  std::vector<hifa::TriMeshf> frames;
  for (int i = 0; i < 10; ++i) frames.push_back(hifa::load_mesh(dir / "out" / frame(i)));
  for (const auto& f : frames) {
    CHECK(f.vertex_count() == 144);
    CHECK(f.face_count() == 192);
  }
  // No tearing: every octahedron stays rigid (its edges keep their rest length), and no vertex
  // moves between consecutive frames by more than the fastest BVH joint (End Sites included) moves
  // between the same BVH frames, scaled as the body (0.056), plus the octahedron's size (a vertex
  // sits within kHalf of its joint). A joint that flipped or a root that jumped would exceed it.
  const auto cmu = hifa::load_bvh(HIFA_TEST_CMU_BVH);
  double bvh_step = 0;
  for (int f = 2; f < cmu.frame_count; f += 2)
    bvh_step = std::max(bvh_step, (hifa::bvh_positions(cmu, f) - hifa::bvh_positions(cmu, f - 2)).rowwise().norm().maxCoeff());
  double worst_edge = 0, worst_step = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    for (Eigen::Index f = 0; f < frames[i].face_count(); ++f) {
      for (int c = 0; c < 3; ++c) {
        const int a = body.faces(f, c), b = body.faces(f, (c + 1) % 3);
        const double rest = (body.v_template.row(a) - body.v_template.row(b)).norm();
        const double posed = (frames[i].vertices.row(a) - frames[i].vertices.row(b)).norm();
        worst_edge = std::max(worst_edge, std::abs(posed - rest));
      }
    }
    if (i > 0) worst_step = std::max(worst_step, double((frames[i].vertices - frames[i - 1].vertices).rowwise().norm().maxCoeff()));
  }
  CHECK(worst_edge < 1e-5);
  CHECK(worst_step < 0.056 * bvh_step + 2 * kHalf);
  CHECK(worst_step > 0.1);  // it does move (01_01 jumps: feet and hands move ~0.5 m in 0.2 s)

  tinygltf::Model model;
  tinygltf::TinyGLTF loader;
  std::string error, warning;
  REQUIRE(loader.LoadBinaryFromFile(&model, &error, &warning, (dir / "out" / "animation.glb").string()));
  CHECK(model.accessors[std::size_t(model.meshes.at(0).primitives.at(0).attributes.at("POSITION"))].count == 144);
  CHECK(model.skins.at(0).joints.size() == 24);
  CHECK(model.animations.at(0).channels.size() == 25);
  const auto& times = model.accessors[std::size_t(model.animations[0].samplers[0].input)];
  CHECK(times.count == 10);
  CHECK(times.maxValues.at(0) == Approx(9 * 2 * cmu.frame_time).epsilon(1e-6));

  SECTION("a canonical mesh posed with its own weights, from a .npy or the nearest body point") {
    // The body's octahedra grown 2% about their joints: the nearest body point is on the same
    // octahedron, so the computed weights are the body's, and the frames follow the body's.
    hifa::TriMeshf avatar;
    avatar.vertices = body.v_template;
    avatar.faces = body.faces;
    for (int k = 0; k < 24; ++k) {
      const Eigen::RowVector3f j = body.v_template.middleRows(6 * k, 6).colwise().mean();
      for (int c = 0; c < 6; ++c) avatar.vertices.row(6 * k + c) = j + 1.02f * (body.v_template.row(6 * k + c) - j);
    }
    hifa::save_mesh(dir / "avatar.obj", avatar);
    std::vector<float> w(body.weights.data(), body.weights.data() + body.weights.size());
    hifa::write_npy(dir / "w.npy", hifa::make_npy<float>(w, {144, 24}));
    for (const std::string weights : {std::string(), " --weights '" + (dir / "w.npy").string() + "'"}) {
      INFO("weights: " << (weights.empty() ? "nearest body point" : weights));
      const auto own = hifa_animate(dir, "--body '" + (dir / "tiny.npz").string() + "' --mesh '" + (dir / "avatar.obj").string() +
                                             "'" + weights + " --motion '" HIFA_TEST_CMU_BVH "' --out '" + (dir / "avatar").string() +
                                             "' --every 2");
      INFO(own.err);
      REQUIRE(own.rc == 0);
      for (int i = 0; i < 10; i += 3) {
        const auto posed = hifa::load_mesh(dir / "avatar" / frame(i));
        REQUIRE(posed.vertex_count() == 144);
        CHECK((posed.vertices - frames[std::size_t(i)].vertices).rowwise().norm().maxCoeff() < 0.02 * kHalf + 1e-5);
      }
    }
  }
}

TEST_CASE("hifa animate of a malformed BVH is one error line with the file and line, exit code 1, nothing written") {
  hifa::test::TempDir dir;
  hifa::write_body_npz(dir / "tiny.npz", tiny_body());
  std::string bvh = slurp(HIFA_TEST_CMU_BVH);
  bvh.erase(bvh.rfind(' '), std::string::npos);  // the last frame row loses its last value
  bvh += "\n";
  std::ofstream(dir / "bad.bvh") << bvh;
  const auto run = hifa_animate(dir, "--body '" + (dir / "tiny.npz").string() + "' --motion '" + (dir / "bad.bvh").string() +
                                         "' --out '" + (dir / "out").string() + "'");
  CHECK(run.rc == 1);
  CHECK_THAT(run.err, Catch::Matches("hifa: error: .*bad\\.bvh:207: frame 19 has 95 values, the hierarchy has 96 channels\n"));
  CHECK_FALSE(std::filesystem::exists(dir / "out"));

  const auto open = hifa_animate(dir, "--body open --motion '" HIFA_TEST_CMU_BVH "' --out '" + (dir / "out").string() + "'");
  CHECK(open.rc == 1);
  CHECK_THAT(open.err, Catch::Matches("hifa: error: --body open: OpenBody not built yet \\(no /nonexistent/body/open_body\\.npz\\).*\n"));
  // Once $HIFA_DATA/body/open_body.npz exists (scripts/fetch-data), --body open reads it.
  std::filesystem::create_directories(dir / "data" / "body");
  std::filesystem::copy_file(dir / "tiny.npz", dir / "data" / "body" / "open_body.npz");
  const auto built = hifa_animate(dir, "--body open --motion '" HIFA_TEST_CMU_BVH "' --out '" + (dir / "open").string() + "' --every 10",
                                  dir / "data");
  CHECK(built.rc == 0);
  CHECK(std::filesystem::exists(dir / "open" / "frame_0001.obj"));

  const auto shape = hifa_animate(dir, "--body '" + (dir / "tiny.npz").string() + "' --mesh '" HIFA_TEST_CMU_BVH "' --motion '" HIFA_TEST_CMU_BVH
                                       "' --out '" + (dir / "out").string() + "'");
  CHECK(shape.rc == 1);
  CHECK(std::count(shape.err.begin(), shape.err.end(), '\n') == 1);
}
