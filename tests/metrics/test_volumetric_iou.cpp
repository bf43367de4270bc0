#include "hifa/metrics/volumetric_iou.hpp"

#include "hifa/core/error.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/metrics/reconstruction.hpp"
#include "support/implicit_meshes.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

namespace {

using hifa::OccupancyMethod;
using hifa::TriMeshf;
using hifa::Vec3f;
using Space = Kokkos::DefaultHostExecutionSpace;
using Bvh = hifa::MeshBvh<Kokkos::HostSpace>;

template <class Field>
TriMeshf surface_of(const Field& field, int resolution = 64) {
  return hifa::test::marching_cubes_of(field, resolution);
}

TriMeshf sphere(float radius, Vec3f centre = Vec3f::Zero()) { return surface_of(hifa::Sphere<float>{centre, radius}); }

// An axis-aligned cube of 12 outward faces: its faces lie on the outer planes of any grid over its
// own box, so grid points sit exactly on the surface (winding number ~0.5 there).
TriMeshf cube(Vec3f lo, Vec3f hi) {
  TriMeshf mesh;
  mesh.vertices.resize(8, 3);
  for (int v = 0; v < 8; ++v) {
    mesh.vertices.row(v) << (v & 1 ? hi.x() : lo.x()), (v & 2 ? hi.y() : lo.y()), (v & 4 ? hi.z() : lo.z());
  }
  mesh.faces.resize(12, 3);
  mesh.faces << 0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3,
      7, 5;
  return mesh;
}

TriMeshf append(TriMeshf a, const TriMeshf& b, bool flip_b) {
  const auto offset = int(a.vertices.rows());
  a.vertices.conservativeResize(a.vertices.rows() + b.vertices.rows(), 3);
  a.vertices.bottomRows(b.vertices.rows()) = b.vertices;
  hifa::FaceMatrix faces = b.faces.array() + offset;
  if (flip_b) faces.col(1).swap(faces.col(2));
  a.faces.conservativeResize(a.faces.rows() + faces.rows(), 3);
  a.faces.bottomRows(faces.rows()) = faces;
  a.normals.resize(0, 3);
  return a;
}

// Every face with its own three vertices, as texture seams split a scan (here: everywhere).
TriMeshf unwelded(const TriMeshf& mesh) {
  TriMeshf out;
  out.vertices.resize(3 * mesh.faces.rows(), 3);
  out.faces.resize(mesh.faces.rows(), 3);
  for (Eigen::Index f = 0; f < mesh.faces.rows(); ++f) {
    for (int c = 0; c < 3; ++c) {
      out.vertices.row(3 * f + c) = mesh.vertices.row(mesh.faces(f, c));
      out.faces(f, c) = int(3 * f + c);
    }
  }
  return out;
}

bool same_bytes(const hifa::GridOccupancy& a, const hifa::GridOccupancy& b) {
  return a.inside.extent(0) == b.inside.extent(0) && a.inside.extent(1) == b.inside.extent(1) &&
         a.inside.extent(2) == b.inside.extent(2) &&
         std::memcmp(a.inside.data(), b.inside.data(), a.inside.size()) == 0;
}

std::size_t inside_count(const hifa::GridOccupancy& o) {
  std::size_t n = 0;
  for (std::size_t q = 0; q < o.inside.size(); ++q) n += o.inside.data()[q];
  return n;
}

// The fast occupancy of `mesh` on `grid` equals the dense one byte for byte; returns the fast one.
hifa::GridOccupancy check_fast_is_dense(const TriMeshf& mesh, const hifa::GridSpec<float>& grid) {
  const Space space;
  const Bvh bvh(space, mesh);
  const auto dense = hifa::grid_occupancy(space, bvh, mesh, grid, Bvh::default_beta, OccupancyMethod::dense);
  const auto fast = hifa::grid_occupancy(space, bvh, mesh, grid, Bvh::default_beta, OccupancyMethod::fast);
  CHECK(dense.queries == grid.point_count());
  CHECK(same_bytes(fast, dense));
  CHECK(inside_count(dense) > 0);  // the comparison sees both sides of the surface
  CHECK(inside_count(dense) < grid.point_count());
  return fast;
}

}  // namespace

TEST_CASE("fast grid occupancy equals dense occupancy point for point on closed meshes with far fewer queries") {
  SECTION("a sphere and a translated sphere on the grid of their union") {
    const auto a = sphere(0.4f), b = sphere(0.4f, Vec3f(0.23f, 0.05f, 0));
    const auto grid = hifa::iou_grid(a, b, 81);  // not a cube: the spacings differ per axis
    CHECK(check_fast_is_dense(a, grid).queries < grid.point_count() / 10);
    CHECK(check_fast_is_dense(b, grid).queries < grid.point_count() / 10);
  }
  SECTION("a torus") {
    const auto torus = surface_of(hifa::Torus<float>{Vec3f(0.02f, 0.1f, 0), 0.55f, 0.15f}, 80);
    const auto grid = hifa::iou_grid(torus, sphere(0.3f), 80);
    CHECK(check_fast_is_dense(torus, grid).queries < grid.point_count() / 10);
  }
  SECTION("a cube whose faces lie on grid planes, with grid points on the surface") {
    const auto box = cube(Vec3f(-0.5f, -0.25f, -0.4f), Vec3f(0.5f, 0.25f, 0.4f));
    const auto grid = hifa::iou_grid(box, box, 41);
    CHECK(check_fast_is_dense(box, grid).queries < grid.point_count() / 5);
  }
  SECTION("a hollow ball: an outer sphere and an inward-facing inner one") {
    const auto shell = append(sphere(0.6f), sphere(0.3f, Vec3f(0.05f, 0, 0)), true);
    const auto grid = hifa::iou_grid(shell, shell, 64);
    const auto fast = check_fast_is_dense(shell, grid);
    CHECK(fast.queries < grid.point_count() / 10);
    const Space space;
    CHECK(hifa::grid_occupancy(space, Bvh(space, shell), shell, grid).inside(32, 32, 32) == 0);  // the cavity
  }
  SECTION("a sphere whose vertices are split at every face, as at texture seams") {
    const auto split = unwelded(sphere(0.5f));
    const auto grid = hifa::iou_grid(split, split, 64);
    CHECK(check_fast_is_dense(split, grid).queries < grid.point_count() / 10);
  }
}

