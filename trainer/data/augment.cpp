#include "data/augment.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace hifa::trainer {
namespace {

// Draw numbers of the item's CounterRng (stream 0); the loader uses other streams for its own draws.
enum Draw : std::uint64_t {
  draw_scale,
  draw_tx,
  draw_ty,
  draw_brightness,
  draw_contrast,
  draw_saturation,
  draw_hue,
  draw_grey,
  draw_order,  // 4 keys: draw_order .. draw_order + 3
  draw_swap = draw_order + 4,
  draw_background
};

float uniform_in(const CounterRng& rng, std::uint64_t draw, float lo, float hi) {
  return lo + (hi - lo) * rng.uniform(0, draw);
}

// torchvision's factor range for ColorJitter(brightness=a): [max(0, 1 - a), 1 + a].
float factor(const CounterRng& rng, std::uint64_t draw, double amount) {
  return uniform_in(rng, draw, float(std::max(0.0, 1 - amount)), float(1 + amount));
}

float grey(float r, float g, float b) { return 0.2989f * r + 0.587f * g + 0.114f * b; }

// torchvision functional_tensor _rgb2hsv / _hsv2rgb, per pixel, h in [0, 1).
void shift_hue(float& r, float& g, float& b, float shift) {
  const float maxc = std::max({r, g, b}), minc = std::min({r, g, b});
  const float v = maxc, delta = maxc - minc;
  if (delta <= 0) return;  // grey: no hue to rotate
  const float s = delta / maxc;
  const float rc = (maxc - r) / delta, gc = (maxc - g) / delta, bc = (maxc - b) / delta;
  float h = maxc == r ? bc - gc : maxc == g ? 2 + rc - bc : 4 + gc - rc;
  h = h / 6 + shift;
  h -= std::floor(h);
  const float f6 = h * 6;
  const int i = int(std::floor(f6)) % 6;
  const float f = f6 - std::floor(f6);
  const float p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  switch (i) {
    case 0: r = v, g = t, b = p; break;
    case 1: r = q, g = v, b = p; break;
    case 2: r = p, g = v, b = t; break;
    case 3: r = p, g = q, b = v; break;
    case 4: r = t, g = p, b = v; break;
    default: r = v, g = p, b = q; break;
  }
}

float mean_grey(const Image<float>& im) {
  double sum = 0;
  for (int y = 0; y < im.height(); ++y) {
    for (int x = 0; x < im.width(); ++x) sum += grey(im(x, y, 0), im(x, y, 1), im(x, y, 2));
  }
  return float(sum / double(std::max<std::size_t>(1, std::size_t(im.width()) * std::size_t(im.height()))));
}

template <class F>
void per_pixel(Image<float>& im, F&& f) {
  for (int y = 0; y < im.height(); ++y) {
    for (int x = 0; x < im.width(); ++x) f(im(x, y, 0), im(x, y, 1), im(x, y, 2));
  }
}

float clamp01(float v) { return std::clamp(v, 0.0f, 1.0f); }

// Bilinear value of channel c at continuous index position (u, v) (pixel centres at integers);
// outside the image: the border (clamp) or 0.
float sample(const Image<float>& im, float u, float v, int c, bool clamp) {
  const int w = im.width(), h = im.height();
  const float fu = std::floor(u), fv = std::floor(v);
  const int x0 = int(fu), y0 = int(fv);
  const float au = u - fu, av = v - fv;
  float out = 0;
  for (int dy = 0; dy < 2; ++dy) {
    for (int dx = 0; dx < 2; ++dx) {
      const float wgt = (dx ? au : 1 - au) * (dy ? av : 1 - av);
      if (wgt == 0) continue;
      int x = x0 + dx, y = y0 + dy;
      if (x < 0 || y < 0 || x >= w || y >= h) {
        if (!clamp) continue;
        x = std::clamp(x, 0, w - 1);
        y = std::clamp(y, 0, h - 1);
      }
      out += wgt * im(x, y, c);
    }
  }
  return out;
}

Image<float> warp(const Image<float>& im, const ViewAffine& a, int x0, int y0, int size, bool clamp) {
  const float full = float(im.width());
  Image<float> out(size, size, im.channels());
  for (int j = 0; j < size; ++j) {
    // The output pixel's centre in the warped view frame, mapped back by the inverse affine, then
    // to the source's index space (pixel centres at integers).
    const float yq = 1 - 2 * (float(y0 + j) + 0.5f) / full;
    const float v = (1 - (yq - a.ty) / a.scale) / 2 * full - 0.5f;
    for (int i = 0; i < size; ++i) {
      const float xq = 2 * (float(x0 + i) + 0.5f) / full - 1;
      const float u = ((xq - a.tx) / a.scale + 1) / 2 * full - 0.5f;
      for (int c = 0; c < im.channels(); ++c) out(i, j, c) = sample(im, u, v, c, clamp);
    }
  }
  return out;
}

}  // namespace

Image<float> crop_image(const Image<float>& im, int x0, int y0, int size) {
  Image<float> out(size, size, im.channels());
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < im.channels(); ++c) out(x, y, c) = im(x0 + x, y0 + y, c);
    }
  }
  return out;
}

