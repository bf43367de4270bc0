#pragma once
// Analytic implicit fields: signed distances to simple solids (negative inside, in the units of
// the points), each with its analytic gradient. Each models ImplicitField and GradientField.
//
//   Sphere<T>{centre, radius}                      exact SDF
//   Box<T>{centre, half_extents}                   exact SDF (axis-aligned; rotate with transform())
//   RoundedBox<T>{centre, half_extents, radius}    exact SDF; edges rounded by radius <= min(half_extents)
//   Torus<T>{centre, major_radius, minor_radius}   exact SDF; the ring lies in the xz plane (axis y)
//   Capsule<T>{a, b, radius}                       exact SDF of the segment a-b swept by a ball
//   Ellipsoid<T>{centre, radii}                    a 1-Lipschitz bound, not the distance (see below)
//   Plane<T>{normal, offset}                       exact SDF of the half-space normal·p <= offset
//
// Fields are small aggregates of plain numbers (trivially copyable: Kokkos copies them bitwise
// into kernels); vector members convert to and from Vec3<T>, so `Sphere<float>{Vec3f(0, 1, 0), 0.2f}`
// reads as expected. Gradients on the medial axis (sphere centre, box diagonals...) are one of the
// one-sided gradients there, or zero where none is distinguished.

#include "hifa/core/types.hpp"
#include "hifa/field/detail/distance.hpp"
#include "hifa/field/detail/packed.hpp"

#include <Kokkos_Core.hpp>

namespace hifa {

// Ball of `radius` around `centre`. value = |p - c| - r.
template <class T>
struct Sphere {
  using scalar = T;
  detail::Packed<T, 3> centre;
  T radius;

  KOKKOS_FUNCTION T value(const Vec3<T>& p) const { return (p - centre.get()).norm() - radius; }
  KOKKOS_FUNCTION Vec3<T> gradient(const Vec3<T>& p) const { return detail::unit_or_zero<T>(p - centre.get()); }
};

// Axis-aligned box: centre ± half_extents (all > 0).
template <class T>
struct Box {
  using scalar = T;
  detail::Packed<T, 3> centre;
  detail::Packed<T, 3> half_extents;

  KOKKOS_FUNCTION T value(const Vec3<T>& p) const {
    return detail::box_value<T>(p - centre.get(), half_extents.get());
  }
  KOKKOS_FUNCTION Vec3<T> gradient(const Vec3<T>& p) const {
    return detail::box_gradient<T>(p - centre.get(), half_extents.get());
  }
};

// Axis-aligned box centre ± half_extents whose edges and corners are rounded with `radius`
// (0 <= radius <= min(half_extents)): the box shrunk by radius, then grown by radius, so the
// outer extent stays half_extents.
template <class T>
struct RoundedBox {
  using scalar = T;
  detail::Packed<T, 3> centre;
  detail::Packed<T, 3> half_extents;
  T radius;

  KOKKOS_FUNCTION T value(const Vec3<T>& p) const {
    return detail::box_value<T>(p - centre.get(), core()) - radius;
  }
  KOKKOS_FUNCTION Vec3<T> gradient(const Vec3<T>& p) const {
    return detail::box_gradient<T>(p - centre.get(), core());
  }

 private:
  KOKKOS_FUNCTION Vec3<T> core() const { return half_extents.get() - Vec3<T>::Constant(radius); }
};

// Torus around the y axis through `centre`: the circle of major_radius in the xz plane swept by
// a disc of minor_radius (< major_radius). value = |(|d.xz| - R, d.y)| - r.
template <class T>
struct Torus {
  using scalar = T;
  detail::Packed<T, 3> centre;
  T major_radius;
  T minor_radius;

  KOKKOS_FUNCTION T value(const Vec3<T>& p) const { return to_ring(p).norm() - minor_radius; }
  KOKKOS_FUNCTION Vec3<T> gradient(const Vec3<T>& p) const { return detail::unit_or_zero<T>(to_ring(p)); }

 private:
  // p minus its closest point on the ring (the central circle); on the axis, any ring point.
  KOKKOS_FUNCTION Vec3<T> to_ring(const Vec3<T>& p) const {
    const Vec3<T> d = p - centre.get();
    const T rho = Kokkos::Experimental::sqrt(d.x() * d.x() + d.z() * d.z());
    const T cx = rho > T(0) ? d.x() / rho : T(1);
    const T cz = rho > T(0) ? d.z() / rho : T(0);
    return Vec3<T>(d.x() - major_radius * cx, d.y(), d.z() - major_radius * cz);
  }
};

// Segment a-b swept by a ball of `radius` (a == b gives a sphere).
template <class T>
struct Capsule {
  using scalar = T;
  detail::Packed<T, 3> a;
  detail::Packed<T, 3> b;
  T radius;

  KOKKOS_FUNCTION T value(const Vec3<T>& p) const { return to_segment(p).norm() - radius; }
  KOKKOS_FUNCTION Vec3<T> gradient(const Vec3<T>& p) const { return detail::unit_or_zero<T>(to_segment(p)); }

 private:
  // p minus its closest point on the segment.
  KOKKOS_FUNCTION Vec3<T> to_segment(const Vec3<T>& p) const {
    const Vec3<T> pa = p - a.get();
    const Vec3<T> ba = b.get() - a.get();
    const T len2 = ba.squaredNorm();
    const T t = len2 > T(0) ? detail::clamp(pa.dot(ba) / len2, T(0), T(1)) : T(0);
    return pa - t * ba;
  }
};

// Axis-aligned ellipsoid centre ± radii (all > 0). The distance to an ellipsoid has no closed
// form (it needs the root of a sextic), so value is the bound
//     (|d / radii| - 1) * min(radii),   d = p - centre,
// which has the exact zero set and sign, equals the SDF for a sphere, and is 1-Lipschitz
// (|∇| = min(r) |d/r²| / |d/r| <= 1), hence |value| <= true distance: sphere tracing and the
// Lipschitz band of coarse-to-fine evaluation stay correct. It is not eikonal away from the surface.
template <class T>
struct Ellipsoid {
  using scalar = T;
  detail::Packed<T, 3> centre;
  detail::Packed<T, 3> radii;

  KOKKOS_FUNCTION T value(const Vec3<T>& p) const {
    const Vec3<T> r = radii.get();
    return ((p - centre.get()).cwiseQuotient(r).norm() - T(1)) * r.minCoeff();
  }
  KOKKOS_FUNCTION Vec3<T> gradient(const Vec3<T>& p) const {
    const Vec3<T> r = radii.get();
    const Vec3<T> d = p - centre.get();
    const T k = d.cwiseQuotient(r).norm();
    if (!(k > T(0))) return Vec3<T>::Zero();
    return d.cwiseQuotient(r.cwiseProduct(r)) * (r.minCoeff() / k);
  }
};

// Half-space {p : normal·p <= offset}; normal must be unit length (then value is the exact
// signed distance to the plane, negative on the side away from the normal).
template <class T>
struct Plane {
  using scalar = T;
  detail::Packed<T, 3> normal;
  T offset;

  KOKKOS_FUNCTION T value(const Vec3<T>& p) const { return normal.get().dot(p) - offset; }
  KOKKOS_FUNCTION Vec3<T> gradient(const Vec3<T>&) const { return normal.get(); }
};

}  // namespace hifa
