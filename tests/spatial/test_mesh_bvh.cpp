#include "hifa/spatial/mesh_bvh.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "support/execution_spaces.hpp"

#include <CGAL/AABB_traits.h>
#include <CGAL/AABB_tree.h>
#include <CGAL/AABB_triangle_primitive.h>
#include <CGAL/Simple_cartesian.h>
#include "spatial/soup.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace {

using hifa::TriMeshf;
using hifa::Vec3f;

using Kernel = CGAL::Simple_cartesian<double>;
using CgalTriangles = std::vector<Kernel::Triangle_3>;
using Primitive = CGAL::AABB_triangle_primitive<Kernel, CgalTriangles::const_iterator>;
using CgalTree = CGAL::AABB_tree<CGAL::AABB_traits<Kernel, Primitive>>;

// Host copies of a query's results.
struct HostResults {
  std::vector<float> distance;
  std::vector<int> face;
  std::vector<float> barycentric;  // N x 3
  std::vector<float> point;        // N x 3
};

using Points = Kokkos::View<float* [3], Kokkos::HostSpace>;

template <class Space>
HostResults closest(const TriMeshf& mesh, const Points& host_points) {
  using Memory = typename Space::memory_space;
  const Space space;
  const hifa::MeshBvh<Memory> bvh(space, mesh);
  const Kokkos::View<float* [3], Memory> points("points", host_points.extent(0));
  Kokkos::deep_copy(points, host_points);
  const auto out = hifa::ClosestPoints<Memory>::allocate(space, points.extent(0));
  bvh.closest_points(space, points, out);
  space.fence();
  const std::size_t n = points.extent(0);
  HostResults r{std::vector<float>(n), std::vector<int>(n), std::vector<float>(3 * n), std::vector<float>(3 * n)};
  Kokkos::deep_copy(Kokkos::View<float*, Kokkos::HostSpace>(r.distance.data(), n), out.distance);
  Kokkos::deep_copy(Kokkos::View<int*, Kokkos::HostSpace>(r.face.data(), n), out.face);
  Kokkos::deep_copy(Kokkos::View<float* [3], Kokkos::HostSpace>(r.barycentric.data(), n), out.barycentric);
  Kokkos::deep_copy(Kokkos::View<float* [3], Kokkos::HostSpace>(r.point.data(), n), out.point);
  return r;
}

Vec3f point_of(const Points& p, std::size_t q) { return {p(q, 0), p(q, 1), p(q, 2)}; }

double bbox_diagonal(const TriMeshf& mesh) {
  return double((mesh.vertices.colwise().maxCoeff() - mesh.vertices.colwise().minCoeff()).norm());
}

// n points uniform in the mesh's box grown by 25% of its size on every side.
Points random_points(const TriMeshf& mesh, int n, std::uint64_t seed) {
  const Vec3f lo = mesh.vertices.colwise().minCoeff().transpose(), hi = mesh.vertices.colwise().maxCoeff().transpose();
  const Vec3f size = hi - lo;
  const hifa::CounterRng rng{seed};
  Points points("random_points", n);
  for (int q = 0; q < n; ++q) {
    for (int d = 0; d < 3; ++d) points(q, d) = lo[d] - 0.25f * size[d] + 1.5f * size[d] * rng.uniform(d, q);
  }
  return points;
}

TriMeshf marching_cubes_torus() {
  const Kokkos::DefaultHostExecutionSpace space;
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 40);
  const hifa::Torus<float> torus{Vec3f(0.05f, -0.02f, 0.03f), 0.6f, 0.25f};
  const auto values = hifa::evaluate_grid(space, torus, grid);
  return hifa::marching_cubes(space, values, grid);
}

using hifa::test::random_soup;

TriMeshf one_triangle() {
  TriMeshf mesh;
  mesh.vertices.resize(3, 3);
  mesh.vertices << 0, 0, 0, 1, 0, 0, 0, 1, 0;
  mesh.faces.resize(1, 3);
  mesh.faces << 0, 1, 2;
  return mesh;
}

