#pragma once
// A small rigged body for the synth tests, with no data files: the analytic mannequin
// (hifa/field/mannequin.hpp, about 1.75 m, y up, facing +z) meshed by marching cubes, SMPL's 24
// joints placed on its capsules' end points, and skinning weights from the distance to each bone
// (a soft nearest-bone assignment: exp(-(d_k - d_min) / 2 cm)). Crude next to bone heat, but every
// vertex is bound to the limb it lies on, which is what the garment regions and posing need.

#include "hifa/body/body_model.hpp"
#include "hifa/field/mannequin.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/skinning/skeleton.hpp"
#include "hifa/skinning/weights.hpp"

#include <Eigen/Dense>
#include <Kokkos_Core.hpp>

#include <array>
#include <cmath>

namespace hifa::test {

struct RiggedBody {
  TriMesh<float> mesh;
  WeightMatrix weights;
  RowMatrix3<float> joints;
};

inline RiggedBody mannequin_body(int resolution = 96) {
  RiggedBody body;
  const auto field = mannequin<float>();
  const GridSpec<float> grid{AABBf(Vec3f(-0.75f, -1.0f, -0.25f), Vec3f(0.75f, 0.9f, 0.25f)),
                             Vec3i(resolution, int(resolution * 1.9f / 1.5f), int(resolution * 0.5f / 1.5f) + 2)};
  const Kokkos::DefaultHostExecutionSpace space;
  const auto values = evaluate_grid(space, field, grid);
  space.fence();
  body.mesh = marching_cubes(space, values, grid, field);
  // SMPL's joint order (skeleton.hpp); left is +x.
  const std::array<Vec3f, 24> j = {
      Vec3f(0, 0.0f, 0),          Vec3f(0.09f, -0.02f, 0),   Vec3f(-0.09f, -0.02f, 0),  Vec3f(0, 0.1f, 0),
      Vec3f(0.11f, -0.45f, 0.02f), Vec3f(-0.11f, -0.45f, 0.02f), Vec3f(0, 0.22f, 0),     Vec3f(0.12f, -0.85f, 0),
      Vec3f(-0.12f, -0.85f, 0),   Vec3f(0, 0.36f, 0),        Vec3f(0.12f, -0.9f, 0.03f), Vec3f(-0.12f, -0.9f, 0.03f),
      Vec3f(0, 0.55f, 0),         Vec3f(0.07f, 0.46f, 0),    Vec3f(-0.07f, 0.46f, 0),   Vec3f(0, 0.67f, 0),
      Vec3f(0.16f, 0.48f, 0),     Vec3f(-0.16f, 0.48f, 0),   Vec3f(0.46f, 0.3f, 0.02f), Vec3f(-0.46f, 0.3f, 0.02f),
      Vec3f(0.6f, 0.1f, 0.05f),   Vec3f(-0.6f, 0.1f, 0.05f), Vec3f(0.63f, 0.05f, 0.06f), Vec3f(-0.63f, 0.05f, 0.06f)};
  body.joints.resize(24, 3);
  for (int k = 0; k < 24; ++k) body.joints.row(k) = j[std::size_t(k)].transpose();
  // Each joint's bone: to its first child (skeleton.hpp's tree), leaves a short way onwards.
  std::array<Vec3f, 24> tip;
  std::array<bool, 24> has_tip{};
  for (int k = 23; k >= 1; --k) {
    const int p = smpl_parents[std::size_t(k)];
    if (p == 9 && k != 12) continue;  // spine3's bone runs up to the neck, not to the collars
    if (p == 0 && k != 3) continue;   // the pelvis' bone runs up the spine
    tip[std::size_t(p)] = j[std::size_t(k)];
    has_tip[std::size_t(p)] = true;
  }
  tip[15] = Vec3f(0, 0.86f, 0);
  tip[22] = j[22] + (j[22] - j[20]);
  tip[23] = j[23] + (j[23] - j[21]);
  tip[10] = j[10] + Vec3f(0, 0, 0.05f);
  tip[11] = j[11] + Vec3f(0, 0, 0.05f);
  for (int k : {10, 11, 15, 22, 23}) has_tip[std::size_t(k)] = true;
  body.weights.setZero(body.mesh.vertex_count(), 24);
  for (Eigen::Index i = 0; i < body.mesh.vertex_count(); ++i) {
    const Vec3f p = body.mesh.vertex(i);
    std::array<float, 24> d{};
    float best = INFINITY;
    for (int k = 0; k < 24; ++k) {
      const Vec3f a = j[std::size_t(k)], ab = tip[std::size_t(k)] - a;
      const float t = std::clamp((p - a).dot(ab) / std::max(ab.squaredNorm(), 1e-12f), 0.0f, 1.0f);
      d[std::size_t(k)] = has_tip[std::size_t(k)] ? (p - (a + t * ab)).norm() : INFINITY;
      best = std::min(best, d[std::size_t(k)]);
    }
    for (int k = 0; k < 24; ++k) body.weights(i, k) = std::exp(-(d[std::size_t(k)] - best) / 0.02f);
    body.weights.row(i) /= body.weights.row(i).sum();
  }
  return body;
}

// The mannequin as an SMPL-layout body model (what make_test_body writes as .npz): one shape
// parameter (5% uniform scale about the floor point below the pelvis, OpenBody's "height"), no pose
// correctives, and a joint regressor that gives back the mannequin's joints exactly: each joint an
// affine combination of four vertices around it.
inline BodyModelData<float> mannequin_model() {
  const RiggedBody body = mannequin_body();
  BodyModelData<float> m;
  m.v_template = body.mesh.vertices;
  m.faces = body.mesh.faces;
  m.weights = body.weights;
  m.parents.assign(smpl_parents.begin(), smpl_parents.end());
  for (const auto name : smpl_joint_names) m.joint_names.emplace_back(name);
  const Eigen::Index v = body.mesh.vertex_count();
  const float floor = body.mesh.vertices.col(1).minCoeff();
  m.shapedirs.setZero(3 * v, 1);
  for (Eigen::Index i = 0; i < v; ++i) {
    const Vec3f d = body.mesh.vertex(i) - Vec3f(0, floor, 0);
    for (int c = 0; c < 3; ++c) m.shapedirs(3 * i + c, 0) = 0.05f * d[c];
  }
  m.posedirs.resize(3 * v, 0);
  m.J_regressor.setZero(24, v);
  for (int k = 0; k < 24; ++k) {
    const Vec3f j = body.joints.row(k).transpose();
    // The nearest vertex in each of four directions around the joint: a tetrahedron holding it.
    const Vec3f dirs[4] = {{1, 1, 1}, {-1, -1, 1}, {-1, 1, -1}, {1, -1, -1}};
    Eigen::Index pick[4];
    for (int d = 0; d < 4; ++d) {
      float best = INFINITY;
      for (Eigen::Index i = 0; i < v; ++i) {
        const Vec3f off = body.mesh.vertex(i) - j;
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
  return m;
}

}  // namespace hifa::test
