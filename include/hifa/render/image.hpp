#pragma once
// An image in memory: explicit width, height and channel count, row-major, origin top-left.
//
//   hifa::Image<float> rgb(512, 512, 3);          // zero-filled
//   rgb(x, y, c) = 0.5f;                          // column x (0 = left), row y (0 = top), channel c
//   auto v = hifa::host_view(rgb);                // unmanaged View (height, width, channels) for kernels
//
// Layout:  value of (x, y, c) at data[(y * width + x) * channels + c]: channels interleaved, rows
//          top to bottom — the layout of PNG/JPG files, of stb_image and of a numpy array of shape
//          (height, width, channels), so images move between them without reordering.
// Convention: float images hold values in [0, 1] (colour, alpha, normals stored as (n + 1) / 2);
//          the container does not clamp, so a depth map or any other float field fits as well.
// Errors:  hifa::Error naming "Image" for a negative size, channels outside 1..4 or more than
//          2^31 - 1 values. (Only the default-constructed, empty image has 0 channels.)
// Cost:    width * height * channels values, one allocation.

#include "hifa/core/error.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace hifa {

template <class T = float>
class Image {
 public:
  using value_type = T;

  Image() = default;
  Image(int width, int height, int channels, T fill = T{}) : width_(width), height_(height), channels_(channels) {
    if (width < 0 || height < 0) {
      throw Error("Image", "size must be >= 0, got " + std::to_string(width) + " x " + std::to_string(height));
    }
    if (channels < 1 || channels > 4) {
      throw Error("Image", "channels must be 1 to 4, got " + std::to_string(channels));
    }
    const std::uint64_t count = std::uint64_t(width) * std::uint64_t(height) * std::uint64_t(channels);
    if (count > std::uint64_t(std::numeric_limits<int>::max())) {
      throw Error("Image", std::to_string(width) + " x " + std::to_string(height) + " x " + std::to_string(channels) +
                               " values is more than 2^31 - 1");
    }
    data_.assign(std::size_t(count), fill);
  }

  int width() const { return width_; }
  int height() const { return height_; }
  int channels() const { return channels_; }
  bool empty() const { return data_.empty(); }
  // Number of values (width * height * channels).
  std::size_t size() const { return data_.size(); }

  T& operator()(int x, int y, int c = 0) { return data_[index(x, y, c)]; }
  const T& operator()(int x, int y, int c = 0) const { return data_[index(x, y, c)]; }

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  const std::vector<T>& values() const { return data_; }

  friend bool operator==(const Image& a, const Image& b) {
    return a.width_ == b.width_ && a.height_ == b.height_ && a.channels_ == b.channels_ && a.data_ == b.data_;
  }

 private:
  std::size_t index(int x, int y, int c) const {
    return (std::size_t(y) * std::size_t(width_) + std::size_t(x)) * std::size_t(channels_) + std::size_t(c);
  }

  int width_ = 0, height_ = 0, channels_ = 0;
  std::vector<T> data_;
};

using Imagef = Image<float>;

// The pixels as an unmanaged host View of extents (height, width, channels), LayoutRight, for
// reading or writing an image from a Kokkos kernel on a host execution space. The View borrows the
// image's storage: it must not outlive the image, and resizing the image invalidates it.
template <class T>
auto host_view(Image<T>& image) {
  return Kokkos::View<T***, Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
      image.data(), std::size_t(image.height()), std::size_t(image.width()), std::size_t(image.channels()));
}
template <class T>
auto host_view(const Image<T>& image) {
  return Kokkos::View<const T***, Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
      image.data(), std::size_t(image.height()), std::size_t(image.width()), std::size_t(image.channels()));
}

}  // namespace hifa
