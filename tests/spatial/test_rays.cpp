// MeshBvh ray queries: first hits against brute force over all faces, hit-point consistency,
// watertight hit counts on a closed marching-cubes sphere (including rays aimed exactly at its
// vertices and edges), misses, argument errors and Serial-vs-OpenMP bitwise identity.
#include "hifa/spatial/mesh_bvh.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "support/execution_spaces.hpp"

#include "spatial/soup.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace {

using hifa::TriMeshf;
using hifa::Vec3f;
using Rays = Kokkos::View<float* [3], Kokkos::HostSpace>;

const Vec3f sphere_centre(0.02f, -0.03f, 0.01f);

TriMeshf sphere() {
  const Kokkos::DefaultHostExecutionSpace space;
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 32);
  return hifa::marching_cubes(space, hifa::evaluate_grid(space, hifa::Sphere<float>{sphere_centre, 0.6f}, grid), grid);
}

using hifa::test::random_soup;

// n rays: origins uniform in [-1.3, 1.3]^3, directions normal (so uniform on the sphere), not unit.
std::pair<Rays, Rays> random_rays(int n, std::uint64_t seed) {
  const hifa::CounterRng rng{seed};
  Rays origins("origins", n), directions("directions", n);
  for (int q = 0; q < n; ++q) {
    for (int d = 0; d < 3; ++d) {
      origins(q, d) = 2.6f * (rng.uniform(d, q) - 0.5f);
      directions(q, d) = 3.0f * rng.normal(3 + d, q);
    }
  }
  return {origins, directions};
}

struct HostHits {
  std::vector<float> t;
  std::vector<int> face;
  std::vector<float> barycentric;  // N x 3
  std::vector<int> count;
};

template <class Space>
HostHits cast(const TriMeshf& mesh, const Rays& host_origins, const Rays& host_directions) {
  using Memory = typename Space::memory_space;
  const Space space;
  const hifa::MeshBvh<Memory> bvh(space, mesh);
  const std::size_t n = host_origins.extent(0);
  const Kokkos::View<float* [3], Memory> origins("origins", n), directions("directions", n);
  Kokkos::deep_copy(origins, host_origins);
  Kokkos::deep_copy(directions, host_directions);
  const auto hits = hifa::RayHits<Memory>::allocate(space, n);
  const Kokkos::View<int*, Memory> counts("counts", n);
  bvh.first_hits(space, origins, directions, hits);
  bvh.hit_counts(space, origins, directions, counts);
  space.fence();
  HostHits r{std::vector<float>(n), std::vector<int>(n), std::vector<float>(3 * n), std::vector<int>(n)};
  Kokkos::deep_copy(Kokkos::View<float*, Kokkos::HostSpace>(r.t.data(), n), hits.t);
  Kokkos::deep_copy(Kokkos::View<int*, Kokkos::HostSpace>(r.face.data(), n), hits.face);
  Kokkos::deep_copy(Kokkos::View<float* [3], Kokkos::HostSpace>(r.barycentric.data(), n), hits.barycentric);
  Kokkos::deep_copy(Kokkos::View<int*, Kokkos::HostSpace>(r.count.data(), n), counts);
  return r;
}

// Brute force over all faces in id order with the same intersection routine: first hit (strictly
// smaller t wins, so ties keep the lowest id) and the number of hits at t > 0.
struct Brute {
  float t = std::numeric_limits<float>::infinity();
  int face = -1;
  float b[3] = {0, 0, 0};
  int count = 0;
};

Brute brute_force(const TriMeshf& mesh, const float o[3], const float d[3]) {
  Brute r;
  const auto ray = hifa::detail::prepare_ray(o, d);
  if (!ray.valid) return r;
  for (int f = 0; f < mesh.face_count(); ++f) {
    float v[3][3];
    for (int c = 0; c < 3; ++c)
      for (int k = 0; k < 3; ++k) v[c][k] = mesh.vertices(mesh.faces(f, c), k);
    const auto h = hifa::detail::ray_triangle(ray, v[0], v[1], v[2]);
    if (!h.hit || !(h.t > 0.0f)) continue;
    ++r.count;
    if (h.t < r.t) r = {h.t, f, {h.u, h.v, h.w}, r.count};
  }
  return r;
}

