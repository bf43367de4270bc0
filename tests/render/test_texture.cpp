// Bilinear texture lookup at OBJ texture coordinates: texel centres, v up, blending and wrapping.
#include "hifa/render/texture.hpp"

#include "hifa/render/image.hpp"

#include <catch2/catch.hpp>

#include <limits>

using hifa::Image;
using hifa::TextureSampler;

namespace {

// A W x H RGB texture whose texel (i, j) holds (i, j, i + 10 j) / 100, distinct everywhere.
Image<float> numbered(int w, int h) {
  Image<float> image(w, h, 3);
  for (int j = 0; j < h; ++j) {
    for (int i = 0; i < w; ++i) {
      image(i, j, 0) = float(i) / 100.0f;
      image(i, j, 1) = float(j) / 100.0f;
      image(i, j, 2) = float(i + 10 * j) / 100.0f;
    }
  }
  return image;
}

}  // namespace

TEST_CASE("a lookup at a texel centre returns that texel, with v = 1 at the top row", "[render]") {
  // Power-of-two sizes: the texel centres (i + 0.5) / W are exact in float.
  const Image<float> image = numbered(8, 4);
  const TextureSampler texture(image);
  for (int j = 0; j < 4; ++j) {
    for (int i = 0; i < 8; ++i) {
      float rgb[3];
      texture.rgb((float(i) + 0.5f) / 8.0f, 1.0f - (float(j) + 0.5f) / 4.0f, rgb);
      INFO("texel " << i << ", " << j);
      CHECK(rgb[0] == image(i, j, 0));
      CHECK(rgb[1] == image(i, j, 1));
      CHECK(rgb[2] == image(i, j, 2));
    }
  }
}

TEST_CASE("between texel centres the lookup blends the four nearest texels bilinearly", "[render]") {
  const Image<float> image = numbered(8, 4);
  const TextureSampler texture(image);
  // A quarter of the way from texel (2, 1) to (3, 1) and half way down to (2, 2).
  const float u = (2.5f + 0.25f) / 8.0f, v = 1.0f - (1.5f + 0.5f) / 4.0f;
  const float expected = 0.75f * 0.5f * image(2, 1, 2) + 0.25f * 0.5f * image(3, 1, 2) +
                         0.75f * 0.5f * image(2, 2, 2) + 0.25f * 0.5f * image(3, 2, 2);
  CHECK(texture.channel(u, v, 2) == Approx(expected).epsilon(1e-6));
}

TEST_CASE("the texture repeats: u = 0 mixes the first and last column, whole periods change nothing", "[render]") {
  const Image<float> image = numbered(8, 4);
  const TextureSampler texture(image);
  const float v = 1.0f - 0.5f / 4.0f;  // row 0's centre
  CHECK(texture.channel(0.0f, v, 0) == Approx(0.5f * (image(0, 0, 0) + image(7, 0, 0))));
  CHECK(texture.channel(1.0f, v, 0) == Approx(0.5f * (image(0, 0, 0) + image(7, 0, 0))));
  // v = 1 is the top edge: half row 0, half row 3 (the bottom row, wrapped).
  const float u = 2.5f / 8.0f;
  CHECK(texture.channel(u, 1.0f, 1) == Approx(0.5f * (image(2, 0, 1) + image(2, 3, 1))));
  for (const float shift : {-3.0f, 1.0f, 5.0f}) {
    const float a = texture.channel(0.3f, 0.6f, 2), b = texture.channel(0.3f + shift, 0.6f - shift, 2);
    CHECK(a == Approx(b).margin(1e-6));
  }
}

TEST_CASE("a grey texture gives its value in all three channels; non-finite or empty reads are defined", "[render]") {
  Image<float> grey(2, 2, 1, 0.25f);
  grey(0, 1) = 0.75f;  // bottom-left texel, around (u, v) = (0.25, 0.25)
  const TextureSampler texture(grey);
  float rgb[3];
  texture.rgb(0.25f, 0.25f, rgb);
  CHECK(rgb[0] == 0.75f);
  CHECK(rgb[1] == 0.75f);
  CHECK(rgb[2] == 0.75f);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(texture.channel(nan, 0.5f, 0) == texture.channel(0.0f, 0.0f, 0));
  const Image<float> none;
  CHECK(TextureSampler(none).empty());
  CHECK(TextureSampler(none).channel(0.5f, 0.5f, 0) == 0.0f);
}
