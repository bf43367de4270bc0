#pragma once
// Coarse-to-fine ("octree") evaluation of an implicit field on a grid, after PIFu's
// eval_grid_octree and PIFuHD's reconstruction (64³ start, 512³ grid): query the field on a
// coarse lattice, then halve the lattice step repeatedly; points of the finer lattice are queried
// only in cells near the level set and interpolated elsewhere.
//
//   auto r = hifa::evaluate_coarse_to_fine(space, field, grid, hifa::CoarseToFineOptions<float>::sdf());
//   r.values   // GridValues<T, memory>, extents (nx, ny, nz), ready for marching cubes at options.level
//   r.queries  // field evaluations made (grid.point_count() for dense evaluation)
//
// Lattices. The lattice of step h holds the grid indices {0, h, 2h, ...} ∪ {n-1} per axis (the last
// cell is clamped when h does not divide n-1). Going from step s = 2h to h, every point of the
// h-lattice that is not on the s-lattice is new, and lies in or on the s-cells around it.
//
// Which points are queried. An s-cell is *active* when its 8 corner values straddle the level
// (min <= level <= max) or a corner lies within the cell's band of it. A new point is queried when
// any s-cell containing it is active — each point once, however many cells share it — and is
// otherwise set by multilinear interpolation of the corners of the cell (face, edge) it lies in,
// clamped to the corners' range so it never crosses the level. The children of an inactive cell may
// still be active at the next step (through a point they share with an active neighbour) and then
// test interpolated corners: with the Lipschitz band the signs stay exact regardless; with the value
// band this is part of what makes it a heuristic.
//
// Band rules (CoarseToFineOptions::band):
//   lipschitz  band = L · half the cell diagonal (world units). For an L-Lipschitz field every point
//              of a cell is within half a diagonal of a corner, so an inactive cell cannot contain
//              the level: the signs equal dense evaluation's exactly. The default, with L = 1,
//              because SDFs are 1-Lipschitz (every field in hifa/field is; a network trained with
//              an eikonal term, as CAR's, is close to it: raise L where its gradient norm exceeds 1).
//   value      band = value_band in field units, the same for every cell: for occupancy, after
//              PIFuHD, which fills a cell whose corner values span less than 0.05 (here: fills a
//              cell whose corners neither straddle the level nor come within value_band of it).
//              A heuristic: a feature thinner than a coarse cell whose values never come near the
//              level at the corners is missed (as in PIFuHD).
// Unlike PIFu, a straddling cell is always refined, however small its value span.
//
// Cost: queries ≈ coarse lattice + points in active cells; cell tests read O(grid points) values.
// Deterministic: every value is a field value or an interpolation of field values, so results
// are bitwise identical for any thread count and backend order. Returns with the values complete
// (the query count needs the kernels to finish).

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/field/concepts.hpp"
#include "hifa/grid/detail/refinement.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace hifa {

enum class BandRule {
  lipschitz,  // |v - level| <= lipschitz * half cell diagonal: exact signs for Lipschitz fields
  value,      // |v - level| <= value_band: PIFuHD's occupancy heuristic
};

template <class T>
struct CoarseToFineOptions {
  T level = T(0);        // the iso-value the grid is refined around
  int coarse_step = 8;   // grid points between coarse samples: a power of two (1 = dense)
  BandRule band = BandRule::lipschitz;
  T lipschitz = T(1);    // L, for BandRule::lipschitz (field units per world unit)
  T value_band = T(0.05);  // for BandRule::value (field units)

  // An SDF: zero level, Lipschitz band with L = 1.
  static CoarseToFineOptions sdf(int coarse_step = 8) { return {T(0), coarse_step, BandRule::lipschitz, T(1), T(0)}; }
  // Occupancy in [0, 1]: level 0.5 and PIFuHD's value band 0.05.
  static CoarseToFineOptions occupancy(int coarse_step = 8, T value_band = T(0.05)) {
    return {T(0.5), coarse_step, BandRule::value, T(0), value_band};
  }

