#pragma once
// Surface-reconstruction metrics between a predicted and a ground-truth mesh, as reported by
// PIFu / PIFuHD / ICON: point-to-surface distance, Chamfer distance, normal consistency, F-score
// and volumetric IoU; and the side view's silhouette IoU.
//
//   hifa::MetricOptions options;                      // 10000 samples, seed 0, tau 0.01, IoU 128^3
//   auto m = hifa::evaluate_reconstruction(pred, gt, options);
//   m.p2s, m.chamfer, m.normal_consistency, m.fscore, m.iou, m.side_iou
//
// Inputs:  pred, gt  TriMesh<float>, each with at least one face of non-zero area, faces outward-
//                    oriented for a meaningful normal consistency and IoU (any units, the same for both)
//          options   samples per mesh, seed, F-score threshold tau (mesh units), IoU grid
//                    resolution (points per axis), winding-number beta for the occupancies, the
//                    occupancy method (fast or dense: the same IoU, dense is the brute-force check)
// Outputs: ReconstructionMetrics, distances in the meshes' units:
//   p2s                 mean over `samples` area-uniform samples x on pred of d(x, gt): the PIFuHD
//                       protocol (prediction -> ground truth). ICON reports the other direction
//                       (ground-truth scan samples -> prediction) under the same name; that value is
//                       `gt_to_pred` here.
//   pred_to_gt          = p2s; gt_to_pred: mean over samples y on gt of d(y, pred)
//   chamfer             (pred_to_gt + gt_to_pred) / 2, the symmetric mean of the two directed means
//   normal_consistency  oriented cosine, in [-1, 1]: for each sample, the dot product of its unit
//                       normal (interpolated vertex normal, else face normal; SurfaceSampler) with
//                       the face normal of the other mesh's closest face; mean over both directions,
//                       averaged like Chamfer. Flipped orientation gives ~ -1 (not folded with |cos|).
//                       This is the 3D normal consistency; PIFu/PIFuHD's "normal error" compares
//                       normal renders from fixed views (ICON sums over views) and is not this number.
//   precision, recall   fraction of pred samples within tau of gt / of gt samples within tau of pred
//   fscore              2 precision recall / (precision + recall), 0 when both are 0
//   iou                 |inside(pred) and inside(gt)| / |inside(pred) or inside(gt)| over a grid of
//                       iou_resolution^3 points spanning the union of the two bounding boxes
//                       (inside = generalized winding number >= 0.5, MeshBvh::occupancies); NaN when
//                       neither mesh encloses a grid point. Computed by hifa/metrics/volumetric_iou.hpp:
//                       options.iou_method fast (default) queries one point per run of grid points
//                       that no triangle separates and gives dense evaluation's occupancy exactly
//                       (a mesh with boundary edges is evaluated densely; see there)
//   side_iou            silhouette IoU seen from the side, 90 degrees of yaw from the input camera
//                       (the meshes' frame: y up, camera along -z; hifa/metrics/silhouette_iou.hpp) at
//                       side_resolution^2 pixels: a reconstruction that is right from the front but
//                       has the wrong depth (a solid of revolution) scores low here; NaN when neither
//                       silhouette covers a pixel
// Deterministic: the same meshes, options and seed give the same bytes on any thread count
// (pred is sampled with `seed`, gt with `seed + 1`; BVH queries are deterministic).
// Errors:  hifa::Error naming "evaluate_reconstruction": samples 0, iou_resolution < 2, tau not
//          positive and finite; naming "pred" / "gt": an empty mesh or one with zero area (from
//          SurfaceSampler / MeshBvh, prefixed with which mesh).
// Cost:    two BVH builds O(F), 2 x samples closest-point queries, and the IoU's winding numbers:
//          dense 2 x iou_resolution^3 (128^3: ~2M points per mesh, ~4 s on 2 threads for two ~20k-
//          face spheres); fast about one per grid line plus a few per surface crossing
//          (bench/bench_metrics.cpp measures both); two rasterizations at side_resolution^2.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/metrics/silhouette_iou.hpp"
#include "hifa/metrics/volumetric_iou.hpp"
#include "hifa/sampling/surface.hpp"
#include "hifa/spatial/mesh_bvh.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>

