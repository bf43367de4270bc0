#pragma once
// CountingBatchField<F, ExecSpace>: a pointwise field seen through the BatchField interface only
// (no value()), counting its evaluate() calls and points, so tests can check the batched paths.

#include "hifa/field/concepts.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <memory>

namespace hifa::test {

struct BatchCounts {
  std::size_t calls = 0;
  std::size_t points = 0;
};

template <ImplicitField F, class ExecSpace>
struct CountingBatchField {
  using scalar = typename F::scalar;
  using execution_space = ExecSpace;
  using memory_space = typename ExecSpace::memory_space;

  F field;
  std::shared_ptr<BatchCounts> counts = std::make_shared<BatchCounts>();

  void evaluate(Kokkos::View<const scalar* [3], memory_space> points,
                Kokkos::View<scalar*, memory_space> values) const {
    const F f = field;
    Kokkos::parallel_for(
        "hifa::test::batch_evaluate", Kokkos::RangePolicy<ExecSpace>(0, points.extent(0)),
        KOKKOS_LAMBDA(const std::size_t q) {
          values(q) = f.value(Vec3<scalar>(points(q, 0), points(q, 1), points(q, 2)));
        });
    ExecSpace().fence();  // the BatchField contract: values are ready on return
    ++counts->calls;
    counts->points += points.extent(0);
  }
};

}  // namespace hifa::test
