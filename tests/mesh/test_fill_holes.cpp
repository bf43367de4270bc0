#include "hifa/mesh/fill_holes.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/topology.hpp"
#include "mesh/shapes.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

namespace {

// A latitude-longitude unit sphere: poles and `rings` - 1 rings of `segments` vertices, outward.
hifa::TriMeshd uv_sphere(int rings, int segments) {
  hifa::TriMeshd mesh;
  const int v_count = 2 + (rings - 1) * segments;
  mesh.vertices.resize(v_count, 3);
  mesh.vertices.row(0) << 0, 0, 1;
  mesh.vertices.row(v_count - 1) << 0, 0, -1;
  const auto id = [segments](int ring, int s) { return 1 + (ring - 1) * segments + (s + segments) % segments; };
  for (int r = 1; r < rings; ++r) {
    for (int s = 0; s < segments; ++s) {
      const double theta = std::numbers::pi * r / rings, phi = 2 * std::numbers::pi * s / segments;
      mesh.vertices.row(id(r, s)) << std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta);
    }
  }
  std::vector<Eigen::Vector3i> faces;
  for (int s = 0; s < segments; ++s) {
    faces.emplace_back(0, id(1, s), id(1, s + 1));
    faces.emplace_back(v_count - 1, id(rings - 1, s + 1), id(rings - 1, s));
    for (int r = 1; r + 1 < rings; ++r) {
      faces.emplace_back(id(r, s), id(r + 1, s), id(r + 1, s + 1));
      faces.emplace_back(id(r, s), id(r + 1, s + 1), id(r, s + 1));
    }
  }
  mesh.faces.resize(Eigen::Index(faces.size()), 3);
  for (std::size_t f = 0; f < faces.size(); ++f) mesh.faces.row(Eigen::Index(f)) = faces[f].transpose();
  return mesh;
}

// `mesh` without the faces for which `drop(face centroid)` holds.
template <class Drop>
hifa::TriMeshd without(const hifa::TriMeshd& mesh, Drop drop) {
  hifa::TriMeshd out = mesh;
  Eigen::Index kept = 0;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    const hifa::Vec3d c = (mesh.vertex(mesh.faces(f, 0)) + mesh.vertex(mesh.faces(f, 1)) + mesh.vertex(mesh.faces(f, 2))) / 3;
    if (!drop(c)) out.faces.row(kept++) = mesh.faces.row(f);
  }
  out.faces.conservativeResize(kept, 3);
  return out;
}

}  // namespace

TEST_CASE("a sphere with a polar cap and a side hole removed has two boundary loops that fill_holes closes outward") {
  const auto sphere = uv_sphere(24, 32);
  const double full_volume = hifa::signed_volume(sphere);
  const auto open = without(sphere, [](const hifa::Vec3d& c) { return c.z() > 0.9 || (c - hifa::Vec3d(1, 0, 0)).norm() < 0.2; });
  const auto loops = hifa::boundary_loops(open.faces);
  REQUIRE(loops.size() == 2);
  CHECK_FALSE(hifa::is_closed(open));

  const auto filled = hifa::fill_holes(open);
  CHECK(filled.holes == 2);
  CHECK(filled.added_vertices > 0);
  CHECK(hifa::is_closed(filled.mesh));
  CHECK(hifa::is_edge_manifold(filled.mesh));  // consistent orientation: patch faces run each edge back
  CHECK(hifa::euler_characteristic(filled.mesh) == 2);
  CHECK(hifa::connected_components(filled.mesh).count == 1);
  // Outward and close to the intact sphere: the patches are membranes across small holes.
  const double volume = hifa::signed_volume(filled.mesh);
  CHECK(volume > 0.97 * full_volume);
  CHECK(volume < full_volume);
  // The input comes first, unchanged.
  CHECK(filled.mesh.vertices.topRows(open.vertex_count()) == open.vertices);
  CHECK(filled.mesh.faces.topRows(open.face_count()) == open.faces);
}

