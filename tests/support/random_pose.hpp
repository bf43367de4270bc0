#pragma once
// A random SMPL pose for the skinning tests and benchmarks: SMPL's 24-joint tree at random rest
// joints in [-1, 1]^3, every joint turned by up to `max_angle` radians about a random axis, and a
// random root translation (standard normal per axis). A pure function of the seed.

#include "hifa/core/rng.hpp"
#include "hifa/core/types.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace hifa::test {

inline JointTransforms<float> random_smpl_pose(std::uint64_t seed, float max_angle) {
  const CounterRng rng{seed};
  RowMatrix3<float> joints(24, 3);
  for (int k = 0; k < 24; ++k)
    for (int d = 0; d < 3; ++d) joints(k, d) = 2 * rng.uniform(d, k) - 1;
  std::vector<float> aa(72);
  for (int k = 0; k < 24; ++k) {
    const Vec3f axis = Vec3f(rng.normal(3, k), rng.normal(4, k), rng.normal(5, k)).normalized();
    const Vec3f w = axis * (max_angle * rng.uniform(6, k));
    for (int d = 0; d < 3; ++d) aa[3 * k + d] = w[d];
  }
  const Vec3f t(rng.normal(7, 0), rng.normal(7, 1), rng.normal(7, 2));
  return forward_kinematics_axis_angle(smpl_skeleton(joints), std::span<const float>(aa), t);
}

}  // namespace hifa::test
