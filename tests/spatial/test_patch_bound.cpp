#include "hifa/spatial/detail/patch_bound.hpp"

#include "hifa/core/rng.hpp"
#include "hifa/spatial/detail/closest_point_triangle.hpp"
#include "spatial/soup.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

using hifa::detail::Box;
using hifa::detail::PatchBound;

enum class Normals { area_weighted, random, zero };

// patch_bound for every node over `triangles` (leaf order), internal node i covering the leaves
// [ranges[i][0], ranges[i][1]] (any ranges: the bound does not rely on the tree's shape), with the
// node normals chosen by `normals` (any direction must give a valid bound).
struct Patches {
  Kokkos::View<float* [3][3], Kokkos::HostSpace> triangles;
  Kokkos::View<int* [2], Kokkos::HostSpace> ranges;
  Kokkos::View<PatchBound*, Kokkos::HostSpace> bounds;

  int first(int node) const { return node >= leaves() - 1 ? node - (leaves() - 1) : ranges(node, 0); }
  int last(int node) const { return node >= leaves() - 1 ? node - (leaves() - 1) : ranges(node, 1); }
  int leaves() const { return int(triangles.extent(0)); }
};

Patches build(const hifa::TriMeshf& mesh, Normals normals, std::uint64_t seed) {
  const int n = int(mesh.face_count());
  Patches p{Kokkos::View<float* [3][3], Kokkos::HostSpace>("triangles", n),
            Kokkos::View<int* [2], Kokkos::HostSpace>("ranges", n - 1),
            Kokkos::View<PatchBound*, Kokkos::HostSpace>("bounds", 2 * n - 1)};
  for (int f = 0; f < n; ++f)
    for (int c = 0; c < 3; ++c)
      for (int d = 0; d < 3; ++d) p.triangles(f, c, d) = mesh.vertices(mesh.faces(f, c), d);
  const hifa::CounterRng rng{seed};
  for (int i = 0; i < n - 1; ++i) {
    const int a = int(rng.uniform(0, i) * float(n)) % n;
    const int length = 1 + int(rng.uniform(1, i) * 40.0f);
    p.ranges(i, 0) = a;
    p.ranges(i, 1) = std::min(n - 1, a + length);
  }
  Kokkos::View<Box*, Kokkos::HostSpace> boxes("boxes", 2 * n - 1);
  Kokkos::View<float* [hifa::detail::dipole_fields], Kokkos::HostSpace> dipoles("dipoles", 2 * n - 1);
  for (int node = 0; node < 2 * n - 1; ++node) {
    Box box{{INFINITY, INFINITY, INFINITY}, {-INFINITY, -INFINITY, -INFINITY}};
    double normal[3] = {0.0, 0.0, 0.0};
    for (int k = p.first(node); k <= p.last(node); ++k) {
      double e1[3], e2[3];
      for (int d = 0; d < 3; ++d) {
        for (int c = 0; c < 3; ++c) {
          box.min[d] = std::min(box.min[d], p.triangles(k, c, d));
          box.max[d] = std::max(box.max[d], p.triangles(k, c, d));
        }
        e1[d] = double(p.triangles(k, 1, d)) - p.triangles(k, 0, d);
        e2[d] = double(p.triangles(k, 2, d)) - p.triangles(k, 0, d);
      }
      normal[0] += e1[1] * e2[2] - e1[2] * e2[1];
      normal[1] += e1[2] * e2[0] - e1[0] * e2[2];
      normal[2] += e1[0] * e2[1] - e1[1] * e2[0];
    }
    boxes(node) = box;
    for (int d = 0; d < 3; ++d) {
      dipoles(node, hifa::detail::dipole_nx + d) = normals == Normals::area_weighted ? float(normal[d])
                                                   : normals == Normals::random      ? rng.normal(2 + d, node)
                                                                                     : 0.0f;
    }
  }
  for (int node = 0; node < 2 * n - 1; ++node) {
    p.bounds(node) = hifa::detail::patch_bound(node, p.first(node), p.last(node), p.triangles, boxes, dipoles);
  }
  return p;
}

// Triangles of a cap of the unit sphere (polar angle < 0.6), a curved but orderly patch.
hifa::TriMeshf sphere_cap(int rings, int segments) {
  hifa::TriMeshf mesh;
  mesh.vertices.resize((rings + 1) * segments, 3);
  for (int r = 0; r <= rings; ++r) {
    for (int s = 0; s < segments; ++s) {
      const float theta = 0.6f * float(r + 1) / float(rings + 1), phi = 6.2831853f * float(s) / float(segments);
      mesh.vertices.row(r * segments + s) << std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta);
    }
  }
  mesh.faces.resize(2 * rings * segments, 3);
  int f = 0;
  for (int r = 0; r < rings; ++r) {
    for (int s = 0; s < segments; ++s) {
      const int a = r * segments + s, b = r * segments + (s + 1) % segments;
      mesh.faces.row(f++) << a, a + segments, b;
      mesh.faces.row(f++) << b, a + segments, b + segments;
    }
  }
  return mesh;
}