ItemAugment draw_augment(const AugmentConfig& config, std::uint64_t seed) {
  const CounterRng rng{seed};
  ItemAugment a;
  if (config.scale_jitter) {
    a.affine.scale = uniform_in(rng, draw_scale, float(config.scale_min), float(config.scale_max));
  }
  if (config.translate_jitter) {
    // A fraction f of the image width is 2 f normalized units.
    const float t = float(2 * config.translate);
    a.affine.tx = uniform_in(rng, draw_tx, -t, t);
    a.affine.ty = uniform_in(rng, draw_ty, -t, t);
  }
  a.color_jitter = config.color_jitter;
  if (config.color_jitter) {
    a.jitter.brightness = factor(rng, draw_brightness, config.brightness);
    a.jitter.contrast = factor(rng, draw_contrast, config.contrast);
    a.jitter.saturation = factor(rng, draw_saturation, config.saturation);
    a.jitter.hue = uniform_in(rng, draw_hue, -float(config.hue), float(config.hue));
    a.jitter.grayscale = rng.uniform(0, draw_grey) < float(config.grayscale_probability);
    // torchvision draws torch.randperm(4): here the order of 4 random keys.
    std::array<std::pair<float, int>, 4> keys;
    for (int k = 0; k < 4; ++k) keys[std::size_t(k)] = {rng.uniform(0, draw_order + std::uint64_t(k)), k};
    std::sort(keys.begin(), keys.end());
    for (int k = 0; k < 4; ++k) a.jitter.order[std::size_t(k)] = keys[std::size_t(k)].second;
  }
  if (config.background_swap) {
    a.swap_background = rng.uniform(0, draw_swap) < float(config.background_probability);
    const RandomBits b = rng.bits(0, draw_background);
    a.background_seed = (std::uint64_t{b.v[0]} << 32) | b.v[1];
  }
  return a;
}

ViewMaps warp_view(const ViewMaps& maps, const ViewAffine& affine, int x0, int y0, int size) {
  const int full = maps.image.width();
  if (x0 < 0 || y0 < 0 || size < 1 || x0 + size > full || y0 + size > full) {
    throw Error("warp_view", "window " + std::to_string(size) + " at (" + std::to_string(x0) + ", " +
                                 std::to_string(y0) + ") is not inside the " + std::to_string(full) + " pixel image");
  }
  ViewMaps out;
  if (affine.identity()) {
    out.image = crop_image(maps.image, x0, y0, size);
    out.mask = crop_image(maps.mask, x0, y0, size);
    out.normal_front = crop_image(maps.normal_front, x0, y0, size);
    out.normal_back = crop_image(maps.normal_back, x0, y0, size);
    return out;
  }
  out.image = warp(maps.image, affine, x0, y0, size, true);
  out.mask = warp(maps.mask, affine, x0, y0, size, false);
  out.normal_front = warp(maps.normal_front, affine, x0, y0, size, false);
  out.normal_back = warp(maps.normal_back, affine, x0, y0, size, false);
  return out;
}

void swap_background(Image<float>& image, const Image<float>& mask, const Image<float>& background) {
  if (image.width() != mask.width() || image.height() != mask.height() || background.width() != image.width() ||
      background.height() != image.height() || background.channels() != 3 || image.channels() != 3) {
    throw Error("swap_background", "image, mask and background differ in size or channels");
  }
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      const float a = mask(x, y);
      for (int c = 0; c < 3; ++c) image(x, y, c) = a * image(x, y, c) + (1 - a) * background(x, y, c);
    }
  }
}

void color_jitter(const std::vector<Image<float>*>& images, const ColorJitter& j) {
  if (images.empty()) return;
  for (const int op : j.order) {
    switch (op) {
      case 0:
        for (Image<float>* im : images) {
          per_pixel(*im, [&](float& r, float& g, float& b) {
            r = clamp01(r * j.brightness), g = clamp01(g * j.brightness), b = clamp01(b * j.brightness);
          });
        }
        break;
      case 1: {
        const float mean = mean_grey(*images.front());
        const float k = j.contrast, m = (1 - k) * mean;
        for (Image<float>* im : images) {
          per_pixel(*im, [&](float& r, float& g, float& b) {
            r = clamp01(k * r + m), g = clamp01(k * g + m), b = clamp01(k * b + m);
          });
        }
        break;
      }
      case 2: {
        const float k = j.saturation;
        for (Image<float>* im : images) {
          per_pixel(*im, [&](float& r, float& g, float& b) {
            const float l = (1 - k) * grey(r, g, b);
            r = clamp01(k * r + l), g = clamp01(k * g + l), b = clamp01(k * b + l);
          });
        }
        break;
      }
      default:
        if (j.hue != 0) {
          for (Image<float>* im : images) per_pixel(*im, [&](float& r, float& g, float& b) { shift_hue(r, g, b, j.hue); });
        }
        break;
    }
  }
  if (j.grayscale) {
    for (Image<float>* im : images) {
      per_pixel(*im, [](float& r, float& g, float& b) { r = g = b = grey(r, g, b); });
    }
  }
}

}  // namespace hifa::trainer
