#pragma once
// What an implicit field is, as C++20 concepts. Algorithms (grid evaluation, marching cubes,
// samplers) take any type that models them: analytic shapes, meshes (via a BVH), neural networks.
//
//   ImplicitField  f.value(p) -> scalar, for a point p (Vec3<scalar>); pointwise, cheap to copy,
//                  callable inside Kokkos kernels (mark value() KOKKOS_FUNCTION).
//   GradientField  also f.gradient(p) -> Vec3<scalar> (the analytic gradient).
//   BatchField     f.evaluate(points, values): all points at once, for fields whose natural unit
//                  of work is a batch (a network forward pass, a BVH query over a View).
//                  points: View<const scalar*[3]> (N x 3) in execution_space's memory;
//                  values: View<scalar*> (N), written by the call; returns when values are ready.
//
// Sign conventions are the field's own: SDF negative inside, occupancy 1 inside / 0 outside.

#include "hifa/core/types.hpp"

#include <Kokkos_Core.hpp>

#include <concepts>

namespace hifa {

template <class F>
concept ImplicitField = requires(const F& f, const Vec3<typename F::scalar>& p) {
  typename F::scalar;
  { f.value(p) } -> std::convertible_to<typename F::scalar>;
};

template <class F>
concept GradientField = ImplicitField<F> && requires(const F& f, const Vec3<typename F::scalar>& p) {
  { f.gradient(p) } -> std::convertible_to<Vec3<typename F::scalar>>;
};

template <class F>
concept BatchField = requires(const F& f,
                              Kokkos::View<const typename F::scalar* [3], typename F::execution_space::memory_space> points,
                              Kokkos::View<typename F::scalar*, typename F::execution_space::memory_space> values) {
  typename F::scalar;
  typename F::execution_space;
  f.evaluate(points, values);
};

// Either kind: what the grid evaluator accepts.
template <class F>
concept AnyField = ImplicitField<F> || BatchField<F>;

}  // namespace hifa
