#pragma once
// Whole-image operations for dataset writing: area-average resizing, centre-crop-and-resize to
// cover a size, and compositing a rendered foreground over a background with its alpha mask.
//
//   hifa::Image<float> small = hifa::resize_area(image, 128, 128);     // box filter
//   hifa::Image<float> bg = hifa::resize_cover(photo, 512, 512);        // crop to the aspect, resize
//   hifa::Image<float> shown = hifa::composite_over(maps.color, maps.alpha, bg);
//
// resize_area: output pixel (i, j) is the area-weighted mean of the source over its footprint
//   [i W/w, (i+1) W/w) x [j H/h, (j+1) H/h) (exact fractional overlaps, so a 2:1 reduction averages
//   2 x 2 blocks and a constant image stays that constant); enlarging repeats source pixels (the
//   footprint lies inside one or two of them). Any channel count, channels kept.
// resize_cover: the largest centred crop of the source with the aspect w : h (rows or columns cut
//   evenly from both sides, rounded to whole pixels), then resize_area to w x h: fills the target
//   without distortion, as a photo background behind a subject should.
// composite_over: out = alpha fg + (1 - alpha) bg per channel, with alpha of the rasterizer's
//   straight (not premultiplied) colour; fg and bg of the same size and channel count, alpha 1 channel
//   of that size. Values are not clamped (inputs in [0, 1] stay there).
// clay_shade: the grey of a clay render (contact sheets) at a unit camera-space normal n:
//   0.25 + 0.75 max(0, n · l), one light from the upper left front, l ∝ (-0.4, 0.5, 1).
// Errors: hifa::Error naming "resize_area" / "resize_cover" for an empty source or a target size < 1;
//   "composite_over" for sizes or channel counts that differ.
// Cost: O(source + target pixels) · channels; serial (cheap next to rendering), so the same bytes
//   everywhere.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/render/image.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace hifa {

namespace detail {

struct Footprint {
  int first;                   // first source index
  std::vector<double> weight;  // weights of first, first + 1, ... (sum 1)
};

// The footprints of n output cells over m source cells.
inline std::vector<Footprint> footprints(int m, int n) {
  std::vector<Footprint> out(static_cast<std::size_t>(n));
  const double step = double(m) / double(n);
  for (int i = 0; i < n; ++i) {
    const double lo = i * step, hi = (i + 1) * step;
    const int first = std::min(int(std::floor(lo)), m - 1);
    const int last = std::min(int(std::ceil(hi)) - 1, m - 1);
    Footprint& f = out[std::size_t(i)];
    f.first = first;
    for (int s = first; s <= std::max(first, last); ++s) {
      const double overlap = std::min(hi, double(s + 1)) - std::max(lo, double(s));
      f.weight.push_back(std::max(0.0, overlap) / step);
    }
  }
  return out;
}

}  // namespace detail

inline Image<float> resize_area(const Image<float>& image, int width, int height) {
  if (image.empty()) throw Error("resize_area", "the source image is empty");
  if (width < 1 || height < 1) {
    throw Error("resize_area", "target size must be >= 1, got " + std::to_string(width) + " x " + std::to_string(height));
  }
  const int channels = image.channels();
  const auto fx = detail::footprints(image.width(), width), fy = detail::footprints(image.height(), height);
  // Columns first (source rows x target columns, in double), then rows.
  std::vector<double> across(std::size_t(image.height()) * std::size_t(width) * std::size_t(channels), 0.0);
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < width; ++x) {
      const detail::Footprint& f = fx[std::size_t(x)];
      for (int c = 0; c < channels; ++c) {
        double sum = 0;
        for (std::size_t s = 0; s < f.weight.size(); ++s) sum += f.weight[s] * image(f.first + int(s), y, c);
        across[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * std::size_t(channels) + std::size_t(c)] = sum;
      }
    }
  }
  Image<float> out(width, height, channels);
  for (int y = 0; y < height; ++y) {
    const detail::Footprint& f = fy[std::size_t(y)];
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        double sum = 0;
        for (std::size_t s = 0; s < f.weight.size(); ++s) {
          sum += f.weight[s] * across[((std::size_t(f.first) + s) * std::size_t(width) + std::size_t(x)) * std::size_t(channels) +
                                     std::size_t(c)];
        }
        out(x, y, c) = float(sum);
      }
    }
  }
  return out;
}

inline Image<float> resize_cover(const Image<float>& image, int width, int height) {
  if (image.empty()) throw Error("resize_cover", "the source image is empty");
  if (width < 1 || height < 1) {
    throw Error("resize_cover", "target size must be >= 1, got " + std::to_string(width) + " x " + std::to_string(height));
  }
  // Crop (cw, ch) with cw / ch = width / height, as large as the source allows.
  int cw = image.width(), ch = image.height();
  if (double(image.width()) * height > double(image.height()) * width) {
    cw = std::max(1, int(std::lround(double(image.height()) * width / height)));
  } else {
    ch = std::max(1, int(std::lround(double(image.width()) * height / width)));
  }
  const int x0 = (image.width() - cw) / 2, y0 = (image.height() - ch) / 2;
  Image<float> crop(cw, ch, image.channels());
  for (int y = 0; y < ch; ++y) {
    for (int x = 0; x < cw; ++x) {
      for (int c = 0; c < image.channels(); ++c) crop(x, y, c) = image(x0 + x, y0 + y, c);
    }
  }
  return resize_area(crop, width, height);
}

inline Image<float> composite_over(const Image<float>& foreground, const Image<float>& alpha, const Image<float>& background) {
  const auto size = [](const Image<float>& i) {
    return std::to_string(i.width()) + " x " + std::to_string(i.height()) + " x " + std::to_string(i.channels());
  };
  if (foreground.width() != background.width() || foreground.height() != background.height() ||
      foreground.channels() != background.channels()) {
    throw Error("composite_over", "foreground is " + size(foreground) + " but background is " + size(background));
  }
  if (alpha.width() != foreground.width() || alpha.height() != foreground.height() || alpha.channels() != 1) {
    throw Error("composite_over", "alpha is " + size(alpha) + ", expected " + std::to_string(foreground.width()) + " x " +
                                      std::to_string(foreground.height()) + " x 1");
  }
  Image<float> out(foreground.width(), foreground.height(), foreground.channels());
  for (int y = 0; y < out.height(); ++y) {
    for (int x = 0; x < out.width(); ++x) {
      const float a = alpha(x, y);
      for (int c = 0; c < out.channels(); ++c) out(x, y, c) = a * foreground(x, y, c) + (1 - a) * background(x, y, c);
    }
  }
  return out;
}

inline float clay_shade(const Vec3f& n) {
  const Vec3f light = Vec3f(-0.4f, 0.5f, 1.0f).normalized();
  return 0.25f + 0.75f * std::max(0.0f, n.dot(light));
}

}  // namespace hifa
