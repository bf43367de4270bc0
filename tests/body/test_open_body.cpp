// OpenBody (hifa/body/open_body.hpp) on a generated body (the analytic mannequin, by marching
// cubes: always available) and on the MakeHuman body of data/ (skipped when data/ is missing).

#include "hifa/body/open_body.hpp"

#include "hifa/body/smpl_model.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/field/mannequin.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/motion/bvh.hpp"
#include "hifa/motion/retarget.hpp"
#include "hifa/spatial/mesh_bvh.hpp"
#include "support/skip.hpp"
#include "support/temp_dir.hpp"
#ifdef HIFA_WITH_ASSIMP
#include "hifa/io/assimp.hpp"
#endif

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;

// The mannequin's surface (y up, facing +z, A-pose), holes punched where its eyes would be so the
// builder has something to fill.
hifa::TriMeshf mannequin_mesh() {
  const auto field = hifa::mannequin<float>();
  const hifa::GridSpec<float> grid{hifa::AABBf(hifa::Vec3f(-0.72f, -0.95f, -0.2f), hifa::Vec3f(0.72f, 0.9f, 0.2f)),
                                   hifa::Vec3i(73, 93, 21)};
  const Space space;
  auto mesh = hifa::marching_cubes(space, hifa::evaluate_grid(space, field, grid), grid);
  Eigen::Index kept = 0;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    const hifa::Vec3f c = (mesh.vertex(mesh.faces(f, 0)) + mesh.vertex(mesh.faces(f, 1)) + mesh.vertex(mesh.faces(f, 2))) / 3;
    const bool eye = c.z() > 0.05f && std::abs(c.y() - 0.77f) < 0.025f && std::abs(std::abs(c.x()) - 0.04f) < 0.02f;
    if (!eye) mesh.faces.row(kept++) = mesh.faces.row(f);
  }
  mesh.faces.conservativeResize(kept, 3);
  return mesh;
}

const hifa::OpenBody& mannequin_body(hifa::OpenBodyRest rest) {
  static const hifa::OpenBody a = hifa::make_open_body(Space{}, mannequin_mesh(), hifa::OpenBodyRest::a_pose);
  static const hifa::OpenBody t = hifa::make_open_body(Space{}, mannequin_mesh(), hifa::OpenBodyRest::t_pose);
  return rest == hifa::OpenBodyRest::a_pose ? a : t;
}

std::filesystem::path data_dir() { return std::filesystem::path(HIFA_SOURCE_DIR) / "data"; }

hifa::TriMeshf rest_mesh(const hifa::BodyModelData<float>& model) {
  hifa::TriMeshf mesh;
  mesh.vertices = model.v_template;
  mesh.faces = model.faces;
  return mesh;
}

hifa::Vec3f joint(const hifa::OpenBody& body, int k) { return body.landmarks.joints.row(k).transpose(); }

// The largest elongation l / l0 of any edge over the poses (a tear shows as an edge stretched many
// times its rest length), and the strongest compression l0 / l (LBS's known collapse at bent
// joints; reported, not bounded).
struct Stretch {
  float elongation = 1.0f, compression = 1.0f;
};

Stretch worst_stretch(const hifa::OpenBody& body, const std::vector<std::vector<double>>& poses) {
  const hifa::SmplModel<float> model(body.model);
  const auto& f = model.faces();
  const auto& rest = body.model.v_template;
  Stretch worst;
  for (const auto& pose : poses) {
    std::vector<float> theta(pose.begin(), pose.end());
    const auto posed = hifa::pose_body_axis_angle(Space{}, model, std::span<const float>(), std::span<const float>(theta));
    for (Eigen::Index i = 0; i < f.rows(); ++i) {
      for (int k = 0; k < 3; ++k) {
        const int a = f(i, k), b = f(i, (k + 1) % 3);
        const float l0 = (rest.row(a) - rest.row(b)).norm(), l = (posed.mesh.vertices.row(a) - posed.mesh.vertices.row(b)).norm();
        worst.elongation = std::max(worst.elongation, l / l0);
        worst.compression = std::max(worst.compression, l0 / l);
      }
    }
  }
  return worst;
}

// Poses of a BVH retargeted onto the body, `count` of them spread over the motion.
std::vector<std::vector<double>> library_poses(const hifa::OpenBody& body, const std::filesystem::path& bvh, int count) {
  const auto motion = hifa::load_bvh(bvh);
  const hifa::Skeleton<double> skeleton = hifa::smpl_skeleton<double>(body.landmarks.joints.cast<double>());
  const auto library = hifa::retarget(motion, skeleton, std::max(1, motion.frame_count / count));
  std::vector<std::vector<double>> poses;
  for (const auto& p : library.poses) {
    if (int(poses.size()) == count) break;
    poses.emplace_back(p.axis_angle_span().begin(), p.axis_angle_span().end());
  }
  return poses;
}

