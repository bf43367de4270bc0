// The sign of MeshBvh::signed_distances (hifa/spatial/mesh_bvh.hpp): the closest feature's
// angle-weighted pseudo-normal (Bærentzen & Aanæs 2005) on closed, manifold meshes without
// self-intersections, checked against the exact winding number; the winding number wherever the
// mesh is not such a mesh; the self-intersection predicate checked against CGAL; and a sphere mesh
// against the analytic sphere.
#include "hifa/spatial/mesh_bvh.hpp"
#include "hifa/spatial/mesh_fields.hpp"

#include "hifa/core/rng.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/mesh/weld.hpp"
#include "support/box_mesh.hpp"
#include "support/closest_points.hpp"
#include "support/execution_spaces.hpp"
#include "support/implicit_meshes.hpp"

#include <CGAL/Exact_predicates_inexact_constructions_kernel.h>
#include <CGAL/Polygon_mesh_processing/self_intersections.h>
#include <CGAL/Surface_mesh.h>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace {

using hifa::SignMethod;
using hifa::TriMeshf;
using hifa::Vec3f;
using Points = Kokkos::View<float* [3], Kokkos::HostSpace>;

using hifa::test::marching_cubes_of;
TriMeshf torus() { return hifa::test::test_torus(); }
TriMeshf sphere(const Vec3f& centre, float radius, int resolution) {
  return marching_cubes_of(hifa::Sphere<float>{centre, radius}, resolution);
}

// The box [lo, hi] with each side cut into n x n squares of two triangles, welded, outward: flat
// sides of coplanar triangles, sharp edges and corners.
TriMeshf box_grid(const Vec3f& lo, const Vec3f& hi, int n) {
  TriMeshf soup;
  std::vector<Vec3f> corners;
  for (int a = 0; a < 3; ++a) {
    const int u = (a + 1) % 3, v = (a + 2) % 3;  // e_u x e_v = e_a
    for (int side = 0; side < 2; ++side) {
      auto at = [&](int i, int j) {
        Vec3f p;
        p[a] = side ? hi[a] : lo[a];
        // The last row is hi itself, so the sides' shared edges get the same positions (welded).
        p[u] = i == n ? hi[u] : lo[u] + (hi[u] - lo[u]) * float(i) / float(n);
        p[v] = j == n ? hi[v] : lo[v] + (hi[v] - lo[v]) * float(j) / float(n);
        return p;
      };
      for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
          const Vec3f q[4] = {at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)};
          const int order[2][3] = {{0, 1, 2}, {0, 2, 3}};
          for (const auto& t : order) {
            for (int c = 0; c < 3; ++c) corners.push_back(q[side ? t[c] : t[2 - c]]);
          }
        }
      }
    }
  }
  soup.vertices.resize(Eigen::Index(corners.size()), 3);
  soup.faces.resize(Eigen::Index(corners.size() / 3), 3);
  for (std::size_t k = 0; k < corners.size(); ++k) {
    soup.vertices.row(Eigen::Index(k)) = corners[k].transpose();
    soup.faces(Eigen::Index(k / 3), int(k % 3)) = int(k);
  }
  return hifa::weld_vertices(soup).mesh;
}

TriMeshf flipped(TriMeshf mesh) {
  mesh.faces = mesh.faces.rowwise().reverse().eval();
  return mesh;
}

TriMeshf merged(const TriMeshf& a, const TriMeshf& b) {
  TriMeshf out;
  out.vertices.resize(a.vertex_count() + b.vertex_count(), 3);
  out.vertices << a.vertices, b.vertices;
  out.faces.resize(a.face_count() + b.face_count(), 3);
  out.faces << a.faces, b.faces.array() + int(a.vertex_count());
  return out;
}

// n points uniform in the mesh's box grown by `margin` on every side.
Points random_points(const TriMeshf& mesh, int n, float margin, std::uint64_t seed) {
  const Vec3f lo = mesh.vertices.colwise().minCoeff().transpose(), hi = mesh.vertices.colwise().maxCoeff().transpose();
  const hifa::CounterRng rng{seed};
  Points points("random_points", n);
  for (int q = 0; q < n; ++q) {
    for (int d = 0; d < 3; ++d) {
      points(q, d) = lo[d] - margin + (hi[d] - lo[d] + 2 * margin) * rng.uniform(d, q);
    }
  }
  return points;
}

