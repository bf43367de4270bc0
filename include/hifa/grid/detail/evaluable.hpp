#pragma once
// Compile-time checks and constants shared by the grid evaluators (hifa/grid/evaluate.hpp,
// hifa/grid/coarse_to_fine.hpp).

#include "hifa/field/concepts.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <type_traits>

namespace hifa::detail {

// Checks shared by the evaluators, phrased as what the user has to provide.
template <class ExecSpace, class F>
constexpr void check_evaluable() {
  static_assert(Kokkos::is_execution_space<ExecSpace>::value,
                "hifa::evaluate: the first argument must be a Kokkos execution space instance");
  static_assert(AnyField<F>,
                "hifa::evaluate: the field must model hifa::ImplicitField (a `scalar` type and a const "
                "`value(Vec3<scalar>)`) or hifa::BatchField (`scalar`, `execution_space` and a const "
                "`evaluate(View<const scalar*[3]>, View<scalar*>)`)");
  if constexpr (BatchField<F> && !ImplicitField<F>) {
    static_assert(std::is_same_v<typename ExecSpace::memory_space, typename F::execution_space::memory_space>,
                  "hifa::evaluate: a BatchField reads points in its execution_space's memory space; "
                  "pass an execution space with that memory space");
  }
}

// Points per batch call of the dense path: 2^18 points (3 MiB of float coordinates) keeps the
// buffer small next to the grid while giving a network forward pass a useful batch.
inline constexpr std::size_t grid_batch_points = std::size_t(1) << 18;

}  // namespace hifa::detail
