#pragma once
// The exact Euclidean distance transform of a mask: for every pixel, the distance (in pixels,
// between pixel centres) to the nearest pixel whose mask value is above a threshold; 0 on the mask.
// Silhouette fitting samples it at projected points (a body point outside the person's mask is
// pulled back by its value; trainer/body/image_fit.hpp).
//
//   hifa::Image<float> d = hifa::distance_to_mask(mask, 0.5f);   // mask: W x H x 1
//
// Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled Functions" (Theory of Computing
// 2012): the squared distance is separable, so a 1D lower envelope of parabolas per column, then per
// row of that result, gives it exactly in O(W H).
// A mask with no pixel above the threshold has no nearest pixel: every distance is +infinity.
// Errors: hifa::Error naming "distance_to_mask" for an image that does not have one channel.

#include "hifa/core/error.hpp"
#include "hifa/render/image.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace hifa {
namespace detail {

// f -> min_q ((p - q)^2 + f(q)) over q, in place, for one line of n values (infinity allowed).
inline void squared_distance_1d(std::vector<float>& f, std::vector<int>& v, std::vector<float>& z, std::vector<float>& out) {
  const int n = int(f.size());
  constexpr float inf = std::numeric_limits<float>::infinity();
  int k = -1;  // the parabolas of the lower envelope: v[0..k], boundaries z[0..k+1]
  for (int q = 0; q < n; ++q) {
    if (f[std::size_t(q)] == inf) continue;
    while (k >= 0) {
      const int p = v[std::size_t(k)];
      const float s = ((f[std::size_t(q)] + float(q) * float(q)) - (f[std::size_t(p)] + float(p) * float(p))) / (2.0f * float(q - p));
      if (s > z[std::size_t(k)]) {
        v[std::size_t(k + 1)] = q;
        z[std::size_t(k + 1)] = s;
        z[std::size_t(k + 2)] = inf;
        ++k;
        break;
      }
      --k;
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -inf;
      z[1] = inf;
    }
  }
  if (k < 0) return;  // no finite value: the line stays infinite
  int j = 0;
  for (int q = 0; q < n; ++q) {
    while (z[std::size_t(j + 1)] < float(q)) ++j;
    const float d = float(q - v[std::size_t(j)]);
    out[std::size_t(q)] = d * d + f[std::size_t(v[std::size_t(j)])];
  }
  f.swap(out);
}

}  // namespace detail

template <class T>
Image<T> distance_to_mask(const Image<T>& mask, T threshold) {
  if (mask.channels() != 1) throw Error("distance_to_mask", "the mask has " + std::to_string(mask.channels()) + " channels, expected 1");
  const int w = mask.width(), h = mask.height();
  constexpr float inf = std::numeric_limits<float>::infinity();
  std::vector<float> grid(std::size_t(w) * std::size_t(h));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) grid[std::size_t(y) * std::size_t(w) + std::size_t(x)] = mask(x, y, 0) > threshold ? 0.0f : inf;
  }
  const int n = std::max(w, h);
  std::vector<int> v(std::size_t(n) + 1);
  std::vector<float> z(std::size_t(n) + 2), line, out;
  for (int x = 0; x < w; ++x) {  // columns
    line.assign(std::size_t(h), 0.0f);
    out.assign(std::size_t(h), inf);
    for (int y = 0; y < h; ++y) line[std::size_t(y)] = grid[std::size_t(y) * std::size_t(w) + std::size_t(x)];
    detail::squared_distance_1d(line, v, z, out);
    for (int y = 0; y < h; ++y) grid[std::size_t(y) * std::size_t(w) + std::size_t(x)] = line[std::size_t(y)];
  }
  Image<T> result(w, h, 1);
  for (int y = 0; y < h; ++y) {  // rows
    line.assign(grid.begin() + std::ptrdiff_t(y) * w, grid.begin() + std::ptrdiff_t(y + 1) * w);
    out.assign(std::size_t(w), inf);
    detail::squared_distance_1d(line, v, z, out);
    for (int x = 0; x < w; ++x) result(x, y, 0) = T(std::sqrt(line[std::size_t(x)]));
  }
  return result;
}

}  // namespace hifa
