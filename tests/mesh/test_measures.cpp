#include <catch2/catch.hpp>

#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/validate.hpp"
#include "mesh/cgal_mesh.hpp"
#include "mesh/shapes.hpp"

#include <CGAL/Polygon_mesh_processing/measure.h>

#include <cmath>
#include <limits>
#include <numbers>

namespace PMP = CGAL::Polygon_mesh_processing;

TEST_CASE("the unit cube has area 6, volume 1 and the unit box as bounds") {
  const auto cube = hifa::test::unit_cube<float>();
  CHECK(hifa::surface_area(cube) == 6.0f);
  CHECK(hifa::signed_volume(cube) == 1.0f);
  const auto box = hifa::bounding_box(cube);
  CHECK(box.min() == hifa::Vec3f(0, 0, 0));
  CHECK(box.max() == hifa::Vec3f(1, 1, 1));
}

TEST_CASE("turning a mesh inside out negates its volume but not its area") {
  auto cube = hifa::test::unit_cube<double>();
  cube.faces.col(1).swap(cube.faces.col(2));
  CHECK(hifa::signed_volume(cube) == -1.0);
  CHECK(hifa::surface_area(cube) == 6.0);
}

TEST_CASE("the volume of a closed mesh does not depend on where it is") {
  auto cube = hifa::test::unit_cube<double>();
  cube.vertices.rowwise() += Eigen::RowVector3d(-7, 3, 100);
  CHECK(hifa::signed_volume(cube) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("area and volume of a torus agree with CGAL and approach the analytic values") {
  const auto torus = hifa::test::torus<double>(64, 32, 1.0, 0.25);
  const auto reference = hifa::test::to_cgal(torus);
  CHECK(hifa::surface_area(torus) == Approx(PMP::area(reference)).epsilon(1e-12));
  CHECK(hifa::signed_volume(torus) == Approx(PMP::volume(reference)).epsilon(1e-12));
  const double pi = std::numbers::pi;
  CHECK(hifa::surface_area(torus) == Approx(4 * pi * pi * 0.25).epsilon(0.01));
  CHECK(hifa::signed_volume(torus) == Approx(2 * pi * pi * 0.25 * 0.25).epsilon(0.02));
}

TEST_CASE("face normals of the cube are the axis directions pointing out") {
  const auto normals = hifa::face_normals(hifa::test::unit_cube<float>());
  CHECK(normals.row(0) == Eigen::RowVector3f(0, 0, -1));
  CHECK(normals.row(2) == Eigen::RowVector3f(0, 0, 1));
  CHECK(normals.row(11) == Eigen::RowVector3f(-1, 0, 0));
}

TEST_CASE("area-weighted vertex normals of a cube corner and of a torus point out") {
  const auto cube_normals = hifa::vertex_normals(hifa::test::unit_cube<double>());
  CHECK((cube_normals.row(0) - Eigen::RowVector3d(-1, -1, -1).normalized()).norm() < 1e-15);
  // Vertex 1 = (1,0,0) touches one -z and one -y triangle but two +x triangles.
  CHECK((cube_normals.row(1) - Eigen::RowVector3d(1, -0.5, -0.5).normalized()).norm() < 1e-15);

  const auto torus = hifa::test::torus<double>(64, 32, 1.0, 0.25);
  const auto normals = hifa::vertex_normals(torus);
  for (Eigen::Index v = 0; v < torus.vertex_count(); ++v) {
    const Eigen::RowVector3d p = torus.vertices.row(v);
    const Eigen::RowVector3d ring = Eigen::RowVector3d(p.x(), p.y(), 0).normalized();
    CHECK(normals.row(v).dot((p - ring).normalized()) > 0.99);
  }
}

TEST_CASE("a vertex no face uses gets a zero normal") {
  auto cube = hifa::test::unit_cube<float>();
  cube.vertices.conservativeResize(9, 3);
  cube.vertices.row(8) << 5, 5, 5;
  CHECK(hifa::vertex_normals(cube).row(8).isZero());
}

TEST_CASE("validate finds nothing wrong with a good mesh") {
  const auto report = hifa::validate(hifa::test::unit_cube<float>());
  CHECK(report.ok());
  CHECK(report.describe() == "ok (8 vertices, 12 faces)");
  CHECK_NOTHROW(hifa::require_valid(hifa::test::unit_cube<float>(), "cube"));
}

TEST_CASE("validate reports an empty mesh") {
  const hifa::TriMeshf empty;
  const auto report = hifa::validate(empty);
  CHECK(report.empty());
  CHECK_FALSE(report.usable());
  CHECK_THROWS_WITH(hifa::require_valid(empty, "nothing.obj"), Catch::StartsWith("nothing.obj: empty mesh"));
}

TEST_CASE("validate counts out-of-range indices, non-finite vertices and degenerate faces") {
  auto cube = hifa::test::unit_cube<float>();
  cube.faces(3, 1) = 8;
  cube.faces(4, 0) = -1;
  cube.vertices(6, 2) = std::numeric_limits<float>::infinity();
  cube.faces(7, 2) = cube.faces(7, 0);          // repeated index
  cube.vertices.row(3) = cube.vertices.row(2);  // faces using both 2 and 3 now have zero area
  const auto report = hifa::validate(cube);
  CHECK(report.out_of_range_indices == 2);
  CHECK(report.first_out_of_range_face == 3);
  CHECK(report.non_finite_vertices == 1);
  CHECK(report.first_non_finite_vertex == 6);
  CHECK(report.degenerate_faces >= 2);
  CHECK_FALSE(report.usable());
  CHECK_THROWS_WITH(hifa::require_valid(cube, "broken.ply"),
                    Catch::StartsWith("broken.ply: 2 face corners") && Catch::Contains("vertex 6"));
}

TEST_CASE("degenerate faces alone leave a mesh usable but not ok") {
  auto cube = hifa::test::unit_cube<float>();
  cube.faces.row(0) << 0, 0, 1;
  const auto report = hifa::validate(cube);
  CHECK(report.usable());
  CHECK_FALSE(report.ok());
  CHECK(report.first_degenerate_face == 0);
  CHECK_NOTHROW(hifa::require_valid(cube, "cube"));
}
