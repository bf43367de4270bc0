#pragma once
// One synthetic subject from a rigged body, an outfit and a pose: the dressed canonical mesh with
// colours, its skinning weights, and the posed mesh (same vertices one for one, same faces).
//
//   hifa::synth::Subject s = hifa::synth::make_subject(space, body, weights, joints, outfit, pose, options);
//   s.canonical   // closed, manifold, coloured; metres, the body's rest pose
//   s.posed       // s.canonical moved by LBS: x' = Σ_k w_k A_k x (hifa/skinning/lbs.hpp)
//   s.weights     // #V x 24 skinning weights of s.canonical's vertices
//   s.labels      // #V: outermost garment index, -1 skin
//
// Inputs:  body, weights, joints   the rest-pose body (garment_field.hpp's inputs): mesh in metres,
//                                  #V x 24 weights, 24 x 3 joints, SMPL's joint order and tree
//          outfit, pose            garment_spec.hpp's draw_outfit, pose.hpp's Pose
//          options                 resolution (grid points along the subject's longest axis), the
//                                  margin around the body the garments may reach, the weight field
// Steps:   ClothedField (garment_field.hpp) → extract_surface (extract.hpp: coarse-to-fine,
//          marching cubes, largest component) → outermost labels and vertex_colors
//          (appearance.hpp) → weights → forward kinematics (skeleton.hpp) and LBS of points and
//          normals (lbs.hpp).
// Weights: the body's weights carried to every clothed vertex by SurfaceWeights (the nearest body
//          point's, exact on the skin and on tight cloth) blended into the diffused WeightGrid
//          (hifa/skinning/weights.hpp) with distance from the body: w = (1 - s) w_surface + s w_grid,
//          s = smoothstep(near, far, distance), near = 1.5 cm, far = 5 cm. A skirt's hem between the
//          legs, a coat's tail or long hair lie farther than `far` from the body, where the nearest
//          body point jumps from one leg to the other: they take the harmonic field, which has no
//          such jump, so they stretch instead of tearing when the legs move apart. The blend is
//          continuous in the distance, so no seam appears where a tight garment meets a loose one.
// Errors:  from the parts (BodyRegions, ClothedField, grid, skeleton) and hifa::Error naming
//          "make_subject" when the surface is empty (the grid too coarse for the body).
// Cost:    dominated by the field queries of coarse-to-fine evaluation (bench/bench_synth.cpp).

#include "hifa/core/error.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/skinning/lbs.hpp"
#include "hifa/skinning/skeleton.hpp"
#include "hifa/skinning/weights.hpp"
#include "hifa/synth/appearance.hpp"
#include "hifa/synth/extract.hpp"
#include "hifa/synth/garment_field.hpp"
#include "hifa/synth/garment_spec.hpp"
#include "hifa/synth/pose.hpp"

#include <Kokkos_Core.hpp>

#include <span>
#include <string>
#include <vector>

namespace hifa::synth {

struct SubjectOptions {
  int resolution = 256;
  float margin = 0.15f;          // metres around the body's box (skirt flare, long hair)
  float weight_spacing = 0.04f;  // metres between WeightGrid nodes
  int weight_iterations = 32;    // Jacobi sweeps of the weight diffusion (smooths ~13 cm at 4 cm)
  float near = 0.015f, far = 0.05f;  // surface-to-grid weight blend distances, metres
};

struct Subject {
  TriMesh<float> canonical;
  TriMesh<float> posed;
  WeightMatrix weights;
  std::vector<int> labels;
};

namespace detail {

template <class Memory>
Kokkos::View<float* [3], Kokkos::LayoutRight, Memory> upload_rows(const RowMatrix3<float>& rows, const char* label) {
  Kokkos::View<float* [3], Kokkos::LayoutRight, Memory> out(std::string(label), std::size_t(rows.rows()));
  const Kokkos::View<const float* [3], Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>
      host(rows.data(), std::size_t(rows.rows()));
  Kokkos::deep_copy(out, host);
  return out;
}

template <class View>
RowMatrix3<float> download_rows(const View& view) {
  RowMatrix3<float> rows(Eigen::Index(view.extent(0)), 3);
  const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, view);
  for (Eigen::Index i = 0; i < rows.rows(); ++i)
    for (int d = 0; d < 3; ++d) rows(i, d) = host(i, d);
  return rows;
}

}  // namespace detail