void check_against_brute_force(const TriMeshf& mesh, const Rays& origins, const Rays& directions, const HostHits& r) {
  int bad = 0, hits = 0, point_bad = 0;
  for (std::size_t q = 0; q < origins.extent(0); ++q) {
    const float o[3] = {origins(q, 0), origins(q, 1), origins(q, 2)};
    const float d[3] = {directions(q, 0), directions(q, 1), directions(q, 2)};
    const Brute e = brute_force(mesh, o, d);
    const bool same = r.face[q] == e.face && r.count[q] == e.count &&
                      std::memcmp(&r.t[q], &e.t, sizeof(float)) == 0 &&
                      (e.face < 0 || std::memcmp(&r.barycentric[3 * q], e.b, 3 * sizeof(float)) == 0);
    if (!same && ++bad <= 5) {
      UNSCOPED_INFO("ray " << q << ": face " << r.face[q] << " t " << r.t[q] << " count " << r.count[q]
                           << " vs brute force face " << e.face << " t " << e.t << " count " << e.count);
    }
    if (e.face < 0) continue;
    ++hits;
    // origin + t · unit direction is the barycentric point of the face.
    const Vec3f dir = Vec3f(d[0], d[1], d[2]).normalized();
    const Vec3f along = Vec3f(o[0], o[1], o[2]) + r.t[q] * dir;
    Vec3f from_weights = Vec3f::Zero();
    const float* b = &r.barycentric[3 * q];
    for (int c = 0; c < 3; ++c) from_weights += b[c] * mesh.vertex(mesh.faces(r.face[q], c));
    const bool weights_ok = b[0] >= 0 && b[1] >= 0 && b[2] >= 0 && std::abs(b[0] + b[1] + b[2] - 1) < 1e-5f;
    if (!(weights_ok && (along - from_weights).norm() < 2e-5f) && ++point_bad <= 5) {
      UNSCOPED_INFO("ray " << q << ": hit point off by " << (along - from_weights).norm() << ", weights " << b[0]
                           << " " << b[1] << " " << b[2]);
    }
  }
  CHECK(bad == 0);
  CHECK(point_bad == 0);
  CHECK(hits > int(origins.extent(0)) / 10);  // the test is not vacuous
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("first hits and hit counts on a marching-cubes sphere equal brute force over all faces",
                        "[spatial]", hifa::test::ExecutionSpaces) {
  const TriMeshf mesh = sphere();
  REQUIRE(mesh.face_count() > 1000);
  const auto [origins, directions] = random_rays(3000, 1);
  check_against_brute_force(mesh, origins, directions, cast<TestType>(mesh, origins, directions));
}

TEMPLATE_LIST_TEST_CASE("first hits and hit counts on a random triangle soup equal brute force over all faces",
                        "[spatial]", hifa::test::ExecutionSpaces) {
  const TriMeshf mesh = random_soup(1500, 2);
  const auto [origins, directions] = random_rays(3000, 3);
  check_against_brute_force(mesh, origins, directions, cast<TestType>(mesh, origins, directions));
}

TEMPLATE_LIST_TEST_CASE("rays from the centre of a closed sphere hit it exactly once, also through its vertices and edges",
                        "[spatial]", hifa::test::ExecutionSpaces) {
  const TriMeshf mesh = sphere();
  const hifa::CounterRng rng{5};
  // 2000 random directions, then one ray at every vertex and at the midpoint of every face edge.
  std::vector<Vec3f> targets;
  for (int q = 0; q < 2000; ++q) targets.push_back(sphere_centre + Vec3f(rng.normal(0, q), rng.normal(1, q), rng.normal(2, q)));
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) targets.push_back(mesh.vertex(v));
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    for (int c = 0; c < 3; ++c) targets.push_back(0.5f * (mesh.vertex(mesh.faces(f, c)) + mesh.vertex(mesh.faces(f, (c + 1) % 3))));
  }
  const int n = int(targets.size());
  Rays origins("origins", n), directions("directions", n);
  for (int q = 0; q < n; ++q) {
    for (int d = 0; d < 3; ++d) {
      origins(q, d) = sphere_centre[d];
      directions(q, d) = targets[q][d] - sphere_centre[d];
    }
  }
  const HostHits r = cast<TestType>(mesh, origins, directions);
  int bad = 0;
  for (int q = 0; q < n; ++q) {
    const bool ok = r.count[q] == 1 && r.face[q] >= 0 && r.t[q] > 0.5f && r.t[q] < 0.7f;
    if (!ok && ++bad <= 5) UNSCOPED_INFO("ray " << q << ": count " << r.count[q] << " face " << r.face[q] << " t " << r.t[q]);
  }
  CHECK(bad == 0);
}

