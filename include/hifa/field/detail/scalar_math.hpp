#pragma once
// Branch-free min/max/clamp for field code. std::fmin/fmax are out-of-line libm calls on x86-64
// (they must honour NaN rules) and std::min/max are not device functions; these inline to
// minss/maxss and run on every Kokkos backend.

#include <Kokkos_Macros.hpp>

namespace hifa::detail {

template <class T>
KOKKOS_FUNCTION constexpr T minimum(T a, T b) {
  return b < a ? b : a;
}
template <class T>
KOKKOS_FUNCTION constexpr T maximum(T a, T b) {
  return a < b ? b : a;
}
template <class T>
KOKKOS_FUNCTION constexpr T clamp(T x, T lo, T hi) {
  return minimum(maximum(x, lo), hi);
}

}  // namespace hifa::detail
