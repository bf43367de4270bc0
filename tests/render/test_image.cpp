// Image container layout and errors; PNG/JPEG reading and PNG writing through stb, with errors that
// name the file.
#include "hifa/render/image.hpp"
#include "hifa/render/image_io.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "support/temp_dir.hpp"

#include <stb_image_write.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

using hifa::Image;

namespace {

// An image whose every value is k / 255 for a random byte k.
Image<float> random_8bit_image(int w, int h, int c, std::uint64_t seed) {
  const hifa::CounterRng rng{seed};
  Image<float> image(w, h, c);
  for (std::size_t i = 0; i < image.size(); ++i) image.data()[i] = float(rng.below(256, 0, i)) / 255.0f;
  return image;
}

// --- a minimal PNG encoder for 16-bit grey images (stb_image_write only writes 8 bits) ---------
// Stored (uncompressed) deflate blocks inside a zlib stream (RFC 1950/1951), PNG chunks with CRC-32
// (PNG specification, ISO/IEC 15948, section 5).
std::uint32_t crc32(const std::vector<std::uint8_t>& bytes, std::size_t from) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = from; i < bytes.size(); ++i) {
    crc ^= bytes[i];
    for (int b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc ^ 0xFFFFFFFFu;
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(std::uint8_t(v >> s));
}

void chunk(std::vector<std::uint8_t>& png, const char* type, const std::vector<std::uint8_t>& data) {
  put32(png, std::uint32_t(data.size()));
  const std::size_t start = png.size();
  png.insert(png.end(), type, type + 4);
  png.insert(png.end(), data.begin(), data.end());
  put32(png, crc32(png, start));
}

std::vector<std::uint8_t> png_16bit_grey(int w, int h, const std::vector<std::uint16_t>& samples) {
  std::vector<std::uint8_t> raw;  // each row: filter type 0, then big-endian samples
  for (int y = 0; y < h; ++y) {
    raw.push_back(0);
    for (int x = 0; x < w; ++x) {
      raw.push_back(std::uint8_t(samples[std::size_t(y * w + x)] >> 8));
      raw.push_back(std::uint8_t(samples[std::size_t(y * w + x)] & 0xFF));
    }
  }
  std::vector<std::uint8_t> z = {0x78, 0x01, 0x01};  // zlib header, one final stored block
  const auto n = std::uint16_t(raw.size());
  z.push_back(std::uint8_t(n & 0xFF));
  z.push_back(std::uint8_t(n >> 8));
  z.push_back(std::uint8_t(~n & 0xFF));
  z.push_back(std::uint8_t((~n >> 8) & 0xFF));
  z.insert(z.end(), raw.begin(), raw.end());
  std::uint32_t a = 1, b = 0;  // Adler-32
  for (std::uint8_t byte : raw) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  put32(z, (b << 16) | a);
  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<std::uint8_t> header;
  put32(header, std::uint32_t(w));
  put32(header, std::uint32_t(h));
  header.insert(header.end(), {16, 0, 0, 0, 0});  // bit depth 16, colour type 0 (grey)
  chunk(png, "IHDR", header);
  chunk(png, "IDAT", z);
  chunk(png, "IEND", {});
  return png;
}

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream os(path, std::ios::binary);
  os.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// Whether the message of the hifa::Error thrown by f contains `text`.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const hifa::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("an image is row-major with interleaved channels and its origin at the top left", "[render]") {
  Image<float> image(3, 2, 2);
  REQUIRE(image.size() == 12);
  image(2, 1, 1) = 7.0f;   // last column, bottom row, second channel
  image(1, 0, 0) = 5.0f;
  CHECK(image.data()[(1 * 3 + 2) * 2 + 1] == 7.0f);
  CHECK(image.data()[(0 * 3 + 1) * 2 + 0] == 5.0f);
  const auto view = hifa::host_view(image);
  CHECK(view.extent(0) == 2);
  CHECK(view.extent(1) == 3);
  CHECK(view.extent(2) == 2);
  CHECK(view(1, 2, 1) == 7.0f);
  CHECK(view(0, 1, 0) == 5.0f);
  CHECK(Image<int>(2, 2, 1, -1)(1, 1) == -1);
  CHECK(Image<float>().empty());
  CHECK(Image<float>(0, 5, 3).empty());
}