TEMPLATE_LIST_TEST_CASE("rays from outside through a closed sphere hit it twice or not at all", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  const TriMeshf mesh = sphere();
  const hifa::CounterRng rng{6};
  // Origins at distance 1.5 from the centre aimed at random points of [-0.8, 0.8]^3 (some miss),
  // then rays through every vertex from outside (all must cross twice).
  std::vector<std::pair<Vec3f, Vec3f>> rays;
  for (int q = 0; q < 3000; ++q) {
    const Vec3f o = sphere_centre + 1.5f * Vec3f(rng.normal(0, q), rng.normal(1, q), rng.normal(2, q)).normalized();
    const Vec3f target(1.6f * (rng.uniform(3, q) - 0.5f), 1.6f * (rng.uniform(4, q) - 0.5f), 1.6f * (rng.uniform(5, q) - 0.5f));
    rays.emplace_back(o, target - o);
  }
  const std::size_t random_count = rays.size();
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) {
    // From outside, within ~20 degrees of the radial line through the vertex: a transversal
    // crossing at the vertex (from a random origin the ray may only graze a silhouette vertex).
    const Vec3f radial = (mesh.vertex(v) - sphere_centre).normalized();
    const Vec3f jitter = 0.3f * Vec3f(rng.normal(6, v), rng.normal(7, v), rng.normal(8, v)).normalized();
    const Vec3f o = mesh.vertex(v) + 0.9f * radial + jitter;
    rays.emplace_back(o, mesh.vertex(v) - o);
  }
  const int n = int(rays.size());
  Rays origins("origins", n), directions("directions", n);
  for (int q = 0; q < n; ++q) {
    for (int d = 0; d < 3; ++d) {
      origins(q, d) = rays[q].first[d];
      directions(q, d) = rays[q].second[d];
    }
  }
  const HostHits r = cast<TestType>(mesh, origins, directions);
  int bad = 0, through = 0;
  for (int q = 0; q < n; ++q) {
    const bool aimed_at_vertex = std::size_t(q) >= random_count;
    const bool ok = aimed_at_vertex ? r.count[q] == 2 : (r.count[q] == 0 || r.count[q] == 2);
    const bool first_ok = (r.count[q] == 0) == (r.face[q] < 0);
    through += r.count[q] == 2;
    if (!(ok && first_ok) && ++bad <= 5) UNSCOPED_INFO("ray " << q << ": count " << r.count[q] << " face " << r.face[q]);
  }
  CHECK(bad == 0);
  CHECK(through > 1000);
}

TEMPLATE_LIST_TEST_CASE("rays that miss, and invalid rays, give t infinity, face -1 and count 0", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  const TriMeshf mesh = sphere();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // Away from the sphere, past it, a zero direction, a NaN origin, an infinite direction, and a ray
  // starting exactly past the sphere pointing away.
  const float o[6][3] = {{2, 0, 0}, {0, 2, 0}, {0, 0, 0}, {nan, 0, 0}, {0, 0, 0}, {0, 0, -0.9f}};
  const float d[6][3] = {{1, 0, 0}, {1, 0, 0}, {0, 0, 0}, {1, 0, 0}, {std::numeric_limits<float>::infinity(), 0, 0}, {0, 0, -1}};
  Rays origins("origins", 6), directions("directions", 6);
  for (int q = 0; q < 6; ++q) {
    for (int k = 0; k < 3; ++k) {
      origins(q, k) = o[q][k];
      directions(q, k) = d[q][k];
    }
  }
  const HostHits r = cast<TestType>(mesh, origins, directions);
  for (int q = 0; q < 6; ++q) {
    INFO("ray " << q);
    CHECK(r.t[q] == std::numeric_limits<float>::infinity());
    CHECK(r.face[q] == -1);
    CHECK(r.count[q] == 0);
    CHECK(std::isnan(r.barycentric[3 * q]));
  }
}

TEMPLATE_LIST_TEST_CASE("a ray straight at a single triangle hits it at the expected distance and weights", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  TriMeshf mesh;
  mesh.vertices.resize(3, 3);
  mesh.vertices << 0, 0, 0, 1, 0, 0, 0, 1, 0;
  mesh.faces.resize(1, 3);
  mesh.faces << 0, 1, 2;
  Rays origins("origins", 2), directions("directions", 2);
  const float o[2][3] = {{0.25f, 0.5f, 2.0f}, {0.25f, 0.5f, -3.0f}};
  const float d[2][3] = {{0, 0, -4.0f}, {0, 0, 0.5f}};  // not unit: t is still a distance
  for (int q = 0; q < 2; ++q) {
    for (int k = 0; k < 3; ++k) {
      origins(q, k) = o[q][k];
      directions(q, k) = d[q][k];
    }
  }
  const HostHits r = cast<TestType>(mesh, origins, directions);
  CHECK(r.t[0] == 2.0f);
  CHECK(r.t[1] == 3.0f);
  for (int q = 0; q < 2; ++q) {
    CHECK(r.face[q] == 0);
    CHECK(r.count[q] == 1);
    CHECK(r.barycentric[3 * q] == Approx(0.25f));
    CHECK(r.barycentric[3 * q + 1] == Approx(0.25f));
    CHECK(r.barycentric[3 * q + 2] == Approx(0.5f));
  }
}

