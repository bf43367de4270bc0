#pragma once
// Uniform samples in an axis-aligned box: PIFu's "uniform points in the bounding volume".
//
//   hifa::BoxSampler<float> uniform{hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1))};
//   auto s = uniform.sample(Kokkos::DefaultHostExecutionSpace{}, 500, seed);
//
// Inputs:  a non-empty AABB<T> with finite corners (a flat box, min == max along an axis, is allowed).
// Outputs: PointSamples<T> with points only, in [min, max]: min + u * (max - min) (in double, then
//          rounded to T), u uniform in [0, 1)^3 from counter (stream 0, index i) of CounterRng{seed}:
//          same bytes for any thread count.
// Errors:  hifa::Error naming "BoxSampler" for an empty box or a non-finite corner.

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/core/types.hpp"
#include "hifa/sampling/concepts.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>

namespace hifa {

template <class T = float>
class BoxSampler {
 public:
  using scalar = T;

  explicit BoxSampler(const AABB<T>& box) : box_(box) {
    if (box.isEmpty() || !box.min().allFinite() || !box.max().allFinite()) {
      throw Error("BoxSampler", "the box must be non-empty with finite corners");
    }
  }

  const AABB<T>& box() const { return box_; }

  template <class Space>
  PointSamples<T> sample(const Space& space, std::size_t count, std::uint64_t seed) const {
    static_assert(Kokkos::SpaceAccessibility<Space, Kokkos::HostSpace>::accessible,
                  "hifa::BoxSampler: the execution space must run on the host");
    detail::check_count(count, "BoxSampler");
    PointSamples<T> out;
    out.points.resize(Eigen::Index(count), 3);
    const auto points = detail::host_rows(out.points);
    const CounterRng rng{seed};
    const Vec3d low = box_.min().template cast<double>();
    const Vec3d size = box_.sizes().template cast<double>();
    Kokkos::parallel_for(
        "hifa::sampling::box", Kokkos::RangePolicy<Space>(space, 0, count), [=](const std::size_t i) {
          const RandomBits b = rng.bits(0, i);
          for (int c = 0; c < 3; ++c) points(i, c) = T(low[c] + detail::unit_double(b.v[c]) * size[c]);
        });
    space.fence();
    return out;
  }

 private:
  AABB<T> box_;
};

}  // namespace hifa
