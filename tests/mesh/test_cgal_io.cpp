// The files hifa writes are read by an independent implementation (CGAL's OBJ and PLY readers).
#include <catch2/catch.hpp>

#include "hifa/mesh/obj_io.hpp"
#include "hifa/mesh/ply_io.hpp"
#include "mesh/cgal_mesh.hpp"
#include "mesh/shapes.hpp"
#include "support/temp_dir.hpp"

#include <CGAL/IO/OBJ.h>
#include <CGAL/IO/PLY.h>
#include <CGAL/Polygon_mesh_processing/measure.h>

#include <fstream>

namespace {

// OBJ text holds the shortest decimal of each float: CGAL parses it as double, so compare as float.
void check_same(const hifa::TriMeshf& mesh, const hifa::test::CgalMesh& read) {
  REQUIRE(read.number_of_vertices() == static_cast<std::size_t>(mesh.vertex_count()));
  REQUIRE(read.number_of_faces() == static_cast<std::size_t>(mesh.face_count()));
  for (const auto v : read.vertices()) {
    const auto& p = read.point(v);
    const auto row = static_cast<Eigen::Index>(v.idx());
    CHECK(static_cast<float>(p.x()) == mesh.vertices(row, 0));
    CHECK(static_cast<float>(p.y()) == mesh.vertices(row, 1));
    CHECK(static_cast<float>(p.z()) == mesh.vertices(row, 2));
  }
  CHECK(CGAL::Polygon_mesh_processing::area(read) == Approx(6.0));
}

}  // namespace

TEST_CASE("CGAL reads the PLY files hifa writes, binary and ascii") {
  const auto format = GENERATE(hifa::PlyFormat::binary_little_endian, hifa::PlyFormat::ascii);
  hifa::TriMeshf cube = hifa::test::unit_cube<float>();
  cube.vertices.array() -= 0.3f;  // values that are not short decimals
  cube.colors = hifa::RowMatrix3<float>::Constant(8, 3, 0.5f);
  hifa::test::TempDir dir;
  hifa::write_ply(dir / "cube.ply", cube, format);
  std::ifstream in(dir / "cube.ply", std::ios::binary);
  hifa::test::CgalMesh read;
  REQUIRE(CGAL::IO::read_PLY(in, read));
  check_same(cube, read);
}

TEST_CASE("CGAL reads the OBJ files hifa writes") {
  hifa::TriMeshf cube = hifa::test::unit_cube<float>();
  cube.vertices.array() -= 0.3f;
  hifa::test::TempDir dir;
  hifa::write_obj(dir / "cube.obj", cube);
  hifa::test::CgalMesh read;
  REQUIRE(CGAL::IO::read_OBJ((dir / "cube.obj").string(), read));
  check_same(cube, read);
}
