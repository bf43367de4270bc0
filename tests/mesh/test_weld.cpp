#include <catch2/catch.hpp>

#include "hifa/core/error.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/mesh/weld.hpp"
#include "mesh/shapes.hpp"

namespace {

// Every face gets its own three vertices (as STL files and many exporters store meshes).
template <class T>
hifa::TriMesh<T> soup(const hifa::TriMesh<T>& mesh) {
  hifa::TriMesh<T> out;
  out.vertices.resize(3 * mesh.face_count(), 3);
  out.faces.resize(mesh.face_count(), 3);
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    for (int k = 0; k < 3; ++k) {
      out.vertices.row(3 * f + k) = mesh.vertices.row(mesh.faces(f, k));
      out.faces(f, k) = static_cast<int>(3 * f + k);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("welding a triangle soup of the cube gives back the closed 8-vertex cube") {
  const auto cube = hifa::test::unit_cube<float>();
  const auto [welded, map] = hifa::weld_vertices(soup(cube));
  CHECK(welded.vertex_count() == 8);
  CHECK(welded.face_count() == 12);
  CHECK(map.size() == 36);
  CHECK(hifa::is_closed(welded));
  CHECK(hifa::is_edge_manifold(welded));
  CHECK(hifa::signed_volume(welded) == 1.0f);
}

TEST_CASE("welding with a tolerance merges vertices moved by less than it, and only those") {
  auto cube = soup(hifa::test::unit_cube<double>());
  for (Eigen::Index v = 0; v < cube.vertex_count(); ++v) cube.vertices(v, v % 3) += (v % 2 ? 1e-7 : -1e-7);
  CHECK(hifa::weld_vertices(cube).mesh.vertex_count() > 8);
  const auto welded = hifa::weld_vertices(cube, 1e-5).mesh;
  CHECK(welded.vertex_count() == 8);
  CHECK(hifa::is_closed(welded));
}

TEST_CASE("welding keeps the first vertex's attributes and drops faces that collapse") {
  hifa::TriMeshf mesh;
  mesh.vertices.resize(4, 3);
  mesh.vertices << 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0;  // vertex 3 duplicates vertex 1
  mesh.colors.resize(4, 3);
  mesh.colors << 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1;
  mesh.faces.resize(2, 3);
  mesh.faces << 0, 1, 2, 1, 3, 2;  // the second face collapses
  mesh.uvs.resize(2, 2);
  mesh.uvs << 0, 0, 1, 1;
  mesh.face_uvs.resize(2, 3);
  mesh.face_uvs << 0, 1, 0, 1, 1, 1;
  const auto [welded, map] = hifa::weld_vertices(mesh);
  CHECK(map == std::vector<int>{0, 1, 2, 1});
  REQUIRE(welded.face_count() == 1);
  CHECK(welded.faces.row(0) == Eigen::RowVector3i(0, 1, 2));
  CHECK(welded.face_uvs.row(0) == Eigen::RowVector3i(0, 1, 0));
  CHECK(welded.colors.row(1) == Eigen::RowVector3f(1, 0, 0));
  CHECK(welded.has_uvs());
}

TEST_CASE("exact welding treats -0 and +0 as the same coordinate") {
  hifa::TriMeshf mesh;
  mesh.vertices.resize(2, 3);
  mesh.vertices << -0.0f, 1, 2, 0.0f, 1, 2;
  CHECK(hifa::weld_vertices(mesh).mesh.vertex_count() == 1);
}

TEST_CASE("welding an empty mesh gives an empty mesh and a bad tolerance is an error") {
  const hifa::TriMeshf empty;
  CHECK(hifa::weld_vertices(empty).mesh.vertex_count() == 0);
  CHECK_THROWS_AS(hifa::weld_vertices(empty, -1.0f), hifa::Error);
}
