#pragma once
// The kernels of hifa/grid/coarse_to_fine.hpp (see there for the algorithm): one refinement step
// (cell marking, point classification, interpolation) and the pointwise and batched ways of
// resolving a lattice.

#include "hifa/core/types.hpp"
#include "hifa/field/detail/packed.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace hifa::detail {

// One refinement step, from the lattice of step 2h to the lattice of step h (h = the coarse step
// on the first pass, when every lattice point is queried). Copied by value into the kernels.
template <class T, class MemorySpace>
struct RefinementStep {
  enum Kind : std::uint8_t { known, query, interpolate };

  GridSpec<T> grid;
  GridValues<T, MemorySpace> values;
  Kokkos::View<std::uint8_t***, Kokkos::LayoutRight, MemorySpace> active;  // cells of step 2h
  T level;
  T lipschitz;   // band = lipschitz * half the cell diagonal when lipschitz > 0,
  T value_band;  // else band = value_band (0 for a Lipschitz band with L = 0)
  Packed<T, 3> spacing;
  int n[3];
  int h = 0;
  bool first = true;
  int size[3];   // points of the h-lattice per axis
  int cells[3];  // cells of the (2h)-lattice per axis

  static int lattice_size(int n_axis, int step) { return (n_axis - 1 + step - 1) / step + 1; }

  // Host side: prepare for resolving the lattice of step `step`.
  void set_step(int step, bool is_first) {
    h = step;
    first = is_first;
    for (int axis = 0; axis < 3; ++axis) {
      size[axis] = lattice_size(n[axis], h);
      cells[axis] = lattice_size(n[axis], 2 * h) - 1;
    }
  }

  std::size_t point_count() const { return std::size_t(size[0]) * size[1] * size[2]; }
  KOKKOS_FUNCTION int grid_index(int axis, int a, int step) const {
    return a * step < n[axis] - 1 ? a * step : n[axis] - 1;
  }

  // Lattice coordinates of the h-lattice point number `linear` (row-major over the lattice).
  KOKKOS_FUNCTION void decode(std::size_t linear, int a[3]) const {
    a[2] = int(linear % std::size_t(size[2]));
    linear /= std::size_t(size[2]);
    a[1] = int(linear % std::size_t(size[1]));
    a[0] = int(linear / std::size_t(size[1]));
  }

  KOKKOS_FUNCTION T corner(const int lo[3], const int hi[3], int c) const {
    return values(c & 1 ? hi[0] : lo[0], c & 2 ? hi[1] : lo[1], c & 4 ? hi[2] : lo[2]);
  }

  // Whether the (2h)-cell with lower lattice corner c is active (see hifa/grid/coarse_to_fine.hpp).
  KOKKOS_FUNCTION bool cell_active(int c0, int c1, int c2) const {
    const int s = 2 * h;
    const int lo[3] = {grid_index(0, c0, s), grid_index(1, c1, s), grid_index(2, c2, s)};
    const int hi[3] = {grid_index(0, c0 + 1, s), grid_index(1, c1 + 1, s), grid_index(2, c2 + 1, s)};
    T vmin = corner(lo, hi, 0), vmax = vmin;
    for (int c = 1; c < 8; ++c) {
      const T v = corner(lo, hi, c);
      vmin = v < vmin ? v : vmin;
      vmax = v > vmax ? v : vmax;
    }
    if (vmin <= level && vmax >= level) return true;
    const T gap = vmin > level ? vmin - level : level - vmax;
    return gap <= band(lo, hi);
  }

  KOKKOS_FUNCTION T band(const int lo[3], const int hi[3]) const {
    if (!(lipschitz > T(0))) return value_band;
    const Vec3<T> extent(T(hi[0] - lo[0]) * spacing.data[0], T(hi[1] - lo[1]) * spacing.data[1],
                         T(hi[2] - lo[2]) * spacing.data[2]);
    return lipschitz * T(0.5) * extent.norm();
  }

