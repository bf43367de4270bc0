// distance_to_mask: the exact Euclidean distance transform against brute force.
#include "hifa/render/distance_transform.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using hifa::Image;

TEST_CASE("distance_to_mask equals the brute-force distance to the nearest mask pixel", "[render]") {
  const hifa::CounterRng rng(5);
  for (const auto [w, h, density] : {std::tuple{23, 17, 0.05f}, {40, 9, 0.01f}, {1, 30, 0.1f}, {31, 31, 0.6f}}) {
    Image<float> mask(w, h, 1);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) mask(x, y, 0) = rng.uniform(std::uint64_t(w), std::uint64_t(y * w + x)) < density ? 1.0f : 0.2f;
    }
    mask(w / 2, h / 2, 0) = 1.0f;  // at least one pixel on the mask
    const Image<float> d = hifa::distance_to_mask(mask, 0.5f);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        float best = std::numeric_limits<float>::infinity();
        for (int v = 0; v < h; ++v) {
          for (int u = 0; u < w; ++u) {
            if (mask(u, v, 0) > 0.5f) best = std::min(best, std::hypot(float(u - x), float(v - y)));
          }
        }
        REQUIRE(d(x, y, 0) == Approx(best).margin(1e-5));
      }
    }
  }
}

TEST_CASE("distance_to_mask of an empty mask is infinite, and a colour image is an error", "[render]") {
  const Image<float> d = hifa::distance_to_mask(Image<float>(5, 4, 1, 0.0f), 0.5f);
  CHECK(std::isinf(d(2, 3, 0)));
  CHECK_THROWS_WITH(hifa::distance_to_mask(Image<float>(5, 4, 3), 0.5f), Catch::Contains("distance_to_mask") && Catch::Contains("3 channels"));
}