// Seeded random poses within loose joint limits (radians per axis-angle component): knees and
// elbows bend one way, the rest turn a little about every axis.
std::vector<std::vector<double>> random_poses(int count, std::uint64_t seed) {
  const hifa::CounterRng rng{seed};
  std::uint64_t draw = 0;
  const auto unit = [&](std::uint64_t pose) { return 2.0 * double(rng.uniform(pose, draw++)) - 1.0; };
  std::vector<std::vector<double>> poses;
  for (int i = 0; i < count; ++i) {
    draw = 0;
    std::vector<double> theta(3 * hifa::smpl_joint_count, 0.0);
    for (int k = 1; k < hifa::smpl_joint_count; ++k) {
      const double limit = (k == 1 || k == 2 || k == 16 || k == 17) ? 0.8 : (k == 3 || k == 6 || k == 9) ? 0.25 : 0.4;
      for (int c = 0; c < 3; ++c) theta[std::size_t(3 * k + c)] = limit * unit(std::uint64_t(i));
    }
    for (int k : {4, 5}) theta[std::size_t(3 * k)] = 0.75 * (1.0 + unit(std::uint64_t(i)));                  // knee flexion 0..1.5
    theta[std::size_t(3 * 18 + 1)] = -0.6 * (1.0 + unit(std::uint64_t(i)));                                   // left elbow 0..1.2
    theta[std::size_t(3 * 19 + 1)] = 0.6 * (1.0 + unit(std::uint64_t(i)));                                    // right elbow
    poses.push_back(std::move(theta));
  }
  return poses;
}

void check_landmarks(const hifa::OpenBody& body, const hifa::TriMeshf& surface) {
  const float h = body.landmarks.height;
  // Left/right symmetric (the mirror of each left joint is its right one).
  for (int left : {1, 4, 7, 10, 13, 16, 18, 20, 22}) {
    const hifa::Vec3f l = joint(body, left), r = joint(body, left + 1);
    CHECK((hifa::Vec3f(-l.x(), l.y(), l.z()) - r).norm() < 0.01f * h);
    CHECK(l.x() > 0.0f);
  }
  for (int mid : {0, 3, 6, 9, 12, 15}) CHECK(std::abs(joint(body, mid).x()) < 1e-6f);
  // Ordering along the body.
  for (int side = 0; side < 2; ++side) {
    CHECK(joint(body, 10 + side).y() < joint(body, 7 + side).y());   // foot below ankle
    CHECK(joint(body, 7 + side).y() < joint(body, 4 + side).y());    // ankle below knee
    CHECK(joint(body, 4 + side).y() < joint(body, 1 + side).y());    // knee below hip
    CHECK(joint(body, 1 + side).y() < joint(body, 0).y());           // hip below pelvis
    CHECK(std::abs(joint(body, 13 + side).x()) < std::abs(joint(body, 16 + side).x()));  // collar medial of shoulder
    CHECK(joint(body, 16 + side).y() < joint(body, 12).y());         // shoulder below neck
  }
  for (auto [lower, upper] : {std::pair{0, 3}, {3, 6}, {6, 9}, {9, 12}, {12, 15}}) CHECK(joint(body, lower).y() < joint(body, upper).y());
  // Inside the body: winding number >= 0.5.
  const Space space;
  const hifa::MeshBvh<Kokkos::HostSpace> bvh(space, surface);
  Kokkos::View<float* [3], Kokkos::HostSpace> points("joints", hifa::smpl_joint_count);
  for (int k = 0; k < hifa::smpl_joint_count; ++k)
    for (int c = 0; c < 3; ++c) points(k, c) = body.landmarks.joints(k, c);
  Kokkos::View<float*, Kokkos::HostSpace> w("w", hifa::smpl_joint_count);
  bvh.winding_numbers(space, points, w);
  space.fence();
  for (int k = 0; k < hifa::smpl_joint_count; ++k) {
    INFO("joint " << hifa::smpl_joint_names[std::size_t(k)]);
    CHECK(w(k) >= 0.5f);
  }
}

