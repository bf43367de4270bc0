// Dense vs coarse-to-fine grid evaluation of a body-like composite SDF (14 parts, smooth unions)
// in the image cube [-1,1]³. Counters: queries (field evaluations per grid), queries_saved_ratio
// (1 - queries / grid points), items_per_second (grid points resolved per second).
// Threads: OMP_NUM_THREADS.
#include "hifa/grid/coarse_to_fine.hpp"
#include "hifa/grid/evaluate.hpp"

#include "hifa/field/mannequin.hpp"

#include <benchmark/benchmark.h>

namespace {

hifa::GridSpec<float> cube_grid(int n) {
  return hifa::GridSpec<float>::cube(hifa::AABBf(hifa::Vec3f(-1, -1, -1), hifa::Vec3f(1, 1, 1)), n);
}

void report(benchmark::State& state, const hifa::GridSpec<float>& grid, std::size_t queries) {
  const double points = double(grid.point_count());
  state.counters["queries"] = double(queries);
  state.counters["queries_saved_ratio"] = 1.0 - double(queries) / points;
  state.SetItemsProcessed(state.iterations() * std::int64_t(grid.point_count()));
}

void dense(benchmark::State& state) {
  const auto grid = cube_grid(int(state.range(0)));
  const auto figure = hifa::mannequin<float>();
  const Kokkos::DefaultExecutionSpace space;
  for (auto _ : state) {
    const auto values = hifa::evaluate_grid(space, figure, grid);
    space.fence();
    benchmark::DoNotOptimize(values.data());
  }
  report(state, grid, grid.point_count());
}

void coarse_to_fine(benchmark::State& state) {
  const auto grid = cube_grid(int(state.range(0)));
  const auto figure = hifa::mannequin<float>();
  const Kokkos::DefaultExecutionSpace space;
  std::size_t queries = 0;
  for (auto _ : state) {
    const auto result = hifa::evaluate_coarse_to_fine(space, figure, grid, hifa::CoarseToFineOptions<float>::sdf(8));
    queries = result.queries;
    benchmark::DoNotOptimize(result.values.data());
  }
  report(state, grid, queries);
}

}  // namespace

BENCHMARK(dense)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(coarse_to_fine)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();
