// hifa/mesh/decimate.hpp: quadric edge collapse keeps a closed surface closed and on its shape.
#include "support/implicit_meshes.hpp"

#include "hifa/field/analytic.hpp"
#include "hifa/mesh/decimate.hpp"
#include "hifa/mesh/topology.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace hifa;

TEST_CASE("decimate brings a torus to its face budget, closed, of the same genus and on the torus") {
  const Torus<float> torus{Vec3f(0.05f, -0.02f, 0.03f), 0.6f, 0.25f};
  const TriMeshf full = test::marching_cubes_of(torus, 96);
  REQUIRE(full.face_count() > 30000);
  const TriMeshf few = decimate(full, 3000);
  INFO(full.face_count() << " -> " << few.face_count() << " faces");
  CHECK(few.face_count() <= 3000);
  CHECK(few.face_count() >= 2800);
  CHECK(is_closed(few));
  CHECK(euler_characteristic(few) == 0);  // still a torus
  float worst = 0;
  for (Eigen::Index v = 0; v < few.vertex_count(); ++v) worst = std::max(worst, std::abs(torus.value(few.vertices.row(v).transpose())));
  CHECK(worst < 0.01f);  // of a tube radius 0.25
}

TEST_CASE("decimate keeps a mesh within the budget, takes a non-manifold soup, and refuses a tiny budget") {
  const TriMeshf torus = test::test_torus();
  CHECK(decimate(torus, torus.face_count()).faces == torus.faces);
  // Two tori side by side sharing one vertex (the second's first is the first's): non-manifold there.
  TriMeshf two = torus;
  const Eigen::Index n = torus.vertex_count();
  two.vertices.conservativeResize(2 * n, 3);
  two.vertices.bottomRows(n) = torus.vertices.rowwise() + Eigen::RowVector3f(2, 0, 0);
  two.faces.conservativeResize(2 * torus.face_count(), 3);
  two.faces.bottomRows(torus.face_count()) = torus.faces.array() + int(n);
  two.faces.bottomRows(torus.face_count()) = (two.faces.bottomRows(torus.face_count()).array() == int(n)).select(0, two.faces.bottomRows(torus.face_count()));
  const TriMeshf few = decimate(two, 800);
  CHECK(few.face_count() <= 800);
  CHECK(few.face_count() > 600);
  CHECK_THROWS_WITH(decimate(torus, 3), Catch::Contains("decimate: max_faces must be at least 4"));
}
