#pragma once
// A sampler mixture described as data: a vector of component specs and a compact text form that
// configs can hold, parsed without new dependencies, and the Mixture it builds for a mesh.
//
//   auto spec = hifa::parse_mixture_spec("perturbed(sigma=0.05):16, box:1");   // PIFu's 16:1 mix
//   auto mix = hifa::build_mixture(spec, mesh, hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)));
//   auto s = mix.sample(Kokkos::DefaultHostExecutionSpace{}, 8000, seed);      // = pifu_mixture(...)
//   std::string text = hifa::to_string(spec);    // parses back to the same spec (saved with checkpoints)
//
// Grammar (spaces allowed between tokens; positions in errors count characters from 1):
//   spec       := component ("," component)*
//   component  := type ["(" [param ("," param)*] ")"] [":" weight]
//   type       := "surface" | "perturbed" | "box"
//   param      := key "=" (number | "[" number "," number "," number "]")
//   weight     := number, finite and > 0; 1 when omitted
//   number     := a decimal or exponent floating-point literal (std::from_chars), finite
// Keys:
//   surface    none: area-uniform samples on the surface (SurfaceSampler)
//   perturbed  sigma (required): surface samples plus N(0, sigma^2) per axis, sigma >= 0 in the
//              mesh's units (PerturbedSurfaceSampler; PIFuHD: 0.05 m coarse, 0.03 m fine)
//   box        min, max (3-vectors, both or neither, min <= max on every axis): uniform samples in
//              that box (BoxSampler); with neither, build_mixture's default box
// Components keep their order: Mixture seeds component k with detail::mix_seed(seed, k) and
// concatenates in that order, so a spec and the equivalent hand-built Mixture give the same bytes.
//
// MixtureSpec        Inputs/Outputs: plain data, {components: [{type, weight, sigma, box}]}; values in
//                    double, converted to the sampler's scalar when built.
// parse_mixture_spec Inputs: the text, and `where` (the config key or file it came from) to name in
//                    errors. Output: the spec.
//                    Errors: one hifa::Error "<where>: position <p> of "<text>": <problem>" naming the bad token
//                    or key for an unknown type, an unknown or repeated key, a missing required key,
//                    a bad number, a weight not > 0, a negative sigma, a box with min > max or only
//                    one corner, and any other syntax error (what was expected instead).
// to_string          Output: the canonical text of a spec (shortest round-trip numbers).
// build_mixture      Inputs: a spec, the mesh's SurfaceSampler (or the mesh, which is wrapped in one;
//                    pass a sampler to keep a texture), the box for box components without bounds.
//                    Output: Mixture<T>. Errors: hifa::Error naming "build_mixture" and the component
//                    for an empty spec or a box component without bounds and no default box; the
//                    samplers' own errors (a mesh with zero area, a value not representable in T).

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/sampling/box.hpp"
#include "hifa/sampling/mixture.hpp"
#include "hifa/sampling/perturbed.hpp"
#include "hifa/sampling/surface.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace hifa {

enum class SamplerKind { surface, perturbed, box };

// One component of a mixture; `sigma` is read for perturbed only, `box` for box only.
struct SamplerSpec {
  SamplerKind kind = SamplerKind::surface;
  double weight = 1;
  double sigma = 0;  // perturbed: standard deviation per axis, mesh units
  std::optional<std::array<std::array<double, 3>, 2>> box;  // box: {min, max}; none: the default box

  bool operator==(const SamplerSpec&) const = default;
};

struct MixtureSpec {
  std::vector<SamplerSpec> components;

  bool operator==(const MixtureSpec&) const = default;
};

// PIFu's training mix (Saito et al., ICCV 2019, section 3.1) at PIFuHD's coarse sigma, in metres:
// what pifu_mixture(mesh, pifuhd_sigma_coarse<T>, box) builds with its default ratio.
inline constexpr std::string_view pifu_mixture_text = "perturbed(sigma=0.05):16, box:1";

inline const char* sampler_kind_name(SamplerKind kind) {
  switch (kind) {
    case SamplerKind::surface: return "surface";
    case SamplerKind::perturbed: return "perturbed";
    case SamplerKind::box: return "box";
  }
  return "?";
}

namespace detail {

// A recursive-descent reader over the text; every error names the token and its 1-based position.
class MixtureSpecParser {
 public:
  MixtureSpecParser(std::string_view text, std::string_view where) : text_(text), where_(where) {}

  MixtureSpec parse() {
    MixtureSpec spec;
    for (;;) {
      spec.components.push_back(component());
      skip_spaces();
      if (at_end()) return spec;
      expect(',', "',' between components or the end of the spec");
    }
  }

