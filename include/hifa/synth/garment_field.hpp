#pragma once
// Garments and hair as one implicit field in the body's canonical (rest) space: the signed distance
// (negative inside) of the dressed body, for coarse-to-fine evaluation and marching cubes.
//
//   hifa::synth::BodyRegions regions(body, weights, joints);      // body-relative coordinates
//   hifa::synth::ClothedField<Kokkos::HostSpace> field(body, regions, outfit);
//   auto r = hifa::evaluate_coarse_to_fine(space, field, grid, options);   // BatchField
//   field.outermost(points, labels);   // which garment (or -1: skin) makes the surface there
//
// Inputs:  body     TriMesh<float>, the body in its rest pose, closed and outward-oriented (the
//                   sign of the distance comes from its generalized winding number), metres, y up,
//                   facing +z (SMPL's and MakeHuman's frame)
//          weights  #V x 24 skinning weights in SMPL's joint order (hifa/skinning/skeleton.hpp)
//          joints   24 x 3 rest joint positions, SMPL's order and tree
//          outfit   garment_spec.hpp; garments listed inner to outer
// Outputs: value(p) = smooth_min(body(p), min_g garment_g(p)), blend radius `blend` (1 cm): the
//          dressed body. Every garment value is <= body(p) where it covers the body, so the body lies
//          inside the clothing everywhere it is covered and is the surface where skin shows.
//
// How a garment is built (docs/synth.md has the pictures in words):
//  * Region. Each body vertex gets body-relative coordinates (garment_spec.hpp): τ (height between
//    the hip and neck joints) for vertices bound to torso and head joints, α along the arm's bone
//    chain, λ along the leg's. A garment's coverage at a vertex is the weight-blended signed
//    distance, in metres along the body, to the garment's nearest hem: c = Σ_groups W_group ·
//    min(x - low, high - x) · group length, clamped to ±0.3 m (W_group: the vertex's total skinning
//    weight on the group's joints). Blending by the skinning weights makes the region's border
//    smooth where a limb meets the torso. A point p takes the coverage of its nearest body point
//    (barycentric in that triangle), so hems are cuts across the bones, constant along the normal.
//  * Shell. garment(p) = max(body(p) - t(p), -c(p)): the body offset outwards by t inside the
//    region, t = thickness + looseness (growing towards the hems) + folds. Folds are fBm gradient
//    noise (noise.hpp) of `wrinkle` amplitude, doubled near elbows and knees and at hems.
//  * Bridge. Skirts, dresses and coats also hold a hull around both legs from hip height to the
//    hem: at each height an ellipse around the body's cross-section (the running maximum from the
//    hips down, so it hangs instead of following the legs inwards), widened by `flare` towards the
//    hem, with radial folds. It bridges the gap between the legs, so nearest-body-point weights
//    would tear it when the legs move apart: subject.hpp poses loose garments with the diffused
//    weight field (hifa/skinning/weights.hpp). Points whose nearest body point is on an arm are
//    kept out of the hull, so hanging hands do not fuse with a skirt.
//  * Hair. A shell on the head above a hairline (a plane tilted up at the face and down at the
//    back) and above a nape height; hair_bun adds a ball at the back of the head, hair_long a
//    rounded slab hanging behind the neck to the shoulder blades.
// Lipschitz: body is 1-Lipschitz; folds add at most 2.5 · amplitude · frequency · 2π-ish, so
//    evaluate_coarse_to_fine should run with options.lipschitz = lipschitz_bound() (about 1.5).
// Errors: hifa::Error naming "BodyRegions" (weights not #V x 24, joints not 24 x 3, empty body),
//    "ClothedField" (more than max_garments garments).
// Cost: per batch of N points one closest-point query and one winding number on the body BVH
//    (mesh_bvh.hpp), then O(garments) work per point. Same bytes on every thread count.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/field/combinators.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/skinning/skeleton.hpp"
#include "hifa/skinning/weights.hpp"
#include "hifa/spatial/mesh_bvh.hpp"
#include "hifa/synth/garment_spec.hpp"
#include "hifa/synth/noise.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace hifa::synth {

// Body-part groups of SMPL joints (skeleton.hpp's order) that share one body-relative coordinate.
enum BodyGroup : int { torso = 0, left_arm, right_arm, left_leg, right_leg, head, body_group_count };

