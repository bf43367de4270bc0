#pragma once
// Packed<T, R, C>: an R x C matrix stored as a plain array, convertible to and from Eigen's
// fixed-size Matrix. Fields keep their parameters in Packed members because Eigen's Matrix has
// user-provided copy operations (it is not std::is_trivially_copyable), while a field must be a
// trivially copyable value that Kokkos can copy bitwise into a kernel, on any backend.

#include <Eigen/Core>
#include <Kokkos_Macros.hpp>

namespace hifa::detail {

template <class T, int R, int C = 1>
struct Packed {
  using matrix = Eigen::Matrix<T, R, C>;

  T data[R * C];  // Eigen's default (column-major) order

  Packed() = default;
  // Implicit both ways, so aggregates of Packed members initialise from Eigen values.
  KOKKOS_FUNCTION Packed(const matrix& m) {  // NOLINT(google-explicit-constructor)
    for (int i = 0; i < R * C; ++i) data[i] = m.data()[i];
  }
  KOKKOS_FUNCTION operator matrix() const { return get(); }  // NOLINT(google-explicit-constructor)
  KOKKOS_FUNCTION matrix get() const { return Eigen::Map<const matrix>(data); }
};

}  // namespace hifa::detail
