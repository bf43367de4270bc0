#include <catch2/catch.hpp>

#include "hifa/mesh/duplicate_faces.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/orient.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/spatial/mesh_bvh.hpp"
#include "mesh/shapes.hpp"

#include <Kokkos_Core.hpp>

namespace {

using hifa::TriMeshf;

// The mesh followed by a reversed copy of every face (a "two-sided" game mesh). With
// `own_vertices` the copies get their own vertices at the same positions, as exporters do.
TriMeshf both_windings(const TriMeshf& mesh, bool own_vertices) {
  TriMeshf out = mesh;
  const Eigen::Index nv = mesh.vertex_count(), nf = mesh.face_count();
  if (own_vertices) {
    out.vertices.resize(2 * nv, 3);
    out.vertices << mesh.vertices, mesh.vertices;
  }
  out.faces.resize(2 * nf, 3);
  for (Eigen::Index f = 0; f < nf; ++f) {
    out.faces.row(f) = mesh.faces.row(f);
    const int shift = own_vertices ? int(nv) : 0;
    out.faces.row(nf + f) << mesh.faces(f, 0) + shift, mesh.faces(f, 2) + shift, mesh.faces(f, 1) + shift;
  }
  return out;
}

float occupancy_at(const TriMeshf& mesh, const hifa::Vec3f& p) {
  const Kokkos::DefaultHostExecutionSpace space;
  hifa::MeshBvh<Kokkos::HostSpace> bvh(space, mesh);
  Kokkos::View<float* [3], Kokkos::HostSpace> points("points", 1);
  for (int c = 0; c < 3; ++c) points(0, c) = p[c];
  Kokkos::View<float*, Kokkos::HostSpace> out("occupancy", 1);
  bvh.occupancies(space, points, out);
  space.fence();
  return out(0);
}

}  // namespace

TEST_CASE("a cube stored with both windings reads as outside everywhere until one copy of each pair is dropped") {
  const TriMeshf cube = hifa::test::unit_cube<float>();
  const hifa::Vec3f centre = hifa::bounding_box(cube).center();
  for (const bool own : {false, true}) {
    const TriMeshf twice = both_windings(cube, own);
    CHECK(occupancy_at(twice, centre) == 0.0f);  // the caveat of mesh_bvh.hpp
    const auto d = hifa::remove_opposite_duplicate_faces(twice);
    CHECK(d.removed_pairs == cube.face_count());
    REQUIRE(d.mesh.face_count() == cube.face_count());
    // The first copy of each pair (the original, outward faces) is the one kept.
    for (Eigen::Index f = 0; f < cube.face_count(); ++f) CHECK(d.kept_faces[std::size_t(f)] == f);
    CHECK(occupancy_at(d.mesh, centre) == 1.0f);
  }
}

TEST_CASE("faces without an opposite twin, same-winding copies and degenerate faces are kept") {
  TriMeshf mesh = hifa::test::unit_cube<float>();
  const Eigen::Index nf = mesh.face_count();
  mesh.faces.conservativeResize(nf + 3, 3);
  mesh.faces.row(nf) = mesh.faces.row(0);                                    // same winding: kept
  mesh.faces.row(nf + 1) << mesh.faces(1, 0), mesh.faces(1, 2), mesh.faces(1, 1);  // twin of face 1
  mesh.faces.row(nf + 2) << 0, 0, 1;                                          // degenerate: kept
  const auto d = hifa::remove_opposite_duplicate_faces(mesh);
  CHECK(d.removed_pairs == 1);
  CHECK(d.mesh.face_count() == nf + 2);
  CHECK(std::find(d.kept_faces.begin(), d.kept_faces.end(), nf + 1) == d.kept_faces.end());
}

TEST_CASE("three copies of a face, two of one winding and one of the other, keep two") {
  TriMeshf mesh = hifa::test::unit_cube<float>();
  mesh.faces.conservativeResize(mesh.face_count() + 2, 3);
  const Eigen::Index n = mesh.face_count();
  mesh.faces.row(n - 2) << mesh.faces(0, 1), mesh.faces(0, 0), mesh.faces(0, 2);  // opposite of face 0
  mesh.faces.row(n - 1) << mesh.faces(0, 1), mesh.faces(0, 2), mesh.faces(0, 0);  // rotation of face 0
  const auto d = hifa::remove_opposite_duplicate_faces(mesh);
  CHECK(d.removed_pairs == 1);
  CHECK(d.kept_faces.back() == n - 1);  // face 0 paired with n - 2; the rotated copy stays unpaired
}

TEST_CASE("face uvs follow the kept faces") {
  TriMeshf cube = hifa::test::unit_cube<float>();
  cube.uvs = hifa::RowMatrix2<float>::Zero(cube.face_count(), 2);
  cube.face_uvs.resize(cube.face_count(), 3);
  for (Eigen::Index f = 0; f < cube.face_count(); ++f) cube.face_uvs.row(f).setConstant(int(f));
  TriMeshf twice = both_windings(cube, false);
  twice.face_uvs.conservativeResize(twice.face_count(), 3);
  twice.face_uvs.bottomRows(cube.face_count()).setConstant(-7);  // the dropped copies' rows
  const auto d = hifa::remove_opposite_duplicate_faces(twice);
  REQUIRE(d.mesh.has_uvs());
  for (Eigen::Index f = 0; f < d.mesh.face_count(); ++f) CHECK(d.mesh.face_uvs(f, 0) == int(f));
}

TEST_CASE("orient_outward turns an inside-out cube and fixes a face that disagrees with its neighbours") {
  const TriMeshf cube = hifa::test::unit_cube<float>();
  REQUIRE(hifa::signed_volume(cube) > 0);
  TriMeshf bad = cube;
  for (Eigen::Index f = 0; f < bad.face_count(); ++f) std::swap(bad.faces(f, 1), bad.faces(f, 2));  // inside out
  std::swap(bad.faces(3, 1), bad.faces(3, 2));  // ... except face 3, which now disagrees
  const auto o = hifa::orient_outward(bad);
  CHECK(o.components == 1);
  CHECK(o.mesh.faces == cube.faces);
  CHECK(o.flipped_faces == cube.face_count() - 1);
  CHECK(hifa::is_edge_manifold(o.mesh));
}

TEST_CASE("orient_outward leaves an outward cube alone and orients two separate pieces each on its own") {
  const TriMeshf cube = hifa::test::unit_cube<float>();
  CHECK(hifa::orient_outward(cube).flipped_faces == 0);
  TriMeshf two = hifa::test::with_copy(cube, hifa::Vec3f(3, 0, 0));
  for (Eigen::Index f = cube.face_count(); f < two.face_count(); ++f) std::swap(two.faces(f, 1), two.faces(f, 2));
  const auto o = hifa::orient_outward(two);
  CHECK(o.components == 2);
  CHECK(o.flipped_faces == cube.face_count());
  CHECK(hifa::signed_volume(o.mesh) == Approx(2 * hifa::signed_volume(cube)));
}