CgalTriangles cgal_triangles(const TriMeshf& mesh) {
  CgalTriangles out;
  auto corner = [&](Eigen::Index f, int c) {
    const int v = mesh.faces(f, c);
    return Kernel::Point_3(mesh.vertices(v, 0), mesh.vertices(v, 1), mesh.vertices(v, 2));
  };
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) out.emplace_back(corner(f, 0), corner(f, 1), corner(f, 2));
  return out;
}

// Every query's distance equals CGAL's AABB_tree distance within 1e-6 of the box diagonal.
void check_against_cgal(const TriMeshf& mesh, const Points& points, const HostResults& r) {
  const CgalTriangles triangles = cgal_triangles(mesh);
  CgalTree tree(triangles.begin(), triangles.end());
  tree.accelerate_distance_queries();
  const double tolerance = 1e-6 * bbox_diagonal(mesh);
  int mismatches = 0;
  for (std::size_t q = 0; q < points.extent(0); ++q) {
    const double expected = std::sqrt(tree.squared_distance(Kernel::Point_3(points(q, 0), points(q, 1), points(q, 2))));
    if (std::abs(double(r.distance[q]) - expected) > tolerance) {
      if (++mismatches <= 5) UNSCOPED_INFO("point " << q << ": " << r.distance[q] << " vs CGAL " << expected);
    }
  }
  CHECK(mismatches == 0);
}