// n points near the surface: a random face's random point moved along a random direction by up to
// `reach` (so many land beside edges and corners, outside and inside).
Points near_points(const TriMeshf& mesh, int n, float reach, std::uint64_t seed) {
  const hifa::CounterRng rng{seed};
  Points points("near_points", n);
  for (int q = 0; q < n; ++q) {
    const auto f = Eigen::Index(rng.uniform(0, q) * float(mesh.face_count())) % mesh.face_count();
    float b1 = rng.uniform(1, q), b2 = rng.uniform(2, q);
    if (b1 + b2 > 1.0f) b1 = 1.0f - b1, b2 = 1.0f - b2;
    const Vec3f a = mesh.vertex(mesh.faces(f, 0)), b = mesh.vertex(mesh.faces(f, 1)), c = mesh.vertex(mesh.faces(f, 2));
    const Vec3f on = a + b1 * (b - a) + b2 * (c - a);
    const Vec3f direction = Vec3f(rng.normal(3, q), rng.normal(4, q), rng.normal(5, q)).normalized();
    const Vec3f p = on + reach * rng.uniform(6, q) * direction;
    for (int d = 0; d < 3; ++d) points(q, d) = p[d];
  }
  return points;
}

Points concatenated(const Points& a, const Points& b) {
  Points out("points", a.extent(0) + b.extent(0));
  for (std::size_t q = 0; q < a.extent(0); ++q)
    for (int d = 0; d < 3; ++d) out(q, d) = a(q, d);
  for (std::size_t q = 0; q < b.extent(0); ++q)
    for (int d = 0; d < 3; ++d) out(a.extent(0) + q, d) = b(q, d);
  return out;
}

// Host copy of a batched query on Space's memory.
template <class Space, class Query>
std::vector<float> run(const Points& host_points, Query&& query) {
  using Memory = typename Space::memory_space;
  const Space space;
  const std::size_t n = host_points.extent(0);
  const Kokkos::View<float* [3], Memory> points("points", n);
  Kokkos::deep_copy(points, host_points);
  const Kokkos::View<float*, Memory> out("out", n);
  query(space, points, out);
  space.fence();
  std::vector<float> r(n);
  Kokkos::deep_copy(Kokkos::View<float*, Kokkos::HostSpace>(r.data(), n), out);
  return r;
}

template <class Space>
std::vector<float> signed_distances(const hifa::MeshBvh<typename Space::memory_space>& bvh, const Points& points) {
  return run<Space>(points, [&](const Space& s, const auto& p, const auto& o) { bvh.signed_distances(s, p, o); });
}

template <class Space>
std::vector<float> exact_winding_numbers(const hifa::MeshBvh<typename Space::memory_space>& bvh, const Points& points) {
  return run<Space>(points, [&](const Space& s, const auto& p, const auto& o) {
    bvh.winding_numbers(s, p, o, std::numeric_limits<float>::infinity());
  });
}

// Which feature of its face each point's closest point lies on: 0 face, 1 edge, 2 vertex.
std::vector<int> closest_features(const TriMeshf& mesh, const Points& points) {
  const auto out = hifa::test::host_closest_points(mesh, points);
  std::vector<int> feature(points.extent(0));
  for (std::size_t q = 0; q < points.extent(0); ++q) {
    int ones = 0, zeros = 0;
    for (int c = 0; c < 3; ++c) ones += out.barycentric(q, c) == 1.0f, zeros += out.barycentric(q, c) == 0.0f;
    feature[q] = ones > 0 ? 2 : (zeros > 0 ? 1 : 0);
  }
  return feature;
}