void check_weights(const hifa::OpenBody& body) {
  const auto& w = body.model.weights;
  const auto& v = body.model.v_template;
  CHECK(w.minCoeff() >= 0.0f);
  CHECK((w.rowwise().sum().array() - 1.0f).abs().maxCoeff() < 1e-5f);
  CHECK((w.array() > 0).rowwise().count().maxCoeff() <= 4);
  // Each vertex's largest weight is on a nearby bone: no farther than the nearest bone plus 0.1 H.
  const auto bones = hifa::smpl_bone_segments(body.landmarks);
  int far = 0;
  for (Eigen::Index i = 0; i < v.rows(); ++i) {
    const hifa::Vec3f p = v.row(i).transpose();
    Eigen::Index top;
    w.row(i).maxCoeff(&top);
    float nearest = 1e30f, to_top = 1e30f;
    for (const auto& b : bones) {
      const float d = (hifa::detail::closest_on_segment(p, b.a, b.b) - p).norm();
      nearest = std::min(nearest, d);
      if (b.joint == top) to_top = std::min(to_top, d);
    }
    far += to_top > nearest + 0.1f * body.landmarks.height ? 1 : 0;
  }
  CHECK(far == 0);
  // Smooth across the shoulders and hips: along edges near those joints, no weight jumps more than
  // 0.3 (a nearest-bone switch jumps by 1; on the MakeHuman body the heat solution itself changes by
  // up to 0.21 across its 3 cm edges at the collar, and the 4-joint cut by up to 0.23).
  float jump = 0;
  const auto& f = body.model.faces;
  for (Eigen::Index i = 0; i < f.rows(); ++i) {
    for (int k = 0; k < 3; ++k) {
      const int a = f(i, k), b = f(i, (k + 1) % 3);
      bool near = false;
      for (int j : {1, 2, 16, 17})
        near = near || (v.row(a) - body.landmarks.joints.row(j)).norm() < 0.1f * body.landmarks.height;
      if (near) jump = std::max(jump, (w.row(a) - w.row(b)).cwiseAbs().maxCoeff());
    }
  }
  INFO("largest weight jump along an edge at the shoulders and hips: " << jump);
  CHECK(jump < 0.3f);
}

}  // namespace

TEST_CASE("OpenBody of a generated body is closed, with 24 symmetric, ordered joints inside it") {
  const auto& body = mannequin_body(hifa::OpenBodyRest::a_pose);
  CHECK(body.holes_filled == 2);
  const auto surface = rest_mesh(body.model);
  CHECK(hifa::is_closed(surface));
  CHECK(hifa::is_edge_manifold(surface));
  CHECK(hifa::euler_characteristic(surface) == 2);
  check_landmarks(body, surface);
}

TEST_CASE("OpenBody bone heat weights are a partition of unity, on nearby bones, smooth at shoulders and hips") {
  check_weights(mannequin_body(hifa::OpenBodyRest::a_pose));
}

TEST_CASE("OpenBody's joint regressor reproduces its joints and follows the shape parameters") {
  const auto& body = mannequin_body(hifa::OpenBodyRest::a_pose);
  const hifa::SmplModel<float> model(body.model);
  CHECK(model.shape_count() == hifa::open_body_shape_count);
  const hifa::RowMatrix3<float> rest = model.rest_vertices({});
  CHECK((model.rest_joints(rest) - body.landmarks.joints).cwiseAbs().maxCoeff() < 1e-5f);
  const float h = body.landmarks.height;
  const auto shaped = [&](int s, float value) {
    std::vector<float> beta(std::size_t(s + 1), 0.0f);
    beta[std::size_t(s)] = value;
    return model.rest_vertices(beta);
  };
  const auto y_extent = [](const hifa::RowMatrix3<float>& v) { return v.col(1).maxCoeff() - v.col(1).minCoeff(); };
  // height: +5% per unit, feet on the floor.
  const auto tall = shaped(0, 1.0f);
  CHECK(y_extent(tall) == Approx(1.05f * h).epsilon(1e-4));
  CHECK(tall.col(1).minCoeff() == Approx(body.landmarks.floor).margin(1e-4));
  CHECK(model.rest_joints(tall)(15, 1) > body.landmarks.joints(15, 1));
  // leg length: the floor stays, the pelvis (regressed from the new surface) rises by about 5% of
  // the hip-to-ankle height.
  const auto long_legs = shaped(1, 1.0f);
  CHECK(long_legs.col(1).minCoeff() == Approx(body.landmarks.floor).margin(0.002f * h));
  const float leg = body.landmarks.joints(1, 1) - body.landmarks.joints(7, 1);
  const float rise = model.rest_joints(long_legs)(0, 1) - body.landmarks.joints(0, 1);
  CHECK(rise == Approx(0.05f * leg).epsilon(0.3));
  // arm length: the fingertips move out, the legs do not.
  const auto long_arms = shaped(2, 1.0f);
  CHECK(long_arms.col(0).maxCoeff() > rest.col(0).maxCoeff() + 0.02f * h * 0.5f);
  CHECK(long_arms.col(1).minCoeff() == Approx(rest.col(1).minCoeff()).margin(1e-6));
  // girth widens the waist; every shape direction is linear: beta = -2 moves twice as far back.
  for (int s = 0; s < hifa::open_body_shape_count; ++s) {
    INFO("shape " << hifa::open_body_shape_names[std::size_t(s)]);
    const hifa::RowMatrix3<float> d1 = shaped(s, 1.0f) - rest, d2 = shaped(s, -2.0f) - rest;
    CHECK((d2 + 2.0f * d1).cwiseAbs().maxCoeff() < 1e-5f);
    CHECK(d1.cwiseAbs().maxCoeff() > 0.001f * h);  // each parameter moves something
  }
}

