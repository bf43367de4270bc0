#include "hifa/mesh/cross_section.hpp"
#include "hifa/mesh/laplacian.hpp"
#include "hifa/mesh/measures.hpp"
#include "mesh/shapes.hpp"

#include <catch2/catch.hpp>

#include <Eigen/Dense>

#include <cmath>
#include <numbers>

namespace {

// An n x n grid of the unit square in z = 0, jittered inside so the cotangents differ.
hifa::TriMeshd square_grid(int n) {
  hifa::TriMeshd mesh;
  mesh.vertices.resize(n * n, 3);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const bool inner = i > 0 && j > 0 && i < n - 1 && j < n - 1;
      const double jitter = inner ? 0.2 * std::sin(7.0 * i + 3.0 * j) / (n - 1) : 0.0;
      mesh.vertices.row(j * n + i) << double(i) / (n - 1) + jitter, double(j) / (n - 1) - jitter, 0;
    }
  mesh.faces.resize(2 * (n - 1) * (n - 1), 3);
  int f = 0;
  for (int j = 0; j + 1 < n; ++j)
    for (int i = 0; i + 1 < n; ++i) {
      const int a = j * n + i;
      mesh.faces.row(f++) << a, a + 1, a + n + 1;
      mesh.faces.row(f++) << a, a + n + 1, a + n;
    }
  return mesh;
}

}  // namespace

TEST_CASE("the cotangent Laplacian is symmetric, its rows sum to 0 and it annihilates linear functions inside") {
  const auto grid = square_grid(9);
  const Eigen::SparseMatrix<double> l = hifa::cotangent_laplacian(grid);
  const Eigen::MatrixXd dense(l);
  CHECK((dense - dense.transpose()).cwiseAbs().maxCoeff() < 1e-12);
  CHECK(dense.rowwise().sum().cwiseAbs().maxCoeff() < 1e-12);
  // A linear function is harmonic: L x = 0 at every interior vertex (the cotangent formula is exact
  // for linear functions, whatever the triangles' shapes).
  const Eigen::VectorXd f = 2.0 * grid.vertices.col(0) - 3.0 * grid.vertices.col(1);
  const Eigen::VectorXd lf = l * f;
  for (int j = 1; j < 8; ++j)
    for (int i = 1; i < 8; ++i) CHECK(std::abs(lf(j * 9 + i)) < 1e-12);
  // Dirichlet energy of f = x over the unit square: ∫|∇f|² = 1.
  const Eigen::VectorXd x = grid.vertices.col(0);
  CHECK(x.dot(l * x) == Approx(1.0).epsilon(1e-9));
}

TEST_CASE("the lumped mass sums to the surface area") {
  const auto cube = hifa::test::unit_cube<double>();
  CHECK(hifa::lumped_mass(cube).sum() == Approx(6.0));
  CHECK(hifa::lumped_mass(square_grid(5)).sum() == Approx(1.0));
}

TEST_CASE("a plane through a torus's axis cuts it in two circles of the minor radius") {
  const auto torus = hifa::test::torus<float>(64, 32, 1.0f, 0.25f);
  const auto loops = hifa::cross_sections(torus, hifa::Vec3f(0, 0, 0), hifa::Vec3f(0, 1, 0));
  REQUIRE(loops.size() == 2);
  for (const auto& loop : loops) {
    CHECK(std::abs(loop.centroid.x()) == Approx(1.0f).margin(0.01));
    CHECK(loop.length == Approx(2 * std::numbers::pi * 0.25).epsilon(0.01));
    for (std::size_t i = 0; i < loop.points.size(); ++i) {
      const hifa::Vec3f mix = (1 - loop.t[i]) * torus.vertex(loop.edges[i].first) + loop.t[i] * torus.vertex(loop.edges[i].second);
      CHECK((mix - loop.points[i]).norm() < 1e-6f);
      CHECK(std::abs(loop.points[i].y()) < 1e-6f);
    }
  }
  // Across the axis horizontally: two concentric circles (radii 0.75 and 1.25).
  const auto rings = hifa::cross_sections(torus, hifa::Vec3f(0, 0, 0), hifa::Vec3f(0, 0, 1));
  REQUIRE(rings.size() == 2);
  CHECK(std::min(rings[0].length, rings[1].length) == Approx(2 * std::numbers::pi * 0.75).epsilon(0.01));
  CHECK(std::max(rings[0].length, rings[1].length) == Approx(2 * std::numbers::pi * 1.25).epsilon(0.01));
  CHECK(hifa::cross_sections(torus, hifa::Vec3f(0, 0, 2), hifa::Vec3f(0, 0, 1)).empty());
  CHECK_THROWS_WITH(hifa::cross_sections(torus, hifa::Vec3f(0, 0, 0), hifa::Vec3f(0, 0, 0)), Catch::Contains("cross_sections"));
}
