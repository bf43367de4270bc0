// Marching cubes over a dense grid on the default host execution space (threads: OMP_NUM_THREADS).
// Counters: faces and vertices of the result, cells/s = (n - 1)^3 cells per second.
#include "hifa/grid/marching_cubes.hpp"

#include "support/grid_fields.hpp"

#include <benchmark/benchmark.h>

namespace {

void marching_cubes(benchmark::State& state, hifa::bench::Surface surface) {
  const int n = int(state.range(0));
  const auto grid = hifa::bench::unit_grid(n);
  const auto values = hifa::bench::sample(grid, surface);
  const Kokkos::DefaultHostExecutionSpace space;
  hifa::TriMeshf mesh;
  for (auto _ : state) {
    mesh = hifa::marching_cubes(space, values, grid);
    benchmark::DoNotOptimize(mesh.faces.data());
  }
  state.counters["faces"] = double(mesh.face_count());
  state.counters["vertices"] = double(mesh.vertex_count());
  state.counters["cells/s"] =
      benchmark::Counter(double(n - 1) * (n - 1) * (n - 1), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK_CAPTURE(marching_cubes, sphere, hifa::bench::Surface::sphere)
    ->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(marching_cubes, rough, hifa::bench::Surface::rough)
    ->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();
