#pragma once
// A sparse joint regressor (SMPL's J_regressor: joint k = Σ_v R(k, v) · vertex v) for a body whose
// rest joints are known, so the joints follow the surface when shape blend shapes move it.
//
//   RowMatrixX<float> r = hifa::ring_joint_regressor(rest_mesh, marks);   // K x #V
//
// Inputs:  mesh   the rest mesh (TriMesh<float>), faces in range
//          marks  hifa/body/landmarks.hpp's BodyLandmarks of that mesh: the 24 SMPL joints and the
//                 leaf ends (head top, fingertips, toes), which give each joint its bone axis
// Method:  for joint k, the ring around it: the plane through j_k normal to k's bone (j_k to its
//          first child in SMPL's order, or to its end point for a leaf) cuts the mesh
//          (hifa/mesh/cross_section.hpp); the cut points within 2.5 times the distance from j_k to
//          the nearest cut point are the ring (so a plane that also cuts another limb, or a long
//          cut down the body, contributes only the part around the joint). Each cut point is a
//          known mix of its edge's two vertices, so the ring's mean is a vertex combination u.
//          The weights are the affine combination nearest to u that reproduces j_k exactly:
//          w = u + A^T (A A^T)^-1 ([j_k; 1] - A u), A = [the ring's vertices (3 rows); ones], the
//          minimum-norm correction (weights sum to 1, so translating or scaling the body moves the
//          joint with it).
// Outputs: K x #V dense RowMatrixX<float>, each row with the ring's few dozen vertices non-zero
//          (possibly some negative: affine, not convex), summing to 1; R · mesh.vertices =
//          marks.joints to float rounding.
// Errors:  hifa::Error naming "ring_joint_regressor" and the joint whose plane misses the mesh or
//          whose ring spans too few directions to reproduce the joint (fewer than 4 affinely
//          independent vertices).
// Cost:    24 plane sections, O(F) each.

#include "hifa/body/body_model.hpp"
#include "hifa/body/landmarks.hpp"
#include "hifa/core/error.hpp"
#include "hifa/mesh/cross_section.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <limits>
#include <map>
#include <string>

namespace hifa {

// The far end of joint k's bone: its first child in SMPL's order, or the leaf's end point.
inline Vec3f smpl_bone_end(const BodyLandmarks& marks, int k) {
  for (int c = k + 1; c < smpl_joint_count; ++c)
    if (smpl_parents[std::size_t(c)] == k) return marks.joints.row(c).transpose();
  if (k == 15) return marks.head_top;
  if (k == 22 || k == 23) return marks.fingertip[std::size_t(k - 22)];
  return marks.toe[std::size_t(k - 10)];  // 10, 11: the feet (every other joint has a child)
}

inline RowMatrixX<float> ring_joint_regressor(const TriMesh<float>& mesh, const BodyLandmarks& marks) {
  const char* who = "ring_joint_regressor";
  RowMatrixX<float> regressor = RowMatrixX<float>::Zero(smpl_joint_count, mesh.vertex_count());
  for (int k = 0; k < smpl_joint_count; ++k) {
    const std::string name(smpl_joint_names[std::size_t(k)]);
    const Vec3f joint = marks.joints.row(k).transpose();
    const auto loops = cross_sections(mesh, joint, smpl_bone_end(marks, k) - joint);
    float nearest = std::numeric_limits<float>::infinity();
    for (const SectionLoop& loop : loops)
      for (const Vec3f& p : loop.points) nearest = std::min(nearest, (p - joint).norm());
    if (loops.empty()) throw Error(who, "the plane across joint " + name + " misses the mesh");
    std::map<int, double> mean;  // vertex -> weight in the ring's mean (ordered: same bytes every run)
    int count = 0;
    for (const SectionLoop& loop : loops) {
      for (std::size_t i = 0; i < loop.points.size(); ++i) {
        if ((loop.points[i] - joint).norm() > 2.5f * nearest) continue;
        mean[loop.edges[i].first] += 1.0 - loop.t[i];
        mean[loop.edges[i].second] += loop.t[i];
        ++count;
      }
    }
    const Eigen::Index n = Eigen::Index(mean.size());
    Eigen::MatrixXd a(4, n);
    Eigen::VectorXd u(n);
    Eigen::Index i = 0;
    for (const auto& [v, w] : mean) {
      a.col(i) << mesh.vertices.row(v).cast<double>().transpose(), 1.0;
      u(i++) = w / count;
    }
    const Eigen::Vector4d target(joint.x(), joint.y(), joint.z(), 1.0);
    const Eigen::Matrix4d gram = a * a.transpose();
    const Eigen::FullPivLU<Eigen::Matrix4d> lu(gram);
    if (n < 4 || lu.rank() < 4) throw Error(who, "the ring around joint " + name + " has too few independent vertices");
    const Eigen::VectorXd w = u + a.transpose() * lu.solve(target - a * u);
    i = 0;
    for (const auto& [v, unused] : mean) regressor(k, v) = float(w(i++));
  }
  return regressor;
}

}  // namespace hifa
