#include "hifa/grid/marching_cubes.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/mesh/measures.hpp"
#include "support/execution_spaces.hpp"

#include <CGAL/Polygon_mesh_processing/polygon_soup_to_polygon_mesh.h>
#include <CGAL/Simple_cartesian.h>
#include <CGAL/Surface_mesh.h>
#include <CGAL/boost/graph/helpers.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace {

using hifa::GridSpec;
using hifa::TriMeshf;
using hifa::Vec3f;
using Options = hifa::MarchingCubesOptions<float>;

constexpr double pi = 3.14159265358979323846;

GridSpec<float> unit_cube(int n) { return GridSpec<float>::cube(hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), n); }

// Grid values in Space's memory, filled on the host by f(i, j, k, point).
template <class Space, class F>
hifa::GridValues<float, typename Space::memory_space> sample(const GridSpec<float>& grid, F&& f) {
  hifa::GridValues<float, typename Space::memory_space> values("values", grid.resolution.x(), grid.resolution.y(),
                                                               grid.resolution.z());
  auto host = Kokkos::create_mirror_view(values);
  for (int i = 0; i < grid.resolution.x(); ++i)
    for (int j = 0; j < grid.resolution.y(); ++j)
      for (int k = 0; k < grid.resolution.z(); ++k) host(i, j, k) = f(i, j, k, grid.point(i, j, k));
  Kokkos::deep_copy(values, host);
  return values;
}

float sphere_sdf(const Vec3f& p, float r) { return p.norm() - r; }

float torus_sdf(const Vec3f& p, float major, float minor) {
  const float ring = std::hypot(p.x(), p.y()) - major;
  return std::hypot(ring, p.z()) - minor;
}

bool on_boundary(const GridSpec<float>& grid, int i, int j, int k) {
  return i == 0 || j == 0 || k == 0 || i == grid.resolution.x() - 1 || j == grid.resolution.y() - 1 ||
         k == grid.resolution.z() - 1;
}

std::uint64_t directed(int a, int b) { return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b); }

// Every directed edge used once and its reverse once: each undirected edge bounds exactly two faces
// with opposite orientations (closed, edge-manifold, consistently oriented). Returns the number of
// undirected edges, or -1 after reporting the first violation.
template <class T>
long manifold_edge_count(const hifa::TriMesh<T>& m) {
  std::unordered_map<std::uint64_t, int> uses;
  for (Eigen::Index f = 0; f < m.face_count(); ++f) {
    const int v[3] = {m.faces(f, 0), m.faces(f, 1), m.faces(f, 2)};
    if (v[0] == v[1] || v[1] == v[2] || v[2] == v[0]) {
      UNSCOPED_INFO("face " << f << " repeats a vertex");
      return -1;
    }
    for (int e = 0; e < 3; ++e) ++uses[directed(v[e], v[(e + 1) % 3])];
  }
  for (const auto& [edge, count] : uses) {
    const int a = int(edge >> 32), b = int(edge & 0xffffffffu);
    const auto reverse = uses.find(directed(b, a));
    if (count != 1 || reverse == uses.end() || reverse->second != 1) {
      UNSCOPED_INFO("edge " << a << " -> " << b << " used " << count << " times, reverse "
                            << (reverse == uses.end() ? 0 : reverse->second) << " times");
      return -1;
    }
  }
  return long(uses.size() / 2);
}

template <class T>
long euler_characteristic(const hifa::TriMesh<T>& m) {
  const long edges = manifold_edge_count(m);
  REQUIRE(edges >= 0);
  return long(m.vertex_count()) - edges + long(m.face_count());
}

