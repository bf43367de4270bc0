// hifa's side of bench/peers/chamfer_vs_scipy.py: makes two meshes and surface samples on each,
// writes the samples for the peer, and times hifa's P2S / Chamfer distances between the meshes.
//
//   chamfer_peer <out-folder> [samples = 10000] [runs = 3]
//
// Meshes: pred is a marching-cubes sphere of radius 0.7 (148³ grid over [-1, 1]³: ~100k faces); gt
// is the same mesh scaled by 1.02 and shifted by (0.01, 0.005, 0). N area-uniform samples are drawn
// on each with SurfaceSampler (pred with seed 0, gt with seed 1, as evaluate_reconstruction does).
// Writes <out-folder>/pred.raw and gt.raw (N x 3 float32, little-endian). Times what
// evaluate_reconstruction does for P2S and Chamfer (no IoU, no normals): a MeshBvh<HostSpace> build
// on each mesh and the closest points of the other mesh's samples, then the two directed means.
// Prints one JSON line: threads (OMP_NUM_THREADS), faces (of each mesh), samples, seconds (best of
// `runs`: both builds, both queries and the means), build_seconds (the two BVH builds alone, best of
// `runs`), p2s (pred -> gt, point-to-surface) and chamfer ((pred -> gt + gt -> pred) / 2).
#include "hifa/core/atomic_file.hpp"
#include "hifa/core/runtime.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/sampling/surface.hpp"
#include "hifa/spatial/mesh_bvh.hpp"

#include "../support/grid_fields.hpp"
#include "peer_tools.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;
using Points = Kokkos::View<float* [3], Kokkos::HostSpace>;

Points to_view(const hifa::PointSamples<float>& samples) {
  const std::size_t n = std::size_t(samples.size());
  Points points("chamfer_peer::points", n);
  for (std::size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) points(i, c) = samples.points(Eigen::Index(i), c);
  }
  return points;
}

// Mean distance from `from` to the mesh of `bvh`, summed sequentially like directed_metrics.
double directed_mean(const Space& space, const hifa::MeshBvh<Kokkos::HostSpace>& bvh, const Points& from) {
  const std::size_t n = from.extent(0);
  const auto out = hifa::ClosestPoints<Kokkos::HostSpace>::allocate(space, n);
  bvh.closest_points(space, from, out);
  space.fence();
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += out.distance(i);
  return sum / double(n);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: chamfer_peer <out-folder> [samples = 10000] [runs = 3]\n");
    return 2;
  }
  hifa::KokkosRuntime runtime;
  try {
    const std::filesystem::path out = argv[1];
    const int n = argc > 2 ? std::stoi(argv[2]) : 10000;
    const int runs = argc > 3 ? std::max(1, std::stoi(argv[3])) : 3;
    if (n < 1) throw hifa::Error("samples", "expected at least 1, got " + std::to_string(n));

    const auto grid = hifa::bench::unit_grid(148);
    const auto pred = hifa::marching_cubes(hifa::bench::sample(grid, hifa::bench::Surface::sphere), grid);
    auto gt = pred;
    for (Eigen::Index v = 0; v < gt.vertices.rows(); ++v) {
      gt.vertices.row(v) = gt.vertices.row(v) * 1.02f + Eigen::RowVector3f(0.01f, 0.005f, 0.0f);
    }

    const Space space;
    const Points pred_points = to_view(hifa::SurfaceSampler<float>(pred).sample(space, std::size_t(n), 0));
    const Points gt_points = to_view(hifa::SurfaceSampler<float>(gt).sample(space, std::size_t(n), 1));
    hifa::bench::write_raw(out / "pred.raw", pred_points);
    hifa::bench::write_raw(out / "gt.raw", gt_points);

    const double build_seconds = hifa::bench::best_seconds(runs, [&] {
      const hifa::MeshBvh<Kokkos::HostSpace> pred_bvh(space, pred);
      const hifa::MeshBvh<Kokkos::HostSpace> gt_bvh(space, gt);
    });
    double pred_to_gt = 0, gt_to_pred = 0;
    const double seconds = hifa::bench::best_seconds(runs, [&] {
      const hifa::MeshBvh<Kokkos::HostSpace> pred_bvh(space, pred);
      const hifa::MeshBvh<Kokkos::HostSpace> gt_bvh(space, gt);
      pred_to_gt = directed_mean(space, gt_bvh, pred_points);
      gt_to_pred = directed_mean(space, pred_bvh, gt_points);
    });
    std::printf("{\"threads\": %d, \"faces\": %ld, \"samples\": %d, \"seconds\": %.6f, "
                "\"build_seconds\": %.6f, \"p2s\": %.8f, \"chamfer\": %.8f}\n",
                hifa::KokkosRuntime::concurrency(), long(pred.face_count()), n, seconds, build_seconds,
                pred_to_gt, (pred_to_gt + gt_to_pred) / 2);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chamfer_peer: %s\n", e.what());
    return 1;
  }
  return 0;
}
