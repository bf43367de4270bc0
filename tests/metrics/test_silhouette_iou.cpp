#include "hifa/metrics/silhouette_iou.hpp"

#include "support/box_mesh.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

namespace {

using hifa::TriMeshf;
using hifa::Vec3f;
using Space = Kokkos::DefaultHostExecutionSpace;
constexpr float quarter_turn = std::numbers::pi_v<float> / 2;

}  // namespace

TEST_CASE("silhouette IoU: a person and its lathe-turned twin agree from the front and differ from the side") {
  const Space space;
  const TriMeshf person = hifa::test::box_person(0.4f, 1.7f, 0.2f);  // 20 cm deep
  const TriMeshf lathe = hifa::test::box_person(0.4f, 1.7f, 0.4f);   // as deep as wide
  CHECK(hifa::silhouette_iou(space, person, lathe, 0.0f, 256) == Approx(1.0));
  // From the side the silhouettes are the depths, 20 vs 40 cm about the same centre: IoU 1/2.
  CHECK(hifa::silhouette_iou(space, person, lathe, quarter_turn, 256) == Approx(0.5).margin(0.03));
  CHECK(hifa::silhouette_iou(space, person, person, quarter_turn, 256) == Approx(1.0));
}

TEST_CASE("silhouette IoU from opposite directions is the same (mirror images)") {
  const Space space;
  const TriMeshf a = hifa::test::box_person_with_arm(), b = hifa::test::box_person(0.5f, 1.6f, 0.3f, 0.05f);
  const double side = hifa::silhouette_iou(space, a, b, quarter_turn, 200);
  CHECK(side < 0.95);
  CHECK(hifa::silhouette_iou(space, a, b, 3 * quarter_turn, 200) == Approx(side).margin(0.01));
}

TEST_CASE("silhouette IoU of meshes that cover no pixel is NaN; bad arguments are errors naming it") {
  const Space space;
  TriMeshf flat;  // a triangle in the plane x = 0, seen edge-on from the front
  flat.vertices.resize(3, 3);
  flat.vertices << 0, 0, 0, 0, 1, 0, 0, 0, 1;
  flat.faces.resize(1, 3);
  flat.faces << 0, 1, 2;
  CHECK(std::isnan(hifa::silhouette_iou(space, flat, flat, 0.0f, 64)));
  CHECK(hifa::silhouette_iou(space, flat, flat, quarter_turn, 64) == Approx(1.0));
  CHECK_THROWS_WITH(hifa::silhouette_iou(space, flat, flat, 0.0f, 0), Catch::Contains("silhouette_iou"));
  CHECK_THROWS_WITH(hifa::silhouette_iou(space, flat, TriMeshf{}, 0.0f, 64), Catch::Contains("silhouette_iou"));
}