// The trusted second opinion: CGAL builds a halfedge mesh from the faces and checks it.
void check_with_cgal(const TriMeshf& m) {
  using Kernel = CGAL::Simple_cartesian<double>;
  using Mesh = CGAL::Surface_mesh<Kernel::Point_3>;
  std::vector<std::vector<std::size_t>> polygons(std::size_t(m.face_count()));
  for (Eigen::Index f = 0; f < m.face_count(); ++f)
    polygons[std::size_t(f)] = {std::size_t(m.faces(f, 0)), std::size_t(m.faces(f, 1)), std::size_t(m.faces(f, 2))};
  REQUIRE(CGAL::Polygon_mesh_processing::is_polygon_soup_a_polygon_mesh(polygons));
  Mesh mesh;
  for (Eigen::Index v = 0; v < m.vertex_count(); ++v)
    mesh.add_vertex(Kernel::Point_3(m.vertices(v, 0), m.vertices(v, 1), m.vertices(v, 2)));
  for (const auto& p : polygons) {
    REQUIRE(mesh.add_face(Mesh::Vertex_index(Mesh::size_type(p[0])), Mesh::Vertex_index(Mesh::size_type(p[1])),
                          Mesh::Vertex_index(Mesh::size_type(p[2]))) != Mesh::null_face());
  }
  CHECK(CGAL::is_closed(mesh));
  CHECK(CGAL::is_valid_polygon_mesh(mesh));
}

void check_closed_manifold(const TriMeshf& m) {
  REQUIRE(!m.empty());
  REQUIRE(manifold_edge_count(m) >= 0);
  check_with_cgal(m);
}

// A field with an analytic gradient, as algorithms see it (hifa::GradientField).
struct SphereField {
  using scalar = float;
  float radius;
  KOKKOS_FUNCTION float value(const Vec3f& p) const { return p.norm() - radius; }
  KOKKOS_FUNCTION Vec3f gradient(const Vec3f& p) const { return p.normalized(); }
};
static_assert(hifa::GradientField<SphereField>);

}  // namespace

TEMPLATE_LIST_TEST_CASE("marching cubes of a sphere at 128 cubed matches its area and volume within 1 percent",
                        "", hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(128);
  const float r = 0.8f;
  const auto values = sample<TestType>(grid, [&](int, int, int, const Vec3f& p) { return sphere_sdf(p, r); });
  const TriMeshf mesh = hifa::marching_cubes(TestType{}, values, grid);
  CHECK(hifa::surface_area(mesh) == Approx(4 * pi * r * r).epsilon(0.01));
  CHECK(hifa::signed_volume(mesh) == Approx(4.0 / 3.0 * pi * r * r * r).epsilon(0.01));
}

TEMPLATE_LIST_TEST_CASE("marching cubes of a sphere is closed, edge-manifold and has Euler characteristic 2", "",
                        hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(128);
  const auto values = sample<TestType>(grid, [](int, int, int, const Vec3f& p) { return sphere_sdf(p, 0.8f); });
  const TriMeshf mesh = hifa::marching_cubes(TestType{}, values, grid);
  CHECK(euler_characteristic(mesh) == 2);
  check_with_cgal(mesh);
  CHECK(mesh.has_normals());
}

TEMPLATE_LIST_TEST_CASE("marching cubes of a torus has Euler characteristic 0", "", hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(64);
  const auto values = sample<TestType>(grid, [](int, int, int, const Vec3f& p) { return torus_sdf(p, 0.6f, 0.25f); });
  const TriMeshf mesh = hifa::marching_cubes(TestType{}, values, grid);
  CHECK(euler_characteristic(mesh) == 0);
  check_with_cgal(mesh);
}

TEMPLATE_LIST_TEST_CASE("the occupancy convention at level one half gives outward faces and normals", "",
                        hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(64);
  const float r = 0.7f;
  const auto values = sample<TestType>(
      grid, [&](int, int, int, const Vec3f& p) { return 1.0f / (1.0f + std::exp(sphere_sdf(p, r) / 0.05f)); });
  const TriMeshf mesh = hifa::marching_cubes(TestType{}, values, grid, Options::occupancy());
  CHECK(hifa::signed_volume(mesh) == Approx(4.0 / 3.0 * pi * r * r * r).epsilon(0.02));
  CHECK(euler_characteristic(mesh) == 2);
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) REQUIRE(mesh.normals.row(v).dot(mesh.vertices.row(v)) > 0);
}

TEMPLATE_LIST_TEST_CASE("random grids, which hit every ambiguous face and cube case, give closed manifold meshes", "",
                        hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(24);
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
    for (const Options options : {Options::sdf(), Options::occupancy(0.0f)}) {
      CAPTURE(seed, options.inside == Options::Inside::above);
      const float outside = options.inside == Options::Inside::above ? -1.0f : 1.0f;
      const hifa::CounterRng rng{seed};
      const auto values = sample<TestType>(grid, [&](int i, int j, int k, const Vec3f&) {
        return on_boundary(grid, i, j, k) ? outside : rng.uniform(0, std::uint64_t((i * 24 + j) * 24 + k)) - 0.5f;
      });
      const TriMeshf mesh = hifa::marching_cubes(TestType{}, values, grid, options);
      check_closed_manifold(mesh);
      CHECK(hifa::signed_volume(mesh) > 0);
    }
  }
}

