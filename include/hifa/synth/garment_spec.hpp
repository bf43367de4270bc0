#pragma once
// What a synthetic subject wears, as data: garment kinds, where each garment starts and ends on the
// body (in body-relative units, so one spec fits any body shape), how thick, loose and wrinkled it
// is, and how it looks; plus the seeded draw of a whole outfit for a preset.
//
//   hifa::synth::Outfit outfit = hifa::synth::draw_outfit(seed, hifa::synth::Preset::loose);
//   for (const GarmentSpec& g : outfit.garments) ... garment_name(g.kind) ...
//
// Body-relative coordinates (resolved against a body's rest joints by garment_field.hpp):
//   torso   τ: 0 at the height of the hip joints, 1 at the neck joint (canonical y, linear);
//           used by every body vertex bound to the pelvis, spine, collar, neck and head joints
//   arm     α: 0 at the shoulder joint, 1 at the wrist, measured along shoulder→elbow→wrist→hand
//           (arc length over the shoulder→wrist length; the hand lies beyond 1)
//   leg     λ: 0 at the hip joint, 1 at the ankle, along hip→knee→ankle→foot (the foot beyond 1)
// A garment covers the torso for τ in [torso_low, torso_high], each arm for α in [0, sleeve] and each
// leg for λ in [leg_low, leg_high] (an empty interval: not covered). Hems are therefore cuts
// perpendicular to the bones (α and λ are projections on the limb's bone chain) and horizontal on
// the torso.
// Skirt-like garments (skirt, dress, coat) add a hull that bridges the legs from hip height down to
// the hem at λ = hem (see garment_field.hpp); hair has its own region on the head (HairStyle).
// Lengths are metres; colours linear RGB in [0, 1].
// Errors: none; draw_outfit is a pure function of (seed, preset).

#include "hifa/core/rng.hpp"
#include "hifa/core/types.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace hifa::synth {

enum class GarmentKind : int {
  tshirt, long_sleeve, trousers, shorts, skirt, dress, jacket, coat, shoes,
  hair_short, hair_bob, hair_long, hair_bun
};
inline constexpr int garment_kind_count = 13;

inline constexpr std::array<std::string_view, garment_kind_count> garment_names = {
    "tshirt", "long_sleeve", "trousers", "shorts", "skirt", "dress", "jacket", "coat", "shoes",
    "hair_short", "hair_bob", "hair_long", "hair_bun"};

inline std::string_view garment_name(GarmentKind kind) { return garment_names[std::size_t(kind)]; }

inline bool is_hair(GarmentKind kind) { return int(kind) >= int(GarmentKind::hair_short); }
// Garments that hang away from the body: their vertices are posed with the diffused weight field.
inline bool is_loose(GarmentKind kind) {
  return kind == GarmentKind::skirt || kind == GarmentKind::dress || kind == GarmentKind::coat ||
         kind == GarmentKind::hair_long;
}

enum class Pattern : int { plain, stripes, checks, noise };
inline constexpr std::array<std::string_view, 4> pattern_names = {"plain", "stripes", "checks", "noise"};

struct Look {
  Vec3f base = Vec3f(0.5f, 0.5f, 0.5f);    // the fabric's main colour
  Vec3f accent = Vec3f(0.2f, 0.2f, 0.2f);  // stripes / checks / noise blend towards it
  Pattern pattern = Pattern::plain;
  float period = 0.05f;                    // stripe / check size, metres
};

inline constexpr float uncovered = -std::numeric_limits<float>::infinity();

struct GarmentSpec {
  GarmentKind kind = GarmentKind::tshirt;
  float torso_low = uncovered, torso_high = uncovered;  // τ interval (uncovered: none)
  float sleeve = uncovered;                             // α end (uncovered: no sleeves)
  float leg_low = uncovered, leg_high = uncovered;      // λ interval
  float hem = uncovered;      // skirt-like: λ of the hem (uncovered: no hull between the legs)
  float flare = 0.0f;         // skirt-like: extra radius at the hem, metres
  float thickness = 0.005f;   // offset of the outer surface from the body, metres
  float looseness = 0.0f;     // extra offset that grows towards the hems, metres
  float wrinkle = 0.004f;     // fold amplitude, metres (doubled at elbows, knees and hems)
  float wrinkle_frequency = 12.0f;  // folds per metre
  Look look;
};

enum class Preset { default_mix, children, loose };

struct Outfit {
  std::vector<GarmentSpec> garments;  // inner to outer (jackets after tops); hair and shoes last
  Vec3f skin = Vec3f(0.8f, 0.6f, 0.5f);
  std::uint64_t seed = 0;
};