namespace detail {

inline int group_of_joint(int joint) {
  switch (joint) {
    case 16: case 18: case 20: case 22: return left_arm;
    case 17: case 19: case 21: case 23: return right_arm;
    case 1: case 4: case 7: case 10: return left_leg;
    case 2: case 5: case 8: case 11: return right_leg;
    case 15: return head;
    default: return torso;  // pelvis, spine1-3, neck, collars
  }
}

// Arc length (from the chain's first joint) of the closest point to p on the polyline.
inline float chain_position(const Vec3f& p, const std::array<Vec3f, 4>& chain) {
  float best = INFINITY, at = 0.0f, start = 0.0f;
  for (int s = 0; s < 3; ++s) {
    const Vec3f a = chain[s], ab = chain[s + 1] - chain[s];
    const float len2 = ab.squaredNorm();
    const float t = len2 > 0.0f ? std::clamp((p - a).dot(ab) / len2, 0.0f, 1.0f) : 0.0f;
    const float d = (p - (a + t * ab)).squaredNorm();
    const float len = std::sqrt(len2);
    // Beyond the last joint (fingertips, toes) the position keeps growing past the chain's end.
    const float along = s == 2 ? std::max(0.0f, (p - a).dot(ab) / std::max(len, 1e-6f)) : t * len;
    if (d < best) {
      best = d;
      at = start + along;
    }
    start += len;
  }
  return at;
}

}  // namespace detail

// Body-relative coordinates of every body vertex, and the body landmarks garments are placed by.
struct BodyRegions {
  Eigen::Matrix<float, Eigen::Dynamic, body_group_count, Eigen::RowMajor> group_weight;  // #V x groups
  Eigen::Matrix<float, Eigen::Dynamic, body_group_count, Eigen::RowMajor> coordinate;    // τ, α, α, λ, λ, τ
  std::array<float, body_group_count> group_length{};  // metres per unit of coordinate
  float hip_y = 0, neck_y = 0, ankle_y = 0, head_top_y = 0, head_back_z = 0, head_front_z = 0;
  Vec3f hip_centre = Vec3f::Zero(), head_joint = Vec3f::Zero();
  std::array<Vec3f, 4> fold_joints{};  // elbows and knees, where folds gather

  BodyRegions(const TriMesh<float>& body, const WeightMatrix& weights, const RowMatrix3<float>& joints) {
    const Eigen::Index v_count = body.vertex_count();
    if (body.empty()) throw Error("BodyRegions", "the body mesh is empty");
    if (weights.rows() != v_count || weights.cols() != smpl_joint_count) {
      throw Error("BodyRegions", "weights are " + std::to_string(weights.rows()) + " x " + std::to_string(weights.cols()) +
                                     ", expected " + std::to_string(v_count) + " x 24");
    }
    if (joints.rows() != smpl_joint_count) {
      throw Error("BodyRegions", std::to_string(joints.rows()) + " joints, expected 24 (SMPL's order)");
    }
    const auto j = [&](int k) -> Vec3f { return joints.row(k).transpose(); };
    hip_centre = 0.5f * (j(1) + j(2));
    hip_y = hip_centre.y();
    neck_y = j(12).y();
    ankle_y = 0.5f * (j(7).y() + j(8).y());
    head_joint = j(15);
    fold_joints = {j(18), j(19), j(4), j(5)};
    const std::array<std::array<int, 4>, 4> chains = {{{16, 18, 20, 22}, {17, 19, 21, 23}, {1, 4, 7, 10}, {2, 5, 8, 11}}};
    std::array<std::array<Vec3f, 4>, 4> chain_points;
    for (int c = 0; c < 4; ++c)
      for (int k = 0; k < 4; ++k) chain_points[c][k] = j(chains[c][k]);
    // α and λ are 1 at the wrist / ankle: the first two bones' length.
    const auto reach = [&](int c) { return (j(chains[c][1]) - j(chains[c][0])).norm() + (j(chains[c][2]) - j(chains[c][1])).norm(); };
    const float torso_length = std::max(neck_y - hip_y, 1e-3f);
    group_length = {torso_length, reach(0), reach(1), reach(2), reach(3), torso_length};

    group_weight.setZero(v_count, body_group_count);
    coordinate.setZero(v_count, body_group_count);
    head_top_y = -INFINITY;
    head_back_z = INFINITY;
    head_front_z = -INFINITY;
    for (Eigen::Index i = 0; i < v_count; ++i) {
      const Vec3f p = body.vertex(i);
      const float sum = weights.row(i).sum();
      for (int k = 0; k < smpl_joint_count; ++k)
        group_weight(i, detail::group_of_joint(k)) += sum > 0.0f ? weights(i, k) / sum : 0.0f;
      const float tau = (p.y() - hip_y) / torso_length;
      coordinate(i, torso) = tau;
      coordinate(i, head) = tau;
      for (int c = 0; c < 4; ++c) coordinate(i, left_arm + c) = detail::chain_position(p, chain_points[c]) / group_length[left_arm + c];
      if (group_weight(i, head) > 0.5f) {
        head_top_y = std::max(head_top_y, p.y());
        head_back_z = std::min(head_back_z, p.z());
        head_front_z = std::max(head_front_z, p.z());
      }
    }
    if (!std::isfinite(head_top_y)) throw Error("BodyRegions", "no vertex is bound mostly to the head joint (15)");
  }
};

