#pragma once
// Meshes with known radiance transfer for the PRT and shading tests.

#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <cmath>
#include <numbers>

namespace hifa::test {

// Marching cubes of a sphere at the origin, with the field's (exact radial) normals.
inline TriMeshf prt_sphere(float radius, int resolution) {
  const Kokkos::DefaultHostExecutionSpace space;
  const Sphere<float> ball{Vec3f(0, 0, 0), radius};
  const auto grid = GridSpec<float>::cube(AABBf(Vec3f::Constant(-1), Vec3f::Constant(1)), resolution);
  return marching_cubes(space, evaluate_grid(space, ball, grid), grid, ball);
}

// An m x m grid of quads from `origin` along u and v, facing u x v, appended to mesh (own vertices).
inline void add_quad(TriMeshf& mesh, const Vec3f& origin, const Vec3f& u, const Vec3f& v, int m, bool flip) {
  const int base = int(mesh.vertex_count()), f0 = int(mesh.face_count());
  mesh.vertices.conservativeResize(base + (m + 1) * (m + 1), 3);
  mesh.faces.conservativeResize(f0 + 2 * m * m, 3);
  for (int i = 0; i <= m; ++i) {
    for (int j = 0; j <= m; ++j) {
      mesh.vertices.row(base + i * (m + 1) + j) = (origin + u * (float(i) / m) + v * (float(j) / m)).transpose();
    }
  }
  int f = f0;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < m; ++j) {
      const int a = base + i * (m + 1) + j, b = a + (m + 1), c = b + 1, d = a + 1;
      if (flip) {
        mesh.faces.row(f++) << a, c, b;
        mesh.faces.row(f++) << a, d, c;
      } else {
        mesh.faces.row(f++) << a, b, c;
        mesh.faces.row(f++) << a, c, d;
      }
    }
  }
}

// An open box (a cup) x, z in [-0.5, 0.5], y in [0, 1], open at the top, every triangle stored twice
// (own vertices per copy): the first copy faces into the cup, the second out of it. Each side is an
// m x m grid (m even): the vertex inside_bottom_centre(m) sits at the origin facing +y, and
// outside_bottom_centre(m) at the origin facing -y.
inline TriMeshf double_sided_cup(int m) {
  TriMeshf mesh;
  mesh.vertices.resize(0, 3);
  mesh.faces.resize(0, 3);
  const Vec3f x(1, 0, 0), y(0, 1, 0), z(0, 0, 1);
  for (const bool outside : {false, true}) {
    add_quad(mesh, Vec3f(-0.5f, 0, -0.5f), z, x, m, outside);   // bottom, inward normal +y
    add_quad(mesh, Vec3f(-0.5f, 0, -0.5f), y, z, m, outside);   // x = -0.5, inward +x
    add_quad(mesh, Vec3f(0.5f, 0, -0.5f), z, y, m, outside);    // x = +0.5, inward -x
    add_quad(mesh, Vec3f(-0.5f, 0, -0.5f), x, y, m, outside);   // z = -0.5, inward +z
    add_quad(mesh, Vec3f(-0.5f, 0, 0.5f), y, x, m, outside);    // z = +0.5, inward -z
  }
  return mesh;
}
inline int inside_bottom_centre(int m) { return (m / 2) * (m + 1) + m / 2; }
inline int outside_bottom_centre(int m) { return 5 * (m + 1) * (m + 1) + inside_bottom_centre(m); }

// View factor from a point to the parallel rectangle a x b at height c whose corner is straight
// above it (Howell, "A catalog of radiation heat transfer configuration factors", B-3).
inline double corner_view_factor(double a, double b, double c) {
  const double x = a / c, y = b / c;
  return (x / std::sqrt(1 + x * x) * std::atan(y / std::sqrt(1 + x * x)) +
          y / std::sqrt(1 + y * y) * std::atan(x / std::sqrt(1 + y * y))) /
         (2 * std::numbers::pi);
}

}  // namespace hifa::test
