#pragma once
// A regular lattice of sample points over an axis-aligned box.
//
//   GridSpec<float> grid{AABBf(Vec3f(-1,-1,-1), Vec3f(1,1,1)), Vec3i(257, 257, 257)};
//
// resolution: number of sample points per axis (>= 2), so there are resolution-1 cells per axis and
// point (i, j, k) = bounds.min() + (i, j, k) * spacing(), spacing = extent / (resolution - 1).
// Grid values are stored in a Kokkos::View<T***, LayoutRight> with extents (nx, ny, nz): k (z) is
// the fastest-varying index, i.e. C order of a numpy array of shape (nx, ny, nz).

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <string>

namespace hifa {

template <class T>
struct GridSpec {
  using scalar = T;

  AABB<T> bounds;
  Vec3i resolution;

  // A cube grid with n points per axis.
  static GridSpec cube(const AABB<T>& box, int n) { return GridSpec{box, Vec3i(n, n, n)}; }

  KOKKOS_FUNCTION Vec3<T> spacing() const {
    return Vec3<T>((bounds.max().x() - bounds.min().x()) / T(resolution.x() - 1),
                   (bounds.max().y() - bounds.min().y()) / T(resolution.y() - 1),
                   (bounds.max().z() - bounds.min().z()) / T(resolution.z() - 1));
  }

  KOKKOS_FUNCTION Vec3<T> point(int i, int j, int k) const {
    const Vec3<T> h = spacing();
    return Vec3<T>(bounds.min().x() + T(i) * h.x(), bounds.min().y() + T(j) * h.y(),
                   bounds.min().z() + T(k) * h.z());
  }

  std::size_t point_count() const {
    return std::size_t(resolution.x()) * std::size_t(resolution.y()) * std::size_t(resolution.z());
  }

  // Throws hifa::Error naming `where` when the grid cannot be used.
  void validate(const std::string& where = "grid") const {
    if ((resolution.array() < 2).any()) {
      throw Error(where, "resolution must be at least 2 points per axis, got " + std::to_string(resolution.x()) + "x" +
                             std::to_string(resolution.y()) + "x" + std::to_string(resolution.z()));
    }
    if (!(bounds.max().array() > bounds.min().array()).all() || !bounds.min().allFinite() ||
        !bounds.max().allFinite()) {
      throw Error(where, "bounds must be finite with max > min on every axis");
    }
  }
};

template <class T, class MemorySpace = Kokkos::HostSpace>
using GridValues = Kokkos::View<T***, Kokkos::LayoutRight, MemorySpace>;

}  // namespace hifa
