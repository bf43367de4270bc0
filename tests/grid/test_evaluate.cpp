#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"

#include "support/counting_batch_field.hpp"
#include "support/execution_spaces.hpp"
#include "hifa/field/mannequin.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace hifa;

namespace {

const GridSpec<float> grid{AABBf(Vec3f(-1, -0.8f, -0.9f), Vec3f(1, 1.1f, 0.7f)), Vec3i(33, 29, 31)};

// The number of grid points whose value differs (bitwise) from f.value(grid.point(i, j, k)).
template <class F, class Values>
int mismatches(const F& f, const GridSpec<float>& g, const Values& device_values) {
  const auto values = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, device_values);
  REQUIRE(values.extent(0) == std::size_t(g.resolution.x()));
  REQUIRE(values.extent(1) == std::size_t(g.resolution.y()));
  REQUIRE(values.extent(2) == std::size_t(g.resolution.z()));
  int count = 0;
  for (int i = 0; i < g.resolution.x(); ++i)
    for (int j = 0; j < g.resolution.y(); ++j)
      for (int k = 0; k < g.resolution.z(); ++k) count += values(i, j, k) != f.value(g.point(i, j, k));
  return count;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("dense grid evaluation equals pointwise evaluation bitwise", "", test::ExecutionSpaces) {
  const TestType space;
  const auto figure = mannequin<float>();
  const auto values = evaluate_grid(space, figure, grid);
  space.fence();
  CHECK(mismatches(figure, grid, values) == 0);
  // The smallest grid: one cell.
  const auto corners = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 2);
  const Sphere<float> ball{Vec3f(0, 0, 0), 1.0f};
  const auto two = evaluate_grid(space, ball, corners);
  space.fence();
  CHECK(mismatches(ball, corners, two) == 0);
}

TEMPLATE_LIST_TEST_CASE("batched grid evaluation equals pointwise evaluation and calls the field once per chunk", "",
                        test::ExecutionSpaces) {
  const TestType space;
  const Torus<float> torus{Vec3f(0.1f, 0, 0), 0.6f, 0.2f};
  const test::CountingBatchField<Torus<float>, TestType> batch{torus};
  static_assert(BatchField<decltype(batch)> && !ImplicitField<decltype(batch)>);

  const auto small = evaluate_grid(space, batch, grid);
  CHECK(mismatches(torus, grid, small) == 0);
  CHECK(batch.counts->calls == 1);
  CHECK(batch.counts->points == grid.point_count());

  // 65³ = 274625 points: two chunks of at most 2^18.
  const auto big = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 65);
  const test::CountingBatchField<Torus<float>, TestType> counted{torus};
  const auto values = evaluate_grid(space, counted, big);
  CHECK(mismatches(torus, big, values) == 0);
  CHECK(counted.counts->calls == 2);
  CHECK(counted.counts->points == big.point_count());
}

TEST_CASE("the overload without an execution space uses the default one") {
  const Sphere<float> ball{Vec3f(0.2f, 0, 0), 0.5f};
  const auto values = evaluate_grid(ball, grid);
  Kokkos::fence();
  CHECK(mismatches(ball, grid, values) == 0);
}

TEMPLATE_LIST_TEST_CASE("point evaluation writes one value per point for pointwise and batch fields", "",
                        test::ExecutionSpaces) {
  using Memory = typename TestType::memory_space;
  const TestType space;
  const Capsule<float> capsule{Vec3f(-0.5f, 0, 0), Vec3f(0.5f, 0.2f, 0), 0.3f};
  const int n = 1000;
  Kokkos::View<float* [3], Memory> points("points", n);
  const auto host_points = Kokkos::create_mirror_view(points);
  for (int q = 0; q < n; ++q)
    for (int axis = 0; axis < 3; ++axis) host_points(q, axis) = std::sin(float(q * 3 + axis));
  Kokkos::deep_copy(points, host_points);

  Kokkos::View<float*, Memory> pointwise("pointwise", n), batched("batched", n);
  evaluate_points(space, capsule, points, pointwise);
  const test::CountingBatchField<Capsule<float>, TestType> batch{capsule};
  evaluate_points(space, batch, points, batched);
  space.fence();
  const auto a = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, pointwise);
  const auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, batched);
  int wrong = 0;
  for (int q = 0; q < n; ++q) {
    const float expected = capsule.value(Vec3f(host_points(q, 0), host_points(q, 1), host_points(q, 2)));
    wrong += a(q) != expected || b(q) != expected;
  }
  CHECK(wrong == 0);
  CHECK(batch.counts->calls == 1);

  // No points: nothing to do, and no error.
  Kokkos::View<float* [3], Memory> none("none", 0);
  Kokkos::View<float*, Memory> nothing("nothing", 0);
  CHECK_NOTHROW(evaluate_points(space, capsule, none, nothing));
  CHECK_NOTHROW(evaluate_points(space, batch, none, nothing));
}

TEST_CASE("point evaluation rejects values and points of different lengths") {
  Kokkos::View<float* [3], Kokkos::HostSpace> points("points", 4);
  Kokkos::View<float*, Kokkos::HostSpace> values("values", 3);
  const Kokkos::DefaultHostExecutionSpace host;
  const Sphere<float> ball{Vec3f(0, 0, 0), 1};
  CHECK_THROWS_AS(evaluate_points(host, ball, points, values), Error);
  Kokkos::View<float**, Kokkos::HostSpace> two_columns("two_columns", 3, 2);
  CHECK_THROWS_AS(evaluate_points(host, ball, two_columns, values), Error);
}

TEST_CASE("an invalid grid specification throws hifa::Error") {
  const Sphere<float> ball{Vec3f(0, 0, 0), 1};
  const AABBf unit(Vec3f(-1, -1, -1), Vec3f(1, 1, 1));
  CHECK_THROWS_AS(evaluate_grid(ball, GridSpec<float>{unit, Vec3i(1, 8, 8)}), Error);
  CHECK_THROWS_AS(evaluate_grid(ball, GridSpec<float>{unit, Vec3i(8, 8, -3)}), Error);
  const Vec3i eight(8, 8, 8);
  CHECK_THROWS_AS(evaluate_grid(ball, GridSpec<float>{AABBf(Vec3f(1, -1, -1), Vec3f(-1, 1, 1)), eight}), Error);
  CHECK_THROWS_AS(evaluate_grid(ball, GridSpec<float>::cube(AABBf(Vec3f(0, 0, 0), Vec3f(0, 1, 1)), 8)), Error);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_AS(evaluate_grid(ball, GridSpec<float>{AABBf(Vec3f(-1, nan, -1), Vec3f(1, 1, 1)), eight}), Error);
  CHECK_THROWS_WITH(evaluate_grid(ball, GridSpec<float>{unit, Vec3i(1, 8, 8)}), Catch::Contains("grid: resolution"));
}
