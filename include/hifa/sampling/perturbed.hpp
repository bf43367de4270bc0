#pragma once
// Surface samples jittered by isotropic Gaussian noise: the near-surface points PIFu / PIFuHD train on.
//
//   hifa::PerturbedSurfaceSampler<float> near{hifa::SurfaceSampler<float>{mesh}, hifa::pifuhd_sigma_coarse<float>};
//   auto s = near.sample(Kokkos::DefaultHostExecutionSpace{}, 8000, seed);
//
// Inputs:  a SurfaceSampler and sigma >= 0 (finite), the standard deviation of the offset along each
//          axis, in the mesh's units. PIFuHD (Saito et al., CVPR 2020) uses sigma = 5 cm for the coarse
//          level and 3 cm for the fine level (pifuhd_sigma_coarse / pifuhd_sigma_fine, in metres);
//          PIFu (Saito et al., ICCV 2019) samples the same way.
// Outputs: PointSamples<T>: points = surface point + sigma * (n0, n1, n2) with n_k standard normal;
//          face_ids, barycentrics, normals and colours are those of the surface point each sample was
//          jittered from. Sample i uses surface counter (0, i) and normal counters (1..3, i) of
//          CounterRng{seed} only: same bytes for any thread count.
// Errors:  hifa::Error naming "PerturbedSurfaceSampler" for a negative or non-finite sigma.

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/sampling/concepts.hpp"
#include "hifa/sampling/surface.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace hifa {

template <class T>
inline constexpr T pifuhd_sigma_coarse = T(0.05);  // metres
template <class T>
inline constexpr T pifuhd_sigma_fine = T(0.03);  // metres

template <class T = float>
class PerturbedSurfaceSampler {
 public:
  using scalar = T;

  PerturbedSurfaceSampler(SurfaceSampler<T> surface, T sigma) : surface_(std::move(surface)), sigma_(sigma) {
    if (!(sigma >= 0) || !std::isfinite(sigma)) {
      throw Error("PerturbedSurfaceSampler", "sigma must be finite and >= 0, got " + std::to_string(sigma));
    }
  }

  const SurfaceSampler<T>& surface() const { return surface_; }
  T sigma() const { return sigma_; }

  template <class Space>
  PointSamples<T> sample(const Space& space, std::size_t count, std::uint64_t seed) const {
    PointSamples<T> out = surface_.sample(space, count, seed);
    const auto points = detail::host_rows(out.points);
    const CounterRng rng{seed};
    const T sigma = sigma_;
    Kokkos::parallel_for(
        "hifa::sampling::perturb", Kokkos::RangePolicy<Space>(space, 0, count), [=](const std::size_t i) {
          for (int c = 0; c < 3; ++c) points(i, c) += sigma * T(rng.normal(std::uint64_t(c) + 1, i));
        });
    space.fence();
    return out;
  }

 private:
  SurfaceSampler<T> surface_;
  T sigma_;
};

}  // namespace hifa
