#pragma once
// Automatic skinning weights by bone heat diffusion (Baran & Popović, "Automatic Rigging and
// Animation of 3D Characters", SIGGRAPH 2007, sec. 4): the weight of bone i is the equilibrium
// temperature on the surface when bone i is a heat source at 1 and the others at 0, each vertex
// heated by the nearest bone it can see. The temperature varies smoothly across joints (shoulders,
// hips) instead of jumping where the nearest bone changes, which is what makes LBS deform them
// cleanly.
//
//   std::vector<hifa::BoneSegment> bones = ...;       // segments, each bound to a joint column
//   hifa::WeightMatrix w = hifa::bone_heat_weights(space, body, bones, 24);   // #V x 24
//
// Inputs:  mesh         TriMesh<float>, closed and outward oriented (hifa/mesh/fill_holes.hpp closes
//                       one), face indices in range; several components are fine (each is its own
//                       heat problem, sources reach each through H)
//          bones        BoneSegment{joint, a, b}: a segment a -> b (a == b: a point) inside the
//                       body, whose points move with joint column `joint` in [0, joint_count). A
//                       joint's "bone" is the union of its segments: for an SMPL skeleton, joint k
//                       owns the segments from j_k to each child (its rigid part) and leaf joints a
//                       segment to an end point (hifa/body/landmarks.hpp makes these)
//          joint_count  K >= 1, the columns of the result; a joint without segments gets 0
//          options      heat constant c (1 as in the paper), max_influences (4, SMPL's), min_weight
//                       (weights below it, as a fraction of the row's sum, are dropped: 0.01),
//                       visibility_offset (mesh units the
//                       ray origin is moved inward from each vertex, default 0: 0.1 · mean edge)
// Method (paper sec. 4, Eq. 1): for each joint i solve (-Δ + H) w_i = H p_i on the surface, with
//          Δ = -M^-1 L the cotangent Laplace-Beltrami operator (hifa/mesh/laplacian.hpp), H diagonal,
//          H_jj = c · n_j / d_j² where d_j is the distance from vertex j to the nearest joint whose
//          segment it sees (the straight segment from vertex j, moved inward by the offset along its
//          normal, to the closest point of the bone crosses no triangle: a BVH ray cast), n_j the
//          number of visible joints within 1e-4 relative of that distance, and p_i(j) = 1 / n_j for
//          those, 0 otherwise. A vertex that sees no bone is heated by the nearest one (as the
//          paper does for occluded vertices). Multiplied by M: (L + M H) w_i = M H p_i, symmetric
//          positive definite (H > 0 everywhere), factored once (Eigen's SimplicialLDLT) and solved
//          for the K right-hand sides. Then each row is clamped to >= 0 (obtuse triangles allow
//          small undershoots), all but the max_influences largest and those below min_weight (of
//          the row's sum) are dropped, and the row renormalized to sum 1 (as SMPL's files keep at
//          most 4 joints per vertex). Where five or more bones meet (the shoulder blades) the cut
//          makes neighbouring vertices differ by up to the dropped weight (~0.2 on the MakeHuman
//          body); max_influences = K keeps the weights as smooth as the heat solution.
// Outputs: #V x K WeightMatrix (hifa/skinning/weights.hpp), rows non-negative summing to 1 (to
//          rounding), at most max_influences non-zeros per row. Deterministic: the same bytes for
//          every thread count (closest points and rays are, the solve is sequential).
//          A vertex that no face with area uses takes its heat source's weights (p) as they are.
// Errors:  hifa::Error naming "bone_heat_weights": no bones, a joint id out of range, a non-finite
//          segment, K < 1, bad options, a failed factorization.
// Cost:    #V · #bones closest-point and ray tests (one batched BVH ray cast), one sparse LDLT of
//          #V unknowns and K solves; about a second for 15k vertices x 24 joints on 2 cores.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/laplacian.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/skinning/weights.hpp"
#include "hifa/spatial/mesh_bvh.hpp"

#include <Eigen/Core>
#include <Eigen/SparseCholesky>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <vector>