  // Throws hifa::Error naming the bad option.
  void validate() const {
    if (coarse_step < 1 || (coarse_step & (coarse_step - 1)) != 0) {
      throw Error("coarse_to_fine.coarse_step", "must be a power of two >= 1, got " + std::to_string(coarse_step));
    }
    if (band == BandRule::lipschitz && !(lipschitz >= T(0))) {
      throw Error("coarse_to_fine.lipschitz", "must be >= 0, got " + std::to_string(lipschitz));
    }
    if (band == BandRule::value && !(value_band >= T(0))) {
      throw Error("coarse_to_fine.value_band", "must be >= 0, got " + std::to_string(value_band));
    }
  }
};

template <class T, class MemorySpace>
struct CoarseToFineResult {
  GridValues<T, MemorySpace> values;
  std::size_t queries = 0;  // field evaluations (points) made
};

// Inputs: an execution space instance; a field modelling ImplicitField (queried pointwise inside
// kernels) or BatchField (one evaluate() call per lattice level, on the points gathered by a scan);
// a grid (validated); options (validated). Both throw hifa::Error naming what is wrong.
// Output: values at every grid point (field values at queried points, interpolations elsewhere)
// and the number of queries.
template <class ExecSpace, class F>
CoarseToFineResult<typename F::scalar, typename ExecSpace::memory_space> evaluate_coarse_to_fine(
    const ExecSpace& space, const F& field, const GridSpec<typename F::scalar>& grid,
    const CoarseToFineOptions<typename F::scalar>& options = CoarseToFineOptions<typename F::scalar>::sdf()) {
  detail::check_evaluable<ExecSpace, F>();
  using T = typename F::scalar;
  using Memory = typename ExecSpace::memory_space;
  grid.validate("grid");
  options.validate();

  detail::RefinementStep<T, Memory> step;
  step.grid = grid;
  step.level = options.level;
  step.lipschitz = options.band == BandRule::lipschitz ? options.lipschitz : T(0);
  step.value_band = options.band == BandRule::value ? options.value_band : T(0);
  step.spacing = grid.spacing();
  for (int axis = 0; axis < 3; ++axis) step.n[axis] = grid.resolution[axis];
  step.values = GridValues<T, Memory>(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::grid::values"),
                                      step.n[0], step.n[1], step.n[2]);
  // Flags for the cells of step 2 (the finest cells tested), reused by coarser levels.
  step.set_step(1, false);
  const Kokkos::View<std::uint8_t*, Memory> flags(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::grid::coarse_to_fine::active_cells"),
      options.coarse_step > 1 ? std::size_t(step.cells[0]) * step.cells[1] * step.cells[2] : 0);

  detail::QueryBuffers<T, Memory> buffers;
  std::size_t queries = 0;
  for (step.set_step(options.coarse_step, true);; step.set_step(step.h / 2, false)) {
    if (!step.first) {  // mark the cells of the lattice just completed
      step.active = decltype(step.active)(flags.data(), step.cells[0], step.cells[1], step.cells[2]);
      const auto marking = step;
      Kokkos::parallel_for(
          "hifa::grid::coarse_to_fine::mark_cells",
          Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(space, {0, 0, 0},
                                                            {step.cells[0], step.cells[1], step.cells[2]}),
          KOKKOS_LAMBDA(const int c0, const int c1, const int c2) {
            marking.active(c0, c1, c2) = marking.cell_active(c0, c1, c2) ? 1 : 0;
          });
    }
    if constexpr (ImplicitField<F>) {
      queries += detail::resolve_pointwise(space, field, step);
    } else {
      queries += detail::resolve_batched(space, field, step, buffers);
    }
    if (step.h == 1) break;
  }
  return {step.values, queries};
}

// The same on a default instance: the field's execution_space for a BatchField, else
// Kokkos::DefaultExecutionSpace.
template <class F>
auto evaluate_coarse_to_fine(const F& field, const GridSpec<typename F::scalar>& grid,
                             const CoarseToFineOptions<typename F::scalar>& options =
                                 CoarseToFineOptions<typename F::scalar>::sdf()) {
  if constexpr (BatchField<F> && !ImplicitField<F>) {
    return evaluate_coarse_to_fine(typename F::execution_space{}, field, grid, options);
  } else {
    return evaluate_coarse_to_fine(Kokkos::DefaultExecutionSpace{}, field, grid, options);
  }
}

}  // namespace hifa