inline constexpr int max_garments = 8;
inline constexpr float coverage_limit = 0.3f;  // metres: coverage is clamped to ±this
inline constexpr int hull_bins = 48;           // heights of the skirt hull's cross-section table

// One garment as the kernel sees it (plain numbers; a View of them is copied into the kernel).
struct GarmentParams {
  int kind = 0;
  float thickness = 0, looseness = 0, wrinkle = 0, frequency = 0;
  std::uint32_t seed = 0;
  int hull = 0;                // 1: a skirt hull between the legs
  float hull_top = 0, hull_bottom = 0, flare = 0, folds = 0, fold_phase = 0;
  int extra = 0;               // 1: ball (bun), 2: rounded slab (long hair)
  float extra_centre[3] = {0, 0, 0}, extra_half[3] = {0, 0, 0}, extra_radius = 0;
};

// The per-vertex coverage of every garment (metres, see the top): #V x garments.
inline Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> garment_coverage(
    const TriMesh<float>& body, const BodyRegions& regions, const Outfit& outfit) {
  const Eigen::Index v_count = body.vertex_count();
  const int g_count = int(outfit.garments.size());
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> c(v_count, std::max(g_count, 1));
  c.setConstant(-coverage_limit);
  const auto interval = [](float x, float lo, float hi, float length) {
    if (!(hi > lo)) return -coverage_limit;
    return std::clamp(std::min(x - lo, hi - x) * length, -coverage_limit, coverage_limit);
  };
  const float head_size = regions.head_top_y - regions.head_joint.y();
  for (int g = 0; g < g_count; ++g) {
    const GarmentSpec& spec = outfit.garments[std::size_t(g)];
    for (Eigen::Index i = 0; i < v_count; ++i) {
      float group_cover[body_group_count];
      if (is_hair(spec.kind)) {
        // Hairline: a height above the head joint that falls linearly from the forehead (0.8 of
        // the head's height, at 0.7 of the way from the head's middle to its front) to the back
        // (0.3 for short hair, -0.1 for longer styles), and a nape height; only head and neck
        // vertices can carry hair.
        const Vec3f d = body.vertex(i) - regions.head_joint;
        const float middle = 0.5f * (regions.head_front_z + regions.head_back_z) - regions.head_joint.z();
        const float zn = (d.z() - middle) / (0.5f * (regions.head_front_z - regions.head_back_z));
        const bool short_hair = spec.kind == GarmentKind::hair_short;
        const float back = short_hair ? 0.3f : -0.1f, slope = (0.8f - back) / 1.7f;
        const float nape = short_hair ? 0.0f : -0.25f * head_size;
        const float hairline = d.y() - head_size * (back + slope * (1.0f + zn));
        const float cover = std::clamp(std::min(hairline, d.y() - nape), -coverage_limit, coverage_limit);
        for (int gr = 0; gr < body_group_count; ++gr) group_cover[gr] = -coverage_limit;
        group_cover[head] = cover;
        // The neck joint's vertices are torso-group: let long styles reach down them.
        if (spec.kind != GarmentKind::hair_short && d.y() > nape) group_cover[torso] = cover;
      } else {
        group_cover[torso] = interval(regions.coordinate(i, torso), spec.torso_low, spec.torso_high, regions.group_length[torso]);
        group_cover[head] = interval(regions.coordinate(i, head), spec.torso_low, spec.torso_high, regions.group_length[head]);
        for (int side = 0; side < 2; ++side) {
          group_cover[left_arm + side] = interval(regions.coordinate(i, left_arm + side), -1.0f, spec.sleeve,
                                                  regions.group_length[left_arm + side]);
          group_cover[left_leg + side] = interval(regions.coordinate(i, left_leg + side), spec.leg_low, spec.leg_high,
                                                  regions.group_length[left_leg + side]);
        }
      }
      float sum = 0.0f;
      for (int gr = 0; gr < body_group_count; ++gr) sum += regions.group_weight(i, gr) * group_cover[gr];
      c(i, g) = sum;
    }
  }
  return c;
}

