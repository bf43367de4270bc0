#pragma once
// Small meshes with known answers, built on the fly for the mesh tests.

#include "hifa/mesh/tri_mesh.hpp"

#include <cmath>
#include <numbers>

namespace hifa::test {

// The unit cube [0,1]^3, 8 vertices and 12 triangles, counter-clockwise seen from outside:
// area 6, volume 1, closed, Euler characteristic 2.
template <class T = float>
TriMesh<T> unit_cube() {
  TriMesh<T> mesh;
  mesh.vertices.resize(8, 3);
  mesh.vertices << 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1;
  mesh.faces.resize(12, 3);
  mesh.faces << 0, 2, 1, 0, 3, 2,  // z = 0, normal -z
      4, 5, 6, 4, 6, 7,            // z = 1, +z
      0, 1, 5, 0, 5, 4,            // y = 0, -y
      2, 3, 7, 2, 7, 6,            // y = 1, +y
      1, 2, 6, 1, 6, 5,            // x = 1, +x
      0, 4, 7, 0, 7, 3;            // x = 0, -x
  return mesh;
}

// A copy of `mesh` moved by `offset` and appended to it (indices shifted).
template <class T>
TriMesh<T> with_copy(const TriMesh<T>& mesh, const Vec3<T>& offset) {
  TriMesh<T> both;
  both.vertices.resize(2 * mesh.vertex_count(), 3);
  both.vertices << mesh.vertices, mesh.vertices.rowwise() + offset.transpose();
  both.faces.resize(2 * mesh.face_count(), 3);
  both.faces << mesh.faces, mesh.faces.array() + static_cast<int>(mesh.vertex_count());
  return both;
}

// A torus (major radius R, minor r) as an n x m grid with wrapped indices: closed, genus 1.
template <class T = float>
TriMesh<T> torus(int n = 16, int m = 8, T R = 1, T r = T(0.25)) {
  TriMesh<T> mesh;
  mesh.vertices.resize(n * m, 3);
  mesh.faces.resize(2 * n * m, 3);
  const auto id = [n, m](int i, int j) { return ((i + n) % n) * m + (j + m) % m; };
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < m; ++j) {
      const double u = 2 * std::numbers::pi * i / n, v = 2 * std::numbers::pi * j / m;
      mesh.vertices.row(id(i, j)) << T((R + r * std::cos(v)) * std::cos(u)), T((R + r * std::cos(v)) * std::sin(u)),
          T(r * std::sin(v));
      mesh.faces.row(2 * id(i, j)) << id(i, j), id(i + 1, j), id(i + 1, j + 1);
      mesh.faces.row(2 * id(i, j) + 1) << id(i, j), id(i + 1, j + 1), id(i, j + 1);
    }
  }
  return mesh;
}

}  // namespace hifa::test