namespace hifa {

// Parameters of evaluate_reconstruction (see the top of this file).
struct MetricOptions {
  std::size_t samples = 10000;        // surface samples drawn on each mesh
  std::uint64_t seed = 0;             // pred sampled with seed, gt with seed + 1
  double fscore_threshold = 0.01;     // tau, in the meshes' units (1 cm for metres)
  int iou_resolution = 128;           // grid points per axis for the volumetric IoU
  float beta = MeshBvh<Kokkos::HostSpace>::default_beta;  // winding-number accuracy for occupancy
  OccupancyMethod iou_method = OccupancyMethod::fast;      // dense gives the same IoU, slowly
  int side_resolution = 256;          // pixels per side of the side-view silhouettes
};

// Results of evaluate_reconstruction; distances in the meshes' units.
struct ReconstructionMetrics {
  double p2s = 0;                 // = pred_to_gt (PIFuHD's P2S)
  double pred_to_gt = 0;          // mean distance, pred samples -> gt surface
  double gt_to_pred = 0;          // mean distance, gt samples -> pred surface (ICON's P2S direction)
  double chamfer = 0;             // (pred_to_gt + gt_to_pred) / 2
  double normal_consistency = 0;  // mean oriented cosine, both directions averaged
  double precision = 0;           // pred samples within tau of gt
  double recall = 0;              // gt samples within tau of pred
  double fscore = 0;              // harmonic mean of precision and recall
  double iou = 0;                 // volumetric IoU on the grid, NaN when the union is empty
  double side_iou = 0;            // silhouette IoU from 90 degrees of yaw, NaN when both are empty
};

namespace detail {

// Mean distance, mean oriented cosine and fraction within tau, from samples of one mesh to another.
struct DirectedMetrics {
  double distance = 0;
  double cosine = 0;
  double within = 0;
};

inline DirectedMetrics directed_metrics(const PointSamples<float>& from, const TriMesh<float>& to_mesh,
                                        const MeshBvh<Kokkos::HostSpace>& to_bvh, double tau) {
  using Space = Kokkos::DefaultHostExecutionSpace;
  const Space space;
  const std::size_t n = std::size_t(from.size());
  const Kokkos::View<float* [3], Kokkos::HostSpace> points("hifa::metrics::points", n);
  for (std::size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) points(i, c) = from.points(Eigen::Index(i), c);
  }
  const auto out = ClosestPoints<Kokkos::HostSpace>::allocate(space, n);
  to_bvh.closest_points(space, points, out);
  space.fence();
  const RowMatrix3<float> normals = face_normals(to_mesh);
  DirectedMetrics sums;
  for (std::size_t i = 0; i < n; ++i) {  // sequential sums: the same bytes on any thread count
    const double d = out.distance(i);
    sums.distance += d;
    sums.within += d < tau ? 1.0 : 0.0;
    sums.cosine += double(from.normals.row(Eigen::Index(i)).dot(normals.row(out.face(i))));
  }
  return {sums.distance / double(n), sums.cosine / double(n), sums.within / double(n)};
}

// Builds a BVH or sampler for `mesh`, rethrowing its errors prefixed with `which` ("pred" / "gt").
template <class Make>
auto for_mesh(const char* which, Make&& make) {
  try {
    return make();
  } catch (const Error& e) {
    throw Error(which, e.what());
  }
}

}  // namespace detail

// The metrics of `pred` against `gt` (see the top of this file).
inline ReconstructionMetrics evaluate_reconstruction(const TriMesh<float>& pred, const TriMesh<float>& gt,
                                                     const MetricOptions& options = {}) {
  const char* const where = "evaluate_reconstruction";
  if (options.samples == 0) throw Error(where, "samples must be at least 1");
  if (options.iou_resolution < 2) {
    throw Error(where, "iou_resolution must be at least 2, got " + std::to_string(options.iou_resolution));
  }
  if (options.side_resolution < 1) {
    throw Error(where, "side_resolution must be at least 1, got " + std::to_string(options.side_resolution));
  }
  if (!(options.fscore_threshold > 0) || !std::isfinite(options.fscore_threshold)) {
    throw Error(where, "the F-score threshold must be positive and finite, got " +
                           std::to_string(options.fscore_threshold));
  }
  using Space = Kokkos::DefaultHostExecutionSpace;
  const Space space;
  const auto pred_samples = detail::for_mesh(
      "pred", [&] { return SurfaceSampler<float>(pred).sample(space, options.samples, options.seed); });
  const auto gt_samples = detail::for_mesh(
      "gt", [&] { return SurfaceSampler<float>(gt).sample(space, options.samples, options.seed + 1); });
  const auto pred_bvh = detail::for_mesh("pred", [&] { return MeshBvh<Kokkos::HostSpace>(space, pred); });
  const auto gt_bvh = detail::for_mesh("gt", [&] { return MeshBvh<Kokkos::HostSpace>(space, gt); });

  const auto forward = detail::directed_metrics(pred_samples, gt, gt_bvh, options.fscore_threshold);
  const auto backward = detail::directed_metrics(gt_samples, pred, pred_bvh, options.fscore_threshold);
  ReconstructionMetrics m;
  m.pred_to_gt = forward.distance;
  m.gt_to_pred = backward.distance;
  m.p2s = m.pred_to_gt;
  m.chamfer = (m.pred_to_gt + m.gt_to_pred) / 2;
  m.normal_consistency = (forward.cosine + backward.cosine) / 2;
  m.precision = forward.within;
  m.recall = backward.within;
  m.fscore = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;

  const auto grid = iou_grid(pred, gt, options.iou_resolution);
  const auto pred_inside = grid_occupancy(space, pred_bvh, pred, grid, options.beta, options.iou_method);
  const auto gt_inside = grid_occupancy(space, gt_bvh, gt, grid, options.beta, options.iou_method);
  m.iou = volumetric_iou(pred_inside.inside, gt_inside.inside);
  m.side_iou = silhouette_iou(space, pred, gt, std::numbers::pi_v<float> / 2, options.side_resolution);
  return m;
}

}  // namespace hifa
