#include "hifa/field/mannequin.hpp"
#include "hifa/grid/coarse_to_fine.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/topology.hpp"

#include <catch2/catch.hpp>

using namespace hifa;

TEST_CASE("the mannequin is one closed genus-0 surface with a person's proportions") {
  const auto field = mannequin<float>();
  const auto grid = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 129);
  const auto evaluated = evaluate_coarse_to_fine(field, grid);
  const auto mesh = marching_cubes(evaluated.values, grid, field);
  CHECK(is_closed(mesh));
  CHECK(connected_components(mesh).count == 1);
  CHECK(euler_characteristic(mesh) == 2);
  const AABBf box = bounding_box(mesh);
  const Vec3f size = box.max() - box.min();
  CHECK(size.y() == Approx(1.75).margin(0.1));  // standing height in the image cube
  CHECK(size.x() < size.y());                   // arms down (A-pose), narrower than tall
  CHECK(signed_volume(mesh) > 0.0f);
}
