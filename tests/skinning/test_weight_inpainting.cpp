// Weight inpainting (hifa/skinning/weight_inpainting.hpp): the harmonic fill of untrusted weights.
#include <catch2/catch.hpp>

#include "hifa/core/error.hpp"
#include "hifa/skinning/weight_inpainting.hpp"
#include "hifa/skinning/weights.hpp"

#include <cmath>

namespace {

// A flat (nx + 1) x (ny + 1) grid of unit squares in the x-y plane, each cut into two triangles.
hifa::TriMeshf grid_mesh(int nx, int ny) {
  hifa::TriMeshf m;
  m.vertices.resize((nx + 1) * (ny + 1), 3);
  for (int y = 0; y <= ny; ++y)
    for (int x = 0; x <= nx; ++x) m.vertices.row(y * (nx + 1) + x) << float(x), float(y), 0.0f;
  m.faces.resize(2 * nx * ny, 3);
  int f = 0;
  for (int y = 0; y < ny; ++y) {
    for (int x = 0; x < nx; ++x) {
      const int a = y * (nx + 1) + x, b = a + 1, c = a + nx + 1, d = c + 1;
      m.faces.row(f++) << a, b, d;
      m.faces.row(f++) << a, d, c;
    }
  }
  return m;
}

}  // namespace

TEST_CASE("inpainted weights are the harmonic interpolation of the trusted ones", "[skinning][inpaint]") {
  const int nx = 8, ny = 4;
  const hifa::TriMeshf mesh = grid_mesh(nx, ny);
  const Eigen::Index v = mesh.vertex_count();
  // Trusted: the left column is all bone 0, the right column all bone 1; the rest holds nonsense.
  hifa::WeightMatrix w = hifa::WeightMatrix::Zero(v, 3);
  std::vector<char> trusted(std::size_t(v), 0);
  for (Eigen::Index i = 0; i < v; ++i) {
    const float x = mesh.vertices(i, 0);
    if (x == 0 || x == nx) {
      trusted[std::size_t(i)] = 1;
      w(i, x == 0 ? 0 : 1) = 1;
    } else {
      w(i, 2) = 1;
    }
  }
  const hifa::InpaintedWeights r = hifa::inpaint_weights(mesh, w, trusted);
  CHECK(r.inpainted == v - 2 * (ny + 1));
  CHECK(r.unreached == 0);
  // On this regular grid the cotangent Laplacian reproduces linear functions: a linear ramp in x.
  for (Eigen::Index i = 0; i < v; ++i) {
    const float t = mesh.vertices(i, 0) / float(nx);
    REQUIRE(w(i, 0) == Approx(1 - t).margin(1e-5));
    REQUIRE(w(i, 1) == Approx(t).margin(1e-5));
    REQUIRE(w(i, 2) == Approx(0).margin(1e-6));
  }
}

TEST_CASE("inpainting leaves trusted rows and pieces out of reach alone, and checks its inputs", "[skinning][inpaint]") {
  hifa::TriMeshf mesh = grid_mesh(2, 1);
  const Eigen::Index v = mesh.vertex_count();  // 6
  // A separate triangle with no trusted vertex.
  mesh.vertices.conservativeResize(v + 3, 3);
  mesh.vertices.bottomRows(3) << 10, 0, 0, 11, 0, 0, 10, 1, 0;
  mesh.faces.conservativeResize(mesh.faces.rows() + 1, 3);
  mesh.faces.bottomRows(1) << int(v), int(v) + 1, int(v) + 2;
  hifa::WeightMatrix w = hifa::WeightMatrix::Zero(v + 3, 2);
  w.col(0).setConstant(0.25f);
  w.col(1).setConstant(0.75f);
  std::vector<char> trusted(std::size_t(v + 3), 1);
  const hifa::WeightMatrix before = w;
  CHECK(hifa::inpaint_weights(mesh, w, trusted).inpainted == 0);
  CHECK(w == before);

  for (Eigen::Index i = v; i < v + 3; ++i) trusted[std::size_t(i)] = 0;
  const hifa::InpaintedWeights r = hifa::inpaint_weights(mesh, w, trusted);
  CHECK(r.inpainted == 0);
  CHECK(r.unreached == 3);
  CHECK(w == before);

  trusted.pop_back();
  CHECK_THROWS_WITH(hifa::inpaint_weights(mesh, w, trusted), Catch::Contains("inpaint_weights") && Catch::Contains("flags"));
}