template <class MemorySpace, class ExecSpace = typename MemorySpace::execution_space>
class ClothedField {
 public:
  using scalar = float;
  using execution_space = ExecSpace;
  using memory_space = MemorySpace;

  static constexpr float blend = 0.01f;  // smooth-union radius of garments with the body, metres

  ClothedField(const TriMesh<float>& body, const BodyRegions& regions, const Outfit& outfit)
      : bvh_(ExecSpace{}, body), garment_count_(int(outfit.garments.size())) {
    if (garment_count_ > max_garments) {
      throw Error("ClothedField", std::to_string(garment_count_) + " garments, at most " + std::to_string(max_garments));
    }
    const ExecSpace space;
    const auto coverage = garment_coverage(body, regions, outfit);
    // Per vertex: the garments' coverage, then the arm weight (keeps skirt hulls off the arms).
    const int columns = std::max(garment_count_, 1) + 1;
    Kokkos::View<float**, Kokkos::LayoutRight, Kokkos::HostSpace> vertex_data("hifa::synth::vertex_data_host",
                                                                              std::size_t(body.vertex_count()), columns);
    for (Eigen::Index i = 0; i < body.vertex_count(); ++i) {
      for (int g = 0; g < columns - 1; ++g) vertex_data(i, g) = coverage(i, g);
      vertex_data(i, columns - 1) = regions.group_weight(i, left_arm) + regions.group_weight(i, right_arm);
    }
    vertex_data_ = Kokkos::create_mirror_view_and_copy(MemorySpace{}, vertex_data);
    faces_ = Kokkos::View<int* [3], Kokkos::LayoutRight, MemorySpace>("hifa::synth::faces", std::size_t(body.face_count()));
    auto faces_host = Kokkos::create_mirror_view(faces_);
    for (Eigen::Index f = 0; f < body.face_count(); ++f)
      for (int k = 0; k < 3; ++k) faces_host(f, k) = body.faces(f, k);
    Kokkos::deep_copy(faces_, faces_host);
    closed_ = is_closed(body) && is_edge_manifold(body);
    if (closed_) upload_pseudonormals(body);

    Kokkos::View<GarmentParams*, Kokkos::HostSpace> params("hifa::synth::garments_host", std::size_t(std::max(garment_count_, 1)));
    Kokkos::View<float** [4], Kokkos::LayoutRight, Kokkos::HostSpace> hulls("hifa::synth::hulls_host",
                                                                          std::size_t(std::max(garment_count_, 1)), hull_bins);
    for (int g = 0; g < garment_count_; ++g) {
      params(g) = garment_params(body, regions, outfit, g, hulls);
    }
    params_ = Kokkos::create_mirror_view_and_copy(MemorySpace{}, params);
    hulls_ = Kokkos::create_mirror_view_and_copy(MemorySpace{}, hulls);
    for (int k = 0; k < 4; ++k)
      for (int d = 0; d < 3; ++d) fold_joints_[3 * k + d] = regions.fold_joints[std::size_t(k)][d];
    space.fence();
  }

  int garment_count() const { return garment_count_; }
  float lipschitz_bound() const { return 1.6f; }

  // BatchField: values(q) = the dressed body's signed distance at points(q, :); complete on return.
  template <class PointsView, class ValuesView>
  void evaluate(const PointsView& points, const ValuesView& values) const {
    run(points, [values](int q, float value, int) { values(q) = value; });
  }