namespace detail {

// A sequence of uniform draws from one counter stream: draw n of the outfit is (seed, stream, n).
class Draws {
 public:
  Draws(std::uint64_t seed, std::uint64_t stream) : rng_(seed), stream_(stream) {}
  float uniform() { return rng_.uniform(stream_, next_++); }
  float range(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  bool chance(float p) { return uniform() < p; }
  int below(int n) { return int(rng_.below(std::uint64_t(n), stream_, next_++)); }

 private:
  CounterRng rng_;
  std::uint64_t stream_;
  std::uint64_t next_ = 0;
};

// Colour from hue (turns), saturation, value.
inline Vec3f hsv(float h, float s, float v) {
  h = h - std::floor(h);
  const float c = v * s, x = c * (1.0f - std::fabs(std::fmod(h * 6.0f, 2.0f) - 1.0f)), m = v - c;
  const int sector = int(h * 6.0f) % 6;
  const Vec3f rgb[6] = {{c, x, 0}, {x, c, 0}, {0, c, x}, {0, x, c}, {x, 0, c}, {c, 0, x}};
  return rgb[sector] + Vec3f::Constant(m);
}

inline Look draw_look(Draws& d, GarmentKind kind, bool bright) {
  Look look;
  const float s_max = bright ? 0.9f : 0.65f;
  if (kind == GarmentKind::trousers || kind == GarmentKind::shorts) {
    // Denim, khaki or dark cloth most of the time.
    const int family = d.below(3);
    look.base = family == 0   ? hsv(d.range(0.58f, 0.64f), d.range(0.4f, 0.7f), d.range(0.25f, 0.6f))
                : family == 1 ? hsv(d.range(0.08f, 0.14f), d.range(0.25f, 0.5f), d.range(0.45f, 0.75f))
                              : hsv(d.uniform(), d.range(0.0f, 0.3f), d.range(0.1f, 0.35f));
  } else if (kind == GarmentKind::shoes) {
    look.base = hsv(d.uniform(), d.range(0.0f, 0.4f), d.range(0.05f, 0.9f));
  } else {
    look.base = hsv(d.uniform(), d.range(0.1f, s_max), d.range(0.3f, 0.95f));
  }
  look.accent = d.chance(0.5f) ? Vec3f(look.base * d.range(0.3f, 0.6f))
                               : hsv(d.uniform(), d.range(0.2f, s_max), d.range(0.4f, 1.0f));
  const float p = d.uniform();
  look.pattern = kind == GarmentKind::shoes ? Pattern::plain
                 : p < 0.45f                ? Pattern::plain
                 : p < 0.7f                 ? Pattern::stripes
                 : p < 0.85f                ? Pattern::checks
                                            : Pattern::noise;
  look.period = d.range(0.02f, 0.08f);
  return look;
}

}  // namespace detail

// The seeded outfit of one subject: a top and a bottom (or a dress), sometimes a jacket or coat,
// shoes most of the time, hair most of the time. `loose` favours skirts, dresses, coats and baggy
// fits; `children` brighter colours and fewer coats (the body's proportions come from the body model).
inline Outfit draw_outfit(std::uint64_t seed, Preset preset) {
  detail::Draws d(seed, /*stream=*/0x0a7f17);
  const bool loose = preset == Preset::loose, children = preset == Preset::children;
  const float ease = loose ? 1.8f : 1.0f;  // looseness multiplier
  Outfit outfit;
  outfit.seed = seed;
  // Skin tones from light to dark (linear RGB), blended between neighbours.
  const Vec3f tones[5] = {{0.92f, 0.74f, 0.64f}, {0.82f, 0.6f, 0.48f}, {0.66f, 0.45f, 0.32f},
                          {0.45f, 0.3f, 0.2f}, {0.28f, 0.18f, 0.12f}};
  const float tone = d.range(0.0f, 3.999f);
  outfit.skin = tones[int(tone)] + (tone - std::floor(tone)) * (tones[int(tone) + 1] - tones[int(tone)]);

  auto garment = [&](GarmentKind kind) {
    GarmentSpec g;
    g.kind = kind;
    g.thickness = d.range(0.004f, 0.01f);
    g.looseness = ease * d.range(0.0f, 0.012f);
    g.wrinkle = d.range(0.002f, 0.006f) * ease;
    g.wrinkle_frequency = d.range(8.0f, 16.0f);
    g.look = detail::draw_look(d, kind, children);
    return g;
  };
  const bool dress = d.chance(loose ? 0.35f : 0.15f);
  if (dress) {
    GarmentSpec g = garment(GarmentKind::dress);
    g.torso_low = -0.2f;
    g.torso_high = d.range(0.82f, 0.93f);
    g.sleeve = d.chance(0.5f) ? d.range(0.05f, 0.35f) : uncovered;
    g.hem = d.range(0.3f, 0.85f);
    g.flare = ease * d.range(0.02f, 0.12f);
    outfit.garments.push_back(g);
  } else {
    const bool long_top = d.chance(0.45f);
    GarmentSpec top = garment(long_top ? GarmentKind::long_sleeve : GarmentKind::tshirt);
    top.torso_low = d.range(-0.12f, 0.08f);
    top.torso_high = d.range(0.9f, 0.96f);
    top.sleeve = long_top ? d.range(0.88f, 1.0f) : d.range(0.15f, 0.45f);
    const float bottom = d.uniform();
    const float skirt_p = loose ? 0.45f : 0.2f, shorts_p = children ? 0.35f : 0.2f;
    GarmentSpec low;
    if (bottom < skirt_p) {
      low = garment(GarmentKind::skirt);
      low.torso_low = -0.2f;
      low.torso_high = d.range(0.12f, 0.25f);
      low.hem = d.range(0.25f, 0.85f);
      low.flare = ease * d.range(0.02f, 0.12f);
    } else {
      const bool shorts = bottom < skirt_p + shorts_p;
      low = garment(shorts ? GarmentKind::shorts : GarmentKind::trousers);
      low.torso_low = -1.0f;
      low.torso_high = d.range(0.12f, 0.25f);
      low.leg_low = -1.0f;
      low.leg_high = shorts ? d.range(0.2f, 0.5f) : d.range(0.9f, 1.0f);
    }
    // A top tucked under the bottom or worn over it decides which is outside at the waist.
    if (d.chance(0.5f)) {
      outfit.garments.push_back(low);
      outfit.garments.push_back(top);
    } else {
      outfit.garments.push_back(top);
      outfit.garments.push_back(low);
    }
  }
  const float outer = d.uniform();
  const float coat_p = children ? 0.05f : (loose ? 0.25f : 0.12f), jacket_p = 0.15f;
  if (outer < coat_p + jacket_p) {
    const bool coat = outer < coat_p;
    GarmentSpec g = garment(coat ? GarmentKind::coat : GarmentKind::jacket);
    g.torso_low = coat ? -0.2f : d.range(-0.15f, 0.05f);
    g.torso_high = d.range(0.93f, 0.99f);
    g.sleeve = d.range(0.9f, 1.02f);
    g.thickness = d.range(0.012f, 0.025f);
    g.looseness = ease * d.range(0.005f, 0.02f);
    if (coat) {
      g.hem = d.range(0.4f, 0.7f);
      g.flare = ease * d.range(0.03f, 0.08f);
    }
    outfit.garments.push_back(g);
  }
  if (d.chance(0.85f)) {
    GarmentSpec g = garment(GarmentKind::shoes);
    g.leg_low = d.range(0.9f, 0.97f);  // boots reach higher up the shin
    g.leg_high = 10.0f;
    g.thickness = d.range(0.008f, 0.015f);
    g.looseness = 0.0f;
    g.wrinkle = 0.001f;
    outfit.garments.push_back(g);
  }
  if (d.chance(0.9f)) {
    const GarmentKind kinds[4] = {GarmentKind::hair_short, GarmentKind::hair_bob, GarmentKind::hair_long,
                                  GarmentKind::hair_bun};
    GarmentSpec g = garment(kinds[d.below(4)]);
    g.thickness = g.kind == GarmentKind::hair_short ? d.range(0.008f, 0.02f) : d.range(0.015f, 0.035f);
    g.looseness = 0.0f;
    g.wrinkle = d.range(0.002f, 0.006f);
    g.wrinkle_frequency = d.range(20.0f, 40.0f);  // strands, finer than cloth folds
    const Vec3f hair[5] = {{0.03f, 0.02f, 0.015f}, {0.15f, 0.08f, 0.04f}, {0.35f, 0.2f, 0.09f},
                           {0.75f, 0.6f, 0.35f}, {0.6f, 0.58f, 0.55f}};
    g.look.base = hair[d.below(5)] * d.range(0.8f, 1.15f);
    g.look.accent = g.look.base * 0.7f;
    g.look.pattern = Pattern::noise;
    g.look.period = 0.01f;
    outfit.garments.push_back(g);
  }
  return outfit;
}

}  // namespace hifa::synth
