#pragma once
// Exact triangle coverage on a sample grid: fixed-point edge functions with the top-left fill rule.
//
// Edge functions (Pineda, "A parallel algorithm for polygon rasterization", SIGGRAPH 1988):
//   E_ab(p) = (b.x - a.x)(p.y - a.y) - (b.y - a.y)(p.x - a.x), positive on one side of a -> b.
// Vertices are snapped to 1/256 of a sample (8 sub-sample bits, as GPUs do) and evaluated in 64-bit
// integers, so E is exact: the edge shared by two triangles gives exactly opposite values from
// both, and no sample is lost or counted twice because of rounding (Giesen, "Triangle
// rasterization in practice", 2013). A sample exactly ON an edge (E = 0) belongs to the triangle
// only when that edge is a top edge (horizontal, the triangle below it) or a left edge (Direct3D's
// top-left rule, "Rasterization Rules", Microsoft Direct3D 11 documentation): of the two triangles
// sharing an edge exactly one owns such a sample, so a closed surface is covered exactly once.
//
// Screen coordinates here are the renderer's sample coordinates: x right, y DOWN, sample (i, j) at
// (i + 0.5, j + 0.5) in units of samples, i.e. fixed point (256 i + 128, 256 j + 128).

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdint>

namespace hifa::detail {

inline constexpr int subsample_bits = 8;
inline constexpr std::int64_t subsample_one = std::int64_t{1} << subsample_bits;  // one sample, fixed point
// Snapped coordinates beyond +-2^30 (2^22 samples) are refused: with them every edge-function
// product stays below 2^62 and their difference below 2^63, so int64 never overflows.
inline constexpr std::int64_t fixed_limit = std::int64_t{1} << 30;

// Snaps a continuous sample coordinate to fixed point; false when it is not finite or too far out.
KOKKOS_INLINE_FUNCTION bool snap(float s, std::int32_t& fixed) {
  const double f = double(s) * double(subsample_one);
  if (!(std::fabs(f) < double(fixed_limit))) return false;  // also false for NaN
  fixed = std::int32_t(std::llround(f));
  return true;
}

KOKKOS_INLINE_FUNCTION std::int64_t floor_div(std::int64_t a, std::int64_t b) {  // b > 0
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// A triangle set up for rasterization: vertices in positive orientation (area > 0 in y-down screen
// coordinates), the sample bounding box, and whether its corners were swapped.
struct RasterTriangle {
  std::int64_t x[3], y[3];
  std::int64_t area;      // twice the signed area in fixed point squared, > 0 after set-up
  bool swapped;           // corners 1 and 2 exchanged to make the area positive
  bool top_left[3];       // edge i is the edge from vertex i+1 to vertex i+2 (opposite vertex i)
  int min_i, max_i, min_j, max_j;  // samples whose centres lie in the triangle's box (may be empty)

  // Sets the triangle up from snapped corners; false for a degenerate (zero-area) triangle.
  KOKKOS_INLINE_FUNCTION bool setup(const std::int32_t (&fx)[3], const std::int32_t (&fy)[3]) {
    for (int k = 0; k < 3; ++k) {
      x[k] = fx[k];
      y[k] = fy[k];
    }
    area = (x[1] - x[0]) * (y[2] - y[0]) - (y[1] - y[0]) * (x[2] - x[0]);
    if (area == 0) return false;
    swapped = area < 0;
    if (swapped) {
      const std::int64_t tx = x[1], ty = y[1];
      x[1] = x[2];
      y[1] = y[2];
      x[2] = tx;
      y[2] = ty;
      area = -area;
    }
    for (int k = 0; k < 3; ++k) {
      const int a = (k + 1) % 3, b = (k + 2) % 3;
      const std::int64_t dx = x[b] - x[a], dy = y[b] - y[a];
      // With area > 0 in y-down coordinates the inside lies where every E >= 0; left edges then
      // run upwards (dy < 0) and top edges rightwards (dy = 0, dx > 0). The reversed edge of a
      // neighbour gets the opposite answer, which is what makes shared edges drawn once.
      top_left[k] = dy < 0 || (dy == 0 && dx > 0);
    }
    const std::int64_t lo_x = min3(x[0], x[1], x[2]), hi_x = max3(x[0], x[1], x[2]);
    const std::int64_t lo_y = min3(y[0], y[1], y[2]), hi_y = max3(y[0], y[1], y[2]);
    const std::int64_t half = subsample_one / 2;
    // Sample i's centre 256 i + 128 lies in [lo, hi] for ceil((lo - 128) / 256) <= i <= floor((hi - 128) / 256).
    min_i = int(-floor_div(-(lo_x - half), subsample_one));
    max_i = int(floor_div(hi_x - half, subsample_one));
    min_j = int(-floor_div(-(lo_y - half), subsample_one));
    max_j = int(floor_div(hi_y - half, subsample_one));
    return true;
  }

  // E of edge k (opposite vertex k) at fixed-point point (px, py).
  KOKKOS_INLINE_FUNCTION std::int64_t edge(int k, std::int64_t px, std::int64_t py) const {
    const int a = (k + 1) % 3, b = (k + 2) % 3;
    return (x[b] - x[a]) * (py - y[a]) - (y[b] - y[a]) * (px - x[a]);
  }
  // How E of edge k changes per sample step in x and in y.
  KOKKOS_INLINE_FUNCTION std::int64_t step_x(int k) const { return -(y[(k + 2) % 3] - y[(k + 1) % 3]) * subsample_one; }
  KOKKOS_INLINE_FUNCTION std::int64_t step_y(int k) const { return (x[(k + 2) % 3] - x[(k + 1) % 3]) * subsample_one; }

  // The top-left rule as an integer bias: covered iff E + bias(k) > 0 for every edge, i.e. E > 0,
  // or E == 0 on a top or left edge.
  KOKKOS_INLINE_FUNCTION std::int64_t bias(int k) const { return top_left[k] ? 1 : 0; }

  KOKKOS_INLINE_FUNCTION bool covers(std::int64_t e0, std::int64_t e1, std::int64_t e2) const {
    return e0 + bias(0) > 0 && e1 + bias(1) > 0 && e2 + bias(2) > 0;
  }

  // Barycentric weights of the ORIGINAL corners 0, 1, 2 from the edge values at a sample.
  KOKKOS_INLINE_FUNCTION void weights(std::int64_t e0, std::int64_t e1, std::int64_t e2, double (&w)[3]) const {
    const double inv = 1.0 / double(area);
    w[0] = double(e0) * inv;
    w[1] = double(swapped ? e2 : e1) * inv;
    w[2] = double(swapped ? e1 : e2) * inv;
  }

  // Fixed-point centre of sample (i, j).
  KOKKOS_INLINE_FUNCTION static std::int64_t centre(int i) { return std::int64_t(i) * subsample_one + subsample_one / 2; }

 private:
  KOKKOS_INLINE_FUNCTION static std::int64_t min3(std::int64_t a, std::int64_t b, std::int64_t c) {
    return a < b ? (a < c ? a : c) : (b < c ? b : c);
  }
  KOKKOS_INLINE_FUNCTION static std::int64_t max3(std::int64_t a, std::int64_t b, std::int64_t c) {
    return a > b ? (a > c ? a : c) : (b > c ? b : c);
  }
};

// Orders (depth, face) pairs as one 64-bit key: the float's bits made monotonic (IEEE-754 order)
// in the high half, the face id in the low half.
KOKKOS_INLINE_FUNCTION std::uint32_t orderable(float z) {
  std::uint32_t bits;
  static_assert(sizeof(bits) == sizeof(z));
  __builtin_memcpy(&bits, &z, sizeof(z));
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}

// Nearest surface: the largest key wins; larger z first, then the LOWER face id. 0 means none.
KOKKOS_INLINE_FUNCTION std::uint64_t front_key(float z, int face) {
  return (std::uint64_t{orderable(z)} << 32) | (0xFFFFFFFFu - std::uint32_t(face));
}
KOKKOS_INLINE_FUNCTION int front_face(std::uint64_t key) {
  return key == 0 ? -1 : int(0xFFFFFFFFu - std::uint32_t(key & 0xFFFFFFFFu));
}
// Farthest surface: the smallest key wins; smaller z first, then the lower face id. ~0 means none.
inline constexpr std::uint64_t no_back = ~std::uint64_t{0};
KOKKOS_INLINE_FUNCTION std::uint64_t back_key(float z, int face) {
  return (std::uint64_t{orderable(z)} << 32) | std::uint32_t(face);
}
KOKKOS_INLINE_FUNCTION int back_face(std::uint64_t key) { return key == no_back ? -1 : int(key & 0xFFFFFFFFu); }

}  // namespace hifa::detail
