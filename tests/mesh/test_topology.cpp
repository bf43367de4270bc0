#include <catch2/catch.hpp>

#include "hifa/mesh/topology.hpp"
#include "mesh/cgal_mesh.hpp"
#include "mesh/shapes.hpp"

#include <CGAL/Polygon_mesh_processing/connected_components.h>
#include <CGAL/boost/graph/helpers.h>

namespace {

hifa::TriMeshd without_faces(hifa::TriMeshd mesh, Eigen::Index first, Eigen::Index count) {
  const Eigen::Index rest = mesh.face_count() - first - count;
  mesh.faces.middleRows(first, rest) = mesh.faces.bottomRows(rest).eval();
  mesh.faces.conservativeResize(mesh.face_count() - count, 3);
  return mesh;
}

}  // namespace

TEST_CASE("the unit cube is closed, edge-manifold, connected, with Euler characteristic 2") {
  const auto cube = hifa::test::unit_cube<double>();
  CHECK(hifa::is_closed(cube));
  CHECK(hifa::is_edge_manifold(cube));
  CHECK(hifa::boundary_edge_count(cube) == 0);
  CHECK(hifa::euler_characteristic(cube) == 2);
  CHECK(hifa::connected_components(cube).count == 1);
  CHECK(hifa::edge_map(cube.faces).size() == 18);
}

TEST_CASE("a cube missing one square face is open with 4 boundary edges") {
  const auto open = without_faces(hifa::test::unit_cube<double>(), 2, 2);
  CHECK_FALSE(hifa::is_closed(open));
  CHECK(hifa::is_edge_manifold(open));
  CHECK(hifa::boundary_edge_count(open) == 4);
  CHECK(hifa::euler_characteristic(open) == 1);
}

TEST_CASE("two disjoint cubes are two components with Euler characteristic 4") {
  const auto two = hifa::test::with_copy(hifa::test::unit_cube<double>(), hifa::Vec3d(3, 0, 0));
  const auto components = hifa::connected_components(two);
  CHECK(components.count == 2);
  for (Eigen::Index f = 0; f < two.face_count(); ++f) CHECK(components.face_component[f] == (f < 12 ? 0 : 1));
  CHECK(hifa::euler_characteristic(two) == 4);
  CHECK(hifa::is_closed(two));
}

TEST_CASE("faces touching only at a vertex are separate components") {
  hifa::TriMeshf bowtie;
  bowtie.vertices.resize(5, 3);
  bowtie.vertices << 0, 0, 0, 1, 0, 0, 0, 1, 0, -1, 0, 0, 0, -1, 0;
  bowtie.faces.resize(2, 3);
  bowtie.faces << 0, 1, 2, 0, 3, 4;
  CHECK(hifa::connected_components(bowtie).count == 2);
}

TEST_CASE("a torus is closed with Euler characteristic 0") {
  const auto torus = hifa::test::torus<float>();
  CHECK(hifa::is_closed(torus));
  CHECK(hifa::is_edge_manifold(torus));
  CHECK(hifa::euler_characteristic(torus) == 0);
}

TEST_CASE("is_closed and the component count agree with CGAL") {
  const auto cube = hifa::test::unit_cube<double>();
  const hifa::TriMeshd meshes[] = {cube, without_faces(cube, 0, 1), without_faces(cube, 5, 4),
                                   hifa::test::torus<double>(),
                                   hifa::test::with_copy(hifa::test::torus<double>(), hifa::Vec3d(0, 0, 0.1)),
                                   hifa::test::with_copy(without_faces(cube, 10, 2), hifa::Vec3d(0, 5, 0))};
  for (const auto& mesh : meshes) {
    auto reference = hifa::test::to_cgal(mesh);
    REQUIRE(reference.number_of_faces() == static_cast<std::size_t>(mesh.face_count()));
    CHECK(hifa::is_closed(mesh) == CGAL::is_closed(reference));
    auto face_ids = reference.add_property_map<hifa::test::CgalMesh::Face_index, std::size_t>("f:cc").first;
    CHECK(static_cast<std::size_t>(hifa::connected_components(mesh).count) ==
          CGAL::Polygon_mesh_processing::connected_components(reference, face_ids));
  }
}

TEST_CASE("a flipped face keeps a mesh closed but breaks consistent orientation") {
  auto cube = hifa::test::unit_cube<double>();
  cube.faces.row(4) = cube.faces.row(4).reverse().eval();
  CHECK(hifa::is_closed(cube));
  CHECK_FALSE(hifa::is_edge_manifold(cube));
}

TEST_CASE("an edge shared by three faces is not manifold and not closed") {
  auto cube = hifa::test::unit_cube<double>();
  cube.vertices.conservativeResize(9, 3);
  cube.vertices.row(8) << 0.5, 0.5, 2;
  cube.faces.conservativeResize(13, 3);
  cube.faces.row(12) << 4, 5, 8;  // a fin on the top edge 4-5
  CHECK_FALSE(hifa::is_edge_manifold(cube));
  CHECK_FALSE(hifa::is_closed(cube));
}

TEST_CASE("a mesh without faces is not closed and has no components") {
  const hifa::TriMeshf empty;
  CHECK_FALSE(hifa::is_closed(empty));
  CHECK(hifa::is_edge_manifold(empty));
  CHECK(hifa::connected_components(empty).count == 0);
  CHECK(hifa::euler_characteristic(empty) == 0);
}