TEST_CASE("the patch of a non-planar loop stays inside the loop's convex hull: a window in a sphere's side") {
  // The window's loop lies on the sphere and bends around it; every smoothed patch vertex is a mean
  // of its neighbours (a discrete membrane), so the patch stays in the loop's convex hull: inside
  // the sphere, and not deeper than the window's chord.
  const auto sphere = uv_sphere(24, 32);
  const auto open = without(sphere, [](const hifa::Vec3d& c) { return std::abs(c.z()) < 0.3 && c.x() > 0.5; });
  const auto filled = hifa::fill_holes(open);
  REQUIRE(filled.holes == 1);
  CHECK(hifa::is_closed(filled.mesh));
  double nearest = 1, farthest = 0;
  for (Eigen::Index v = open.vertex_count(); v < filled.mesh.vertex_count(); ++v) {
    nearest = std::min(nearest, filled.mesh.vertex(v).norm());
    farthest = std::max(farthest, filled.mesh.vertex(v).norm());
  }
  CHECK(farthest <= 1.0);
  CHECK(nearest > 0.7);  // the window spans x > 0.5 and |z| < 0.3
}

TEST_CASE("a torus with a hole is closed again with Euler characteristic 0") {
  const auto torus = hifa::test::torus<double>(24, 12);
  auto open = torus;  // without the faces around vertex 0: one disk-shaped hole
  Eigen::Index kept = 0;
  for (Eigen::Index f = 0; f < torus.face_count(); ++f)
    if ((torus.faces.row(f).array() != 0).all()) open.faces.row(kept++) = torus.faces.row(f);
  open.faces.conservativeResize(kept, 3);
  REQUIRE(hifa::boundary_loops(open.faces).size() == 1);
  const auto filled = hifa::fill_holes(open);
  CHECK(hifa::is_closed(filled.mesh));
  CHECK(hifa::is_edge_manifold(filled.mesh));
  CHECK(hifa::euler_characteristic(filled.mesh) == 0);
}

TEST_CASE("two holes touching at one vertex are filled as two loops, closed and edge-manifold") {
  // Four of the six faces at vertex 0 of the torus: two wedges that meet only at vertex 0.
  const auto torus = hifa::test::torus<double>(24, 12);
  const auto open = without(torus, [](const hifa::Vec3d& c) { return (c - hifa::Vec3d(1.25, 0, 0)).norm() < 0.15; });
  const auto loops = hifa::boundary_loops(open.faces);
  REQUIRE(loops.size() == 2);
  CHECK(loops[0][0] == 0);
  CHECK(loops[1][0] == 0);
  const auto filled = hifa::fill_holes(open);
  CHECK(filled.holes == 2);
  CHECK(hifa::is_closed(filled.mesh));
  CHECK(hifa::is_edge_manifold(filled.mesh));
}

TEST_CASE("fill_holes leaves a closed mesh as it is and loops longer than max_loop open") {
  const auto cube = hifa::test::unit_cube<double>();
  CHECK(hifa::boundary_loops(cube.faces).empty());
  const auto same = hifa::fill_holes(cube);
  CHECK(same.holes == 0);
  CHECK(same.mesh.vertices == cube.vertices);
  CHECK(same.mesh.faces == cube.faces);

  const auto open = without(uv_sphere(16, 20), [](const hifa::Vec3d& c) { return c.z() > 0.8; });
  REQUIRE(hifa::boundary_loops(open.faces).size() == 1);
  const auto loop_size = int(hifa::boundary_loops(open.faces)[0].size());
  hifa::FillHolesOptions options;
  options.max_loop = loop_size - 1;
  CHECK(hifa::fill_holes(open, options).holes == 0);
  options.max_loop = loop_size;
  CHECK(hifa::fill_holes(open, options).holes == 1);
  options.max_loop = -1;
  CHECK_THROWS_WITH(hifa::fill_holes(open, options), Catch::Contains("fill_holes"));
}

TEST_CASE("a triangular hole gets exactly one face and no new vertex") {
  auto cube = hifa::test::unit_cube<double>();
  cube.faces.conservativeResize(11, 3);  // drop one triangle of the x = 0 side
  const auto filled = hifa::fill_holes(cube);
  CHECK(filled.holes == 1);
  CHECK(filled.added_vertices == 0);
  CHECK(filled.mesh.face_count() == 12);
  CHECK(hifa::is_closed(filled.mesh));
  CHECK(hifa::is_edge_manifold(filled.mesh));
  CHECK(hifa::signed_volume(filled.mesh) == Approx(1.0));
}