  // labels(q) = the garment index (into outfit.garments) whose surface is outermost at points(q, :),
  // or -1 where the body is (skin). Complete on return.
  template <class PointsView, class LabelsView>
  void outermost(const PointsView& points, const LabelsView& labels) const {
    run(points, [labels](int q, float, int label) { labels(q) = label; });
  }

 private:
  template <class PointsView, class Sink>
  void run(const PointsView& points, const Sink& sink) const {
    const ExecSpace space;
    const std::size_t n = points.extent(0);
    if (n == 0) return;
    const auto closest = ClosestPoints<MemorySpace>::allocate(space, n);
    bvh_.closest_points(space, points, closest);
    // The body's inside: by the closest feature's pseudonormal on a closed body (exact there and
    // ~4x cheaper than a winding number), by the generalized winding number otherwise.
    const Kokkos::View<float*, MemorySpace> winding(
        Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::synth::winding"), closed_ ? 0 : n);
    if (!closed_) bvh_.winding_numbers(space, points, winding);
    const bool closed = closed_;
    const auto face_pn = face_pseudonormals_;
    const auto vertex_pn = vertex_pseudonormals_;
    const auto faces = faces_;
    const auto data = vertex_data_;
    const auto params = params_;
    const auto hulls = hulls_;
    const int g_count = garment_count_;
    const int arm_column = int(data.extent(1)) - 1;
    float folds_at[12];
    for (int e = 0; e < 12; ++e) folds_at[e] = fold_joints_[e];
    Kokkos::parallel_for(
        "hifa::synth::clothed_field", Kokkos::RangePolicy<ExecSpace>(space, 0, int(n)), KOKKOS_LAMBDA(const int q) {
          const Vec3f p(points(q, 0), points(q, 1), points(q, 2));
          const int f = closest.face(q);
          const float b0 = closest.barycentric(q, 0), b1 = closest.barycentric(q, 1), b2 = closest.barycentric(q, 2);
          bool inside;
          if (closed) {
            inside = pseudonormal(face_pn, vertex_pn, faces, f, b0, b1, b2)
                         .dot(p - Vec3f(closest.point(q, 0), closest.point(q, 1), closest.point(q, 2))) < 0.0f;
          } else {
            inside = winding(q) >= 0.5f;
          }
          const float body = inside ? -closest.distance(q) : closest.distance(q);
          const auto at = [&](int column) {
            return b0 * data(faces(f, 0), column) + b1 * data(faces(f, 1), column) + b2 * data(faces(f, 2), column);
          };
          // Folds gather at elbows and knees.
          float joint_boost = 0.0f;
          for (int k = 0; k < 4; ++k) {
            const Vec3f d = p - Vec3f(folds_at[3 * k], folds_at[3 * k + 1], folds_at[3 * k + 2]);
            joint_boost = Kokkos::Experimental::fmax(joint_boost, Kokkos::Experimental::exp(-d.squaredNorm() / 0.0064f));
          }
          float best = body;
          int label = -1;
          for (int g = 0; g < g_count; ++g) {
            const GarmentParams& gp = params(g);
            const float cover = at(g);
            const float hem_boost = Kokkos::Experimental::exp(-cover * cover / 0.0025f);
            const float amplitude = gp.wrinkle * (0.5f + joint_boost + hem_boost);
            const float fold = amplitude * fbm(gp.seed, Vec3f(p * gp.frequency), 2);
            const float ease = gp.looseness * (1.0f - hifa::detail::clamp(cover / coverage_limit, 0.0f, 1.0f));
            float value = hifa::detail::maximum(body - (gp.thickness + ease + fold), -cover);
            if (gp.hull) value = hifa::detail::minimum(value, hull_value(gp, hulls, g, p, at(arm_column)));
            if (gp.extra == 1) {
              const Vec3f c(gp.extra_centre[0], gp.extra_centre[1], gp.extra_centre[2]);
              value = hifa::detail::minimum(value, (p - c).norm() - gp.extra_radius + fold);
            } else if (gp.extra == 2) {
              const Vec3f c(gp.extra_centre[0], gp.extra_centre[1], gp.extra_centre[2]);
              const Vec3f half(gp.extra_half[0], gp.extra_half[1], gp.extra_half[2]);
              const Vec3f core = half - Vec3f::Constant(gp.extra_radius);
              const Vec3f d = (p - c).cwiseAbs() - core;
              const float outside = d.cwiseMax(0.0f).norm(), inside = hifa::detail::minimum(d.maxCoeff(), 0.0f);
              value = hifa::detail::minimum(value, outside + inside - gp.extra_radius + fold);
            }
            // Later (outer) garments win ties, so a jacket's colour shows where it lies on a shirt.
            if (value <= best) {
              best = value;
              label = g;
            }
          }
          const float dressed = label < 0 ? body : ops::SmoothMin<float>{blend}(body, best).value;
          sink(q, dressed, label);
        });
    space.fence();
  }

  void upload_pseudonormals(const TriMesh<float>& body) {
    const Eigen::Index f_count = body.face_count(), v_count = body.vertex_count();
    RowMatrix3<double> face_n(f_count, 3), vertex_n = RowMatrix3<double>::Zero(v_count, 3);
    for (Eigen::Index f = 0; f < f_count; ++f) {
      const Vec3d a = body.vertex(body.faces(f, 0)).template cast<double>(), b = body.vertex(body.faces(f, 1)).template cast<double>(),
                  c = body.vertex(body.faces(f, 2)).template cast<double>();
      const Vec3d n = (b - a).cross(c - a);
      face_n.row(f) = (n.norm() > 0 ? Vec3d(n.normalized()) : Vec3d(Vec3d::Zero())).transpose();
      const Vec3d corners[3] = {a, b, c};
      for (int k = 0; k < 3; ++k) {
        const Vec3d e1 = corners[(k + 1) % 3] - corners[k], e2 = corners[(k + 2) % 3] - corners[k];
        const double angle = std::atan2(e1.cross(e2).norm(), e1.dot(e2));
        vertex_n.row(body.faces(f, k)) += angle * face_n.row(f);
      }
    }
    std::unordered_map<std::uint64_t, Vec3d> edge_n;
    edge_n.reserve(std::size_t(f_count) * 2);
    for (Eigen::Index f = 0; f < f_count; ++f)
      for (int k = 0; k < 3; ++k) {
        // Eigen leaves a default-constructed vector uninitialized: start each edge at zero.
        auto [it, inserted] = edge_n.try_emplace(edge_key(body.faces(f, k), body.faces(f, (k + 1) % 3)), Vec3d::Zero());
        it->second += face_n.row(f).transpose();
      }
    face_pseudonormals_ = decltype(face_pseudonormals_)("hifa::synth::face_pseudonormals", std::size_t(f_count));
    vertex_pseudonormals_ = decltype(vertex_pseudonormals_)("hifa::synth::vertex_pseudonormals", std::size_t(v_count));
    auto fh = Kokkos::create_mirror_view(face_pseudonormals_);
    auto vh = Kokkos::create_mirror_view(vertex_pseudonormals_);
    for (Eigen::Index f = 0; f < f_count; ++f) {
      for (int d = 0; d < 3; ++d) fh(f, 0, d) = float(face_n(f, d));
      for (int k = 0; k < 3; ++k) {
        const Vec3d e = edge_n[edge_key(body.faces(f, k), body.faces(f, (k + 1) % 3))];
        for (int d = 0; d < 3; ++d) fh(f, 1 + k, d) = float(e[d]);
      }
    }
    for (Eigen::Index v = 0; v < v_count; ++v)
      for (int d = 0; d < 3; ++d) vh(v, d) = float(vertex_n(v, d));
    Kokkos::deep_copy(face_pseudonormals_, fh);
    Kokkos::deep_copy(vertex_pseudonormals_, vh);
  }

  // The pseudonormal of the closest point's feature (Baerentzen & Aanaes, "Signed Distance
  // Computation Using the Angle Weighted Pseudonormal", IEEE TVCG 2005): the face's normal inside
  // it, the edge's (sum of its two faces') on an edge, the vertex's angle-weighted normal at a
  // corner. (p - closest) · pseudonormal < 0 exactly when p is inside a closed manifold mesh.
  template <class FacePn, class VertexPn, class Faces>
  KOKKOS_FUNCTION static Vec3f pseudonormal(const FacePn& face_pn, const VertexPn& vertex_pn, const Faces& faces, int f,
                                            float b0, float b1, float b2) {
    constexpr float eps = 1e-5f;
    const float b[3] = {b0, b1, b2};
    const int zeros = (b0 < eps) + (b1 < eps) + (b2 < eps);
    if (zeros >= 2) {
      const int corner = b0 >= b1 && b0 >= b2 ? 0 : (b1 >= b2 ? 1 : 2);
      const int v = faces(f, corner);
      return Vec3f(vertex_pn(v, 0), vertex_pn(v, 1), vertex_pn(v, 2));
    }
    if (zeros == 1) {
      // On edge k (corners k, k + 1): the corner opposite it, k + 2, has weight 0.
      const int opposite = b[0] < eps ? 0 : (b[1] < eps ? 1 : 2);
      const int edge = (opposite + 1) % 3;
      return Vec3f(face_pn(f, 1 + edge, 0), face_pn(f, 1 + edge, 1), face_pn(f, 1 + edge, 2));
    }
    return Vec3f(face_pn(f, 0, 0), face_pn(f, 0, 1), face_pn(f, 0, 2));
  }

  // The skirt hull's value at p: an ellipse around the hips/legs at p's height, from the table.
  template <class Hulls>
  KOKKOS_FUNCTION static float hull_value(const GarmentParams& gp, const Hulls& hulls, int g, const Vec3f& p,
                                          float arm_weight) {
    const float span = gp.hull_top - gp.hull_bottom;
    const float t = hifa::detail::clamp((gp.hull_top - p.y()) / span, 0.0f, 1.0f);
    const float u = t * float(hull_bins - 1);
    const int b = int(hifa::detail::minimum(u, float(hull_bins - 2)));
    const float w = u - float(b);
    float e[4];
    for (int k = 0; k < 4; ++k) e[k] = (1.0f - w) * hulls(g, b, k) + w * hulls(g, b + 1, k);
    const float dx = p.x() - e[0], dz = p.z() - e[1];
    // Radial folds that deepen towards the hem.
    const float angle = Kokkos::Experimental::atan2(dz, dx);
    const float fold = 1.0f + 0.12f * t * t * Kokkos::Experimental::sin(gp.folds * angle + gp.fold_phase + 3.0f * t);
    const float rx = e[2] * fold, rz = e[3] * fold;
    const float k = Kokkos::Experimental::sqrt((dx / rx) * (dx / rx) + (dz / rz) * (dz / rz));
    const float ellipse = (k - 1.0f) * hifa::detail::minimum(rx, rz);
    const float slab = hifa::detail::maximum(p.y() - gp.hull_top, gp.hull_bottom - p.y());
    // Near an arm the hull gives way (up to +5 cm at a pure arm point).
    const float arm_gate = 0.1f * (arm_weight - 0.5f);
    return hifa::detail::maximum(hifa::detail::maximum(ellipse, slab), arm_gate);
  }

  static GarmentParams garment_params(const TriMesh<float>& body, const BodyRegions& regions, const Outfit& outfit, int g,
                                      const Kokkos::View<float** [4], Kokkos::LayoutRight, Kokkos::HostSpace>& hulls) {
    const GarmentSpec& spec = outfit.garments[std::size_t(g)];
    GarmentParams gp;
    gp.kind = int(spec.kind);
    gp.thickness = spec.thickness;
    gp.looseness = spec.looseness;
    gp.wrinkle = spec.wrinkle;
    gp.frequency = spec.wrinkle_frequency;
    gp.seed = std::uint32_t(outfit.seed * 0x9E3779B97F4A7C15ull >> 32) ^ std::uint32_t(g * 0x27d4eb2d);
    const float head_size = regions.head_top_y - regions.head_joint.y();
    const float head_depth = regions.head_front_z - regions.head_back_z;
    if (spec.kind == GarmentKind::hair_bun) {
      gp.extra = 1;
      const Vec3f c(regions.head_joint.x(), regions.head_joint.y() + 0.75f * head_size, regions.head_back_z - 0.01f);
      for (int d = 0; d < 3; ++d) gp.extra_centre[d] = c[d];
      gp.extra_radius = 0.25f * head_size;
    } else if (spec.kind == GarmentKind::hair_long) {
      gp.extra = 2;
      const float top = regions.head_joint.y() + 0.5f * head_size, bottom = regions.neck_y - 0.6f * head_size;
      const Vec3f c(regions.head_joint.x(), 0.5f * (top + bottom), regions.head_back_z + 0.15f * head_depth);
      const Vec3f half(0.45f * head_depth, 0.5f * (top - bottom), 0.2f * head_depth);
      for (int d = 0; d < 3; ++d) {
        gp.extra_centre[d] = c[d];
        gp.extra_half[d] = half[d];
      }
      gp.extra_radius = 0.9f * half.z();
    }
    if (spec.hem > uncovered) {
      gp.hull = 1;
      gp.hull_top = regions.hip_y + 0.05f * regions.group_length[torso];
      gp.hull_bottom = regions.hip_y - spec.hem * (regions.hip_y - regions.ankle_y);
      gp.flare = spec.flare;
      gp.folds = float(6 + int(gp.seed % 7u));
      gp.fold_phase = float(gp.seed % 628u) * 0.01f;
      hull_table(body, regions, spec, gp, g, hulls);
    }
    return gp;
  }

  // Cross-sections of the body (not its arms) from hull_top down: per height, the ellipse with the
  // running bounding box's centre and aspect, scaled to hold every body point of the slabs above
  // it too (so it hangs straight instead of following the legs inwards), then grown by the
  // thickness, looseness and the flare (quadratic towards the hem).
  static void hull_table(const TriMesh<float>& body, const BodyRegions& regions, const GarmentSpec& spec,
                         const GarmentParams& gp, int g,
                         const Kokkos::View<float** [4], Kokkos::LayoutRight, Kokkos::HostSpace>& hulls) {
    std::vector<std::vector<Vec3f>> slabs(hull_bins);
    const float span = gp.hull_top - gp.hull_bottom;
    for (Eigen::Index i = 0; i < body.vertex_count(); ++i) {
      if (regions.group_weight(i, left_arm) + regions.group_weight(i, right_arm) > 0.3f) continue;
      const Vec3f p = body.vertex(i);
      const float u = (gp.hull_top - p.y()) / span * float(hull_bins - 1);
      if (u < -0.5f || u > float(hull_bins - 1) + 0.5f) continue;
      slabs[std::size_t(std::clamp(int(std::lround(u)), 0, hull_bins - 1))].push_back(p);
    }
    Vec3f lo = regions.hip_centre - Vec3f::Constant(0.05f), hi = regions.hip_centre + Vec3f::Constant(0.05f);
    for (int b = 0; b < hull_bins; ++b) {
      for (const Vec3f& p : slabs[std::size_t(b)]) {
        lo = lo.cwiseMin(p);
        hi = hi.cwiseMax(p);
      }
      const float cx = 0.5f * (lo.x() + hi.x()), cz = 0.5f * (lo.z() + hi.z());
      const float ax = 0.5f * (hi.x() - lo.x()), az = 0.5f * (hi.z() - lo.z());
      float scale = 1.0f;
      for (int above = 0; above <= b; ++above)
        for (const Vec3f& p : slabs[std::size_t(above)])
          scale = std::max(scale, std::hypot((p.x() - cx) / ax, (p.z() - cz) / az));
      const float t = float(b) / float(hull_bins - 1);
      const float grow = spec.thickness + spec.looseness + spec.flare * t * t;
      hulls(g, b, 0) = cx;
      hulls(g, b, 1) = cz;
      hulls(g, b, 2) = scale * ax + grow;
      hulls(g, b, 3) = scale * az + grow;
    }
  }

  MeshBvh<MemorySpace> bvh_;
  Kokkos::View<int* [3], Kokkos::LayoutRight, MemorySpace> faces_;
  Kokkos::View<float**, Kokkos::LayoutRight, MemorySpace> vertex_data_;
  Kokkos::View<GarmentParams*, MemorySpace> params_;
  Kokkos::View<float** [4], Kokkos::LayoutRight, MemorySpace> hulls_;
  // Angle-weighted pseudonormals (closed bodies): per face, its normal and its 3 edges' (edge k
  // from corner k to k + 1); per vertex, the angle-weighted mean of its faces' normals.
  Kokkos::View<float* [4][3], Kokkos::LayoutRight, MemorySpace> face_pseudonormals_;
  Kokkos::View<float* [3], Kokkos::LayoutRight, MemorySpace> vertex_pseudonormals_;
  bool closed_ = false;
  float fold_joints_[12] = {};
  int garment_count_ = 0;
};

}  // namespace hifa::synth
