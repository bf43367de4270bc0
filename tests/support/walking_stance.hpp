#pragma once
// A body pose for fitting tests and benchmarks (SMPL θ, 24 x 3 axis-angle, the body's frame: y up,
// facing +z, left at +x): turned by 2 rad about y, a walking stride (left hip forwards, right hip
// back, right knee bent), the spine bent and turned, the left arm raised forwards with its elbow
// bent (the forearm clear of the torso, so the posed mesh does not pass through itself) and the
// right arm lowered; with a shift, walking_shift. Within fit_limits.hpp's ranges.

#include "hifa/core/types.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <vector>

namespace hifa::test {

inline std::vector<float> walking_stance() {
  std::vector<float> theta(3 * smpl_joint_count, 0.0f);
  const auto set = [&theta](int joint, float x, float y, float z) {
    theta[std::size_t(3 * joint)] = x, theta[std::size_t(3 * joint + 1)] = y, theta[std::size_t(3 * joint + 2)] = z;
  };
  set(0, 0.0f, 2.0f, 0.0f);    // the whole body turned
  set(1, -0.5f, 0.0f, 0.1f);   // left hip forwards
  set(2, 0.3f, 0.0f, -0.05f);  // right hip back
  set(5, 0.6f, 0.0f, 0.0f);    // right knee bent
  set(3, 0.1f, 0.1f, 0.0f);    // spine bent and turned
  set(16, 0.2f, 0.3f, 0.3f);   // left arm raised and forwards
  set(18, 0.0f, -0.9f, 0.0f);  // left elbow bent
  set(17, 0.0f, 0.0f, 0.4f);   // right arm lowered
  return theta;
}

inline const Vec3f walking_shift(0.3f, 0.9f, -0.4f);

}  // namespace hifa::test
