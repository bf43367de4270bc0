#include "prepare/backgrounds.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/render/image_io.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <system_error>

namespace hifa::prepare {
namespace {

namespace fs = std::filesystem;
using Rgb = std::array<float, 3>;

// Random streams of one background's CounterRng (index = the draw number within the stream).
enum Stream : std::uint64_t { kind_stream = 0, colour_stream = 1, shape_stream = 2, lattice_stream = 3, crop_stream = 4 };

Rgb random_colour(const CounterRng& rng, std::uint64_t index) {
  return {rng.uniform(colour_stream, 3 * index), rng.uniform(colour_stream, 3 * index + 1),
          rng.uniform(colour_stream, 3 * index + 2)};
}

Rgb mix(const Rgb& a, const Rgb& b, float t) {
  return {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
}

// The base layer: a gradient or value noise, at unit-square coordinates (u, v).
struct Base {
  bool noise = false;
  Rgb a{}, b{};
  float dx = 1, dy = 0;  // gradient direction
  int cells = 4;         // noise lattice cells per side at the first octave
  CounterRng rng;

  // Lattice values per octave, (n + 1)^2 each for n cells per side, drawn once (not per pixel).
  std::vector<float> table[3];

  void draw_lattice() {
    int n = cells;
    for (int octave = 0; octave < 3; ++octave, n *= 2) {
      table[octave].resize(std::size_t(n + 1) * std::size_t(n + 1));
      for (std::size_t k = 0; k < table[octave].size(); ++k) {
        table[octave][k] = rng.uniform(lattice_stream, (std::uint64_t(octave) << 32) | k);
      }
    }
  }
  float lattice(int octave, int i, int j) const {
    const int n = cells << octave;
    return table[octave][std::size_t(std::min(j, n)) * std::size_t(n + 1) + std::size_t(std::min(i, n))];
  }
  float value_noise(float u, float v) const {
    float sum = 0, weight = 0, amplitude = 1;
    int n = cells;
    for (int octave = 0; octave < 3; ++octave, n *= 2, amplitude *= 0.5f) {
      const float x = u * float(n), y = v * float(n);
      const int i = int(std::floor(x)), j = int(std::floor(y));
      float fx = x - float(i), fy = y - float(j);
      fx = fx * fx * (3 - 2 * fx);
      fy = fy * fy * (3 - 2 * fy);
      const float top = lattice(octave, i, j) * (1 - fx) + lattice(octave, i + 1, j) * fx;
      const float bottom = lattice(octave, i, j + 1) * (1 - fx) + lattice(octave, i + 1, j + 1) * fx;
      sum += amplitude * (top * (1 - fy) + bottom * fy);
      weight += amplitude;
    }
    return sum / weight;
  }
  Rgb at(float u, float v) const {
    if (noise) return mix(a, b, value_noise(u, v));
    const float t = std::clamp(0.5f + (u - 0.5f) * dx + (v - 0.5f) * dy, 0.0f, 1.0f);
    return mix(a, b, t);
  }
};

struct Shape {
  bool disc = true;
  float cx = 0, cy = 0, r = 0;          // disc: centre, radius; rectangle: centre, half sizes r x h
  float h = 0, c = 1, s = 0;            // rectangle half height and rotation (cos, sin)
  Rgb colour{};
  bool covers(float u, float v) const {
    const float x = u - cx, y = v - cy;
    if (disc) return x * x + y * y <= r * r;
    const float p = c * x + s * y, q = -s * x + c * y;
    return std::abs(p) <= r && std::abs(q) <= h;
  }
};

enum class Kind { gradient, noise, shapes };

Kind kind_of(const CounterRng& rng) { return Kind(rng.below(3, kind_stream, 0)); }

Image<float> procedural_background(std::uint64_t seed, int size) {
  const CounterRng rng{seed};
  const Kind kind = kind_of(rng);
  Base base;
  base.rng = rng;
  base.a = random_colour(rng, 0);
  base.b = random_colour(rng, 1);
  base.noise = kind == Kind::noise || (kind == Kind::shapes && rng.uniform(kind_stream, 1) < 0.5f);
  const float angle = 6.2831853f * rng.uniform(kind_stream, 2);
  base.dx = std::cos(angle);
  base.dy = std::sin(angle);
  base.cells = 2 + int(rng.below(14, kind_stream, 3));
  if (base.noise) base.draw_lattice();
  std::vector<Shape> shapes;
  if (kind == Kind::shapes) {
    const int count = 4 + int(rng.below(21, kind_stream, 4));
    for (int k = 0; k < count; ++k) {
      Shape s;
      const auto draw = [&](int j) { return rng.uniform(shape_stream, std::uint64_t(k) * 8 + std::uint64_t(j)); };
      s.disc = draw(0) < 0.5f;
      s.cx = draw(1);
      s.cy = draw(2);
      s.r = 0.03f + 0.22f * draw(3);
      s.h = 0.03f + 0.22f * draw(4);
      const float a = 3.14159265f * draw(5);
      s.c = std::cos(a);
      s.s = std::sin(a);
      s.colour = random_colour(rng, 2 + std::uint64_t(k));
      shapes.push_back(s);
    }
  }
  Image<float> out(size, size, 3);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const float u = (float(x) + 0.5f) / float(size), v = (float(y) + 0.5f) / float(size);
      Rgb colour = base.at(u, v);
      for (const Shape& s : shapes) {
        if (s.covers(u, v)) colour = s.colour;  // later shapes paint over earlier ones
      }
      for (int c = 0; c < 3; ++c) out(x, y, c) = colour[std::size_t(c)];
    }
  }
  return out;
}

// The crop of image `source` (w x h) chosen by `seed`: square of side `side` at (x0, y0), pixels.
struct Crop {
  float x0, y0, side;
};

Crop crop_of(std::uint64_t seed, int w, int h) {
  const CounterRng rng{seed};
  const float shorter = float(std::min(w, h));
  const float side = shorter * (0.5f + 0.5f * rng.uniform(crop_stream, 0));
  return {(float(w) - side) * rng.uniform(crop_stream, 1), (float(h) - side) * rng.uniform(crop_stream, 2), side};
}

float bilinear(const Image<float>& image, float x, float y, int c) {
  // x, y continuous pixel coordinates (centres at +0.5), clamped at the edges.
  const float fx = std::clamp(x - 0.5f, 0.0f, float(image.width() - 1));
  const float fy = std::clamp(y - 0.5f, 0.0f, float(image.height() - 1));
  const int x0 = int(fx), y0 = int(fy);
  const int x1 = std::min(x0 + 1, image.width() - 1), y1 = std::min(y0 + 1, image.height() - 1);
  const float tx = fx - float(x0), ty = fy - float(y0);
  const float top = image(x0, y0, c) * (1 - tx) + image(x1, y0, c) * tx;
  const float bottom = image(x0, y1, c) * (1 - tx) + image(x1, y1, c) * tx;
  return top * (1 - ty) + bottom * ty;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Backgrounds Backgrounds::from_folder(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw Error(folder.string(), "no such folder");
  Backgrounds b;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string ext = lower(it->path().extension().string());
    if (it->is_regular_file() && (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tga")) {
      b.images_.push_back(it->path());
    }
  }
  if (ec) throw Error(folder.string(), "cannot list the folder: " + ec.message());
  if (b.images_.empty()) throw Error(folder.string(), "no background images (.png, .jpg, .jpeg, .bmp, .tga) in the folder");
  std::sort(b.images_.begin(), b.images_.end());
  return b;
}

Image<float> Backgrounds::make(std::uint64_t seed, int size) const {
  if (images_.empty()) return procedural_background(seed, size);
  const CounterRng rng{seed};
  const fs::path& file = images_[std::size_t(rng.below(images_.size(), kind_stream, 0))];
  const Image<float> source = read_image(file, 3);
  const Crop crop = crop_of(seed, source.width(), source.height());
  Image<float> out(size, size, 3);
  const float step = crop.side / float(size);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const float sx = crop.x0 + (float(x) + 0.5f) * step, sy = crop.y0 + (float(y) + 0.5f) * step;
      for (int c = 0; c < 3; ++c) out(x, y, c) = bilinear(source, sx, sy, c);
    }
  }
  return out;
}

std::string Backgrounds::describe(std::uint64_t seed) const {
  const CounterRng rng{seed};
  if (images_.empty()) {
    static const char* names[] = {"procedural gradient", "procedural noise", "procedural shapes"};
    return names[int(kind_of(rng))];
  }
  return images_[std::size_t(rng.below(images_.size(), kind_stream, 0))].filename().string();
}

}  // namespace hifa::prepare
