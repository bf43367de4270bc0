#pragma once
// The Kokkos execution spaces this build enabled, as a type list for TEMPLATE_LIST_TEST_CASE,
// so every kernel test runs on each backend (and Serial-vs-parallel results can be compared).

#include <Kokkos_Core.hpp>

#include <tuple>

namespace hifa::test {

using ExecutionSpaces = decltype(std::tuple_cat(
#ifdef KOKKOS_ENABLE_SERIAL
    std::tuple<Kokkos::Serial>{},
#endif
#ifdef KOKKOS_ENABLE_OPENMP
    std::tuple<Kokkos::OpenMP>{},
#endif
#ifdef KOKKOS_ENABLE_CUDA
    std::tuple<Kokkos::Cuda>{},
#endif
    std::tuple<>{}));

}  // namespace hifa::test
