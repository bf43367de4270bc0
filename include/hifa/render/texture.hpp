#pragma once
// Bilinear texture lookup at OBJ texture coordinates, repeating the image outside [0, 1].
//
//   const hifa::TextureSampler texture(image);          // borrows image (float, 1 to 4 channels)
//   float rgb[3];
//   texture.rgb(u, v, rgb);                             // inside a kernel or on the host
//
// Inputs:  u, v   texture coordinates in the OBJ/OpenGL convention: u = 0 at the image's left edge and
//                 1 at its right edge, v = 0 at the image's BOTTOM edge and 1 at its top edge (image
//                 rows run top to bottom, so v is flipped to a row). Any finite value: the texture
//                 repeats with period 1 in both (GL_REPEAT); a non-finite coordinate reads (0, 0).
// Outputs: texel (i, j) (column i, row j) has its centre at u = (i + 0.5) / W, v = 1 - (j + 0.5) / H,
//          where it returns exactly that texel's value; between centres the four nearest texels are
//          blended bilinearly, wrapping across the image's edges (so u = 0 mixes the first and the last
//          column half and half). rgb(): channels 0..2 of a 3- or 4-channel image, or the one grey
//          value three times for 1 or 2 channels (alpha is ignored). An empty image reads 0.
// Cost:    O(1), four texel reads per channel; no allocation. A TextureSampler is a pointer and three
//          ints: copy it into lambdas by value (the image must outlive it).

#include "hifa/render/image.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>

namespace hifa {

class TextureSampler {
 public:
  TextureSampler() = default;
  explicit TextureSampler(const Image<float>& image)
      : texels_(image.data()), width_(image.width()), height_(image.height()), channels_(image.channels()) {
    if (image.empty()) texels_ = nullptr;
  }

  KOKKOS_FUNCTION bool empty() const { return texels_ == nullptr; }
  KOKKOS_FUNCTION int channels() const { return channels_; }

  // Channel c (< channels()) at (u, v).
  KOKKOS_FUNCTION float channel(float u, float v, int c) const {
    if (empty()) return 0.0f;
    const Corners k = corners(u, v);
    const float top = (1 - k.fx) * at(k.x0, k.y0, c) + k.fx * at(k.x1, k.y0, c);
    const float bottom = (1 - k.fx) * at(k.x0, k.y1, c) + k.fx * at(k.x1, k.y1, c);
    return (1 - k.fy) * top + k.fy * bottom;
  }

  // RGB at (u, v) into rgb[0..2] (grey images give the grey value in all three).
  KOKKOS_FUNCTION void rgb(float u, float v, float* rgb) const {
    if (channels_ >= 3) {
      for (int c = 0; c < 3; ++c) rgb[c] = channel(u, v, c);
    } else {
      rgb[0] = rgb[1] = rgb[2] = channel(u, v, 0);
    }
  }

 private:
  struct Corners {
    int x0, x1, y0, y1;
    float fx, fy;
  };

  // The four texels around (u, v) and the blend weights of the second column / row.
  KOKKOS_FUNCTION Corners corners(float u, float v) const {
    if (!std::isfinite(u) || !std::isfinite(v)) u = v = 0.0f;
    // Continuous texel coordinates with texel centres at integers; reduce u and v to [0, 1) first
    // so that huge repeats keep their fraction's precision.
    const float uu = u - std::floor(u), vv = v - std::floor(v);
    const float x = uu * float(width_) - 0.5f, y = (1.0f - vv) * float(height_) - 0.5f;
    const float fx0 = std::floor(x), fy0 = std::floor(y);
    Corners k;
    k.fx = x - fx0;
    k.fy = y - fy0;
    k.x0 = wrap(int(fx0), width_);
    k.y0 = wrap(int(fy0), height_);
    k.x1 = wrap(k.x0 + 1, width_);
    k.y1 = wrap(k.y0 + 1, height_);
    return k;
  }
  KOKKOS_FUNCTION static int wrap(int i, int n) {
    const int r = i % n;
    return r < 0 ? r + n : r;
  }
  KOKKOS_FUNCTION float at(int x, int y, int c) const { return texels_[(y * width_ + x) * channels_ + c]; }

  const float* texels_ = nullptr;
  int width_ = 0, height_ = 0, channels_ = 0;
};

}  // namespace hifa
