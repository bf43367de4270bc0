#pragma once
// Fields shared by the field and grid tests:
//   Occupancy<F>{sdf, k}      PIFu-style occupancy 1 / (1 + exp(k·sdf)): 1 inside, 0.5 on the surface

#include "hifa/core/types.hpp"
#include "hifa/field/concepts.hpp"

#include <Kokkos_Core.hpp>

namespace hifa::test {

template <ImplicitField F>
struct Occupancy {
  using scalar = typename F::scalar;
  F sdf;
  scalar sharpness;  // k: the 0.05..0.95 transition is 2·ln(19)/k wide

  KOKKOS_FUNCTION scalar value(const Vec3<scalar>& p) const {
    return scalar(1) / (scalar(1) + Kokkos::Experimental::exp(sharpness * scalar(sdf.value(p))));
  }
};

}  // namespace hifa::test
