#pragma once
// Gradients and normals of implicit fields.
//
//   gradient_at(f, p)  f.gradient(p) when f models GradientField, central differences otherwise
//   normal_at(f, p)    the unit gradient (zero vector where the gradient vanishes); for an SDF
//                      (negative inside) it points outwards, for occupancy (1 inside) inwards
//   CentralDifference<F>{f, h}  adapts any ImplicitField into a GradientField
//
// The central-difference step defaults to 1e-3 in the field's units; pass the grid spacing (or a
// fraction of it) when the field has detail at a finer scale.

#include "hifa/core/types.hpp"
#include "hifa/field/concepts.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>

namespace hifa {

template <ImplicitField F>
KOKKOS_FUNCTION Vec3<typename F::scalar> central_difference(const F& f, const Vec3<typename F::scalar>& p,
                                                            typename F::scalar h) {
  using T = typename F::scalar;
  Vec3<T> g;
  for (int axis = 0; axis < 3; ++axis) {
    Vec3<T> a = p, b = p;
    a[axis] += h;
    b[axis] -= h;
    g[axis] = (T(f.value(a)) - T(f.value(b))) / (T(2) * h);
  }
  return g;
}

template <ImplicitField F>
KOKKOS_FUNCTION Vec3<typename F::scalar> gradient_at(const F& f, const Vec3<typename F::scalar>& p,
                                                     typename F::scalar h = typename F::scalar(1e-3)) {
  if constexpr (GradientField<F>) {
    (void)h;
    return f.gradient(p);
  } else {
    return central_difference(f, p, h);
  }
}

template <ImplicitField F>
KOKKOS_FUNCTION Vec3<typename F::scalar> normal_at(const F& f, const Vec3<typename F::scalar>& p,
                                                   typename F::scalar h = typename F::scalar(1e-3)) {
  using T = typename F::scalar;
  const Vec3<T> g = gradient_at(f, p, h);
  const T n = g.norm();
  return n > T(0) ? Vec3<T>(g / n) : Vec3<T>::Zero();
}

// Any ImplicitField with a gradient by central differences of step h.
template <ImplicitField F>
struct CentralDifference {
  using scalar = typename F::scalar;
  F field;
  scalar step = scalar(1e-3);

  KOKKOS_FUNCTION scalar value(const Vec3<scalar>& p) const { return field.value(p); }
  KOKKOS_FUNCTION Vec3<scalar> gradient(const Vec3<scalar>& p) const { return central_difference(field, p, step); }
};

template <ImplicitField F>
CentralDifference(F, typename F::scalar) -> CentralDifference<F>;

}  // namespace hifa