TEMPLATE_LIST_TEST_CASE("rays exactly through a shared edge or a shared vertex of a flat fan count one hit", "[spatial]",
                        hifa::test::ExecutionSpaces) {
  // Four triangles around the origin in the plane z = 0, consistently oriented (+z normals).
  TriMeshf mesh;
  mesh.vertices.resize(5, 3);
  mesh.vertices << 0, 0, 0, 1, 0, 0, 0, 1, 0, -1, 0, 0, 0, -1, 0;
  mesh.faces.resize(4, 3);
  mesh.faces << 0, 1, 2, 0, 2, 3, 0, 3, 4, 0, 4, 1;
  // Edge functions are exactly zero here, so the top-left rule decides: exactly one face each.
  const float o[8][3] = {{0, 0, 1},      {0, 0, -1},     {-0.5f, -0.5f, 0.5f}, {0.5f, 0.5f, -0.5f},
                         {0.5f, 0, 1},   {0, -0.5f, -1}, {0.25f, 0, 2},        {-0.25f, 0.25f, 1}};
  const float d[8][3] = {{0, 0, -1}, {0, 0, 1}, {1, 1, -1}, {-1, -1, 1}, {0, 0, -1}, {0, 0, 1}, {0.25f, 0, -2}, {0.25f, -0.25f, -1}};
  Rays origins("origins", 8), directions("directions", 8);
  for (int q = 0; q < 8; ++q) {
    for (int k = 0; k < 3; ++k) {
      origins(q, k) = o[q][k];
      directions(q, k) = d[q][k];
    }
  }
  const HostHits r = cast<TestType>(mesh, origins, directions);
  for (int q = 0; q < 8; ++q) {
    INFO("ray " << q);
    CHECK(r.count[q] == 1);
    CHECK(r.face[q] >= 0);
  }
}

TEMPLATE_LIST_TEST_CASE("first_hits and hit_counts reject mismatched extents", "[spatial]", hifa::test::ExecutionSpaces) {
  using Memory = typename TestType::memory_space;
  const TestType space;
  const hifa::MeshBvh<Memory> bvh(space, sphere());
  const Kokkos::View<float* [3], Memory> origins("origins", 4), directions("directions", 3);
  const Kokkos::View<int*, Memory> counts("counts", 4);
  CHECK_THROWS_AS(bvh.first_hits(space, origins, directions, hifa::RayHits<Memory>::allocate(space, 4)), hifa::Error);
  CHECK_THROWS_AS(bvh.hit_counts(space, origins, directions, counts), hifa::Error);
  CHECK_THROWS_AS(bvh.first_hits(space, origins, origins, hifa::RayHits<Memory>::allocate(space, 3)), hifa::Error);
  CHECK_THROWS_AS(bvh.hit_counts(space, origins, origins, Kokkos::View<int*, Memory>("c", 5)), hifa::Error);
}

TEST_CASE("Serial and OpenMP first hits and hit counts are bitwise identical", "[spatial]") {
#if defined(KOKKOS_ENABLE_SERIAL) && defined(KOKKOS_ENABLE_OPENMP)
  for (const TriMeshf& mesh : {sphere(), random_soup(2000, 17)}) {
    const auto [origins, directions] = random_rays(4000, 16);
    const HostHits a = cast<Kokkos::Serial>(mesh, origins, directions);
    const HostHits b = cast<Kokkos::OpenMP>(mesh, origins, directions);
    CHECK(std::memcmp(a.t.data(), b.t.data(), a.t.size() * sizeof(float)) == 0);
    CHECK(a.face == b.face);
    CHECK(std::memcmp(a.barycentric.data(), b.barycentric.data(), a.barycentric.size() * sizeof(float)) == 0);
    CHECK(a.count == b.count);
  }
#else
  SUCCEED("needs both the Serial and the OpenMP backend");
#endif
}
