#pragma once
// Dense evaluation of an implicit field: at every point of a grid, or at a View of points.
//
//   auto values = hifa::evaluate_grid(space, field, grid);    // GridValues<T, space's memory>
//   hifa::evaluate_points(space, field, points, values);      // points N x 3 -> values N
//
// Inputs: an execution space instance; a field modelling ImplicitField (pointwise, called inside
// a Kokkos kernel) or BatchField (called once per chunk of points); a validated GridSpec<T>.
// Outputs: values(i, j, k) = field.value(grid.point(i, j, k)), LayoutRight extents (nx, ny, nz),
// bitwise equal to calling value() on the host at the same points.
// A field that models both concepts is evaluated pointwise (no point buffers needed).
//
// Synchronisation: the pointwise path only enqueues work on `space` (fence it, or keep using the
// same instance, before reading the values). A BatchField's evaluate() takes no execution-space
// instance and returns when its values are ready, so the batched path fences `space` after
// generating each chunk of points and returns with the values complete.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/field/concepts.hpp"
#include "hifa/grid/detail/evaluable.hpp"
#include "hifa/grid/grid_spec.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstddef>
#include <string>

namespace hifa {

// values(q) = field at points(q, :) for q < N.
// points: rank-2 View (N x 3) and values: rank-1 View (N), both accessible from ExecSpace.
// Pointwise fields: one labelled parallel_for ("hifa::grid::evaluate_points"), asynchronous.
// Batch fields: one field.evaluate call (which completes before returning).
template <class ExecSpace, class F, class PointsView, class ValuesView>
void evaluate_points(const ExecSpace& space, const F& field, const PointsView& points, const ValuesView& values) {
  detail::check_evaluable<ExecSpace, F>();
  static_assert(Kokkos::is_view<PointsView>::value && PointsView::rank == 2,
                "hifa::evaluate_points: points must be a rank-2 Kokkos::View (N x 3)");
  static_assert(Kokkos::is_view<ValuesView>::value && ValuesView::rank == 1,
                "hifa::evaluate_points: values must be a rank-1 Kokkos::View (N)");
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename PointsView::memory_space>::accessible &&
                    Kokkos::SpaceAccessibility<ExecSpace, typename ValuesView::memory_space>::accessible,
                "hifa::evaluate_points: points and values must be accessible from the execution space");
  using T = typename F::scalar;
  if (points.extent(1) != 3) {
    throw Error("hifa::evaluate_points", "points must have 3 columns, got " + std::to_string(points.extent(1)));
  }
  if (values.extent(0) != points.extent(0)) {
    throw Error("hifa::evaluate_points", "values has " + std::to_string(values.extent(0)) + " entries for " +
                                             std::to_string(points.extent(0)) + " points");
  }
  if constexpr (ImplicitField<F>) {
    Kokkos::parallel_for(
        "hifa::grid::evaluate_points", Kokkos::RangePolicy<ExecSpace>(space, 0, points.extent(0)),
        KOKKOS_LAMBDA(const std::size_t q) {
          values(q) = field.value(Vec3<T>(points(q, 0), points(q, 1), points(q, 2)));
        });
  } else {
    using Memory = typename F::execution_space::memory_space;
    field.evaluate(Kokkos::View<const T* [3], Memory>(points), Kokkos::View<T*, Memory>(values));
  }
}

// Every point of `grid` (validated: throws hifa::Error naming "grid" when unusable).
// Output: GridValues<T, ExecSpace::memory_space> labelled "hifa::grid::values".
template <class ExecSpace, class F>
GridValues<typename F::scalar, typename ExecSpace::memory_space> evaluate_grid(
    const ExecSpace& space, const F& field, const GridSpec<typename F::scalar>& grid) {
  detail::check_evaluable<ExecSpace, F>();
  using T = typename F::scalar;
  using Memory = typename ExecSpace::memory_space;
  grid.validate("grid");
  const int nx = grid.resolution.x(), ny = grid.resolution.y(), nz = grid.resolution.z();
  GridValues<T, Memory> values(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::grid::values"), nx, ny,
                               nz);
  if constexpr (ImplicitField<F>) {
    Kokkos::parallel_for(
        "hifa::grid::evaluate",
        Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(space, {0, 0, 0}, {nx, ny, nz}),
        KOKKOS_LAMBDA(const int i, const int j, const int k) { values(i, j, k) = field.value(grid.point(i, j, k)); });
  } else {
    // Chunks of consecutive points in storage order: chunk values are a contiguous slice of the grid.
    const std::size_t total = grid.point_count();
    const std::size_t capacity = std::min(total, detail::grid_batch_points);
    Kokkos::View<T* [3], Memory> points(
        Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::grid::evaluate::points"), capacity);
    const std::size_t plane = std::size_t(ny) * std::size_t(nz);
    for (std::size_t begin = 0; begin < total; begin += capacity) {
      const std::size_t count = std::min(capacity, total - begin);
      Kokkos::parallel_for(
          "hifa::grid::evaluate::generate_points", Kokkos::RangePolicy<ExecSpace>(space, 0, count),
          KOKKOS_LAMBDA(const std::size_t q) {
            const std::size_t linear = begin + q;
            const Vec3<T> p = grid.point(int(linear / plane), int(linear / std::size_t(nz) % std::size_t(ny)),
                                         int(linear % std::size_t(nz)));
            points(q, 0) = p.x();
            points(q, 1) = p.y();
            points(q, 2) = p.z();
          });
      space.fence();  // evaluate() below runs on the field's own instance
      evaluate_points(space, field, Kokkos::View<const T* [3], Memory>(points.data(), count),
                      Kokkos::View<T*, Memory>(values.data() + begin, count));
    }
  }
  return values;
}

// The same on a default instance: the field's execution_space for a BatchField, else
// Kokkos::DefaultExecutionSpace.
template <class F>
auto evaluate_grid(const F& field, const GridSpec<typename F::scalar>& grid) {
  if constexpr (BatchField<F> && !ImplicitField<F>) {
    return evaluate_grid(typename F::execution_space{}, field, grid);
  } else {
    return evaluate_grid(Kokkos::DefaultExecutionSpace{}, field, grid);
  }
}

}  // namespace hifa
