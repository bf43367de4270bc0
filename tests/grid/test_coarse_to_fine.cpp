#include "hifa/field/analytic.hpp"
#include "hifa/field/combinators.hpp"
#include "hifa/grid/coarse_to_fine.hpp"
#include "hifa/grid/evaluate.hpp"

#include "support/counting_batch_field.hpp"
#include "support/execution_spaces.hpp"
#include "hifa/field/mannequin.hpp"
#include "support/test_fields.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <string>

using namespace hifa;

namespace {

const GridSpec<float> cube65 = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 65);

template <class Values>
auto on_host(const Values& values) {
  return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, values);
}

// Compares coarse-to-fine with dense evaluation: every point on the same side of the level, and
// every point that coarse-to-fine did not interpolate bitwise equal. Returns the query ratio.
template <class ExecSpace, class F>
double check_against_dense(const ExecSpace& space, const F& field, const GridSpec<float>& grid,
                           const CoarseToFineOptions<float>& options) {
  const auto dense = on_host(evaluate_grid(space, field, grid));
  const auto result = evaluate_coarse_to_fine(space, field, grid, options);
  const auto fine = on_host(result.values);
  std::size_t sign_changes = 0, above = 0, equal = 0;
  for (std::size_t i = 0; i < dense.extent(0); ++i)
    for (std::size_t j = 0; j < dense.extent(1); ++j)
      for (std::size_t k = 0; k < dense.extent(2); ++k) {
        sign_changes += (dense(i, j, k) > options.level) != (fine(i, j, k) > options.level);
        above += dense(i, j, k) > options.level;
        equal += dense(i, j, k) == fine(i, j, k);
      }
  CHECK(sign_changes == 0);
  CHECK(above > 0);                   // the level set crosses the grid
  CHECK(above < grid.point_count());
  CHECK(result.queries <= equal);           // queried points hold the field's exact values
  CHECK(result.queries < grid.point_count());
  return double(result.queries) / double(grid.point_count());
}

template <class T>
bool bitwise_equal(const T& a, const T& b) {
  return a.extent(0) == b.extent(0) && a.extent(1) == b.extent(1) && a.extent(2) == b.extent(2) &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(typename T::value_type)) == 0;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("coarse-to-fine evaluation of SDFs has the signs of dense evaluation with fewer queries", "",
                        test::ExecutionSpaces) {
  const TestType space;
  const auto options = CoarseToFineOptions<float>::sdf(8);
  const auto grid = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 129);
  SECTION("sphere") {
    CHECK(check_against_dense(space, Sphere<float>{Vec3f(0.05f, -0.1f, 0.02f), 0.6f}, grid, options) < 0.1);
  }
  SECTION("torus") {
    CHECK(check_against_dense(space, Torus<float>{Vec3f(0, 0.1f, 0), 0.55f, 0.15f}, grid, options) < 0.1);
  }
  SECTION("thin plate, one grid plane thick, off the coarse lattice") {
    // 0.6 spacings thick around the grid plane j = 69 (y = 5h): no coarse sample is inside it.
    const float h = grid.spacing().x();
    const Box<float> plate{Vec3f(0.1f, 5 * h, -0.05f), Vec3f(0.7f, 0.3f * h, 0.6f)};
    CHECK(check_against_dense(space, plate, grid, options) < 0.1);
  }
  SECTION("body-like composite") {
    CHECK(check_against_dense(space, mannequin<float>(), grid, options) < 0.1);
  }
}

TEMPLATE_LIST_TEST_CASE(
    "coarse-to-fine evaluation of an occupancy with the value band has the signs of dense evaluation", "",
    test::ExecutionSpaces) {
  const TestType space;
  // The transition 0.05..0.95 spans ~2.5 grid spacings, as for a trained network's occupancy.
  const test::Occupancy<decltype(mannequin<float>())> occupancy{mannequin<float>(), 150.0f};
  const auto grid = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 129);
  CHECK(check_against_dense(space, occupancy, grid, CoarseToFineOptions<float>::occupancy(8)) < 0.1);
}

TEMPLATE_LIST_TEST_CASE("batched coarse-to-fine evaluation equals the pointwise one with one call per level", "",
                        test::ExecutionSpaces) {
  const TestType space;
  const Torus<float> torus{Vec3f(0, 0.1f, 0), 0.55f, 0.15f};
  const test::CountingBatchField<Torus<float>, TestType> batch{torus};
  const auto pointwise = evaluate_coarse_to_fine(space, torus, cube65, CoarseToFineOptions<float>::sdf(8));
  const auto batched = evaluate_coarse_to_fine(space, batch, cube65, CoarseToFineOptions<float>::sdf(8));
  CHECK(batched.queries == pointwise.queries);
  CHECK(batch.counts->points == batched.queries);
  CHECK(batch.counts->calls == 4);  // steps 8, 4, 2, 1
  CHECK(bitwise_equal(on_host(pointwise.values), on_host(batched.values)));
}

