// Linear blend skinning (hifa/skinning/lbs.hpp) on the default host execution space (threads:
// OMP_NUM_THREADS): forward points, forward normals, inverse points and canonical normals of
// 100k points x 24 joints; items/s = points/s. Pose: tests/support/random_pose.hpp (seed 5, joints
// turned by up to 0.8 rad). Weights: arg 0 = sparse (1-4 non-zero joints per point, like SMPL's
// per-vertex weights), 1 = dense (all 24 non-zero). LbsWarper does the same work on both;
// sparse_lbs_* (SparseLbsWarper) reads only the non-zero pairs, so dense rows are its worst case. Nearest-surface weights (SurfaceWeights::query) and the diffused field's queries on
// 100k points around a ~20k-face limb-like capsule, and diffuse_weights' build at 48^3.
// Peers (numpy einsum, torch) on the same inputs: bench/peers/lbs_vs_numpy_torch.sh.
#include "hifa/skinning/lbs.hpp"

#include "hifa/core/rng.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/skinning/weights.hpp"
#include "support/random_pose.hpp"

#include <benchmark/benchmark.h>

#include <vector>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;
using Memory = Space::memory_space;
using Points = Kokkos::View<float* [3], Kokkos::LayoutRight, Memory>;
constexpr int point_count = 100000;
constexpr int joints = 24;

Points random_points(int n, float lo, float hi) {
  const hifa::CounterRng rng{11};
  Points p("bench_skinning::points", n);
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d) p(i, d) = lo + (hi - lo) * rng.uniform(d, i);
  return p;
}

hifa::SkinningWeights<Memory> weights(bool dense) {
  const hifa::CounterRng rng{12};
  hifa::SkinningWeights<Memory> w("bench_skinning::weights", point_count, joints);
  for (int i = 0; i < point_count; ++i) {
    float sum = 0;
    if (dense) {
      for (int k = 0; k < joints; ++k) sum += (w(i, k) = 0.01f + rng.uniform(3 + k, i));
    } else {
      const int nonzero = 1 + int(rng.below(4, 3, i));
      for (int j = 0; j < nonzero; ++j) {
        const float v = 0.05f + rng.uniform(10 + j, i);
        w(i, int(rng.below(joints, 4 + j, i))) += v;
        sum += v;
      }
    }
    for (int k = 0; k < joints; ++k) w(i, k) /= sum;
  }
  return w;
}

enum class Op { forward, forward_normals, inverse, canonical_normals };

// sparse: SparseLbsWarper over sparsify_weights of the same weights (converted before timing).
template <Op op, bool sparse = false>
void lbs(benchmark::State& state) {
  const Space space;
  const auto a = hifa::upload_transforms<Memory>(space, hifa::test::random_smpl_pose(5, 0.8f).skinning);
  const auto w = weights(state.range(0) == 1);
  const auto warp = [&] {
    if constexpr (sparse) return hifa::SparseLbsWarper<Memory>{a, hifa::sparsify_weights(space, w)};
    else return hifa::LbsWarper<Memory>{a, w};
  }();
  const Points in = random_points(point_count, -1, 1), out("bench_skinning::out", point_count);
  for (auto _ : state) {
    if constexpr (op == Op::forward) warp.forward_points(space, in, out);
    if constexpr (op == Op::forward_normals) warp.forward_normals(space, in, out);
    if constexpr (op == Op::inverse) warp.inverse_points(space, in, out);
    if constexpr (op == Op::canonical_normals) warp.canonical_normals(space, in, out);
    space.fence();
  }
  state.SetItemsProcessed(state.iterations() * point_count);
  state.SetLabel(state.range(0) == 1 ? "dense weights" : "sparse weights");
}

// A limb-like capsule with weights blending between two joints along its axis.
const hifa::SurfaceWeights<Memory>& limb() {
  static const hifa::SurfaceWeights<Memory> surface = [] {
    const Space space;
    const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(hifa::Vec3f(-1, -1, -1), hifa::Vec3f(1, 1, 1)), 80);
    const hifa::Capsule<float> capsule{hifa::Vec3f(0, -0.6f, 0), hifa::Vec3f(0, 0.6f, 0), 0.25f};
    const auto mesh = hifa::marching_cubes(space, hifa::evaluate_grid(space, capsule, grid), grid);
    hifa::WeightMatrix w(mesh.vertex_count(), joints);
    w.setZero();
    for (Eigen::Index i = 0; i < mesh.vertex_count(); ++i) {
      const float u = std::clamp((mesh.vertices(i, 1) + 0.85f) / 1.7f, 0.0f, 1.0f);
      w(i, 0) = 1 - u;
      w(i, 1) = u;
    }
    return hifa::SurfaceWeights<Memory>(space, mesh, w);
  }();
  return surface;
}

void surface_weights(benchmark::State& state) {
  const Space space;
  const auto& surface = limb();
  const Points points = random_points(point_count, -1, 1);
  const hifa::SkinningWeights<Memory> out("bench_skinning::weights_out", point_count, joints);
  for (auto _ : state) {
    surface.query(space, points, out);
    space.fence();
  }
  state.SetItemsProcessed(state.iterations() * point_count);
}

void diffuse_weights_build(benchmark::State& state) {
  const Space space;
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(hifa::Vec3f(-1, -1, -1), hifa::Vec3f(1, 1, 1)), 48);
  for (auto _ : state) {
    const auto field = hifa::diffuse_weights(space, limb(), grid);
    space.fence();
    benchmark::DoNotOptimize(field.values.data());
  }
  state.counters["nodes"] = double(grid.point_count());
}

void weight_grid_query(benchmark::State& state) {
  const Space space;
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(hifa::Vec3f(-1, -1, -1), hifa::Vec3f(1, 1, 1)), 48);
  const auto field = hifa::diffuse_weights(space, limb(), grid);
  const Points points = random_points(point_count, -1, 1);
  const hifa::SkinningWeights<Memory> out("bench_skinning::weights_out", point_count, joints);
  for (auto _ : state) {
    field.query(space, points, out);
    space.fence();
  }
  state.SetItemsProcessed(state.iterations() * point_count);
}

}  // namespace

BENCHMARK(lbs<Op::forward>)->Name("lbs_forward_points")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(lbs<Op::forward_normals>)->Name("lbs_forward_normals")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(lbs<Op::inverse>)->Name("lbs_inverse_points")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(lbs<Op::canonical_normals>)->Name("lbs_canonical_normals")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(lbs<Op::forward, true>)->Name("sparse_lbs_forward_points")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(lbs<Op::inverse, true>)->Name("sparse_lbs_inverse_points")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(surface_weights)->Unit(benchmark::kMillisecond);
BENCHMARK(diffuse_weights_build)->Unit(benchmark::kMillisecond);
BENCHMARK(weight_grid_query)->Unit(benchmark::kMillisecond);
