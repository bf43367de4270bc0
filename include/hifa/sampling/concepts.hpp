#pragma once
// Point samplers: what they return and the concept they model.
//
//   hifa::SurfaceSampler<float> surface{mesh};
//   auto s = surface.sample(Kokkos::DefaultHostExecutionSpace{}, 8000, seed);   // PointSamples<float>
//   s.points.row(i)     // sample i;  s.face_ids / barycentrics / normals / colors when produced
//
// PointSampler  s.sample(space, count, seed) -> PointSamples<scalar>, for space a
//               Kokkos::DefaultHostExecutionSpace instance (the primitive samplers accept any host
//               execution space). Seeded and reproducible: sample i is a pure function of (seed, i)
//               (hifa::CounterRng counters derived from i only), so the output is the same bytes for
//               any backend or thread count, and the same seed gives the same samples.
//
// PointSamples<T> (host, row-major Eigen; an attribute the strategy does not produce has 0 rows):
//   points        N x 3  positions, in the units of the mesh / box
//   face_ids      N      face each sample was drawn on
//   barycentrics  N x 3  weights of the face's three corners (sum 1)
//   normals       N x 3  unit normal of the surface at the sample
//   colors        N x 3  RGB in [0, 1] from the texture at the UV or interpolated per-vertex colours

#include "hifa/core/error.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace hifa {

template <class T>
struct PointSamples {
  using scalar = T;

  RowMatrix3<T> points;
  Eigen::VectorXi face_ids;
  RowMatrix3<T> barycentrics;
  RowMatrix3<T> normals;
  RowMatrix3<T> colors;

  Eigen::Index size() const { return points.rows(); }

  // The samples at `indices` (each < size()), in that order, with every attribute this set has.
  PointSamples subset(std::span<const Eigen::Index> indices) const {
    PointSamples out;
    out.points = pick(points, indices);
    out.face_ids = pick(face_ids, indices);
    out.barycentrics = pick(barycentrics, indices);
    out.normals = pick(normals, indices);
    out.colors = pick(colors, indices);
    return out;
  }

 private:
  template <class M>
  static M pick(const M& m, std::span<const Eigen::Index> indices) {
    if (m.rows() == 0) return m;
    M out(static_cast<Eigen::Index>(indices.size()), m.cols());
    for (std::size_t k = 0; k < indices.size(); ++k) out.row(Eigen::Index(k)) = m.row(indices[k]);
    return out;
  }
};

template <class S>
concept PointSampler = requires(const S& s, const Kokkos::DefaultHostExecutionSpace& space, std::size_t count,
                                std::uint64_t seed) {
  typename S::scalar;
  { s.sample(space, count, seed) } -> std::same_as<PointSamples<typename S::scalar>>;
};

namespace detail {

// An unmanaged host View over a row-major Eigen matrix, for writing from a Kokkos kernel.
template <class M>
auto host_rows(M& m) {
  return Kokkos::View<typename M::Scalar**, Kokkos::LayoutRight, Kokkos::HostSpace,
                      Kokkos::MemoryTraits<Kokkos::Unmanaged>>(m.data(), std::size_t(m.rows()),
                                                                std::size_t(m.cols()));
}

// 32 random bits -> [0, 1) in double (exact).
KOKKOS_INLINE_FUNCTION double unit_double(std::uint32_t bits) { return double(bits) * (1.0 / 4294967296.0); }

// 64 random bits -> [0, 1) in double with 53 bits of resolution.
KOKKOS_INLINE_FUNCTION double unit_double(std::uint32_t high, std::uint32_t low) {
  return double(((std::uint64_t{high} << 32) | low) >> 11) * (1.0 / 9007199254740992.0);
}

// SplitMix64 finaliser (Steele et al., OOPSLA'14): derives independent seeds, e.g. one per
// component of a mixture, so components given the same seed do not draw the same numbers.
constexpr std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t salt) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (salt + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline void check_count(std::size_t count, const char* where) {
  if (count > std::size_t(Eigen::NumTraits<int>::highest())) {
    throw Error(where, "cannot draw " + std::to_string(count) + " samples (at most 2^31 - 1)");
  }
}

}  // namespace detail

}  // namespace hifa
