#pragma once
// The colours of a dressed subject, per vertex of its canonical mesh: skin where the body is the
// surface, each garment's fabric (plain, stripes, checks or noise) where it is.
//
//   mesh.colors = hifa::synth::vertex_colors(mesh, labels, outfit);
//
// Inputs:  mesh    the canonical mesh (metres); its vertex positions are the pattern's coordinates,
//                  so the pattern is fixed to the cloth and moves with it when the mesh is posed
//          labels  #V ints: the garment index at each vertex (ClothedField::outermost) or -1: skin
//          outfit  garment_spec.hpp: the looks, the skin tone and the seed
// Outputs: #V x 3 linear RGB in [0, 1]. Patterns are solid textures: stripes are horizontal bands of
//          `period` (canonical y), checks the parity of the period cells in x, y and z, noise an
//          fBm blend towards the accent colour; every fabric also gets a faint weave-scale noise so
//          plain cloth is not flat. Same bytes for the same inputs.
// Why vertex colours rather than a texture atlas: marching cubes gives ~7 mm vertex spacing at
//   256 (the prepare renderer rasterizes at about that scale), which resolves stripes and checks
//   of 2-8 cm; a texture would need a UV parametrization of an arbitrary-genus mesh (a chart
//   atlas, seams) that adds nothing at this resolution. The OBJ writer stores them as
//   "v x y z r g b" and hifa prepare's rasterizer and sampler interpolate them (hifa/render/
//   rasterize.hpp); posed.obj shares canonical.obj's vertices one for one, so the colours carry over.
// Errors:  hifa::Error naming "vertex_colors" when labels are not #V or name a garment that is not
//          in the outfit.

#include "hifa/core/error.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/synth/garment_spec.hpp"
#include "hifa/synth/noise.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace hifa::synth {

inline Vec3f fabric_color(const Look& look, const Vec3f& p, std::uint32_t seed) {
  float mix = 0.0f;
  const Vec3f q = p / look.period;
  switch (look.pattern) {
    case Pattern::plain: break;
    case Pattern::stripes: {
      // A soft-edged band (a quarter of a period of transition keeps the edges from aliasing).
      const float s = std::sin(6.2831853f * q.y());
      mix = std::clamp(0.5f + 2.0f * s, 0.0f, 1.0f);
      break;
    }
    case Pattern::checks:
      mix = ((int(std::floor(q.x())) + int(std::floor(q.y())) + int(std::floor(q.z()))) & 1) ? 1.0f : 0.0f;
      break;
    case Pattern::noise: mix = std::clamp(0.5f + 0.9f * fbm(seed, q, 3), 0.0f, 1.0f); break;
  }
  const Vec3f colour = (1.0f - mix) * look.base + mix * look.accent;
  const float weave = 1.0f + 0.06f * gradient_noise(seed ^ 0x5bd1e995u, Vec3f(p * 150.0f));
  return (colour * weave).cwiseMax(0.0f).cwiseMin(1.0f);
}

inline RowMatrix3<float> vertex_colors(const TriMesh<float>& mesh, const std::vector<int>& labels, const Outfit& outfit) {
  if (labels.size() != std::size_t(mesh.vertex_count())) {
    throw Error("vertex_colors", std::to_string(labels.size()) + " labels for " + std::to_string(mesh.vertex_count()) +
                                     " vertices");
  }
  RowMatrix3<float> colors(mesh.vertex_count(), 3);
  Look skin;
  skin.base = outfit.skin;
  skin.accent = outfit.skin * 0.9f;
  skin.pattern = Pattern::noise;
  skin.period = 0.08f;
  const auto seed = std::uint32_t(outfit.seed ^ (outfit.seed >> 32));
  for (Eigen::Index i = 0; i < mesh.vertex_count(); ++i) {
    const int label = labels[std::size_t(i)];
    if (label < -1 || label >= int(outfit.garments.size())) {
      throw Error("vertex_colors", "vertex " + std::to_string(i) + " has label " + std::to_string(label) + " for " +
                                       std::to_string(outfit.garments.size()) + " garments");
    }
    const Look& look = label < 0 ? skin : outfit.garments[std::size_t(label)].look;
    colors.row(i) = fabric_color(look, mesh.vertex(i), seed + std::uint32_t(label + 1) * 0x9e3779b9u).transpose();
  }
  return colors;
}

}  // namespace hifa::synth
