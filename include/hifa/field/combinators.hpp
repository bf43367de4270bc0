#pragma once
// Fields built from fields: constructive solid geometry, smooth blends, placement and offset.
//
//   unite(a, b, ...)            Union: min(a, b)                  (any number of operands)
//   intersect(a, b, ...)        Intersection: max(a, b)
//   subtract(a, b)              Difference: a without b, max(a, -b)
//   smooth_unite(a, b, k)       SmoothUnion: polynomial smooth min with blend radius k > 0
//   smooth_intersect(a, b, k)   SmoothIntersection: -smooth_min(-a, -b)
//   smooth_subtract(a, b, k)    SmoothDifference: -smooth_min(-a, b)
//   transform(f, R, t, s)       Transformed: f placed by x -> s R x + t (R a rotation, s > 0)
//   offset(f, r)                Offset: f - r (grows the shape by r; shrinks it when r < 0)
//
// Inputs: fields of one scalar type that model ImplicitField. Output: a small aggregate holding its
// operands by value (trivially copyable when they are), an ImplicitField, and a GradientField
// when every operand is one (the gradient is then exact, by the chain rule, wherever the
// operation is differentiable). No allocation; nesting builds the expression tree in the type.
//
// Distance properties. min/max of SDFs have the right sign everywhere and are exact outside a
// union / inside an intersection, elsewhere a bound; the smooth blends and all of the above are
// 1-Lipschitz when the operands are (their gradient is a convex combination of the operands'),
// which is what sphere tracing and the Lipschitz band of coarse-to-fine evaluation need.
// A rigid motion with uniform scale keeps an SDF an SDF: value = s·f(Rᵀ(p − t)/s); a non-uniform
// scale would not, so it is not offered.

#include "hifa/core/types.hpp"
#include "hifa/field/concepts.hpp"
#include "hifa/field/detail/packed.hpp"
#include "hifa/field/detail/scalar_math.hpp"

#include <Kokkos_Core.hpp>

#include <concepts>

namespace hifa {

// A combined value and its partial derivatives with respect to the two operand values, so the
// gradient of op(a(p), b(p)) is da·∇a + db·∇b.
template <class T>
struct Blend {
  T value;
  T da;
  T db;
};

// The binary operations, as small function objects: op(a, b) -> Blend.
namespace ops {

struct Min {
  template <class T>
  KOKKOS_FUNCTION Blend<T> operator()(T a, T b) const {
    return a <= b ? Blend<T>{a, T(1), T(0)} : Blend<T>{b, T(0), T(1)};
  }
};

// Polynomial smooth minimum (Quilez, "smooth minimum", quadratic): equals min(a, b) where
// |a - b| >= radius and lies below it by at most radius/4 in between.
template <class T>
struct SmoothMin {
  T radius;

  KOKKOS_FUNCTION Blend<T> operator()(T a, T b) const {
    const T h = detail::clamp(T(0.5) + T(0.5) * (b - a) / radius, T(0), T(1));
    // d/da = h and d/db = 1 - h exactly (the terms from dh cancel), so |∇| stays <= 1.
    return Blend<T>{b + h * (a - b) - radius * h * (T(1) - h), h, T(1) - h};
  }
};

// max(a, b) = -min(-a, -b) for any min-like Op.
template <class Op>
struct Dual {
  Op op;

  template <class T>
  KOKKOS_FUNCTION Blend<T> operator()(T a, T b) const {
    const Blend<T> r = op(-a, -b);
    return Blend<T>{-r.value, r.da, r.db};
  }
};

// a without b = max(a, -b) for any max-like Op.
template <class Op>
struct Without {
  Op op;

  template <class T>
  KOKKOS_FUNCTION Blend<T> operator()(T a, T b) const {
    const Blend<T> r = op(a, -b);
    return Blend<T>{r.value, r.da, -r.db};
  }
};

}  // namespace ops

// op(a(p), b(p)) for two fields of the same scalar type.
template <ImplicitField A, ImplicitField B, class Op>
  requires std::same_as<typename A::scalar, typename B::scalar>
struct Combination {
  using scalar = typename A::scalar;
  A a;
  B b;
  Op op;