TEST_CASE("an image rejects negative sizes and channel counts outside 1 to 4", "[render]") {
  CHECK_THROWS_AS(Image<float>(-1, 2, 3), hifa::Error);
  CHECK_THROWS_AS(Image<float>(2, 2, 0), hifa::Error);
  CHECK_THROWS_AS(Image<float>(2, 2, 5), hifa::Error);
  CHECK_THROWS_AS(Image<float>(65536, 65536, 1), hifa::Error);
  CHECK_THAT(error_of([] { Image<float>(2, 2, 5); }), Catch::Contains("Image") && Catch::Contains("5"));
}

TEST_CASE("a PNG written and read back gives exactly the same 8-bit values for 1 to 4 channels", "[render]") {
  const hifa::test::TempDir dir;
  for (int c = 1; c <= 4; ++c) {
    INFO(c << " channels");
    const Image<float> image = random_8bit_image(37, 23, c, std::uint64_t(c));
    const auto path = dir / ("image" + std::to_string(c) + ".png");
    hifa::write_png(path, image);
    const Image<float> back = hifa::read_image(path);
    CHECK(back == image);  // same size, channels and float values, bit for bit
    CHECK(!std::filesystem::exists(path.string() + ".tmp-" + std::to_string(::getpid())));
  }
}

TEST_CASE("writing a PNG quantizes to round(255 v) after clamping to [0, 1], NaN to 0", "[render]") {
  Image<float> image(6, 1, 1);
  const float values[6] = {-0.5f, 0.0f, 0.499f / 255.0f, 0.501f / 255.0f, 1.0f, std::numeric_limits<float>::quiet_NaN()};
  for (int x = 0; x < 6; ++x) image(x, 0) = values[x];
  const Image<std::uint8_t> q = hifa::quantize_8bit(image);
  CHECK(q(0, 0) == 0);
  CHECK(q(1, 0) == 0);
  CHECK(q(2, 0) == 0);
  CHECK(q(3, 0) == 1);
  CHECK(q(4, 0) == 255);
  CHECK(q(5, 0) == 0);
}

TEST_CASE("reading a PNG converts channels on request: grey to RGB replicates, RGBA keeps alpha", "[render]") {
  const hifa::test::TempDir dir;
  const Image<float> grey = random_8bit_image(5, 4, 1, 9);
  hifa::write_png(dir / "grey.png", grey);
  const Image<float> rgb = hifa::read_image(dir / "grey.png", 3);
  REQUIRE(rgb.channels() == 3);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 5; ++x)
      for (int c = 0; c < 3; ++c) CHECK(rgb(x, y, c) == grey(x, y));
  const Image<float> rgba = hifa::read_image(dir / "grey.png", 4);
  CHECK(rgba(3, 2, 3) == 1.0f);  // opaque where the file has no alpha
}

TEST_CASE("a 16-bit PNG reads as k / 65535", "[render]") {
  const hifa::test::TempDir dir;
  const std::vector<std::uint16_t> samples = {0, 1, 257, 40000, 65534, 65535};
  write_bytes(dir / "deep.png", png_16bit_grey(3, 2, samples));
  const Image<float> image = hifa::read_image(dir / "deep.png");
  REQUIRE(image.width() == 3);
  REQUIRE(image.height() == 2);
  REQUIRE(image.channels() == 1);
  for (int i = 0; i < 6; ++i) CHECK(image.data()[i] == float(samples[std::size_t(i)]) / 65535.0f);
}