namespace hifa {

struct BoneSegment {
  int joint = 0;
  Vec3f a = Vec3f::Zero();
  Vec3f b = Vec3f::Zero();
};

struct BoneHeatOptions {
  double heat = 1.0;            // c of the paper
  int max_influences = 4;
  float min_weight = 0.01f;
  float visibility_offset = 0;  // 0: a tenth of the mean edge length
};

namespace detail {

// The closest point of segment [a, b] to p.
inline Vec3f closest_on_segment(const Vec3f& p, const Vec3f& a, const Vec3f& b) {
  const Vec3f ab = b - a;
  const float len2 = ab.squaredNorm();
  const float t = len2 > 0.0f ? std::clamp((p - a).dot(ab) / len2, 0.0f, 1.0f) : 0.0f;
  return a + t * ab;
}

}  // namespace detail

template <class ExecSpace>
WeightMatrix bone_heat_weights(const ExecSpace& space, const TriMesh<float>& mesh, std::span<const BoneSegment> bones,
                               int joint_count, const BoneHeatOptions& options = {}) {
  using Memory = typename ExecSpace::memory_space;
  const char* who = "bone_heat_weights";
  if (joint_count < 1) throw Error(who, "joint_count must be >= 1, got " + std::to_string(joint_count));
  if (bones.empty()) throw Error(who, "no bone segments");
  for (std::size_t s = 0; s < bones.size(); ++s) {
    if (bones[s].joint < 0 || bones[s].joint >= joint_count) {
      throw Error(who, "segment " + std::to_string(s) + " is bound to joint " + std::to_string(bones[s].joint) +
                           ", outside [0, " + std::to_string(joint_count) + ")");
    }
    if (!bones[s].a.allFinite() || !bones[s].b.allFinite()) throw Error(who, "segment " + std::to_string(s) + " is not finite");
  }
  if (!(options.heat > 0) || options.max_influences < 1 || !(options.min_weight >= 0 && options.min_weight < 1) ||
      !(options.visibility_offset >= 0)) {
    throw Error(who, "options: heat must be > 0, max_influences >= 1, min_weight in [0, 1), visibility_offset >= 0");
  }
  const MeshBvh<Memory> bvh(space, mesh);
  const auto n = std::size_t(mesh.vertex_count());
  const auto k_count = std::size_t(joint_count);

  float offset = options.visibility_offset;
  if (offset == 0.0f) {
    double sum = 0;
    for (Eigen::Index f = 0; f < mesh.face_count(); ++f)
      for (int k = 0; k < 3; ++k) sum += (mesh.vertex(mesh.faces(f, k)) - mesh.vertex(mesh.faces(f, (k + 1) % 3))).norm();
    offset = float(0.1 * sum / double(3 * mesh.face_count()));
  }
  const RowMatrix3<float> normals = vertex_normals(mesh);

  // Per (vertex, joint): the distance to the joint's nearest segment and a ray towards its
  // closest point, from the vertex moved inward (so the vertex's own faces are not hit).
  std::vector<float> distance(n * k_count, std::numeric_limits<float>::infinity());
  std::vector<Vec3f> target(n * k_count, Vec3f::Zero());
  for (std::size_t v = 0; v < n; ++v) {
    const Vec3f p = mesh.vertex(Eigen::Index(v));
    for (const BoneSegment& bone : bones) {
      const Vec3f q = detail::closest_on_segment(p, bone.a, bone.b);
      const float d = (q - p).norm();
      float& best = distance[v * k_count + std::size_t(bone.joint)];
      if (d < best) {
        best = d;
        target[v * k_count + std::size_t(bone.joint)] = q;
      }
    }
  }
  std::vector<std::size_t> ray_of;  // (v, k) pairs with a segment
  for (std::size_t i = 0; i < n * k_count; ++i)
    if (std::isfinite(distance[i])) ray_of.push_back(i);
  Kokkos::View<float* [3], Memory> origins(Kokkos::view_alloc(Kokkos::WithoutInitializing, "hifa::bone_heat::origins"), ray_of.size());
  Kokkos::View<float* [3], Memory> directions(Kokkos::view_alloc(Kokkos::WithoutInitializing, "hifa::bone_heat::directions"), ray_of.size());
  const auto origins_host = Kokkos::create_mirror_view(origins);
  const auto directions_host = Kokkos::create_mirror_view(directions);
  std::vector<float> length(ray_of.size());
  for (std::size_t r = 0; r < ray_of.size(); ++r) {
    const std::size_t v = ray_of[r] / k_count;
    const Vec3f o = mesh.vertex(Eigen::Index(v)) - offset * normals.row(Eigen::Index(v)).transpose();
    Vec3f dir = target[ray_of[r]] - o;
    length[r] = dir.norm();
    if (!(length[r] > 0.0f)) dir = -normals.row(Eigen::Index(v)).transpose();  // the bone is at the origin
    for (int c = 0; c < 3; ++c) {
      origins_host(r, c) = o[c];
      directions_host(r, c) = dir[c];
    }
  }
  Kokkos::deep_copy(space, origins, origins_host);
  Kokkos::deep_copy(space, directions, directions_host);
  const auto hits = RayHits<Memory>::allocate(space, ray_of.size());
  bvh.first_hits(space, origins, directions, hits);
  const auto t_host = Kokkos::create_mirror_view(hits.t);
  Kokkos::deep_copy(space, t_host, hits.t);
  space.fence();
  std::vector<char> visible(n * k_count, 0);
  for (std::size_t r = 0; r < ray_of.size(); ++r) visible[ray_of[r]] = t_host(r) >= length[r] ? 1 : 0;

  // H and p (paper sec. 4): heat from the nearest visible joint(s), else from the nearest one.
  const double scale = (mesh.vertices.colwise().maxCoeff() - mesh.vertices.colwise().minCoeff()).norm();
  const double tiny = 1e-6 * std::max(scale, 1e-30);
  Eigen::VectorXd h(static_cast<Eigen::Index>(n));
  Eigen::MatrixXd sources = Eigen::MatrixXd::Zero(Eigen::Index(n), Eigen::Index(k_count));
  for (std::size_t v = 0; v < n; ++v) {
    bool any_visible = false;
    for (std::size_t k = 0; k < k_count; ++k) any_visible = any_visible || visible[v * k_count + k];
    float nearest = std::numeric_limits<float>::infinity();
    for (std::size_t k = 0; k < k_count; ++k)
      if (!any_visible || visible[v * k_count + k]) nearest = std::min(nearest, distance[v * k_count + k]);
    int ties = 0;
    for (std::size_t k = 0; k < k_count; ++k) {
      if ((!any_visible || visible[v * k_count + k]) && distance[v * k_count + k] <= nearest * 1.0001f) {
        sources(Eigen::Index(v), Eigen::Index(k)) = 1.0;
        ++ties;
      }
    }
    sources.row(Eigen::Index(v)) /= double(ties);
    const double d = std::max(double(nearest), tiny);
    h(Eigen::Index(v)) = options.heat * ties / (d * d);
  }

  const Eigen::VectorXd mass_heat = lumped_mass(mesh).cwiseProduct(h);
  Eigen::SparseMatrix<double> system = cotangent_laplacian(mesh);
  Eigen::MatrixXd rhs = mass_heat.asDiagonal() * sources;
  for (Eigen::Index v = 0; v < Eigen::Index(n); ++v) {
    if (mass_heat(v) > 0.0) {
      system.coeffRef(v, v) += mass_heat(v);
    } else {  // no face area at v (unused by faces): its row would be 0; it takes its own source
      system.coeffRef(v, v) += 1.0;
      rhs.row(v) = sources.row(v);
    }
  }
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(system);
  if (solver.info() != Eigen::Success) throw Error(who, "the heat system (L + M H) could not be factored");
  const Eigen::MatrixXd solution = solver.solve(rhs);
  if (solver.info() != Eigen::Success || !solution.allFinite()) throw Error(who, "the heat solve failed");

  WeightMatrix weights = WeightMatrix::Zero(Eigen::Index(n), Eigen::Index(k_count));
  std::vector<int> order(k_count);
  for (Eigen::Index v = 0; v < Eigen::Index(n); ++v) {
    const Eigen::VectorXd row = solution.row(v).transpose().cwiseMax(0.0);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&row](int x, int y) { return row(x) > row(y); });
    // The largest max_influences temperatures, down to min_weight of the row's total.
    const double total = row.sum();
    int keep = 0;
    double kept = 0;
    while (keep < std::min(options.max_influences, joint_count) &&
           (keep == 0 || row(order[std::size_t(keep)]) >= double(options.min_weight) * total)) {
      kept += row(order[std::size_t(keep)]);
      ++keep;
    }
    if (!(kept > 0)) {  // every temperature underflowed: the vertex's own heat source decides
      Eigen::Index k;
      sources.row(v).maxCoeff(&k);
      weights(v, k) = 1.0f;
      continue;
    }
    for (int i = 0; i < keep; ++i) weights(v, order[std::size_t(i)]) = float(row(order[std::size_t(i)]) / kept);
  }
  return weights;
}

}  // namespace hifa
