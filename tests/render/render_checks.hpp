#pragma once
// Small helpers shared by the rasterizer and shading tests: render options of a size, and a
// byte-for-byte image comparison (the determinism tests compare backends with it).

#include "hifa/render/image.hpp"
#include "hifa/render/rasterize.hpp"

#include <cstring>

namespace hifa::test {

inline RenderOptions render_size(int width, int height, int supersample = 1) {
  RenderOptions o;
  o.width = width;
  o.height = height;
  o.supersample = supersample;
  return o;
}

template <class T>
bool same_bytes(const Image<T>& a, const Image<T>& b) {
  return a.width() == b.width() && a.height() == b.height() && a.channels() == b.channels() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

}  // namespace hifa::test
