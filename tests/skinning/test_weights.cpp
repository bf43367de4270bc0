#include "hifa/skinning/weights.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/field/combinators.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "support/execution_spaces.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <tuple>
#include <vector>

namespace {

using hifa::Vec3f;
using Host = Kokkos::HostSpace;
using HostPoints = Kokkos::View<float* [3], Kokkos::LayoutRight, Host>;
using HostWeights = Kokkos::View<float**, Kokkos::LayoutRight, Host>;

static_assert(hifa::SkinningWeightSource<hifa::SurfaceWeights<Host>, Kokkos::DefaultHostExecutionSpace>);
static_assert(hifa::SkinningWeightSource<hifa::WeightGrid<Host>, Kokkos::DefaultHostExecutionSpace>);
static_assert(!hifa::SkinningWeightSource<hifa::TriMeshf, Kokkos::DefaultHostExecutionSpace>);

template <class Field>
hifa::TriMeshf mesh_of(const Field& field, const hifa::AABBf& box, int n) {
  const Kokkos::DefaultHostExecutionSpace space;
  const auto grid = hifa::GridSpec<float>::cube(box, n);
  return hifa::marching_cubes(space, hifa::evaluate_grid(space, field, grid), grid);
}

// A vertical capsule ("a limb") from y = -0.6 to 0.6, radius 0.25.
hifa::TriMeshf limb() {
  return mesh_of(hifa::Capsule<float>{Vec3f(0, -0.6f, 0), Vec3f(0, 0.6f, 0), 0.25f},
                 hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 40);
}

// Two vertical capsules ("legs") at x = -0.5 and x = 0.5, radius 0.2: a gap of 0.6 between them.
hifa::TriMeshf legs() {
  const hifa::Capsule<float> left{Vec3f(-0.5f, -0.5f, 0), Vec3f(-0.5f, 0.5f, 0), 0.2f};
  const hifa::Capsule<float> right{Vec3f(0.5f, -0.5f, 0), Vec3f(0.5f, 0.5f, 0), 0.2f};
  return mesh_of(hifa::unite(left, right), hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 48);
}

// SMPL-like random weights: 1 to 4 non-zero joints of 24 per vertex (not normalized: the
// constructor normalizes).
hifa::WeightMatrix random_vertex_weights(Eigen::Index v, std::uint64_t seed) {
  const hifa::CounterRng rng{seed};
  hifa::WeightMatrix w = hifa::WeightMatrix::Zero(v, 24);
  for (Eigen::Index i = 0; i < v; ++i) {
    const int nonzero = 1 + int(rng.below(4, 0, i));
    for (int j = 0; j < nonzero; ++j) w(i, int(rng.below(24, 1 + j, i))) += 0.1f + rng.uniform(5 + j, i);
  }
  return w;
}

HostPoints vertices_of(const hifa::TriMeshf& mesh) {
  HostPoints p("vertices", mesh.vertex_count());
  for (Eigen::Index i = 0; i < mesh.vertex_count(); ++i)
    for (int d = 0; d < 3; ++d) p(i, d) = mesh.vertices(i, d);
  return p;
}

HostPoints random_points(int n, float lo, float hi, std::uint64_t seed) {
  const hifa::CounterRng rng{seed};
  HostPoints p("points", n);
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d) p(i, d) = lo + (hi - lo) * rng.uniform(d, i);
  return p;
}

template <class Space>
HostWeights surface_query(const hifa::TriMeshf& body, const hifa::WeightMatrix& w, const HostPoints& points) {
  using Memory = typename Space::memory_space;
  const Space space;
  const hifa::SurfaceWeights<Memory> surface(space, body, w);
  const auto p = Kokkos::create_mirror_view_and_copy(Memory{}, points);
  const Kokkos::View<float**, Kokkos::LayoutRight, Memory> out("out", points.extent(0), w.cols());
  surface.query(space, p, out);
  space.fence();
  return Kokkos::create_mirror_view_and_copy(Host{}, out);
}

// The diffused field of `body` on `grid`, its node values on the host, and its values at `points`.
template <class Space>
std::pair<HostWeights, Kokkos::View<float****, Kokkos::LayoutRight, Host>> field_query(
    const hifa::TriMeshf& body, const hifa::WeightMatrix& w, const hifa::GridSpec<float>& grid, int iterations,
    const HostPoints& points) {
  using Memory = typename Space::memory_space;
  const Space space;
  const hifa::SurfaceWeights<Memory> surface(space, body, w);
  const auto field = hifa::diffuse_weights(space, surface, grid, {iterations});
  const auto p = Kokkos::create_mirror_view_and_copy(Memory{}, points);
  const Kokkos::View<float**, Kokkos::LayoutRight, Memory> out("out", points.extent(0), w.cols());
  field.query(space, p, out);
  space.fence();
  return {Kokkos::create_mirror_view_and_copy(Host{}, out), Kokkos::create_mirror_view_and_copy(Host{}, field.values)};
}

