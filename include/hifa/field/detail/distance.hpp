#pragma once
// Distance helpers shared by the analytic fields of hifa/field/analytic.hpp.

#include "hifa/core/types.hpp"
#include "hifa/field/detail/scalar_math.hpp"

#include <Kokkos_Macros.hpp>

namespace hifa::detail {

// Unit vector along v, or zero when v vanishes (a medial point: no distinguished direction).
template <class T>
KOKKOS_FUNCTION Vec3<T> unit_or_zero(const Vec3<T>& v) {
  const T n = v.norm();
  return n > T(0) ? Vec3<T>(v / n) : Vec3<T>::Zero();
}

// Signed distance from d (relative to the box centre) to the box of half extents h
// (Quilez, "distance functions": |max(q,0)| + min(max_i q_i, 0) with q = |d| - h).
template <class T>
KOKKOS_FUNCTION T box_value(const Vec3<T>& d, const Vec3<T>& h) {
  const Vec3<T> q = d.cwiseAbs() - h;
  const Vec3<T> outside(maximum(q.x(), T(0)), maximum(q.y(), T(0)), maximum(q.z(), T(0)));
  return outside.norm() + minimum(q.maxCoeff(), T(0));
}

template <class T>
KOKKOS_FUNCTION Vec3<T> box_gradient(const Vec3<T>& d, const Vec3<T>& h) {
  const Vec3<T> q = d.cwiseAbs() - h;
  const Vec3<T> sign(d.x() < T(0) ? T(-1) : T(1), d.y() < T(0) ? T(-1) : T(1), d.z() < T(0) ? T(-1) : T(1));
  int axis = 0;
  const T largest = q.maxCoeff(&axis);
  if (largest > T(0)) {  // outside: direction to the closest point on the box
    const Vec3<T> outside(maximum(q.x(), T(0)), maximum(q.y(), T(0)), maximum(q.z(), T(0)));
    return unit_or_zero(Vec3<T>(outside.cwiseProduct(sign)));
  }
  Vec3<T> g = Vec3<T>::Zero();  // inside: the normal of the nearest face
  g[axis] = sign[axis];
  return g;
}

}  // namespace hifa::detail