TEST_CASE("fast grid occupancy of a mesh stored with both windings is empty like the dense one") {
  const auto ball = sphere(0.5f);
  const auto twice = append(ball, ball, true);  // winding number ~0 everywhere: outside
  const auto grid = hifa::iou_grid(twice, twice, 48);
  const Space space;
  const Bvh bvh(space, twice);
  const auto dense = hifa::grid_occupancy(space, bvh, twice, grid, Bvh::default_beta, OccupancyMethod::dense);
  const auto fast = hifa::grid_occupancy(space, bvh, twice, grid);
  CHECK(same_bytes(fast, dense));
  // Off the surface the copies cancel; only points on or against a face may round to inside.
  CHECK(inside_count(dense) < grid.point_count() / 1000);
  CHECK(fast.queries < grid.point_count() / 5);
}

TEST_CASE("grid occupancy of a mesh with a hole is evaluated densely and so still equals dense") {
  const auto ball = sphere(0.5f);
  TriMeshf open = ball;  // without the faces whose centroid has |y| < 0.1: a band-shaped hole
  Eigen::Index kept = 0;
  for (Eigen::Index f = 0; f < ball.faces.rows(); ++f) {
    float y = 0;
    for (int c = 0; c < 3; ++c) y += ball.vertices(ball.faces(f, c), 1) / 3;
    if (std::abs(y) >= 0.1f) open.faces.row(kept++) = ball.faces.row(f);
  }
  open.faces.conservativeResize(kept, 3);
  open.normals.resize(0, 3);
  const auto grid = hifa::iou_grid(open, open, 48);
  const Space space;
  const Bvh bvh(space, open);
  const auto dense = hifa::grid_occupancy(space, bvh, open, grid, Bvh::default_beta, OccupancyMethod::dense);
  const auto fast = hifa::grid_occupancy(space, bvh, open, grid);
  CHECK(fast.queries == grid.point_count());  // the run test would be unsound here (see the header)
  CHECK(same_bytes(fast, dense));
}

TEST_CASE("a flat grid between two coplanar squares is handled by the fast path") {
  // Both meshes lie in z = 0: the union box is flat, spacing 0 along z, every segment degenerate.
  auto square = cube(Vec3f(-0.5f, -0.5f, 0), Vec3f(0.5f, 0.5f, 0));
  const auto grid = hifa::iou_grid(square, square, 16);
  const Space space;
  const Bvh bvh(space, square);
  const auto dense = hifa::grid_occupancy(space, bvh, square, grid, Bvh::default_beta, OccupancyMethod::dense);
  const auto fast = hifa::grid_occupancy(space, bvh, square, grid);
  CHECK(grid.spacing().z() == 0.0f);
  CHECK(same_bytes(fast, dense));
}

TEST_CASE("the reconstruction IoU is the same with fast and dense occupancy") {
  const auto a = sphere(0.45f), b = sphere(0.4f, Vec3f(0.1f, -0.05f, 0.02f));
  hifa::MetricOptions options;
  options.samples = 500;
  options.iou_resolution = 80;
  const auto fast = hifa::evaluate_reconstruction(a, b, options);
  options.iou_method = OccupancyMethod::dense;
  const auto dense = hifa::evaluate_reconstruction(a, b, options);
  CHECK(std::memcmp(&fast, &dense, sizeof fast) == 0);
  CHECK(fast.iou > 0.5);
  CHECK(fast.iou < 0.9);
}

TEST_CASE("volumetric IoU counts the intersection over the union and is NaN for an empty union") {
  using Grid = Kokkos::View<std::uint8_t***, Kokkos::LayoutRight, Kokkos::HostSpace>;
  const Grid a("a", 2, 2, 2), b("b", 2, 2, 2), small("small", 2, 2, 1);
  CHECK(std::isnan(hifa::volumetric_iou(a, b)));
  a(0, 0, 0) = a(0, 0, 1) = a(1, 1, 1) = 1;
  b(0, 0, 1) = b(1, 1, 1) = b(1, 0, 0) = 1;
  CHECK(hifa::volumetric_iou(a, b) == 0.5);  // 2 shared of 4 in either
  CHECK_THROWS_WITH(hifa::volumetric_iou(a, small), Catch::Contains("volumetric_iou") && Catch::Contains("2x2x1"));
}

TEST_CASE("an IoU grid needs two points per axis and vertices") {
  const auto ball = sphere(0.5f);
  CHECK_THROWS_WITH(hifa::iou_grid(ball, ball, 1), Catch::Contains("iou_grid") && Catch::Contains("got 1"));
  CHECK_THROWS_WITH(hifa::iou_grid(ball, TriMeshf{}, 8), Catch::Contains("iou_grid"));
  const Space space;
  auto grid = hifa::iou_grid(ball, ball, 8);
  grid.resolution.z() = 1;
  CHECK_THROWS_WITH(hifa::grid_occupancy(space, Bvh(space, ball), ball, grid),
                    Catch::Contains("grid_occupancy") && Catch::Contains("8x8x1"));
}
