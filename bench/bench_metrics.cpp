// Volumetric IoU occupancy (hifa/metrics/volumetric_iou.hpp) on the default host execution space
// (threads: OMP_NUM_THREADS), dense (one winding number per grid point: what
// evaluate_reconstruction did before the fast path) against fast (one per run of points no
// triangle separates), for one pair of ~100k-face meshes on the grid of their union:
//   gt    marching cubes of hifa::mannequin on a 300^3 grid over [-1, 1]^3
//   pred  marching cubes of the same mannequin on a 280^3 grid, moved by (0.01, -0.005, 0.008)
// Timed: the two meshes' occupancies (BVHs built before timing; the fast path's edge check included) and the
// IoU count. Argument: grid points per axis. Counters: faces of each mesh, queries (winding numbers,
// both meshes), iou (the same for both methods; the tests check the grids byte for byte).
#include "hifa/metrics/volumetric_iou.hpp"

#include "hifa/field/mannequin.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"

#include <benchmark/benchmark.h>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;
using Bvh = hifa::MeshBvh<Kokkos::HostSpace>;

hifa::TriMeshf mannequin_mesh(int n, const hifa::Vec3f& shift) {
  const Space space;
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(hifa::Vec3f(-1, -1, -1), hifa::Vec3f(1, 1, 1)), n);
  auto mesh = hifa::marching_cubes(space, hifa::evaluate_grid(space, hifa::mannequin<float>(), grid), grid);
  mesh.vertices.rowwise() += shift.transpose();
  return mesh;
}

// Meshes only: a static BVH would outlive Kokkos (its Views must go before Kokkos::finalize).
struct Pair {
  hifa::TriMeshf pred = mannequin_mesh(280, hifa::Vec3f(0.01f, -0.005f, 0.008f));
  hifa::TriMeshf gt = mannequin_mesh(300, hifa::Vec3f::Zero());
};

const Pair& pair() {
  static const Pair p;
  return p;
}

void iou_occupancy(benchmark::State& state, hifa::OccupancyMethod method) {
  const auto& p = pair();
  const Space space;
  const Bvh pred_bvh(space, p.pred), gt_bvh(space, p.gt);
  const auto grid = hifa::iou_grid(p.pred, p.gt, int(state.range(0)));
  double iou = 0;
  std::size_t queries = 0;
  for (auto _ : state) {
    const auto a = hifa::grid_occupancy(space, pred_bvh, p.pred, grid, Bvh::default_beta, method);
    const auto b = hifa::grid_occupancy(space, gt_bvh, p.gt, grid, Bvh::default_beta, method);
    iou = hifa::volumetric_iou(a.inside, b.inside);
    queries = a.queries + b.queries;
    benchmark::DoNotOptimize(iou);
  }
  state.counters["pred_faces"] = double(p.pred.face_count());
  state.counters["gt_faces"] = double(p.gt.face_count());
  state.counters["queries"] = double(queries);
  state.counters["iou"] = iou;
}

}  // namespace

BENCHMARK_CAPTURE(iou_occupancy, dense, hifa::OccupancyMethod::dense)->Arg(128)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(iou_occupancy, fast, hifa::OccupancyMethod::fast)->Arg(64)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond);