// On a mesh the automatic choice must give the pseudo-normal sign: |signed distance| equals the
// winding-number BVH's, and its sign equals the exact winding number's at every point farther than
// 1e-4 from the surface. Returns how many compared points had their closest point on a face, an
// edge and a vertex.
template <class Space>
std::array<int, 3> check_pseudo_normal_signs(const TriMeshf& mesh, const Points& points) {
  using Memory = typename Space::memory_space;
  const Space space;
  const hifa::MeshBvh<Memory> automatic(space, mesh, SignMethod::automatic), winding(space, mesh);
  INFO("automatic choice: " << automatic.sign_method_reason());
  REQUIRE(automatic.sign_method() == SignMethod::pseudo_normal);
  CHECK(automatic.sign_method_reason().empty());
  CHECK(winding.sign_method() == SignMethod::winding_number);
  const auto s = signed_distances<Space>(automatic, points);
  const auto reference = signed_distances<Space>(winding, points);
  const auto w = exact_winding_numbers<Space>(winding, points);
  const auto feature = closest_features(mesh, points);
  std::array<int, 3> counts{0, 0, 0};
  int wrong = 0, inside = 0;
  for (std::size_t q = 0; q < points.extent(0); ++q) {
    CHECK(std::abs(s[q]) == std::abs(reference[q]));
    if (std::abs(reference[q]) <= 1e-4f) continue;
    const bool w_inside = w[q] >= 0.5f;
    inside += w_inside;
    ++counts[std::size_t(feature[q])];
    if ((s[q] < 0.0f) != w_inside && ++wrong <= 5) {
      UNSCOPED_INFO("point " << q << " (" << points(q, 0) << ", " << points(q, 1) << ", " << points(q, 2)
                             << "): signed distance " << s[q] << ", exact winding number " << w[q]);
    }
  }
  INFO(counts[0] << " points nearest a face's inside, " << counts[1] << " an edge, " << counts[2] << " a vertex; "
                 << inside << " inside");
  CHECK(wrong == 0);
  CHECK(inside > 100);
  CHECK(counts[0] + counts[1] + counts[2] - inside > 100);  // outside
  return counts;
}