// Smallest squared distance, as the traversal computes it in float, from p to the node's triangles.
float node_distance2(const Patches& p, int node, const float q[3]) {
  float best = INFINITY;
  const hifa::detail::Float3 x{q[0], q[1], q[2]};
  for (int k = p.first(node); k <= p.last(node); ++k) {
    const auto c = hifa::detail::closest_point_triangle(
        x, {p.triangles(k, 0, 0), p.triangles(k, 0, 1), p.triangles(k, 0, 2)},
        {p.triangles(k, 1, 0), p.triangles(k, 1, 1), p.triangles(k, 1, 2)},
        {p.triangles(k, 2, 0), p.triangles(k, 2, 1), p.triangles(k, 2, 2)});
    const auto d = x - c.q;
    best = std::min(best, dot(d, d));
  }
  return best;
}

void check_never_exceeds(const hifa::TriMeshf& mesh, Normals normals) {
  const Patches p = build(mesh, normals, 11);
  const hifa::CounterRng rng{5};
  int checked = 0, violations = 0;
  for (int q = 0; q < 300; ++q) {
    // Points from on the surface to far away (scale up to 30).
    const float scale = std::pow(30.0f, rng.uniform(3, q));
    const float x[3] = {scale * (2.0f * rng.uniform(0, q) - 1.0f), scale * (2.0f * rng.uniform(1, q) - 1.0f),
                        scale * (2.0f * rng.uniform(2, q) - 1.0f)};
    for (int node = 0; node < 2 * p.leaves() - 1; ++node) {
      ++checked;
      if (hifa::detail::patch_distance2(p.bounds(node), x) > node_distance2(p, node, x)) ++violations;
    }
  }
  CHECK(checked > 10000);
  CHECK(violations == 0);
}

}  // namespace

TEST_CASE("a patch bound never exceeds the distance to any triangle under its node", "[spatial][patch_bound]") {
  SECTION("a random soup, area-weighted normals") { check_never_exceeds(hifa::test::random_soup(200, 3), Normals::area_weighted); }
  SECTION("a random soup, random directions") { check_never_exceeds(hifa::test::random_soup(200, 4), Normals::random); }
  SECTION("a random soup, cancelling normals (the ball alone)") { check_never_exceeds(hifa::test::random_soup(200, 5), Normals::zero); }
  SECTION("a sphere cap") { check_never_exceeds(sphere_cap(8, 16), Normals::area_weighted); }
}

TEST_CASE("a patch bound is nearly exact over a nearly flat patch and loose only by its curvature",
          "[spatial][patch_bound]") {
  const Patches p = build(sphere_cap(8, 16), Normals::area_weighted, 2);
  // Leaves are flat: at points 0.5 above each triangle's plane (near its centre) the bound is the
  // distance up to the margin.
  const int n = p.leaves();
  for (int leaf = 0; leaf < n; ++leaf) {
    const PatchBound& b = p.bounds(n - 1 + leaf);
    REQUIRE(b.high - b.low < 1e-6f);
    const float x[3] = {b.centre[0] + 0.5f * b.normal[0], b.centre[1] + 0.5f * b.normal[1], b.centre[2] + 0.5f * b.normal[2]};
    const float exact = std::sqrt(node_distance2(p, n - 1 + leaf, x));
    const float bound = std::sqrt(hifa::detail::patch_distance2(b, x));
    CHECK(bound <= exact);
    CHECK(bound >= exact - 1e-3f);
  }
  // From a point far outside the cap every patch of 9 or more triangles bounds tighter than its
  // ball (|p - c| - r, which a tilted patch's box is no better than), most by half the radius.
  const float x[3] = {0.0f, 0.0f, 3.0f};
  int tighter = 0, much_tighter = 0, patches = 0;
  for (int node = 0; node < n - 1; ++node) {
    const PatchBound& b = p.bounds(node);
    if (p.last(node) - p.first(node) < 8) continue;
    ++patches;
    const float dx = x[0] - b.centre[0], dy = x[1] - b.centre[1], dz = x[2] - b.centre[2];
    const float ball = std::sqrt(dx * dx + dy * dy + dz * dz) - b.radius;
    const float bound = std::sqrt(hifa::detail::patch_distance2(b, x));
    tighter += bound > ball ? 1 : 0;
    much_tighter += bound > ball + 0.5f * b.radius ? 1 : 0;
    CHECK(bound <= std::sqrt(node_distance2(p, node, x)));
  }
  REQUIRE(patches > 10);
  CHECK(tighter == patches);
  CHECK(much_tighter >= 0.8 * patches);
}