  KOKKOS_FUNCTION scalar value(const Vec3<scalar>& p) const {
    return op(scalar(a.value(p)), scalar(b.value(p))).value;
  }
  KOKKOS_FUNCTION Vec3<scalar> gradient(const Vec3<scalar>& p) const
    requires GradientField<A> && GradientField<B>
  {
    const Blend<scalar> r = op(scalar(a.value(p)), scalar(b.value(p)));
    // Skip the operand whose weight is zero: a hard min/max evaluates one gradient.
    Vec3<scalar> g = Vec3<scalar>::Zero();
    if (r.da != scalar(0)) g += r.da * Vec3<scalar>(a.gradient(p));
    if (r.db != scalar(0)) g += r.db * Vec3<scalar>(b.gradient(p));
    return g;
  }
};

template <class A, class B> using Union = Combination<A, B, ops::Min>;
template <class A, class B> using Intersection = Combination<A, B, ops::Dual<ops::Min>>;
template <class A, class B> using Difference = Combination<A, B, ops::Without<ops::Dual<ops::Min>>>;
template <class A, class B> using SmoothUnion = Combination<A, B, ops::SmoothMin<typename A::scalar>>;
template <class A, class B>
using SmoothIntersection = Combination<A, B, ops::Dual<ops::SmoothMin<typename A::scalar>>>;
template <class A, class B>
using SmoothDifference = Combination<A, B, ops::Without<ops::Dual<ops::SmoothMin<typename A::scalar>>>>;

// The field f placed in the world by x_world = scale · rotation · x_local + translation.
// rotation must be orthonormal with det +1 and scale > 0; then value = scale · f(local point)
// keeps distances in world units and the gradient is rotation · ∇f.
template <ImplicitField F>
struct Transformed {
  using scalar = typename F::scalar;
  F field;
  detail::Packed<scalar, 3, 3> rotation;
  detail::Packed<scalar, 3> translation;
  scalar scale;

  KOKKOS_FUNCTION scalar value(const Vec3<scalar>& p) const { return scale * scalar(field.value(to_local(p))); }
  KOKKOS_FUNCTION Vec3<scalar> gradient(const Vec3<scalar>& p) const
    requires GradientField<F>
  {
    return rotation.get() * Vec3<scalar>(field.gradient(to_local(p)));
  }

 private:
  KOKKOS_FUNCTION Vec3<scalar> to_local(const Vec3<scalar>& p) const {
    return rotation.get().transpose() * (p - translation.get()) / scale;
  }
};

// f - radius: the shape grown by radius (an SDF's level set moves outwards by radius).
template <ImplicitField F>
struct Offset {
  using scalar = typename F::scalar;
  F field;
  scalar radius;

  KOKKOS_FUNCTION scalar value(const Vec3<scalar>& p) const { return scalar(field.value(p)) - radius; }
  KOKKOS_FUNCTION Vec3<scalar> gradient(const Vec3<scalar>& p) const
    requires GradientField<F>
  {
    return field.gradient(p);
  }
};

// ---- builders ----------------------------------------------------------------------------------

template <ImplicitField A, ImplicitField B>
Union<A, B> unite(const A& a, const B& b) {
  return {a, b, {}};
}
template <ImplicitField A, ImplicitField B, ImplicitField... Rest>
  requires(sizeof...(Rest) > 0)
auto unite(const A& a, const B& b, const Rest&... rest) {
  return unite(unite(a, b), rest...);
}

template <ImplicitField A, ImplicitField B>
Intersection<A, B> intersect(const A& a, const B& b) {
  return {a, b, {}};
}
template <ImplicitField A, ImplicitField B, ImplicitField... Rest>
  requires(sizeof...(Rest) > 0)
auto intersect(const A& a, const B& b, const Rest&... rest) {
  return intersect(intersect(a, b), rest...);
}

template <ImplicitField A, ImplicitField B>
Difference<A, B> subtract(const A& a, const B& b) {
  return {a, b, {}};
}

// radius > 0: the width of the blend, in field units.
template <ImplicitField A, ImplicitField B>
SmoothUnion<A, B> smooth_unite(const A& a, const B& b, typename A::scalar radius) {
  return {a, b, {radius}};
}
template <ImplicitField A, ImplicitField B>
SmoothIntersection<A, B> smooth_intersect(const A& a, const B& b, typename A::scalar radius) {
  return {a, b, {{radius}}};
}
template <ImplicitField A, ImplicitField B>
SmoothDifference<A, B> smooth_subtract(const A& a, const B& b, typename A::scalar radius) {
  return {a, b, {{{radius}}}};
}

template <ImplicitField F>
Transformed<F> transform(const F& f, const Mat3<typename F::scalar>& rotation,
                         const Vec3<typename F::scalar>& translation,
                         typename F::scalar scale = typename F::scalar(1)) {
  return {f, rotation, translation, scale};
}

template <ImplicitField F>
Offset<F> offset(const F& f, typename F::scalar radius) {
  return {f, radius};
}

}  // namespace hifa