// The automatic choice falls back to the winding number: the signed distances are the same bytes as
// a BVH told to use it.
template <class Space>
void check_falls_back(const TriMeshf& mesh, const std::string& reason) {
  using Memory = typename Space::memory_space;
  const Space space;
  const hifa::MeshBvh<Memory> automatic(space, mesh, SignMethod::automatic), winding(space, mesh);
  CHECK(automatic.sign_method() == SignMethod::winding_number);
  CHECK_THAT(automatic.sign_method_reason(), Catch::Contains(reason));
  const Points points = concatenated(random_points(mesh, 1000, 0.2f, 31), near_points(mesh, 1000, 0.05f, 32));
  const auto a = signed_distances<Space>(automatic, points);
  const auto b = signed_distances<Space>(winding, points);
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("pseudo-normal signs equal exact winding-number signs near and far on closed meshes",
                        "[spatial][sign]", hifa::test::ExecutionSpaces) {
  SECTION("a box of 12 triangles: sharp edges and corners") {
    const TriMeshf box = hifa::test::box_mesh(Vec3f(-0.4f, -0.3f, -0.2f), Vec3f(0.5f, 0.35f, 0.25f));
    const auto counts = check_pseudo_normal_signs<TestType>(
        box, concatenated(random_points(box, 3000, 0.3f, 1), near_points(box, 3000, 0.05f, 2)));
    CHECK(counts[1] > 300);
    CHECK(counts[2] > 150);
  }
  SECTION("a box with gridded sides: coplanar neighbours") {
    const TriMeshf box = box_grid(Vec3f(-0.5f, -0.2f, -0.3f), Vec3f(0.4f, 0.3f, 0.35f), 5);
    const auto counts = check_pseudo_normal_signs<TestType>(
        box, concatenated(random_points(box, 3000, 0.3f, 3), near_points(box, 3000, 0.05f, 4)));
    CHECK(counts[1] > 300);
    CHECK(counts[2] > 150);
  }
  SECTION("a coarse marching-cubes sphere") {
    const TriMeshf mesh = sphere(Vec3f(0.02f, -0.03f, 0.01f), 0.6f, 12);
    const auto counts = check_pseudo_normal_signs<TestType>(
        mesh, concatenated(random_points(mesh, 3000, 0.3f, 5), near_points(mesh, 3000, 0.05f, 6)));
    CHECK(counts[1] > 100);
    CHECK(counts[2] > 100);
  }
  SECTION("a marching-cubes torus (saddles)") {
    const TriMeshf mesh = torus();
    const auto counts = check_pseudo_normal_signs<TestType>(
        mesh, concatenated(random_points(mesh, 3000, 0.3f, 7), near_points(mesh, 3000, 0.05f, 8)));
    CHECK(counts[1] > 100);
    CHECK(counts[2] > 50);
  }
  SECTION("a hollow ball (an inner, inward-facing shell) and a separate box") {
    const TriMeshf hollow = merged(sphere(Vec3f(-0.3f, 0, 0), 0.6f, 32), flipped(sphere(Vec3f(-0.3f, 0, 0), 0.4f, 32)));
    const TriMeshf mesh = merged(hollow, hifa::test::box_mesh(Vec3f(0.45f, -0.2f, -0.2f), Vec3f(0.8f, 0.2f, 0.2f)));
    check_pseudo_normal_signs<TestType>(
        mesh, concatenated(random_points(mesh, 4000, 0.2f, 9), near_points(mesh, 4000, 0.05f, 10)));
  }
}

TEMPLATE_LIST_TEST_CASE("open, non-manifold, self-intersecting and inside-out meshes take the winding-number sign",
                        "[spatial][sign]", hifa::test::ExecutionSpaces) {
  const TriMeshf ball = sphere(Vec3f(0, 0, 0), 0.6f, 24);
  SECTION("a sphere with a hole") {
    TriMeshf holed = ball;
    holed.faces = ball.faces.topRows(ball.face_count() - 20).eval();
    check_falls_back<TestType>(holed, "not closed");
  }
  SECTION("a sphere stored with both windings of every face") {
    TriMeshf both = ball;  // the same vertices, each face also reversed: every edge used four times
    both.faces.resize(2 * ball.face_count(), 3);
    both.faces << ball.faces, ball.faces.rowwise().reverse();
    check_falls_back<TestType>(both, "edge-manifold");
  }
  SECTION("two copies of a sphere, one reversed, on separate vertices") {
    check_falls_back<TestType>(merged(ball, flipped(ball)), "self-intersecting");
  }
  SECTION("two tetrahedra touching at one shared vertex") {
    TriMeshf bowtie;
    bowtie.vertices.resize(7, 3);
    bowtie.vertices << 0, 0, 0, 1, 0.2f, 0.1f, 0.8f, 1, 0, 0.9f, 0.3f, 1, -1, -0.2f, 0.1f, -0.8f, -1, 0, -0.9f, -0.3f, 1;
    bowtie.faces.resize(8, 3);
    bowtie.faces << 0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3, 0, 4, 5, 0, 6, 4, 0, 5, 6, 4, 6, 5;
    REQUIRE(hifa::is_closed(bowtie));
    REQUIRE(hifa::is_edge_manifold(bowtie));
    check_falls_back<TestType>(bowtie, "vertex-manifold");
  }
  SECTION("two overlapping spheres") {
    check_falls_back<TestType>(merged(ball, sphere(Vec3f(0.4f, 0.1f, 0), 0.5f, 24)), "self-intersecting");
  }
  SECTION("a box with one vertex pushed through its opposite side") {
    TriMeshf box = box_grid(Vec3f(-0.5f, -0.5f, -0.5f), Vec3f(0.5f, 0.5f, 0.5f), 4);
    Eigen::Index top = 0;  // the centre of the z = 0.5 side
    for (Eigen::Index v = 0; v < box.vertex_count(); ++v) {
      if ((box.vertex(v) - Vec3f(0, 0, 0.5f)).norm() < 1e-6f) top = v;
    }
    box.vertices.row(top) << 0.05f, 0.02f, -0.8f;
    check_falls_back<TestType>(box, "self-intersecting");
  }
  SECTION("an inside-out sphere") {
    check_falls_back<TestType>(flipped(ball), "inside-out");
  }
  SECTION("a sphere inside a sphere, both facing out") {
    check_falls_back<TestType>(merged(ball, sphere(Vec3f(0, 0, 0), 0.3f, 24)), "nested");
  }
  SECTION("a closed mesh with a face of zero area") {
    // A tetrahedron whose fourth corner lies on the edge between two others: closed and manifold,
    // but two of its faces have no area.
    TriMeshf flat;
    flat.vertices.resize(4, 3);
    flat.vertices << 0, 0, 0, 1, 0, 0, 0, 1, 0, 0.5f, 0.5f, 0;
    flat.faces.resize(4, 3);
    flat.faces << 0, 2, 1, 0, 1, 3, 1, 2, 3, 2, 0, 3;
    check_falls_back<TestType>(flat, "zero area");
  }
}

TEST_CASE("SignMethod::pseudo_normal refuses a mesh that is not closed and manifold", "[spatial][sign]") {
  const Kokkos::DefaultHostExecutionSpace space;
  TriMeshf holed = sphere(Vec3f(0, 0, 0), 0.6f, 16);
  holed.faces = holed.faces.topRows(holed.face_count() - 1).eval();
  CHECK_THROWS_WITH(hifa::MeshBvh<Kokkos::HostSpace>(space, holed, SignMethod::pseudo_normal),
                    Catch::Contains("MeshBvh") && Catch::Contains("not closed"));
  // On a mesh that passes, asking for the pseudo-normal skips the geometric checks and gives the
  // automatic choice's bytes.
  const TriMeshf mesh = torus();
  const hifa::MeshBvh<Kokkos::HostSpace> forced(space, mesh, SignMethod::pseudo_normal),
      automatic(space, mesh, SignMethod::automatic);
  CHECK(forced.sign_method() == SignMethod::pseudo_normal);
  const Points points = random_points(mesh, 2000, 0.2f, 40);
  const auto a = signed_distances<Kokkos::DefaultHostExecutionSpace>(forced, points);
  const auto b = signed_distances<Kokkos::DefaultHostExecutionSpace>(automatic, points);
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

TEST_CASE("MeshSdf takes the pseudo-normal sign where it can, MeshOccupancy and a plain MeshBvh the winding number",
          "[spatial][sign]") {
  const TriMeshf mesh = torus();
  const hifa::MeshSdf<Kokkos::HostSpace> sdf(mesh), winding_sdf(mesh, SignMethod::winding_number);
  const hifa::MeshOccupancy<Kokkos::HostSpace> occupancy(mesh);
  CHECK(sdf.bvh().sign_method() == SignMethod::pseudo_normal);
  CHECK(winding_sdf.bvh().sign_method() == SignMethod::winding_number);
  CHECK(occupancy.bvh().sign_method() == SignMethod::winding_number);
  CHECK(hifa::MeshBvh<Kokkos::HostSpace>(Kokkos::DefaultHostExecutionSpace{}, mesh).sign_method() ==
        SignMethod::winding_number);
  const Points points = concatenated(random_points(mesh, 2000, 0.2f, 41), near_points(mesh, 2000, 0.05f, 42));
  Kokkos::View<float*, Kokkos::HostSpace> a("a", points.extent(0)), b("b", points.extent(0)), o("o", points.extent(0));
  sdf.evaluate(points, a);
  winding_sdf.evaluate(points, b);
  occupancy.evaluate(points, o);
  int differ = 0;
  for (std::size_t q = 0; q < points.extent(0); ++q) {
    CHECK(std::abs(a(q)) == std::abs(b(q)));
    if (std::abs(b(q)) > 1e-4f) differ += (a(q) < 0.0f) != (b(q) < 0.0f) || (a(q) < 0.0f) != (o(q) == 1.0f);
  }
  CHECK(differ == 0);
}

TEMPLATE_LIST_TEST_CASE("signed distances to a sphere mesh match the analytic sphere within the mesh's own error",
                        "[spatial][sign]", hifa::test::ExecutionSpaces) {
  const Vec3f centre(0.03f, -0.02f, 0.01f);
  const float radius = 0.6f;
  const TriMeshf mesh = sphere(centre, radius, 64);
  // The mesh lies within `tolerance` of the sphere: its vertices (marching cubes' interpolation)
  // and the middles of its faces (chords, sagitta ~ edge^2 / 8r) are checked against it.
  float tolerance = 0.0f;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    const Vec3f a = mesh.vertex(mesh.faces(f, 0)), b = mesh.vertex(mesh.faces(f, 1)), c = mesh.vertex(mesh.faces(f, 2));
    for (const Vec3f& x : {a, b, c, Vec3f((a + b + c) / 3.0f), Vec3f((a + b) / 2.0f)}) {
      tolerance = std::max(tolerance, std::abs((x - centre).norm() - radius));
    }
  }
  INFO("mesh within " << tolerance << " of the sphere");
  REQUIRE(tolerance < 3e-3f);
  using Memory = typename TestType::memory_space;
  const hifa::MeshBvh<Memory> bvh(TestType{}, mesh, SignMethod::automatic);
  REQUIRE(bvh.sign_method() == SignMethod::pseudo_normal);
  const Points points = concatenated(random_points(mesh, 4000, 0.3f, 51), near_points(mesh, 4000, 0.05f, 52));
  const auto s = signed_distances<TestType>(bvh, points);
  int far_wrong = 0, off = 0;
  for (std::size_t q = 0; q < points.extent(0); ++q) {
    const float analytic = (Vec3f(points(q, 0), points(q, 1), points(q, 2)) - centre).norm() - radius;
    off += !(std::abs(s[q] - analytic) <= 2.0f * tolerance);
    if (std::abs(analytic) > 2.0f * tolerance) far_wrong += (s[q] < 0.0f) != (analytic < 0.0f);
  }
  CHECK(off == 0);
  CHECK(far_wrong == 0);
}

TEST_CASE("Serial and OpenMP pseudo-normal signed distances are bitwise identical", "[spatial][sign]") {
#if defined(KOKKOS_ENABLE_SERIAL) && defined(KOKKOS_ENABLE_OPENMP)
  for (const TriMeshf& mesh : {torus(), box_grid(Vec3f(-0.5f, -0.2f, -0.3f), Vec3f(0.4f, 0.3f, 0.35f), 5)}) {
    const Points points = concatenated(random_points(mesh, 2000, 0.3f, 61), near_points(mesh, 2000, 0.05f, 62));
    const hifa::MeshBvh<Kokkos::HostSpace> serial(Kokkos::Serial{}, mesh, SignMethod::automatic),
        parallel(Kokkos::OpenMP{}, mesh, SignMethod::automatic);
    CHECK(serial.sign_method() == SignMethod::pseudo_normal);
    CHECK(parallel.sign_method() == SignMethod::pseudo_normal);
    const auto a = signed_distances<Kokkos::Serial>(serial, points);
    const auto b = signed_distances<Kokkos::OpenMP>(parallel, points);
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
  }
#else
  SUCCEED("needs both the Serial and the OpenMP backend");
#endif
}

// ---- The self-intersection predicate against CGAL ---------------------------------------------

namespace {

using Epick = CGAL::Exact_predicates_inexact_constructions_kernel;
using EpickMesh = CGAL::Surface_mesh<Epick::Point_3>;

// CGAL's answer for two faces given by vertex ids into `points`: does the pair self-intersect
// (share more than a common vertex or edge)?
bool cgal_pair_intersects(const std::vector<Epick::Point_3>& points, const std::array<int, 3>& t,
                          const std::array<int, 3>& u) {
  EpickMesh mesh;
  std::vector<EpickMesh::Vertex_index> v;
  for (const auto& p : points) v.push_back(mesh.add_vertex(p));
  const auto f1 = mesh.add_face(v[std::size_t(t[0])], v[std::size_t(t[1])], v[std::size_t(t[2])]);
  const auto f2 = mesh.add_face(v[std::size_t(u[0])], v[std::size_t(u[1])], v[std::size_t(u[2])]);
  REQUIRE(f1 != EpickMesh::null_face());
  REQUIRE(f2 != EpickMesh::null_face());
  return CGAL::Polygon_mesh_processing::does_self_intersect(mesh);
}

}  // namespace

TEST_CASE("the triangle-pair intersection test agrees with CGAL's exact self-intersection test", "[spatial][sign]") {
  // Corners on a small integer lattice: every determinant is exact in double, and coplanar,
  // touching and collinear-edge cases are frequent. Pairs share no corner, one corner, or an edge
  // (the second face running it the other way, as in an oriented mesh). Flat triangles are skipped
  // (the BVH rejects them before asking).
  const hifa::CounterRng rng{71};
  int checked[3] = {0, 0, 0}, meeting[3] = {0, 0, 0}, disagree = 0;
  for (int trial = 0; trial < 6000; ++trial) {
    const int shared = trial % 3;
    std::vector<Epick::Point_3> cgal;
    std::vector<hifa::detail::Double3> ours;
    for (int k = 0; k < 6 - shared; ++k) {
      double x[3];
      for (int d = 0; d < 3; ++d) x[d] = std::floor(5.0f * rng.uniform(3 * k + d, trial)) - 2.0;
      cgal.emplace_back(x[0], x[1], x[2]);
      ours.push_back({x[0], x[1], x[2]});
    }
    const std::array<int, 3> t{0, 1, 2};
    const std::array<int, 3> u = shared == 0 ? std::array<int, 3>{3, 4, 5}
                                 : shared == 1 ? std::array<int, 3>{0, 3, 4}
                                               : std::array<int, 3>{1, 0, 3};
    auto flat = [&](const std::array<int, 3>& f) {
      return CGAL::collinear(cgal[std::size_t(f[0])], cgal[std::size_t(f[1])], cgal[std::size_t(f[2])]);
    };
    if (flat(t) || flat(u)) continue;
    bool coincident = false;  // distinct corners at one point would make CGAL's mesh degenerate
    for (std::size_t i = 0; i < cgal.size(); ++i)
      for (std::size_t j = i + 1; j < cgal.size(); ++j) coincident |= cgal[i] == cgal[j];
    if (coincident) continue;
    const hifa::detail::Double3 tp[3] = {ours[0], ours[1], ours[2]};
    const hifa::detail::Double3 up[3] = {ours[std::size_t(u[0])], ours[std::size_t(u[1])], ours[std::size_t(u[2])]};
    const bool mine = hifa::detail::triangles_intersect(tp, t.data(), up, u.data());
    const bool theirs = cgal_pair_intersects(cgal, t, u);
    ++checked[shared];
    meeting[shared] += theirs;
    if (mine != theirs && ++disagree <= 5) {
      UNSCOPED_INFO("trial " << trial << " (" << shared << " shared): ours " << mine << ", CGAL " << theirs);
    }
  }
  INFO("pairs checked / meeting per shared corners 0, 1, 2: " << checked[0] << "/" << meeting[0] << ", " << checked[1]
                                                               << "/" << meeting[1] << ", " << checked[2] << "/" << meeting[2]);
  CHECK(disagree == 0);
  for (int s = 0; s < 3; ++s) {
    CHECK(checked[s] > 500);
    CHECK(meeting[s] > 50);
    CHECK(checked[s] - meeting[s] > 50);
  }
}

TEST_CASE("the automatic check calls a closed mesh self-intersecting exactly when CGAL does", "[spatial][sign]") {
  // Boxes of 2 x 2 squares per side with every vertex moved at random, by up to 0.05 .. 0.6 of the
  // box's size: from gently dented to folded through itself, closed and manifold throughout.
  const TriMeshf box = box_grid(Vec3f(-0.5f, -0.5f, -0.5f), Vec3f(0.5f, 0.5f, 0.5f), 2);
  const Kokkos::DefaultHostExecutionSpace space;
  int intersecting = 0, clean = 0, disagree = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const hifa::CounterRng rng{std::uint64_t(1000 + trial)};
    const float amplitude = 0.05f + 0.55f * float(trial % 12) / 11.0f;
    TriMeshf mesh = box;
    for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v)
      for (int d = 0; d < 3; ++d) mesh.vertices(v, d) += amplitude * (2.0f * rng.uniform(d, std::uint64_t(v)) - 1.0f);
    EpickMesh cgal;
    std::vector<EpickMesh::Vertex_index> v;
    for (Eigen::Index i = 0; i < mesh.vertex_count(); ++i) {
      v.push_back(cgal.add_vertex({double(mesh.vertices(i, 0)), double(mesh.vertices(i, 1)), double(mesh.vertices(i, 2))}));
    }
    for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
      REQUIRE(cgal.add_face(v[std::size_t(mesh.faces(f, 0))], v[std::size_t(mesh.faces(f, 1))],
                            v[std::size_t(mesh.faces(f, 2))]) != EpickMesh::null_face());
    }
    const bool theirs = CGAL::Polygon_mesh_processing::does_self_intersect(cgal);
    const hifa::MeshBvh<Kokkos::HostSpace> bvh(space, mesh, SignMethod::automatic);
    const bool ours = bvh.sign_method_reason().find("self-intersecting") != std::string::npos;
    (theirs ? intersecting : clean) += 1;
    if (ours != theirs && ++disagree <= 5) {
      UNSCOPED_INFO("trial " << trial << ": ours " << ours << " (" << bvh.sign_method_reason() << "), CGAL " << theirs);
    }
  }
  INFO(intersecting << " self-intersecting meshes, " << clean << " not");
  CHECK(disagree == 0);
  CHECK(intersecting > 50);
  CHECK(clean > 50);
}