// The returned point is the returned face at the returned barycentrics, and the distance is |p - point|.
void check_consistent(const TriMeshf& mesh, const Points& points, const HostResults& r) {
  const double scale = bbox_diagonal(mesh);
  int bad = 0;
  for (std::size_t q = 0; q < points.extent(0); ++q) {
    const int f = r.face[q];
    if (f < 0 || f >= mesh.face_count()) {
      if (++bad <= 5) UNSCOPED_INFO("point " << q << ": face " << f << " out of range");
      continue;
    }
    const float* b = &r.barycentric[3 * q];
    const Vec3f closest(r.point[3 * q], r.point[3 * q + 1], r.point[3 * q + 2]);
    Vec3f from_weights = Vec3f::Zero();
    for (int c = 0; c < 3; ++c) from_weights += b[c] * mesh.vertex(mesh.faces(f, c));
    const bool weights_ok = b[0] >= 0 && b[1] >= 0 && b[2] >= 0 && std::abs(b[0] + b[1] + b[2] - 1) < 1e-5f;
    const bool point_ok = (from_weights - closest).norm() <= 1e-6 * scale;
    const bool distance_ok = std::abs((point_of(points, q) - closest).norm() - r.distance[q]) <= 1e-6 * scale;
    if (!(weights_ok && point_ok && distance_ok)) {
      if (++bad <= 5) {
        UNSCOPED_INFO("point " << q << ": weights " << weights_ok << " (" << b[0] << ", " << b[1] << ", " << b[2]
                               << ") point " << (from_weights - closest).norm() << " distance "
                               << (point_of(points, q) - closest).norm() - r.distance[q]);
      }
    }
  }
  CHECK(bad == 0);
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("closest-point distances to a marching-cubes torus equal CGAL's AABB tree",
                        "[spatial]", hifa::test::ExecutionSpaces) {
  const TriMeshf mesh = marching_cubes_torus();
  REQUIRE(mesh.face_count() > 1000);
  const Points points = random_points(mesh, 2000, 1);
  const HostResults r = closest<TestType>(mesh, points);
  check_against_cgal(mesh, points, r);
  check_consistent(mesh, points, r);
}

TEMPLATE_LIST_TEST_CASE("closest-point distances to a random triangle soup equal CGAL's AABB tree", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  const TriMeshf mesh = random_soup(3000, 2);
  const Points points = random_points(mesh, 2000, 3);
  const HostResults r = closest<TestType>(mesh, points);
  check_against_cgal(mesh, points, r);
  check_consistent(mesh, points, r);
}

TEMPLATE_LIST_TEST_CASE("the BVH finds the same distance and face as brute force over all faces", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  const TriMeshf mesh = random_soup(200, 4);
  const Points points = random_points(mesh, 500, 5);
  const HostResults r = closest<TestType>(mesh, points);
  for (std::size_t q = 0; q < points.extent(0); ++q) {
    const hifa::detail::Float3 p{points(q, 0), points(q, 1), points(q, 2)};
    float best = std::numeric_limits<float>::max(), second = best;
    int best_face = -1;
    for (int f = 0; f < mesh.face_count(); ++f) {
      auto v = [&](int c) {
        const int i = mesh.faces(f, c);
        return hifa::detail::Float3{mesh.vertices(i, 0), mesh.vertices(i, 1), mesh.vertices(i, 2)};
      };
      const auto c = hifa::detail::closest_point_triangle(p, v(0), v(1), v(2));
      const auto d = p - c.q;
      const float d2 = hifa::detail::dot(d, d);
      if (d2 < best) {
        second = best;
        best = d2;
        best_face = f;
      } else if (d2 < second) {
        second = d2;
      }
    }
    CHECK(r.distance[q] == std::sqrt(best));
    if (second > best) CHECK(r.face[q] == best_face);
  }
}

TEMPLATE_LIST_TEST_CASE("a single-triangle mesh gives the distance to that triangle", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  const TriMeshf mesh = one_triangle();
  Points points("points", 4);
  const float coords[4][3] = {{0.25f, 0.25f, 2.0f}, {-1.0f, -1.0f, 0.0f}, {2.0f, 0.0f, 0.0f}, {1.0f, 1.0f, 0.0f}};
  for (int q = 0; q < 4; ++q)
    for (int d = 0; d < 3; ++d) points(q, d) = coords[q][d];
  const HostResults r = closest<TestType>(mesh, points);
  CHECK(r.distance[0] == 2.0f);  // above the face
  CHECK(r.barycentric[0] == Approx(0.5f));
  CHECK(r.distance[1] == Approx(std::sqrt(2.0f)));  // vertex region of vertex 0
  CHECK(r.barycentric[3] == 1.0f);
  CHECK(r.distance[2] == 1.0f);  // vertex region of vertex 1
  CHECK(r.distance[3] == Approx(std::sqrt(0.5f)));  // edge region of the hypotenuse
  CHECK(r.barycentric[3 * 3 + 1] == Approx(0.5f));
  for (int q = 0; q < 4; ++q) CHECK(r.face[q] == 0);
}

TEMPLATE_LIST_TEST_CASE("duplicated triangles resolve to the lowest face id", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  // Face 3 repeats face 0 and face 4 repeats face 1 (same vertices); face 2 is elsewhere.
  TriMeshf mesh;
  mesh.vertices.resize(7, 3);
  mesh.vertices << 0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 5, 5, 6, 5, 5, 5, 6, 5, 1, 1, 1;
  mesh.faces.resize(5, 3);
  mesh.faces << 0, 1, 2, 3, 4, 5, 1, 6, 2, 0, 1, 2, 3, 4, 5;
  // Put the duplicates first in the face list too, so id order and input order disagree.
  const TriMeshf swapped = [&] {
    TriMeshf m = mesh;
    m.faces.row(0) = mesh.faces.row(3);
    m.faces.row(3) = mesh.faces.row(0);
    return m;
  }();
  Points points("points", 2);
  points(0, 0) = 0.2f, points(0, 1) = 0.2f, points(0, 2) = -1.0f;
  points(1, 0) = 5.2f, points(1, 1) = 5.2f, points(1, 2) = 7.0f;
  const HostResults r = closest<TestType>(mesh, points);
  CHECK(r.face[0] == 0);
  CHECK(r.face[1] == 1);
  const HostResults s = closest<TestType>(swapped, points);
  CHECK(s.face[0] == 0);
  CHECK(s.face[1] == 1);
}

TEMPLATE_LIST_TEST_CASE("thousands of copies of one triangle give the first copy at its exact distance", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  // Every Morton code is equal: the tree's shape comes from the face-id bits of the keys alone.
  TriMeshf mesh = one_triangle();
  mesh.faces = hifa::FaceMatrix::Zero(5000, 3);
  mesh.faces.col(1).setConstant(1);
  mesh.faces.col(2).setConstant(2);
  const Points points = random_points(mesh, 200, 8);
  const HostResults r = closest<TestType>(mesh, points);
  const TriMeshf single = one_triangle();
  const HostResults expected = closest<TestType>(single, points);
  CHECK(r.distance == expected.distance);
  CHECK(r.point == expected.point);
  for (std::size_t q = 0; q < points.extent(0); ++q) CHECK(r.face[q] == 0);
}

TEMPLATE_LIST_TEST_CASE("query points on mesh vertices are at distance zero", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  const TriMeshf mesh = marching_cubes_torus();
  Points points("points", std::size_t(mesh.vertex_count()));
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v)
    for (int d = 0; d < 3; ++d) points(v, d) = mesh.vertices(v, d);
  const HostResults r = closest<TestType>(mesh, points);
  int nonzero = 0;
  for (std::size_t q = 0; q < points.extent(0); ++q) nonzero += r.distance[q] != 0.0f;
  CHECK(nonzero == 0);
}