  // What to do with h-lattice point a; fills its grid index g and, per axis, the parent interval
  // [lo, hi] of the (2h)-lattice it lies in (lo == hi on axes where it is on the 2h-lattice).
  KOKKOS_FUNCTION Kind classify(const int a[3], int g[3], int lo[3], int hi[3]) const {
    const int s = 2 * h;
    int cell_lo[3], cell_hi[3];
    bool is_new = false;
    for (int axis = 0; axis < 3; ++axis) {
      g[axis] = grid_index(axis, a[axis], h);
      const bool last = a[axis] == size[axis] - 1;
      if ((a[axis] & 1) && !last) {  // between two (2h)-lattice points: one parent cell
        is_new = true;
        cell_lo[axis] = cell_hi[axis] = a[axis] / 2;
        lo[axis] = grid_index(axis, a[axis] / 2, s);
        hi[axis] = grid_index(axis, a[axis] / 2 + 1, s);
      } else {  // on the (2h)-lattice: the cells on either side
        const int c = last ? cells[axis] : a[axis] / 2;
        cell_lo[axis] = c > 0 ? c - 1 : 0;
        cell_hi[axis] = c < cells[axis] ? c : cells[axis] - 1;
        lo[axis] = hi[axis] = g[axis];
      }
    }
    if (first) return query;
    if (!is_new) return known;
    for (int c0 = cell_lo[0]; c0 <= cell_hi[0]; ++c0)
      for (int c1 = cell_lo[1]; c1 <= cell_hi[1]; ++c1)
        for (int c2 = cell_lo[2]; c2 <= cell_hi[2]; ++c2)
          if (active(c0, c1, c2)) return query;
    return interpolate;
  }

  KOKKOS_FUNCTION static T lerp(T a, T b, T w) { return a + w * (b - a); }

  // Trilinear interpolation of the parent corners at g, clamped to their range. On axes where g is
  // on the (2h)-lattice lo == hi and t = 0, so the formula reduces to the face/edge interpolation.
  KOKKOS_FUNCTION T interpolated(const int g[3], const int lo[3], const int hi[3]) const {
    T t[3];
    for (int axis = 0; axis < 3; ++axis) {
      t[axis] = hi[axis] > lo[axis] ? T(g[axis] - lo[axis]) / T(hi[axis] - lo[axis]) : T(0);
    }
    T v[8];
    for (int c = 0; c < 8; ++c) v[c] = corner(lo, hi, c);
    T vmin = v[0], vmax = v[0];
    for (int c = 1; c < 8; ++c) {
      vmin = v[c] < vmin ? v[c] : vmin;
      vmax = v[c] > vmax ? v[c] : vmax;
    }
    const T sum = lerp(lerp(lerp(v[0], v[1], t[0]), lerp(v[2], v[3], t[0]), t[1]),
                       lerp(lerp(v[4], v[5], t[0]), lerp(v[6], v[7], t[0]), t[1]), t[2]);
    return sum < vmin ? vmin : (sum > vmax ? vmax : sum);
  }

  // Resolves lattice point a when the field is pointwise; returns 1 for a query, else 0.
  template <class F>
  KOKKOS_FUNCTION std::size_t resolve(const F& field, const int a[3]) const {
    int g[3], lo[3], hi[3];
    const Kind kind = classify(a, g, lo, hi);
    if (kind == query) values(g[0], g[1], g[2]) = field.value(grid.point(g[0], g[1], g[2]));
    if (kind == interpolate) values(g[0], g[1], g[2]) = interpolated(g, lo, hi);
    return kind == query ? 1 : 0;
  }
};

// Work buffers of the batched path, grown on demand and reused across levels.
template <class T, class MemorySpace>
struct QueryBuffers {
  Kokkos::View<T* [3], MemorySpace> points;
  Kokkos::View<T*, MemorySpace> values;
  Kokkos::View<std::size_t*, MemorySpace> targets;  // linear grid index of each query

