#pragma once
// CAR's posed-space refinement (Liao et al. CVPR 2023, section 3.3): an SDF MLP g over the image's
// view frame, optimised for one image so that its surface normals match the predicted normal maps
// where a map sees the surface, and its zero level set stays on the posed CAR mesh where none does.
//
//   SdfMlp mlp(config.sdf, positional_channels(config.sdf.frequencies));  // the shape; its own tensors unused
//   Refinement r = refine_posed(config, *mlp, mlp->parameters_copy(), {posed, front, back}, seed, device);
//   PosedSdfField field(mlp, r.parameters, device);            // refine/posed_sdf_field.hpp
//
// Start: the given tensors (a hypernetwork's, refine/; or the MLP's geometric initialisation).
// Each step (Adam, config.lr), with the terms' weights from RefineConfig:
//   normal   ‖∇g/‖∇g‖ − n‖ at the surface points a map sees, n its normal there (map_lookup.hpp);
//            the surface points start as config.surface_points samples of the posed mesh and are
//            moved onto g's zero level set (one Newton step x ← x − g ∇g/‖∇g‖², never farther than
//            config.band) every config.reproject_every steps, when their targets are looked up again
//   anchor   at config.anchor_points samples of the posed mesh: where no map sees the sample,
//            anchor_weight · (|g| + ‖∇g/‖∇g‖ − n_mesh‖) with the mesh's own face normal (IGR's surface
//            terms: without the normal one, 200 steps from the sphere left a blob on a real figure,
//            docs/refine.md); where a map sees it, seen_anchor_weight · |g| (the maps' normals fix
//            the shape there, not its depth)
//   eikonal  (‖∇g‖ − 1)² at config.space_points points: mesh samples moved by N(0, band²) per axis,
//            drawn anew each step
// Randomness: the samples and jitter come from torch generators seeded by `seed`: the same seed
// gives the same tensors on one device and thread count.
// Errors: hifa::Error naming "refine" for a mesh without faces, maps of another shape (MapLookup),
// tensors not of the MLP's shapes.

#include "config/config.hpp"
#include "models/sdf_mlp.hpp"

#include "hifa/mesh/tri_mesh.hpp"

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace hifa::trainer {

struct RefineInputs {
  TriMeshf posed;                           // the posed CAR mesh, view frame
  torch::Tensor normal_front, normal_back;  // 1 x 3 x S x S, [-1, 1]
};

struct RefineStep {
  int iteration = 0;                        // 1-based
  double total = 0, normal = 0, anchor = 0, eikonal = 0;
  double seen = 0;                          // the share of surface points a map sees
  double seconds = 0;                       // since the start
};

struct Refinement {
  SdfMlpParameters parameters;              // detached, on the device
  std::vector<RefineStep> log;
};

Refinement refine_posed(const RefineConfig& config, const SdfMlpImpl& mlp, SdfMlpParameters start, const RefineInputs& inputs,
                        std::uint64_t seed, torch::Device device, const std::function<void(const RefineStep&)>& step = {});

}  // namespace hifa::trainer
