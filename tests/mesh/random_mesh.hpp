#pragma once
// A random "triangle soup" with every optional attribute, for round-trip tests: positions spread over
// many magnitudes (so exponents and long mantissas are exercised), unit normals, colours on the uchar
// grid (k / 255, what PLY stores), uvs in [0, 1). Faces may be degenerate: only I/O is tested.

#include "hifa/core/rng.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <cmath>

namespace hifa::test {

template <class T = float>
TriMesh<T> random_mesh(int vertices, int faces, std::uint64_t seed) {
  const CounterRng rng{seed};
  TriMesh<T> mesh;
  mesh.vertices.resize(vertices, 3);
  mesh.normals.resize(vertices, 3);
  mesh.colors.resize(vertices, 3);
  for (int v = 0; v < vertices; ++v) {
    for (int k = 0; k < 3; ++k) {
      const auto i = static_cast<std::uint64_t>(3 * v + k);
      const T scale = std::pow(T(10), T(std::floor(rng.uniform(1, i) * 12)) - 6);  // 1e-6 .. 1e5
      mesh.vertices(v, k) = T(rng.normal(0, i)) * scale;
      mesh.colors(v, k) = T(rng.below(256, 2, i)) / T(255);
    }
    const Vec3<T> n(T(rng.normal(3, v)), T(rng.normal(4, v)), T(rng.normal(5, v)));
    mesh.normals.row(v) = n.normalized().transpose();
  }
  mesh.faces.resize(faces, 3);
  mesh.face_uvs.resize(faces, 3);
  mesh.uvs.resize(3 * faces, 2);
  for (int f = 0; f < faces; ++f) {
    for (int k = 0; k < 3; ++k) {
      const auto i = static_cast<std::uint64_t>(3 * f + k);
      // The first corner walks all vertices, so with faces >= vertices every vertex is used
      // (an OBJ normal belongs to a face corner: an unused vertex would lose its normal).
      mesh.faces(f, k) = k == 0 ? f % vertices : static_cast<int>(rng.below(static_cast<std::uint64_t>(vertices), 6, i));
      mesh.face_uvs(f, k) = static_cast<int>(i);
      mesh.uvs.row(static_cast<Eigen::Index>(i)) << T(rng.uniform(7, i)), T(rng.uniform(8, i));
    }
  }
  return mesh;
}

}  // namespace hifa::test
