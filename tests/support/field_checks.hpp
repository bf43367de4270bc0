#pragma once
// Checks shared by the field tests.

#include "hifa/core/types.hpp"
#include "hifa/field/gradient.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

namespace hifa::test {

// `count` points uniform in [-extent, extent]³ from a fixed seed: the same for every run.
inline std::vector<Vec3d> random_points(int count, double extent, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-extent, extent);
  std::vector<Vec3d> points(count);
  for (auto& p : points) p = Vec3d(u(rng), u(rng), u(rng));
  return points;
}

// The analytic gradient equals central differences (step 1e-7) at every point.
template <class F>
void check_gradient_matches_central_differences(const F& f, const std::vector<Vec3d>& points) {
  for (const Vec3d& p : points) {
    const Vec3d analytic = f.gradient(p);
    const Vec3d numeric = central_difference(f, p, 1e-7);
    INFO("p = " << p.transpose() << ", analytic " << analytic.transpose() << ", numeric " << numeric.transpose());
    CHECK((analytic - numeric).norm() < 1e-5);
  }
}

}  // namespace hifa::test