// The largest |row sum - 1| and the smallest entry over all rows.
std::pair<float, float> sum_error_and_minimum(const HostWeights& w) {
  float err = 0, lo = 1;
  for (std::size_t i = 0; i < w.extent(0); ++i) {
    float sum = 0;
    for (std::size_t k = 0; k < w.extent(1); ++k) {
      sum += w(i, k);
      lo = std::min(lo, w(i, k));
    }
    err = std::max(err, std::abs(sum - 1));
  }
  return {err, lo};
}

// The largest difference of one weight between grid nodes adjacent along an axis.
template <class Values>
float largest_neighbour_jump(const Values& v) {
  float jump = 0;
  const int n[3] = {int(v.extent(0)), int(v.extent(1)), int(v.extent(2))};
  for (int i = 0; i < n[0]; ++i)
    for (int j = 0; j < n[1]; ++j)
      for (int k = 0; k < n[2]; ++k)
        for (int c = 0; c < int(v.extent(3)); ++c) {
          if (i + 1 < n[0]) jump = std::max(jump, std::abs(v(i + 1, j, k, c) - v(i, j, k, c)));
          if (j + 1 < n[1]) jump = std::max(jump, std::abs(v(i, j + 1, k, c) - v(i, j, k, c)));
          if (k + 1 < n[2]) jump = std::max(jump, std::abs(v(i, j, k + 1, c) - v(i, j, k, c)));
        }
  return jump;
}

hifa::WeightMatrix left_right_weights(const hifa::TriMeshf& body) {
  hifa::WeightMatrix w = hifa::WeightMatrix::Zero(body.vertex_count(), 2);
  for (Eigen::Index i = 0; i < body.vertex_count(); ++i) w(i, body.vertices(i, 0) < 0 ? 0 : 1) = 1;
  return w;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("nearest-surface weights at body vertices are those vertices' weights", "",
                        hifa::test::ExecutionSpaces) {
  const auto body = limb();
  hifa::WeightMatrix w = random_vertex_weights(body.vertex_count(), 1);
  const auto got = surface_query<TestType>(body, w, vertices_of(body));
  float worst = 0;
  for (Eigen::Index i = 0; i < body.vertex_count(); ++i) {
    const float sum = w.row(i).sum();
    for (int k = 0; k < 24; ++k) worst = std::max(worst, std::abs(got(i, k) - w(i, k) / sum));
  }
  CHECK(worst < 1e-5f);
}

TEMPLATE_LIST_TEST_CASE("skinning weights of arbitrary points are non-negative and sum to 1", "",
                        hifa::test::ExecutionSpaces) {
  const auto body = limb();
  const hifa::WeightMatrix w = random_vertex_weights(body.vertex_count(), 2);
  const auto points = random_points(20000, -1.2f, 1.2f, 3);  // some beyond the field's grid
  const auto [surface_sum, surface_min] = sum_error_and_minimum(surface_query<TestType>(body, w, points));
  CHECK(surface_sum < 1e-5f);
  CHECK(surface_min >= 0.0f);
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 24);
  const auto [field, values] = field_query<TestType>(body, w, grid, 16, points);
  const auto [field_sum, field_min] = sum_error_and_minimum(field);
  CHECK(field_sum < 1e-5f);
  CHECK(field_min >= 0.0f);
}

TEST_CASE("the diffused weight field has no seam between two limbs, unlike nearest-surface weights") {
  const auto body = legs();
  const auto w = left_right_weights(body);
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 48);
  const HostPoints none("none", 0);
  const auto [unused0, nearest] = field_query<Kokkos::DefaultHostExecutionSpace>(body, w, grid, 0, none);
  const auto [unused1, diffused] = field_query<Kokkos::DefaultHostExecutionSpace>(body, w, grid, 64, none);
  // Nearest-surface weights flip from one leg to the other across the plane x = 0 between them.
  CHECK(largest_neighbour_jump(nearest) > 0.9f);
  // Diffused, the flip is spread over the 0.6 gap (14 nodes), a smooth ramp.
  CHECK(largest_neighbour_jump(diffused) < 0.2f);
  // Midway between the legs each leg has about half the say.
  const int mid = 47 / 2;
  CHECK(std::abs(0.5f * (diffused(mid, 24, 24, 0) + diffused(mid + 1, 24, 24, 0)) - 0.5f) < 0.05f);
}