TEST_CASE("coarse-to-fine results are bitwise identical on every execution space") {
  const auto figure = mannequin<float>();
  const auto grid = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 97);
  const auto reference = evaluate_coarse_to_fine(Kokkos::DefaultHostExecutionSpace{}, figure, grid);
  const auto expected = on_host(reference.values);
  std::apply(
      [&](auto... spaces) {
        (
            [&](auto space) {
              INFO(space.name());
              const auto other = evaluate_coarse_to_fine(space, figure, grid);
              CHECK(other.queries == reference.queries);
              CHECK(bitwise_equal(expected, on_host(other.values)));
            }(spaces),
            ...);
      },
      test::ExecutionSpaces{});
}

TEMPLATE_LIST_TEST_CASE("grids whose size is not a multiple of the coarse step keep the signs of dense evaluation", "",
                        test::ExecutionSpaces) {
  const TestType space;
  const auto figure = mannequin<float>();
  const GridSpec<float> odd{AABBf(Vec3f(-0.7f, -1, -0.4f), Vec3f(0.7f, 1, 0.4f)), Vec3i(50, 91, 23)};
  check_against_dense(space, figure, odd, CoarseToFineOptions<float>::sdf(16));
  // A coarse step larger than the grid: the coarse lattice is the grid's corners.
  const GridSpec<float> tiny{AABBf(Vec3f(-0.3f, -0.3f, -0.3f), Vec3f(0.3f, 0.3f, 0.3f)), Vec3i(9, 5, 7)};
  const Sphere<float> ball{Vec3f(0, 0, 0), 0.2f};
  const auto dense = on_host(evaluate_grid(space, ball, tiny));
  const auto fine = on_host(evaluate_coarse_to_fine(space, ball, tiny, CoarseToFineOptions<float>::sdf(32)).values);
  int sign_changes = 0;
  for (int i = 0; i < 9; ++i)
    for (int j = 0; j < 5; ++j)
      for (int k = 0; k < 7; ++k) sign_changes += (dense(i, j, k) > 0) != (fine(i, j, k) > 0);
  CHECK(sign_changes == 0);
}

TEST_CASE("a plate thinner than a coarse cell is missed by the straddle test alone and found by the Lipschitz band") {
  const auto grid = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 129);
  const float h = grid.spacing().x();
  const Box<float> plate{Vec3f(0.1f, 5 * h, -0.05f), Vec3f(0.7f, 0.3f * h, 0.6f)};
  const auto dense = on_host(evaluate_grid(plate, grid));
  const auto inside_points = [&](const auto& values) {
    std::size_t count = 0;
    for (std::size_t q = 0; q < values.size(); ++q) count += values.data()[q] < 0;
    return count;
  };
  auto straddle_only = CoarseToFineOptions<float>::sdf(8);  // PIFu's rule: refine where corners disagree
  straddle_only.band = BandRule::value;
  straddle_only.value_band = 0;
  CHECK(inside_points(on_host(evaluate_coarse_to_fine(plate, grid, straddle_only).values)) == 0);
  CHECK(inside_points(on_host(evaluate_coarse_to_fine(plate, grid).values)) == inside_points(dense));
  CHECK(inside_points(dense) > 0);
}

TEST_CASE("a coarse step of one is dense evaluation") {
  const Sphere<float> ball{Vec3f(0.1f, 0, 0), 0.5f};
  const auto result = evaluate_coarse_to_fine(ball, cube65, CoarseToFineOptions<float>::sdf(1));
  CHECK(result.queries == cube65.point_count());
  CHECK(bitwise_equal(on_host(result.values), on_host(evaluate_grid(ball, cube65))));
}

TEST_CASE("a field far from its level everywhere is queried on the coarse lattice only") {
  const Sphere<float> far{Vec3f(10, 10, 10), 0.5f};
  const auto result = evaluate_coarse_to_fine(far, cube65, CoarseToFineOptions<float>::sdf(8));
  CHECK(result.queries == 9 * 9 * 9);
}

TEST_CASE("invalid coarse-to-fine options throw hifa::Error") {
  const Sphere<float> ball{Vec3f(0, 0, 0), 0.5f};
  auto options = CoarseToFineOptions<float>::sdf(6);
  CHECK_THROWS_WITH(evaluate_coarse_to_fine(ball, cube65, options), Catch::Contains("coarse_step"));
  options.coarse_step = 0;
  CHECK_THROWS_AS(evaluate_coarse_to_fine(ball, cube65, options), Error);
  options = CoarseToFineOptions<float>::sdf(8);
  options.lipschitz = -1;
  CHECK_THROWS_WITH(evaluate_coarse_to_fine(ball, cube65, options), Catch::Contains("lipschitz"));
  options = CoarseToFineOptions<float>::occupancy(8, -0.1f);
  CHECK_THROWS_WITH(evaluate_coarse_to_fine(ball, cube65, options), Catch::Contains("value_band"));
  CHECK_THROWS_AS(evaluate_coarse_to_fine(ball, GridSpec<float>{cube65.bounds, Vec3i(0, 4, 4)}), Error);
}