 private:
  SamplerSpec component() {
    skip_spaces();
    const std::size_t type_at = pos_;
    const std::string_view type = word();
    if (type.empty()) fail(type_at, "expected a sampler type (surface, perturbed or box), found " + found());
    SamplerSpec out;
    if (type == "surface") {
      out.kind = SamplerKind::surface;
    } else if (type == "perturbed") {
      out.kind = SamplerKind::perturbed;
    } else if (type == "box") {
      out.kind = SamplerKind::box;
    } else {
      fail(type_at, "unknown sampler type '" + std::string(type) + "' (expected surface, perturbed or box)");
    }
    bool has_sigma = false, has_min = false, has_max = false;
    std::array<double, 3> low{}, high{};
    skip_spaces();
    if (peek() == '(') {
      ++pos_;
      skip_spaces();
      if (peek() == ')') {
        ++pos_;
      } else {
        for (;;) {
          skip_spaces();
          const std::size_t key_at = pos_;
          const std::string_view key = word();
          if (key.empty()) fail(key_at, "expected a key, found " + found());
          const auto repeated = [&](bool seen) {
            if (seen) fail(key_at, "key '" + std::string(key) + "' given twice");
          };
          skip_spaces();
          expect('=', "'=' after key '" + std::string(key) + "'");
          if (out.kind == SamplerKind::perturbed && key == "sigma") {
            repeated(has_sigma);
            has_sigma = true;
            skip_spaces();
            const std::size_t value_at = pos_;
            out.sigma = number();
            if (out.sigma < 0) fail(value_at, "sigma must be >= 0, got " + std::string(last_number_));
          } else if (out.kind == SamplerKind::box && (key == "min" || key == "max")) {
            repeated(key == "min" ? has_min : has_max);
            (key == "min" ? has_min : has_max) = true;
            (key == "min" ? low : high) = vector();
          } else {
            const char* const expected = out.kind == SamplerKind::perturbed ? "sigma"
                                         : out.kind == SamplerKind::box     ? "min, max"
                                                                            : "none";
            fail(key_at, "unknown key '" + std::string(key) + "' for " + std::string(type) + " (expected " +
                             expected + ")");
          }
          skip_spaces();
          if (peek() == ',') {
            ++pos_;
            continue;
          }
          expect(')', "',' or ')' after the value of '" + std::string(key) + "'");
          break;
        }
      }
    }
    if (out.kind == SamplerKind::perturbed && !has_sigma) {
      fail(type_at, "perturbed needs key sigma (its standard deviation in mesh units), e.g. perturbed(sigma=0.05)");
    }
    if (has_min != has_max) {
      fail(type_at, std::string("box has ") + (has_min ? "min" : "max") + " but not " + (has_min ? "max" : "min") +
                        " (give both, or neither for the default box)");
    }
    if (has_min) {
      for (int c = 0; c < 3; ++c) {
        if (low[std::size_t(c)] > high[std::size_t(c)]) {
          fail(type_at, "box min exceeds max along axis " + std::string(1, "xyz"[c]));
        }
      }
      out.box = std::array<std::array<double, 3>, 2>{low, high};
    }
    skip_spaces();
    if (peek() == ':') {
      ++pos_;
      skip_spaces();
      const std::size_t weight_at = pos_;
      out.weight = number();
      if (!(out.weight > 0)) fail(weight_at, "weight must be > 0, got " + std::string(last_number_));
    }
    return out;
  }

  std::array<double, 3> vector() {
    skip_spaces();
    expect('[', "'[' opening a vector of 3 numbers");
    std::array<double, 3> v{};
    for (int c = 0; c < 3; ++c) {
      skip_spaces();
      v[std::size_t(c)] = number();
      skip_spaces();
      if (c < 2) expect(',', "',' between the 3 numbers of a vector");
    }
    expect(']', "']' closing a vector of 3 numbers");
    return v;
  }

  // A number token: everything up to the next delimiter, which from_chars must consume entirely.
  double number() {
    const std::size_t start = pos_;
    while (!at_end() && !is_delimiter(text_[pos_])) ++pos_;
    last_number_ = text_.substr(start, pos_ - start);
    if (last_number_.empty()) fail(start, "expected a number, found " + found());
    double value = 0;
    const char* const first = last_number_.data();
    const char* const last = first + last_number_.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || end != last || !std::isfinite(value)) {
      fail(start, "bad number '" + std::string(last_number_) + "'");
    }
    return value;
  }

