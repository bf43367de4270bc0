#pragma once
// Backgrounds behind the rendered subject, so a trained network needs no mask at test time
// (PIFuHD composites random COCO images; PIFu's renders have none).
//
//   const Backgrounds bg = Backgrounds::procedural();          // or Backgrounds::from_folder(dir)
//   Image<float> b = bg.make(seed, 512);                       // 512 x 512 RGB in [0, 1]
//
// Every background is a pure function of (seed, size) and is defined over the unit square, so the
// coarse and the fine image of one view show the same background at two resolutions.
// procedural  one of, chosen by the seed: a linear gradient between two random colours in a random
//             direction; value noise (3 octaves on a random lattice, smoothstep-interpolated,
//             mapped between two colours); a gradient or noise base under 4..24 random discs and
//             rotated rectangles of random colours.
// from_folder the images of the folder (PNG, JPEG, BMP, TGA; sorted by name), one picked by the seed,
//             a random square crop of 50..100% of its shorter side at a random place, resized
//             bilinearly. Images are decoded when used (a folder may hold thousands).
// Errors: from_folder: hifa::Error naming the folder when it does not exist or holds no image;
//         make: the image's read error (hifa::Error naming the file) when it cannot be decoded.

#include "hifa/render/image.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hifa::prepare {

class Backgrounds {
 public:
  static Backgrounds procedural() { return Backgrounds(); }
  static Backgrounds from_folder(const std::filesystem::path& folder);

  Image<float> make(std::uint64_t seed, int size) const;
  // What make(seed, ...) shows, for the view's calibration file ("gradient", "noise", "shapes",
  // or the image's file name and crop).
  std::string describe(std::uint64_t seed) const;

  bool from_images() const { return !images_.empty(); }

 private:
  Backgrounds() = default;
  std::vector<std::filesystem::path> images_;
};

}  // namespace hifa::prepare
