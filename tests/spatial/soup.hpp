#pragma once
// A random triangle soup for the spatial tests.

#include "hifa/core/rng.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <cstdint>

namespace hifa::test {

// `faces` triangles with independent uniform corners in [-1, 1]³: overlapping, often slivers, no
// inside (its winding number is a well-defined sum, not an occupancy).
inline TriMeshf random_soup(int faces, std::uint64_t seed) {
  const CounterRng rng{seed};
  TriMeshf mesh;
  mesh.vertices.resize(3 * faces, 3);
  mesh.faces.resize(faces, 3);
  for (int f = 0; f < faces; ++f) {
    for (int c = 0; c < 3; ++c) {
      for (int d = 0; d < 3; ++d) mesh.vertices(3 * f + c, d) = 2.0f * rng.uniform(d, 3 * f + c) - 1.0f;
      mesh.faces(f, c) = 3 * f + c;
    }
  }
  return mesh;
}

}  // namespace hifa::test