  // A name: a letter or '_', then letters, digits or '_' (so "box2" is one, unknown, type).
  std::string_view word() {
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    const std::size_t start = pos_;
    if (at_end() || !letter(text_[pos_])) return {};
    while (!at_end() && (letter(text_[pos_]) || (text_[pos_] >= '0' && text_[pos_] <= '9'))) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  void expect(char c, const std::string& what) {
    if (peek() != c) fail(pos_, "expected " + what + ", found " + found());
    ++pos_;
  }

  // The token at the current position, quoted, for error messages.
  std::string found() const {
    if (at_end()) return "the end of the spec";
    std::size_t end = pos_ + 1;
    if (!is_delimiter(text_[pos_])) {
      while (end < text_.size() && !is_delimiter(text_[end])) ++end;
    }
    return "'" + std::string(text_.substr(pos_, end - pos_)) + "'";
  }

  [[noreturn]] void fail(std::size_t at, const std::string& problem) const {
    throw Error(where_, "position " + std::to_string(at + 1) + " of \"" + std::string(text_) + "\": " + problem);
  }

  static bool is_delimiter(char c) {
    return c == ',' || c == '(' || c == ')' || c == '[' || c == ']' || c == ':' || c == '=' || c == ' ' ||
           c == '\t' || c == '\n' || c == '\r';
  }
  void skip_spaces() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  std::string_view text_;
  std::string_view where_;
  std::size_t pos_ = 0;
  std::string_view last_number_;
};

inline std::string format_number(double value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest round trip
  return std::string(buffer, ec == std::errc() ? end : buffer);
}

}  // namespace detail

// The spec written in `text` (see the top of this file); errors name `where`.
inline MixtureSpec parse_mixture_spec(std::string_view text, std::string_view where = "mixture spec") {
  return detail::MixtureSpecParser(text, where).parse();
}

// The canonical text of `spec`: every weight and key written, so it parses back to `spec`.
inline std::string to_string(const MixtureSpec& spec) {
  std::string out;
  for (const SamplerSpec& c : spec.components) {
    if (!out.empty()) out += ", ";
    out += sampler_kind_name(c.kind);
    if (c.kind == SamplerKind::perturbed) out += "(sigma=" + detail::format_number(c.sigma) + ")";
    if (c.kind == SamplerKind::box && c.box) {
      const auto vector = [](const std::array<double, 3>& v) {
        return "[" + detail::format_number(v[0]) + ", " + detail::format_number(v[1]) + ", " +
               detail::format_number(v[2]) + "]";
      };
      out += "(min=" + vector((*c.box)[0]) + ", max=" + vector((*c.box)[1]) + ")";
    }
    out += ":" + detail::format_number(c.weight);
  }
  return out;
}

// The Mixture of `spec` drawing surface points from `surface` (see the top of this file).
// (default_box is not deduced, so an AABB<T> converts to the optional.)
template <class T>
Mixture<T> build_mixture(const MixtureSpec& spec, const SurfaceSampler<T>& surface,
                         const std::optional<AABB<std::type_identity_t<T>>>& default_box = std::nullopt) {
  if (spec.components.empty()) throw Error("build_mixture", "the spec has no components");
  std::vector<typename Mixture<T>::Component> components;
  components.reserve(spec.components.size());
  for (std::size_t k = 0; k < spec.components.size(); ++k) {
    const SamplerSpec& c = spec.components[k];
    switch (c.kind) {
      case SamplerKind::surface: components.push_back({surface, c.weight}); break;
      case SamplerKind::perturbed:
        components.push_back({PerturbedSurfaceSampler<T>(surface, T(c.sigma)), c.weight});
        break;
      case SamplerKind::box: {
        if (!c.box && !default_box) {
          throw Error("build_mixture", "component " + std::to_string(k) +
                                           " (box) has no min/max and no default box was given");
        }
        const AABB<T> box = c.box ? AABB<T>(Vec3<T>(T((*c.box)[0][0]), T((*c.box)[0][1]), T((*c.box)[0][2])),
                                            Vec3<T>(T((*c.box)[1][0]), T((*c.box)[1][1]), T((*c.box)[1][2])))
                                  : *default_box;
        components.push_back({BoxSampler<T>(box), c.weight});
        break;
      }
    }
  }
  return Mixture<T>(std::move(components));
}

// The same for a mesh without texture: surface samples from SurfaceSampler<T>(mesh).
template <class T>
Mixture<T> build_mixture(const MixtureSpec& spec, TriMesh<T> mesh,
                         const std::optional<AABB<std::type_identity_t<T>>>& default_box = std::nullopt) {
  return build_mixture(spec, SurfaceSampler<T>(std::move(mesh)), default_box);
}

}  // namespace hifa