template <class ExecSpace>
Subject make_subject(const ExecSpace& space, const TriMesh<float>& body, const WeightMatrix& weights,
                     const RowMatrix3<float>& joints, const Outfit& outfit, const Pose& pose,
                     const SubjectOptions& options = {}) {
  using Memory = typename ExecSpace::memory_space;
  const BodyRegions regions(body, weights, joints);
  const ClothedField<Memory, ExecSpace> field(body, regions, outfit);
  AABBf box = bounding_box(body);
  box.min() -= Vec3f::Constant(options.margin);
  box.max() += Vec3f::Constant(options.margin);
  Subject s;
  s.canonical = extract_surface(space, field, fitted_grid(box, options.resolution), field.lipschitz_bound());
  if (s.canonical.face_count() == 0) throw Error("make_subject", "the dressed surface is empty");
  const std::size_t n = std::size_t(s.canonical.vertex_count());
  const auto vertices = detail::upload_rows<Memory>(s.canonical.vertices, "hifa::synth::vertices");

  const Kokkos::View<int*, Memory> labels("hifa::synth::labels", n);
  field.outermost(vertices, labels);
  const auto labels_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, labels);
  s.labels.assign(labels_host.data(), labels_host.data() + n);
  s.canonical.colors = vertex_colors(s.canonical, s.labels, outfit);

  // Weights: nearest body point near the skin, the diffused field away from it (see the top).
  const SurfaceWeights<Memory> surface(space, body, weights);
  Vec3i nodes;
  for (int d = 0; d < 3; ++d) nodes[d] = std::max(2, int(std::ceil(box.sizes()[d] / options.weight_spacing)) + 1);
  DiffuseWeightsOptions diffusion;
  diffusion.iterations = options.weight_iterations;
  const auto grid_weights = diffuse_weights(space, surface, GridSpec<float>{box, nodes}, diffusion);
  const int k_count = smpl_joint_count;
  const SkinningWeights<Memory> near_w("hifa::synth::surface_weights", n, k_count);
  const SkinningWeights<Memory> far_w("hifa::synth::grid_weights", n, k_count);
  const Kokkos::View<float*, Memory> distance("hifa::synth::body_distance", n);
  surface.query(space, vertices, near_w, distance);
  grid_weights.query(space, vertices, far_w);
  const float near = options.near, far = options.far;
  Kokkos::parallel_for(
      "hifa::synth::blend_weights", Kokkos::RangePolicy<ExecSpace>(space, 0, int(n)), KOKKOS_LAMBDA(const int i) {
        const float t = hifa::detail::clamp((distance(i) - near) / (far - near), 0.0f, 1.0f);
        const float s = t * t * (3.0f - 2.0f * t);
        for (int k = 0; k < k_count; ++k) near_w(i, k) = (1.0f - s) * near_w(i, k) + s * far_w(i, k);
      });
  space.fence();
  s.weights.resize(Eigen::Index(n), k_count);
  const auto w_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, near_w);
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < k_count; ++k) s.weights(Eigen::Index(i), k) = w_host(i, k);

  // Pose by forward kinematics and LBS of points and normals.
  const auto skeleton = smpl_skeleton(joints);
  const auto fk = forward_kinematics_axis_angle(skeleton, std::span<const float>(pose.axis_angle), pose.translation);
  const LbsWarper<Memory> warp{upload_transforms<Memory>(space, fk.skinning), near_w};
  const Kokkos::View<float* [3], Kokkos::LayoutRight, Memory> posed("hifa::synth::posed", n);
  warp.forward_points(space, vertices, posed);
  s.posed = s.canonical;
  if (s.canonical.has_normals()) {
    const auto normals = detail::upload_rows<Memory>(s.canonical.normals, "hifa::synth::normals");
    const Kokkos::View<float* [3], Kokkos::LayoutRight, Memory> posed_normals("hifa::synth::posed_normals", n);
    warp.forward_normals(space, normals, posed_normals);
    space.fence();
    s.posed.normals = detail::download_rows(posed_normals);
  }
  space.fence();
  s.posed.vertices = detail::download_rows(posed);
  return s;
}

}  // namespace hifa::synth
