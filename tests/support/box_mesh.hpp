#pragma once
// An axis-aligned box as a closed triangle mesh (8 vertices, 12 faces, counter-clockwise seen from
// outside): the "person" of the data-loader tests and benchmarks and of make_test_scans.

#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"

namespace hifa::test {

inline TriMesh<float> box_mesh(const Vec3f& lo, const Vec3f& hi) {
  TriMesh<float> m;
  m.vertices.resize(8, 3);
  const float x[2] = {lo.x(), hi.x()}, y[2] = {lo.y(), hi.y()}, z[2] = {lo.z(), hi.z()};
  const int corner[8][3] = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 1}, {1, 1, 1}, {0, 1, 1}};
  for (int v = 0; v < 8; ++v) m.vertices.row(v) << x[corner[v][0]], y[corner[v][1]], z[corner[v][2]];
  m.faces.resize(12, 3);
  m.faces << 0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 2, 3, 7, 2, 7, 6, 1, 2, 6, 1, 6, 5, 0, 4, 7, 0, 7, 3;
  return m;
}

// A box "person" in metres: w x h x d, feet at y = 0, centred on x = x_offset and z = 0.
inline TriMesh<float> box_person(float w, float h, float d, float x_offset = 0) {
  return box_mesh(Vec3f(x_offset - w / 2, 0, -d / 2), Vec3f(x_offset + w / 2, h, d / 2));
}

// An asymmetric "person": box_person(w, h, d) with an arm held out towards -x and forwards (+z), so
// that a mirrored view (a wrong yaw sign, a flipped axis) changes its silhouette.
inline TriMesh<float> box_person_with_arm(float w = 0.4f, float h = 1.7f, float d = 0.2f) {
  const TriMesh<float> body = box_person(w, h, d);
  const TriMesh<float> arm = box_mesh(Vec3f(-w / 2 - 0.4f, 0.6f * h, 0.0f), Vec3f(-w / 2, 0.7f * h, d / 2 + 0.2f));
  TriMesh<float> both;
  both.vertices.resize(16, 3);
  both.vertices << body.vertices, arm.vertices;
  both.faces.resize(24, 3);
  both.faces << body.faces, (arm.faces.array() + 8).matrix();
  return both;
}

}  // namespace hifa::test