TEMPLATE_LIST_TEST_CASE("every one of the 256 cube cases, with either face decision, closes up", "",
                        hifa::test::ExecutionSpaces) {
  // One free cell, corners at indices 1 and 2, in a 4^3 grid whose outer layer is outside.
  const GridSpec<float> grid = unit_cube(4);
  const hifa::CounterRng rng{99};
  for (int cube_case = 1; cube_case < 256; ++cube_case) {
    for (int draw = 0; draw < 4; ++draw) {
      CAPTURE(cube_case, draw);
      const auto values = sample<TestType>(grid, [&](int i, int j, int k, const Vec3f&) {
        if (on_boundary(grid, i, j, k)) return 1.0f;
        const int corner = (i - 1) | (j - 1) << 1 | (k - 1) << 2;
        const float magnitude = 0.05f + rng.uniform(std::uint64_t(cube_case), std::uint64_t(draw * 8 + corner));
        return (cube_case >> corner) & 1 ? -magnitude : magnitude;
      });
      check_closed_manifold(hifa::marching_cubes(TestType{}, values, grid));
    }
  }
}

TEMPLATE_LIST_TEST_CASE("two nearly touching spheres and a saddle-heavy field give closed manifold meshes", "",
                        hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(48);
  const float h = grid.spacing().x();
  SECTION("two spheres a fraction of a cell apart") {
    const auto values = sample<TestType>(grid, [&](int, int, int, const Vec3f& p) {
      const float gap = 0.3f * h;
      return std::min(sphere_sdf(p - Vec3f(0.4f + gap / 2, 0.013f, 0), 0.4f),
                      sphere_sdf(p + Vec3f(0.4f + gap / 2, 0.007f, 0), 0.4f));
    });
    const TriMeshf mesh = hifa::marching_cubes(TestType{}, values, grid);
    check_closed_manifold(mesh);
  }
  SECTION("sin x sin y sin z") {
    const auto values = sample<TestType>(grid, [&](int i, int j, int k, const Vec3f& p) {
      return on_boundary(grid, i, j, k) ? 1.0f : std::sin(7 * p.x()) * std::sin(7 * p.y()) * std::sin(7 * p.z());
    });
    check_closed_manifold(hifa::marching_cubes(TestType{}, values, grid));
  }
  SECTION("values exactly at the level on many grid points") {
    const hifa::CounterRng rng{5};
    const auto values = sample<TestType>(grid, [&](int i, int j, int k, const Vec3f&) {
      return on_boundary(grid, i, j, k) ? 1.0f : float(rng.below(3, 0, std::uint64_t((i * 48 + j) * 48 + k))) - 1.0f;
    });
    check_closed_manifold(hifa::marching_cubes(TestType{}, values, grid));
  }
}

TEMPLATE_LIST_TEST_CASE("a grid with all values on one side of the level gives an empty mesh", "",
                        hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(8);
  for (const float value : {-1.0f, 0.0f, 1.0f}) {
    const auto values = sample<TestType>(grid, [&](int, int, int, const Vec3f&) { return value; });
    const TriMeshf mesh = hifa::marching_cubes(TestType{}, values, grid);
    CHECK(mesh.vertex_count() == 0);
    CHECK(mesh.face_count() == 0);
  }
}

TEMPLATE_LIST_TEST_CASE("a NaN value is an error naming marching_cubes and the grid index", "",
                        hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(8);
  const auto values = sample<TestType>(grid, [&](int i, int j, int k, const Vec3f& p) {
    return (i == 3 && j == 5 && k == 2) || (i == 6 && j == 0 && k == 0) ? std::nanf("") : sphere_sdf(p, 0.5f);
  });
  CHECK_THROWS_AS(hifa::marching_cubes(TestType{}, values, grid), hifa::Error);
  CHECK_THROWS_WITH(hifa::marching_cubes(TestType{}, values, grid),
                    Catch::Contains("marching_cubes") && Catch::Contains("(3, 5, 2)"));
}