TEST_CASE("Serial and OpenMP closest points are bitwise identical", "[spatial]") {
#if defined(KOKKOS_ENABLE_SERIAL) && defined(KOKKOS_ENABLE_OPENMP)
  for (const TriMeshf& mesh : {marching_cubes_torus(), random_soup(3000, 6)}) {
    const Points points = random_points(mesh, 2000, 7);
    const HostResults a = closest<Kokkos::Serial>(mesh, points);
    const HostResults b = closest<Kokkos::OpenMP>(mesh, points);
    CHECK(std::memcmp(a.distance.data(), b.distance.data(), a.distance.size() * sizeof(float)) == 0);
    CHECK(a.face == b.face);
    CHECK(std::memcmp(a.barycentric.data(), b.barycentric.data(), a.barycentric.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(a.point.data(), b.point.data(), a.point.size() * sizeof(float)) == 0);
  }
#else
  SUCCEED("needs both the Serial and the OpenMP backend");
#endif
}

TEMPLATE_LIST_TEST_CASE("building a BVH of an empty mesh throws an error naming MeshBvh", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  using Memory = typename TestType::memory_space;
  TriMeshf empty;
  CHECK_THROWS_AS(hifa::MeshBvh<Memory>(TestType{}, empty), hifa::Error);
  CHECK_THROWS_WITH(hifa::MeshBvh<Memory>(TestType{}, empty), Catch::Contains("MeshBvh") && Catch::Contains("no faces"));
  TriMeshf bad = one_triangle();
  bad.faces(0, 2) = 3;
  CHECK_THROWS_WITH(hifa::MeshBvh<Memory>(TestType{}, bad), Catch::Contains("MeshBvh") && Catch::Contains("face index"));
}

TEMPLATE_LIST_TEST_CASE("closest_points rejects outputs of the wrong size", "[spatial]", hifa::test::ExecutionSpaces) {
  using Memory = typename TestType::memory_space;
  const TestType space;
  const hifa::MeshBvh<Memory> bvh(space, one_triangle());
  const Kokkos::View<float* [3], Memory> points("points", 3);
  const auto out = hifa::ClosestPoints<Memory>::allocate(space, 2);
  CHECK_THROWS_WITH(bvh.closest_points(space, points, out), Catch::Contains("MeshBvh::closest_points"));
}
