#include "hifa/skinning/bone_heat.hpp"

#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/topology.hpp"
#include "support/execution_spaces.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

namespace {

// A closed tube along x from -1 to 1 (a capsule of radius 0.2), by marching cubes.
hifa::TriMeshf tube() {
  const hifa::Capsule<float> capsule{hifa::Vec3f(-1, 0, 0), hifa::Vec3f(1, 0, 0), 0.2f};
  const hifa::GridSpec<float> grid{hifa::AABBf(hifa::Vec3f(-1.3f, -0.3f, -0.3f), hifa::Vec3f(1.3f, 0.3f, 0.3f)),
                                   hifa::Vec3i(105, 25, 25)};
  const Kokkos::DefaultHostExecutionSpace space;
  const auto values = hifa::evaluate_grid(space, capsule, grid);
  auto mesh = hifa::marching_cubes(space, values, grid);
  mesh.normals.resize(0, 3);
  return mesh;
}

// Two bones meeting at the origin, like an elbow: joint 0 owns the left half, joint 1 the right.
const std::vector<hifa::BoneSegment> elbow = {{0, hifa::Vec3f(-0.9f, 0, 0), hifa::Vec3f(0, 0, 0)},
                                              {1, hifa::Vec3f(0, 0, 0), hifa::Vec3f(0.9f, 0, 0)}};

}  // namespace

TEMPLATE_LIST_TEST_CASE("bone heat weights of a tube with two bones are a smooth partition of unity", "",
                        hifa::test::ExecutionSpaces) {
  const auto mesh = tube();
  REQUIRE(hifa::is_closed(mesh));
  const TestType space;
  const hifa::WeightMatrix w = hifa::bone_heat_weights(space, mesh, elbow, 3);
  REQUIRE(w.rows() == mesh.vertex_count());
  REQUIRE(w.cols() == 3);
  CHECK(w.minCoeff() >= 0.0f);
  CHECK((w.rowwise().sum().array() - 1.0f).abs().maxCoeff() < 1e-5f);
  CHECK(w.col(2).maxCoeff() == 0.0f);  // a joint without segments gets nothing
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) {
    const float x = mesh.vertices(v, 0);
    // Far from the joint each vertex belongs to its own bone; at the joint the two share.
    if (x < -0.5f) CHECK(w(v, 0) > 0.95f);
    if (x > 0.5f) CHECK(w(v, 1) > 0.95f);
    if (std::abs(x) < 0.02f) CHECK(std::abs(w(v, 0) - 0.5f) < 0.1f);
  }
  // Smooth across the joint: no jump along any edge (edges are ~0.025 long here; nearest-bone
  // weights would jump by 1 at x = 0).
  float jump = 0;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f)
    for (int k = 0; k < 3; ++k)
      jump = std::max(jump, (w.row(mesh.faces(f, k)) - w.row(mesh.faces(f, (k + 1) % 3))).cwiseAbs().maxCoeff());
  CHECK(jump < 0.1f);
}

TEST_CASE("bone heat weights are the same bytes on every execution space and keep at most max_influences") {
  const auto mesh = tube();
  const hifa::WeightMatrix reference = hifa::bone_heat_weights(Kokkos::DefaultHostExecutionSpace{}, mesh, elbow, 2);
#ifdef KOKKOS_ENABLE_SERIAL
  CHECK(hifa::bone_heat_weights(Kokkos::Serial{}, mesh, elbow, 2) == reference);
#endif
  // Four bones along the tube, one influence each: every row is one-hot.
  const std::vector<hifa::BoneSegment> four = {{0, hifa::Vec3f(-0.9f, 0, 0), hifa::Vec3f(-0.45f, 0, 0)},
                                               {1, hifa::Vec3f(-0.45f, 0, 0), hifa::Vec3f(0, 0, 0)},
                                               {2, hifa::Vec3f(0, 0, 0), hifa::Vec3f(0.45f, 0, 0)},
                                               {3, hifa::Vec3f(0.45f, 0, 0), hifa::Vec3f(0.9f, 0, 0)}};
  hifa::BoneHeatOptions options;
  options.max_influences = 1;
  const auto one = hifa::bone_heat_weights(Kokkos::DefaultHostExecutionSpace{}, mesh, four, 4, options);
  for (Eigen::Index v = 0; v < one.rows(); ++v) {
    CHECK((one.row(v).array() > 0).count() == 1);
    CHECK(one.row(v).sum() == 1.0f);
  }
}

TEST_CASE("bone heat refuses bad bones and options by name") {
  const auto mesh = tube();
  const Kokkos::DefaultHostExecutionSpace space;
  CHECK_THROWS_WITH(hifa::bone_heat_weights(space, mesh, std::span<const hifa::BoneSegment>(), 2),
                    Catch::Contains("bone_heat_weights") && Catch::Contains("no bone segments"));
  CHECK_THROWS_WITH(hifa::bone_heat_weights(space, mesh, elbow, 1), Catch::Contains("joint 1"));
  const std::vector<hifa::BoneSegment> nan = {{0, hifa::Vec3f(NAN, 0, 0), hifa::Vec3f(0, 0, 0)}};
  CHECK_THROWS_WITH(hifa::bone_heat_weights(space, mesh, nan, 1), Catch::Contains("not finite"));
  hifa::BoneHeatOptions bad;
  bad.heat = 0;
  CHECK_THROWS_WITH(hifa::bone_heat_weights(space, mesh, elbow, 2, bad), Catch::Contains("heat must be > 0"));
}