TEST_CASE("a JPEG reads with its size and, within JPEG's loss, its colours", "[render]") {
  const hifa::test::TempDir dir;
  // A smooth image (JPEG is lossy; smooth content keeps the error small): a horizontal red ramp,
  // constant green, vertical blue ramp.
  const int w = 32, h = 16;
  std::vector<std::uint8_t> pixels(std::size_t(w * h * 3));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      pixels[std::size_t((y * w + x) * 3 + 0)] = std::uint8_t(x * 8);
      pixels[std::size_t((y * w + x) * 3 + 1)] = 128;
      pixels[std::size_t((y * w + x) * 3 + 2)] = std::uint8_t(y * 16);
    }
  }
  const auto path = dir / "photo.jpg";
  REQUIRE(stbi_write_jpg(path.c_str(), w, h, 3, pixels.data(), 100) != 0);
  const Image<float> image = hifa::read_image(path);
  REQUIRE(image.width() == w);
  REQUIRE(image.height() == h);
  REQUIRE(image.channels() == 3);
  double worst = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        worst = std::max(worst, std::abs(double(image(x, y, c)) - pixels[std::size_t((y * w + x) * 3 + c)] / 255.0));
  CHECK(worst < 8.0 / 255.0);
  // Row 0 is the top of the file: blue grows downwards.
  CHECK(image(5, 0, 2) < image(5, h - 1, 2));
}

TEST_CASE("image errors name the file: missing, not an image, unwritable folder, empty image", "[render]") {
  const hifa::test::TempDir dir;
  const auto missing = dir / "no_such_image.png";
  CHECK_THROWS_AS(hifa::read_image(missing), hifa::Error);
  CHECK_THAT(error_of([&] { hifa::read_image(missing); }), Catch::Contains(missing.string()));

  const auto garbage = dir / "garbage.png";
  write_bytes(garbage, {'n', 'o', 't', ' ', 'a', ' ', 'p', 'n', 'g'});
  CHECK_THAT(error_of([&] { hifa::read_image(garbage); }), Catch::Contains(garbage.string()) && Catch::Contains("decode"));

  const auto truncated = dir / "truncated.png";
  hifa::write_png(dir / "whole.png", random_8bit_image(16, 16, 3, 4));
  {
    std::ifstream is(dir / "whole.png", std::ios::binary);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
    bytes.resize(bytes.size() / 2);
    write_bytes(truncated, bytes);
  }
  CHECK_THAT(error_of([&] { hifa::read_image(truncated); }), Catch::Contains(truncated.string()));

  const auto nowhere = dir / "missing_folder" / "out.png";
  CHECK_THAT(error_of([&] { hifa::write_png(nowhere, random_8bit_image(2, 2, 3, 1)); }),
             Catch::Contains(nowhere.string()));
  CHECK_THAT(error_of([&] { hifa::write_png(dir / "empty.png", Image<float>()); }),
             Catch::Contains("empty.png") && Catch::Contains("empty image"));
  CHECK_THAT(error_of([&] { hifa::read_image(garbage, 7); }), Catch::Contains("read_image"));
}

TEST_CASE("load_textures reads each material's texture as RGB, an empty image for one without, and nothing without materials", "[render]") {
  const hifa::test::TempDir dir;
  hifa::TriMeshf mesh;
  CHECK(hifa::load_textures(mesh).empty());
  const Image<float> grey = random_8bit_image(4, 4, 1, 3);
  hifa::write_png(dir / "skin.png", grey);
  mesh.materials.resize(3);
  mesh.materials[0].diffuse_texture = dir / "skin.png";
  mesh.materials[2].diffuse_texture = dir / "skin.png";
  const std::vector<Image<float>> textures = hifa::load_textures(mesh);
  REQUIRE(textures.size() == 3);
  REQUIRE(textures[0].channels() == 3);
  CHECK(textures[0](3, 1, 2) == grey(3, 1));
  CHECK(textures[1].empty());
  CHECK(textures[2].values().size() == textures[0].values().size());
  CHECK(textures[2](3, 1, 0) == grey(3, 1));
  mesh.materials[1].diffuse_texture = dir / "gone.jpg";
  CHECK_THAT(error_of([&] { hifa::load_textures(mesh); }), Catch::Contains("gone.jpg"));
}