TEMPLATE_LIST_TEST_CASE("values whose extents differ from the grid resolution are an error", "",
                        hifa::test::ExecutionSpaces) {
  const auto values = sample<TestType>(unit_cube(8), [](int, int, int, const Vec3f& p) { return p.norm() - 0.5f; });
  CHECK_THROWS_WITH(hifa::marching_cubes(TestType{}, values, unit_cube(9)), Catch::Contains("marching_cubes"));
}

#ifdef KOKKOS_ENABLE_SERIAL
TEMPLATE_LIST_TEST_CASE("the output is bitwise identical to the Serial backend's", "", hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(40);
  const hifa::CounterRng rng{17};
  const auto fill = [&](int i, int j, int k, const Vec3f& p) {
    return torus_sdf(p, 0.5f, 0.2f) + 0.05f * rng.normal(0, std::uint64_t((i * 40 + j) * 40 + k));
  };
  const TriMeshf mesh = hifa::marching_cubes(TestType{}, sample<TestType>(grid, fill), grid);
  const TriMeshf serial = hifa::marching_cubes(Kokkos::Serial{}, sample<Kokkos::Serial>(grid, fill), grid);
  REQUIRE(mesh.vertex_count() == serial.vertex_count());
  REQUIRE(mesh.face_count() == serial.face_count());
  CHECK(std::memcmp(mesh.vertices.data(), serial.vertices.data(), sizeof(float) * mesh.vertices.size()) == 0);
  CHECK(std::memcmp(mesh.normals.data(), serial.normals.data(), sizeof(float) * mesh.normals.size()) == 0);
  CHECK(std::memcmp(mesh.faces.data(), serial.faces.data(), sizeof(int) * mesh.faces.size()) == 0);
}
#endif

TEMPLATE_LIST_TEST_CASE("normals from an analytic gradient point along the sphere's radius", "",
                        hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(64);
  const SphereField sphere{0.6f};
  const auto values = sample<TestType>(grid, [&](int, int, int, const Vec3f& p) { return sphere.value(p); });
  const TriMeshf mesh = hifa::marching_cubes(TestType{}, values, grid, sphere);
  REQUIRE(mesh.has_normals());
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v)
    REQUIRE(mesh.normals.row(v).dot(mesh.vertices.row(v).normalized()) > 0.999f);
}

TEMPLATE_LIST_TEST_CASE("normals from grid differences point along the sphere's radius", "",
                        hifa::test::ExecutionSpaces) {
  const auto grid = unit_cube(64);
  const auto values = sample<TestType>(grid, [](int, int, int, const Vec3f& p) { return sphere_sdf(p, 0.6f); });
  const TriMeshf mesh = hifa::marching_cubes(TestType{}, values, grid);
  REQUIRE(mesh.has_normals());
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v)
    REQUIRE(mesh.normals.row(v).dot(mesh.vertices.row(v).normalized()) > 0.99f);
}

TEST_CASE("the convenience overload runs on the values' default execution space") {
  const auto grid = unit_cube(32);
  const auto values =
      sample<Kokkos::DefaultHostExecutionSpace>(grid, [](int, int, int, const Vec3f& p) { return sphere_sdf(p, 0.5f); });
  const TriMeshf mesh = hifa::marching_cubes(values, grid);
  CHECK(euler_characteristic(mesh) == 2);
  CHECK(euler_characteristic(hifa::marching_cubes(values, grid, SphereField{0.5f})) == 2);
}

TEMPLATE_LIST_TEST_CASE("double-precision grids work like float grids", "", hifa::test::ExecutionSpaces) {
  const auto grid = GridSpec<double>::cube(hifa::AABBd(hifa::Vec3d(-1, -1, -1), hifa::Vec3d(1, 1, 1)), 40);
  hifa::GridValues<double, typename TestType::memory_space> values("values", 40, 40, 40);
  auto host = Kokkos::create_mirror_view(values);
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 40; ++j)
      for (int k = 0; k < 40; ++k) host(i, j, k) = torus_sdf(grid.point(i, j, k).cast<float>(), 0.6f, 0.25f);
  Kokkos::deep_copy(values, host);
  const hifa::TriMeshd mesh = hifa::marching_cubes(TestType{}, values, grid);
  CHECK(euler_characteristic(mesh) == 0);
}
