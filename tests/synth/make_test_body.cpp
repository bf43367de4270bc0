// Writes the synth tests' mannequin body (test_body.hpp) as an SMPL-layout .npz that
// hifa::SmplModel loads, so `hifa synth --body` runs in the tests without data/. One shape
// parameter (5% uniform scale about the floor point below the pelvis, OpenBody's "height"), and a
// joint regressor that gives back the mannequin's joints exactly: each joint an affine combination
// of four vertices around it.
//   make_test_body OUT.npz
#include "synth/test_body.hpp"

#include "hifa/body/smpl_model.hpp"

#include <Eigen/Dense>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_test_body OUT.npz\n");
    return 2;
  }
  Kokkos::ScopeGuard kokkos(argc, argv);
  const hifa::test::RiggedBody body = hifa::test::mannequin_body();
  hifa::BodyModelData<float> m;
  m.v_template = body.mesh.vertices;
  m.faces = body.mesh.faces;
  m.weights = body.weights;
  m.parents.assign(hifa::smpl_parents.begin(), hifa::smpl_parents.end());
  for (const auto name : hifa::smpl_joint_names) m.joint_names.emplace_back(name);
  const Eigen::Index v = body.mesh.vertex_count();
  const float floor = body.mesh.vertices.col(1).minCoeff();
  m.shapedirs.setZero(3 * v, 1);
  for (Eigen::Index i = 0; i < v; ++i) {
    const hifa::Vec3f d = body.mesh.vertex(i) - hifa::Vec3f(0, floor, 0);
    for (int c = 0; c < 3; ++c) m.shapedirs(3 * i + c, 0) = 0.05f * d[c];
  }
  m.posedirs.resize(3 * v, 0);
  m.J_regressor.setZero(24, v);
  for (int k = 0; k < 24; ++k) {
    const hifa::Vec3f j = body.joints.row(k).transpose();
    // The nearest vertex in each of four directions around the joint: a tetrahedron holding it.
    const hifa::Vec3f dirs[4] = {{1, 1, 1}, {-1, -1, 1}, {-1, 1, -1}, {1, -1, -1}};
    Eigen::Index pick[4];
    for (int d = 0; d < 4; ++d) {
      float best = INFINITY;
      for (Eigen::Index i = 0; i < v; ++i) {
        const hifa::Vec3f off = body.mesh.vertex(i) - j;
        if (off.dot(dirs[d]) <= 0.5f * off.norm() * dirs[d].norm()) continue;
        if (off.norm() < best) {
          best = off.norm();
          pick[d] = i;
        }
      }
    }
    Eigen::Matrix4d a;
    Eigen::Vector4d rhs(j.x(), j.y(), j.z(), 1.0);
    for (int d = 0; d < 4; ++d) a.col(d) << body.mesh.vertex(pick[d]).cast<double>(), 1.0;
    const Eigen::Vector4d lambda = a.fullPivLu().solve(rhs);
    for (int d = 0; d < 4; ++d) m.J_regressor(k, pick[d]) += float(lambda[d]);
  }
  hifa::write_body_npz(argv[1], m);
  return 0;
}
