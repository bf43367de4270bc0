#pragma once
// Grids for the marching-cubes benchmarks (bench_marching_cubes, peers/mc_peer), filled in parallel
// on the host. Both are signed distances (negative inside) over [-1, 1]^3 with n points per axis:
//   sphere  radius 0.7: a smooth surface, about 4 pi (0.35 n)^2 crossed cells
//   rough   the same sphere with a few waves and per-point noise of half a cell: many more surface
//           cells, ambiguous faces and small loops, closer to a network's output than a sphere
#include "hifa/core/rng.hpp"
#include "hifa/grid/grid_spec.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdint>

namespace hifa::bench {

enum class Surface { sphere, rough };

inline GridSpec<float> unit_grid(int n) { return GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), n); }

inline GridValues<float> sample(const GridSpec<float>& grid, Surface surface) {
  const int n = grid.resolution.x();
  GridValues<float> values(Kokkos::view_alloc(Kokkos::WithoutInitializing, "bench::values"), n, n, n);
  const float noise = surface == Surface::rough ? 0.5f * grid.spacing().x() : 0.0f;
  const float waves = surface == Surface::rough ? 0.08f : 0.0f;
  const CounterRng rng{2024};
  Kokkos::parallel_for(
      "bench::sample", Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, n * n), KOKKOS_LAMBDA(int r) {
        const int i = r / n, j = r % n;
        for (int k = 0; k < n; ++k) {
          const Vec3f p = grid.point(i, j, k);
          const std::uint64_t index = std::uint64_t(r) * std::uint64_t(n) + std::uint64_t(k);
          values(i, j, k) = p.norm() - 0.7f +
                            waves * std::sin(9 * p.x()) * std::sin(11 * p.y()) * std::sin(13 * p.z()) +
                            noise * (rng.uniform(0, index) - 0.5f);
        }
      });
  Kokkos::fence();
  return values;
}

}  // namespace hifa::bench