TEST_CASE("OpenBody's T-pose rest has horizontal arms and is written and read back as an SMPL-layout npz") {
  const auto& body = mannequin_body(hifa::OpenBodyRest::t_pose);
  for (int side = 0; side < 2; ++side) {
    const hifa::Vec3f shoulder = joint(body, 16 + side), wrist = joint(body, 20 + side);
    CHECK(std::abs(wrist.y() - shoulder.y()) < 1e-3f * body.landmarks.height);
    CHECK(std::abs(wrist.z() - shoulder.z()) < 1e-3f * body.landmarks.height);
  }
  check_landmarks(body, rest_mesh(body.model));
  hifa::test::TempDir dir;
  const auto path = dir.path() / "open_body.npz";
  hifa::write_body_npz(path, body.model);
  const auto loaded = hifa::SmplModel<float>::load(path);
  CHECK(loaded.data().v_template == body.model.v_template);
  CHECK(loaded.data().shapedirs == body.model.shapedirs);
  CHECK(loaded.data().J_regressor == body.model.J_regressor);
  CHECK(loaded.data().weights == body.model.weights);
  CHECK(loaded.data().faces == body.model.faces);
  CHECK(loaded.data().posedirs.cols() == 0);
}

TEST_CASE("OpenBody posed through 100 library poses keeps every edge within a stretch bound") {
  // The generated body through the CMU excerpt of tests/data (retargeted) and seeded random poses
  // within joint limits, 100 in all. Bound: no edge longer than 8 times its rest length (measured:
  // 6.4 on the generated body, whose random poses twist hips and shoulders by up to 0.8 rad, and 4.7
  // on the MakeHuman body through 01_01.bvh, both at the small edges where LBS without pose
  // correctives pinches bent joints; a tear between limbs stretches edges by far more).
  const auto& generated = mannequin_body(hifa::OpenBodyRest::a_pose);
  auto poses = library_poses(generated, std::filesystem::path(HIFA_SOURCE_DIR) / "tests/data/cmu_01_01_excerpt.bvh", 20);
  REQUIRE(poses.size() == 20);
  const auto random = random_poses(80, 6);
  poses.insert(poses.end(), random.begin(), random.end());
  const Stretch stretch = worst_stretch(generated, poses);
  INFO("generated body: longest edge " << stretch.elongation << " x rest, shortest 1 / " << stretch.compression);
  CHECK(stretch.elongation < 8.0f);
}

#ifdef HIFA_WITH_ASSIMP
TEST_CASE("OpenBody of the MakeHuman body through 100 poses of 01_01.bvh keeps every edge within the stretch bound") {
  const auto human = data_dir() / "body/human.zae";
  const auto bvh = data_dir() / "motion/01_01.bvh";
  if (!std::filesystem::exists(human) || !std::filesystem::exists(bvh))
    HIFA_SKIP("data/ is missing (scripts/fetch-data fetches it)");
  const auto body = hifa::make_open_body(Space{}, hifa::load_scene_mesh<float>(human));
  const auto library = library_poses(body, bvh, 100);
  REQUIRE(library.size() == 100);
  const Stretch stretch = worst_stretch(body, library);
  INFO("MakeHuman body through 01_01.bvh: longest edge " << stretch.elongation << " x rest, shortest 1 / "
                                                          << stretch.compression);
  CHECK(stretch.elongation < 8.0f);
}

TEST_CASE("OpenBody of the MakeHuman body is closed, with landmarks and weights that pass the same checks") {
  const auto human = data_dir() / "body/human.zae";
  if (!std::filesystem::exists(human)) HIFA_SKIP("data/ is missing (scripts/fetch-data fetches it)");
  const auto body = hifa::make_open_body(Space{}, hifa::load_scene_mesh<float>(human));
  CHECK(body.holes_filled == 4);  // the open shells of the two eyes (two each)
  const auto surface = rest_mesh(body.model);
  CHECK(hifa::is_closed(surface));
  CHECK(hifa::is_edge_manifold(surface));
  check_landmarks(body, surface);
  check_weights(body);
}
#endif
