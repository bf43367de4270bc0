#pragma once
// PIFu/PIFuHD-style augmentation of one prepared view (no LibTorch; the loader calls it per item).
//
//   ItemAugment a = draw_augment(config.train.augment, item_seed);     // every random draw, once
//   ViewMaps m = warp_view(maps, a.affine, 0, 0, 512);                // images, masks, normals
//   Vec3f p_aug = a.affine.apply(p_view);                             // the points, consistently
//   swap_background(m.image, m.mask, background);                     // when a.swap_background
//   color_jitter({&m.image, &fine.image}, a.jitter);                  // when a.color_jitter
//
// Geometry (PIFu's random_scale / random_trans, lib/data/TrainDataset.py, which scale and shift the
//   image and fold the same change into the calibration): an affine change of the view frame,
//   n' = (s x + tx, s y + ty, s z) -- the subject scaled by s about the image centre (z too, as PIFu
//   scales its whole scale_intrinsic) and shifted in the image plane. The maps are resampled so that
//   docs/dataset.md's pixel mapping (px = (x + 1) / 2 W, py = (1 - y) / 2 W) holds for n' in the
//   warped images exactly as it held for n in the originals; normals need no change (a uniform scale
//   and a shift keep directions). Output pixel (i, j) takes the bilinear value of the source at the
//   view-frame point that maps onto its centre; outside the source the mask and normals are 0 (no
//   subject there) and the image repeats its border (PIFu pads black, but a black frame would tell
//   the network where the image ends).
// Colour (torchvision ColorJitter, as PIFu's TrainDataset applies it): brightness, contrast,
//   saturation factors uniform in [max(0, 1 - a), 1 + a], hue shift uniform in [-h, h], applied in a
//   random order; each clamps to [0, 1]; contrast blends with the mean grey of the (coarse) image,
//   saturation with each pixel's grey (0.2989 R + 0.587 G + 0.114 B), hue rotates H in HSV. Then
//   grey with probability grayscale_probability (PIFuHD's aug_gry, torchvision RandomGrayscale).
//   One draw serves both levels of a view, so the fine crop is jittered like its coarse image.
// Background swap: image = mask image + (1 - mask) background (the mask decides what is subject;
//   edge pixels keep their share of the old background).
// Determinism: draw_augment is a pure function of (config, seed); the rest has no randomness.

#include "config/config.hpp"
#include "data/prepared_dataset.hpp"

#include "hifa/core/types.hpp"
#include "hifa/render/image.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace hifa::trainer {

struct ViewAffine {
  float scale = 1, tx = 0, ty = 0;  // normalized view-frame units
  bool identity() const { return scale == 1 && tx == 0 && ty == 0; }
  Vec3f apply(const Vec3f& p) const { return {scale * p.x() + tx, scale * p.y() + ty, scale * p.z()}; }
};

struct ColorJitter {
  float brightness = 1, contrast = 1, saturation = 1, hue = 0;
  std::array<int, 4> order{0, 1, 2, 3};  // 0 brightness, 1 contrast, 2 saturation, 3 hue
  bool grayscale = false;
};

struct ItemAugment {
  ViewAffine affine;
  bool color_jitter = false;
  ColorJitter jitter;
  bool swap_background = false;
  std::uint64_t background_seed = 0;  // procedural background / which other view
};

// Every random choice of one item's augmentation, from its seed (counter-based, hifa/core/rng.hpp).
ItemAugment draw_augment(const AugmentConfig& config, std::uint64_t seed);

// The window [x0, x0 + size) x [y0, y0 + size) of the maps warped by `affine`, the maps being
// full x full pixels (full = maps.image.width()); the identity copies the window exactly.
ViewMaps warp_view(const ViewMaps& maps, const ViewAffine& affine, int x0, int y0, int size);

// The window [x0, x0 + size) x [y0, y0 + size) of `image` (inside it), all channels.
Image<float> crop_image(const Image<float>& image, int x0, int y0, int size);

// image = mask image + (1 - mask) background; all of one size, background RGB.
void swap_background(Image<float>& image, const Image<float>& mask, const Image<float>& background);

// Applies one jitter to each image (RGB in [0, 1]); the contrast mean is taken from the first image
// and used for all, so the levels of a view stay alike.
void color_jitter(const std::vector<Image<float>*>& images, const ColorJitter& jitter);

}  // namespace hifa::trainer
