#pragma once
// Image files: PNG written, PNG and JPEG (and the other formats stb_image decodes: BMP, TGA, GIF's
// first frame, PSD, HDR, PNM) read, through Debian's precompiled libstb (target stb::stb).
//
//   hifa::Image<float> photo = hifa::read_image("texture.jpg");        // channels as stored
//   hifa::Image<float> rgb = hifa::read_image("mask.png", 3);           // converted to 3 channels
//   hifa::write_png("out/view_000.png", rgb);                           // atomic: whole file or none
//   std::vector<hifa::Image<float>> tex = hifa::load_textures(mesh);   // one RGB image per material
//
// read_image:  Outputs an Image<float> of the file's size, row 0 at the top, values in [0, 1]: an
//              8-bit sample k becomes k / 255 (as float), a 16-bit PNG sample k becomes k / 65535.
//              `channels` 0 keeps the file's channel count (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA);
//              1..4 converts as stb_image does (grey is replicated to RGB, RGB to grey is the
//              luminance (77 R + 150 G + 29 B) / 256, a missing alpha is opaque). Colour values are
//              the file's (sRGB-encoded) values, not linearised. Reads assume stb's process-wide
//              "flip vertically on load" switch is off (its default; hifa never sets it).
// write_png:   float images are quantized to 8 bits as round(255 · clamp(v, 0, 1)), NaN as 0, so an
//              image whose values are k / 255 is written and read back exactly. 1 to 4 channels.
//              The file goes to a temporary name and is renamed when complete (core/atomic_file.hpp).
// load_textures: one image per material of the mesh, in order: read_image(diffuse_texture, 3), or
//              an empty image for a material without a texture (the rasterizer and the surface
//              sampler then use its Kd); no materials, no images. A file named by several
//              materials is read once and shared.
// Errors:  hifa::Error naming the file: it cannot be opened or read, stb cannot decode it (with stb's
//          reason), it is larger than an Image can hold, an empty image or one with channels
//          outside 1..4 is written, the destination cannot be written (see write_file_atomically);
//          naming "read_image" for `channels` outside 0..4.
// Cost:    one read of the file into memory, then decoding; PNG writing compresses with zlib at
//          stb's default level (8), a few ms for a 512² RGB image.

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/render/image.hpp"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace hifa {

namespace detail {

inline std::vector<unsigned char> read_bytes(const std::filesystem::path& path) {
  std::ifstream is(path, std::ios::binary);
  if (!is) throw Error(path.string(), std::string("cannot open for reading: ") + std::strerror(errno));
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  if (is.bad()) throw Error(path.string(), "reading the file failed");
  if (bytes.size() > std::size_t(std::numeric_limits<int>::max())) {
    throw Error(path.string(), "file is larger than 2 GiB, which stb_image cannot decode");
  }
  return bytes;
}

inline std::string stb_reason() {
  const char* reason = stbi_failure_reason();
  return reason ? reason : "unknown reason";
}

// Writes one PNG through stb into `os`; stb hands the encoded bytes to the callback in pieces.
inline void encode_png(std::ostream& os, const std::filesystem::path& path, const Image<std::uint8_t>& image) {
  const auto sink = [](void* context, void* data, int size) {
    static_cast<std::ostream*>(context)->write(static_cast<const char*>(data), size);
  };
  const int stride = image.width() * image.channels();
  if (!stbi_write_png_to_func(sink, &os, image.width(), image.height(), image.channels(), image.data(), stride)) {
    throw Error(path.string(), "stb_image_write could not encode the PNG");
  }
}

}  // namespace detail

// round(255 · clamp(v, 0, 1)) per value, NaN -> 0.
inline Image<std::uint8_t> quantize_8bit(const Image<float>& image) {
  Image<std::uint8_t> out(image.width(), image.height(), std::max(image.channels(), 1));
  const float* in = image.data();
  std::uint8_t* o = out.data();
  for (std::size_t i = 0; i < image.size(); ++i) {
    const float v = std::isnan(in[i]) ? 0.0f : std::clamp(in[i], 0.0f, 1.0f);
    o[i] = static_cast<std::uint8_t>(std::lround(255.0f * v));
  }
  return out;
}

inline Image<float> read_image(const std::filesystem::path& path, int channels = 0) {
  if (channels < 0 || channels > 4) {
    throw Error("read_image", "channels must be 0 (as stored) or 1 to 4, got " + std::to_string(channels));
  }
  const std::vector<unsigned char> bytes = detail::read_bytes(path);
  const int length = int(bytes.size());
  int width = 0, height = 0, stored = 0;
  const bool sixteen = stbi_is_16_bit_from_memory(bytes.data(), length) != 0;
  // stb returns malloc'ed samples (8 or 16 bits each), freed by stbi_image_free.
  const std::unique_ptr<void, void (*)(void*)> samples(
      sixteen ? static_cast<void*>(stbi_load_16_from_memory(bytes.data(), length, &width, &height, &stored, channels))
              : static_cast<void*>(stbi_load_from_memory(bytes.data(), length, &width, &height, &stored, channels)),
      stbi_image_free);
  if (!samples) throw Error(path.string(), "not an image stb_image can decode (" + detail::stb_reason() + ")");
  const int c = channels == 0 ? stored : channels;
  Image<float> out;
  try {
    out = Image<float>(width, height, c);
  } catch (const Error& e) {
    throw Error(path.string(), e.what());
  }
  float* o = out.data();
  if (sixteen) {
    const auto* in = static_cast<const std::uint16_t*>(samples.get());
    for (std::size_t i = 0; i < out.size(); ++i) o[i] = float(in[i]) / 65535.0f;
  } else {
    const auto* in = static_cast<const unsigned char*>(samples.get());
    for (std::size_t i = 0; i < out.size(); ++i) o[i] = float(in[i]) / 255.0f;
  }
  return out;
}

inline void write_png(const std::filesystem::path& path, const Image<std::uint8_t>& image) {
  if (image.empty()) throw Error(path.string(), "cannot write an empty image");
  if (image.channels() < 1 || image.channels() > 4) {
    throw Error(path.string(), "a PNG has 1 to 4 channels, the image has " + std::to_string(image.channels()));
  }
  write_file_atomically(path, [&](std::ostream& os) { detail::encode_png(os, path, image); });
}

inline void write_png(const std::filesystem::path& path, const Image<float>& image) {
  if (image.empty()) throw Error(path.string(), "cannot write an empty image");
  write_png(path, quantize_8bit(image));
}

template <class T>
std::vector<Image<float>> load_textures(const TriMesh<T>& mesh) {
  std::vector<Image<float>> images(mesh.materials.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& path = mesh.materials[i].diffuse_texture;
    if (path.empty()) continue;
    std::size_t same = 0;
    while (same < i && mesh.materials[same].diffuse_texture != path) ++same;
    images[i] = same < i ? images[same] : read_image(path, 3);
  }
  return images;
}

}  // namespace hifa
