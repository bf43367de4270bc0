#pragma once
// An analytic mannequin: a body-like signed distance field (negative inside) in the image cube
// [-1, 1]³ of hifa/render/camera.hpp (y up, facing +z, about 1.75 units tall, feet near y = -0.9), made of a
// sphere head, capsule neck and limbs and an ellipsoid torso joined by smooth unions (blend 0.04).
// For demos, tests and benchmarks that need a shape with a person's proportions and no data.
//
//   const auto field = hifa::mannequin<float>();   // models ImplicitField and GradientField
//
// It is 1-Lipschitz (the ellipsoid term is a lower bound of its distance; see field/analytic.hpp),
// so coarse-to-fine evaluation with the default Lipschitz band reproduces dense signs exactly.

#include "hifa/field/analytic.hpp"
#include "hifa/field/combinators.hpp"

namespace hifa {

template <class T>
auto mannequin() {
  using V = Vec3<T>;
  const T blend = T(0.04);
  const auto limb = [](V a, V b, T r) { return Capsule<T>{a, b, r}; };
  const auto arm = [&](T side) {
    return smooth_unite(limb(V(side * 0.16, 0.48, 0), V(side * 0.46, 0.3, 0.02), T(0.045)),
                        limb(V(side * 0.46, 0.3, 0.02), V(side * 0.6, 0.1, 0.05), T(0.04)), blend);
  };
  const auto leg = [&](T side) {
    return smooth_unite(limb(V(side * 0.09, -0.02, 0), V(side * 0.11, -0.45, 0.02), T(0.07)),
                        limb(V(side * 0.11, -0.45, 0.02), V(side * 0.12, -0.85, 0), T(0.05)), blend);
  };
  const auto torso = smooth_unite(Ellipsoid<T>{V(0, 0.25, 0), V(0.17, 0.3, 0.1)},
                                  limb(V(0, 0.5, 0), V(0, 0.64, 0), T(0.05)), blend);
  const auto upper = smooth_unite(smooth_unite(torso, Sphere<T>{V(0, 0.74, 0), T(0.11)}, blend),
                                  unite(arm(T(1)), arm(T(-1))), blend);
  return smooth_unite(upper, unite(leg(T(1)), leg(T(-1))), blend);
}

}  // namespace hifa