  template <class ExecSpace>
  void reserve(const ExecSpace& space, std::size_t count) {
    if (points.extent(0) >= count) return;
    const auto alloc = [&](const std::string& label) {
      return Kokkos::view_alloc(space, Kokkos::WithoutInitializing, label);
    };
    points = decltype(points)(alloc("hifa::grid::coarse_to_fine::points"), count);
    values = decltype(values)(alloc("hifa::grid::coarse_to_fine::values"), count);
    targets = decltype(targets)(alloc("hifa::grid::coarse_to_fine::targets"), count);
  }
};

// Resolves every point of one lattice: queries pointwise in the kernel, interpolates the rest.
template <class ExecSpace, class F, class T, class MemorySpace>
std::size_t resolve_pointwise(const ExecSpace& space, const F& field, const RefinementStep<T, MemorySpace>& step) {
  std::size_t queries = 0;
  Kokkos::parallel_reduce(
      "hifa::grid::coarse_to_fine::resolve",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(space, {0, 0, 0}, {step.size[0], step.size[1], step.size[2]}),
      KOKKOS_LAMBDA(const int a0, const int a1, const int a2, std::size_t& count) {
        const int a[3] = {a0, a1, a2};
        count += step.resolve(field, a);
      },
      queries);
  return queries;
}

// Resolves every point of one lattice with one batch call: count, gather by a scan (which also
// interpolates), evaluate, scatter.
template <class ExecSpace, class F, class T, class MemorySpace>
std::size_t resolve_batched(const ExecSpace& space, const F& field, const RefinementStep<T, MemorySpace>& step,
                            QueryBuffers<T, MemorySpace>& buffers) {
  using Policy = Kokkos::RangePolicy<ExecSpace>;
  const Policy lattice(space, 0, step.point_count());
  std::size_t queries = 0;
  Kokkos::parallel_reduce(
      "hifa::grid::coarse_to_fine::count", lattice,
      KOKKOS_LAMBDA(const std::size_t linear, std::size_t& count) {
        int a[3], g[3], lo[3], hi[3];
        step.decode(linear, a);
        if (step.classify(a, g, lo, hi) == step.query) ++count;
      },
      queries);
  buffers.reserve(space, queries);
  const auto points = buffers.points;
  const auto targets = buffers.targets;
  Kokkos::parallel_scan(
      "hifa::grid::coarse_to_fine::gather", lattice,
      KOKKOS_LAMBDA(const std::size_t linear, std::size_t& offset, const bool final) {
        int a[3], g[3], lo[3], hi[3];
        step.decode(linear, a);
        const auto kind = step.classify(a, g, lo, hi);
        if (kind == step.query) {
          if (final) {
            const Vec3<T> p = step.grid.point(g[0], g[1], g[2]);
            for (int axis = 0; axis < 3; ++axis) points(offset, axis) = p[axis];
            targets(offset) = (std::size_t(g[0]) * step.n[1] + g[1]) * step.n[2] + g[2];
          }
          ++offset;
        } else if (kind == step.interpolate && final) {
          step.values(g[0], g[1], g[2]) = step.interpolated(g, lo, hi);
        }
      });
  if (queries == 0) return 0;
  space.fence();  // the batch call below runs on the field's own instance
  evaluate_points(space, field, Kokkos::View<const T* [3], MemorySpace>(points.data(), queries),
                  Kokkos::View<T*, MemorySpace>(buffers.values.data(), queries));
  const auto batch_values = buffers.values;
  T* const grid_values = step.values.data();  // LayoutRight: linear index = (i * ny + j) * nz + k
  Kokkos::parallel_for(
      "hifa::grid::coarse_to_fine::scatter", Policy(space, 0, queries),
      KOKKOS_LAMBDA(const std::size_t q) { grid_values[targets(q)] = batch_values(q); });
  return queries;
}

}  // namespace hifa::detail