TEST_CASE("the diffused weight field equals the surface weights near the surface") {
  // Weights that vary along the limb (joint 1's share grows with y), so the comparison is not trivial.
  const auto body = limb();
  hifa::WeightMatrix w(body.vertex_count(), 2);
  for (Eigen::Index i = 0; i < body.vertex_count(); ++i) {
    const float u = std::clamp((body.vertices(i, 1) + 0.85f) / 1.7f, 0.0f, 1.0f);
    w(i, 0) = 1 - u;
    w(i, 1) = u;
  }
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 40);
  const auto at_vertices = vertices_of(body);
  const auto [field, values] = field_query<Kokkos::DefaultHostExecutionSpace>(body, w, grid, 64, at_vertices);
  const auto [undiffused, values0] = field_query<Kokkos::DefaultHostExecutionSpace>(body, w, grid, 0, at_vertices);
  // Every cell touching the surface has its 8 corners held at their own nearest-surface weights, so
  // diffusion does not change the field there at all...
  CHECK(std::memcmp(field.data(), undiffused.data(), sizeof(float) * field.size()) == 0);
  // ...and those nodes' nearest points lie within a cell diagonal of the vertex, where the weights
  // differ by at most |∇w| · 2 · sqrt(3) · spacing = 0.59 · 0.089 = 0.05.
  float worst = 0;
  for (Eigen::Index i = 0; i < body.vertex_count(); ++i) worst = std::max(worst, std::abs(field(i, 1) - w(i, 1)));
  CHECK(worst < 0.05f);
  // While far from the body, diffusion does change it.
  CHECK(std::memcmp(values.data(), values0.data(), sizeof(float) * values.size()) != 0);
}

TEST_CASE("skinning weights give the same bytes on every execution space and thread count") {
  const auto body = legs();
  const hifa::WeightMatrix w = random_vertex_weights(body.vertex_count(), 4);
  const auto points = random_points(10000, -1.1f, 1.1f, 5);
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 20);
  const auto surface = surface_query<Kokkos::Serial>(body, w, points);
  const auto [field, values] = field_query<Kokkos::Serial>(body, w, grid, 8, points);
  std::vector<HostWeights> surfaces, fields;
  std::apply(
      [&](auto... spaces) {
        (surfaces.push_back(surface_query<decltype(spaces)>(body, w, points)), ...);
        (fields.push_back(field_query<decltype(spaces)>(body, w, grid, 8, points).first), ...);
      },
      hifa::test::ExecutionSpaces{});
  for (const auto& s : surfaces) CHECK(std::memcmp(s.data(), surface.data(), sizeof(float) * surface.size()) == 0);
  for (const auto& f : fields) CHECK(std::memcmp(f.data(), field.data(), sizeof(float) * field.size()) == 0);
}

TEST_CASE("bad body weights and mismatched outputs are rejected, naming the vertex or the query") {
  const auto body = limb();
  const Kokkos::DefaultHostExecutionSpace space;
  CHECK_THROWS_WITH(hifa::SurfaceWeights<Host>(space, body, hifa::WeightMatrix::Ones(3, 2)),
                    Catch::Contains("3 rows for " + std::to_string(body.vertex_count()) + " body vertices"));
  hifa::WeightMatrix w = hifa::WeightMatrix::Ones(body.vertex_count(), 2);
  w(7, 1) = -0.5f;
  CHECK_THROWS_WITH(hifa::SurfaceWeights<Host>(space, body, w), Catch::Contains("vertex 7 has a negative weight"));
  w(7, 1) = 0;
  w(7, 0) = 0;
  CHECK_THROWS_WITH(hifa::SurfaceWeights<Host>(space, body, w), Catch::Contains("vertex 7 has weights summing to 0"));
  w(7, 0) = 1;
  const hifa::SurfaceWeights<Host> surface(space, body, w);
  const HostPoints points("points", 5);
  CHECK_THROWS_WITH(surface.query(space, points, HostWeights("w", 5, 3)),
                    Catch::Contains("SurfaceWeights::query") && Catch::Contains("expected 5 x 2"));
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 8);
  CHECK_THROWS_WITH(hifa::diffuse_weights(space, surface, grid, {-1}), Catch::Contains("iterations must be >= 0"));
  const auto field = hifa::diffuse_weights(space, surface, grid, {2});
  CHECK_THROWS_WITH(field.query(space, points, HostWeights("w", 4, 2)), Catch::Contains("WeightGrid::query"));
  // A non-finite point gets NaN weights instead of a made-up answer.
  HostPoints bad("bad", 1);
  bad(0, 0) = std::numeric_limits<float>::quiet_NaN();
  HostWeights out("out", 1, 2);
  surface.query(space, bad, out);
  field.query(space, bad, HostWeights("out2", 1, 2));
  space.fence();
  CHECK(std::isnan(out(0, 0)));
}
