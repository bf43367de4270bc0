#include "refine/refiner.hpp"

#include "data/surface_samples.hpp"
#include "losses/sdf_loss.hpp"
#include "refine/map_lookup.hpp"

#include "hifa/core/error.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>

namespace hifa::trainer {
namespace {

torch::Tensor values(const SdfMlpImpl& mlp, const SdfMlpParameters& p, const torch::Tensor& points) {
  return mlp.at_points(p, points).squeeze(-1);
}

}  // namespace

Refinement refine_posed(const RefineConfig& config, const SdfMlpImpl& mlp, SdfMlpParameters start, const RefineInputs& inputs,
                        std::uint64_t seed, torch::Device device, const std::function<void(const RefineStep&)>& step) {
  if (inputs.posed.face_count() == 0) throw Error("refine", "the posed mesh has no faces");
  const auto t0 = std::chrono::steady_clock::now();
  const MapLookup maps(inputs.posed, inputs.normal_front.to(device), inputs.normal_back.to(device), config.visibility_tolerance);
  const SdfMlpParameters p =
      start.transformed([&](const torch::Tensor& t, std::size_t) { return t.detach().to(device).clone().requires_grad_(true); });
  torch::optim::Adam adam(p.tensors(), torch::optim::AdamOptions(config.lr));

  const torch::Tensor anchor_samples = surface_samples(inputs.posed, config.anchor_points, seed).to(device);
  const torch::Tensor anchors = anchor_samples.slice(1, 0, 3), anchor_normals = anchor_samples.slice(1, 3, 6);
  const torch::Tensor anchor_unseen = 1 - maps.lookup(anchors).seen.to(torch::kFloat32);
  const torch::Tensor anchor_weights = (1 - anchor_unseen) * config.seen_anchor_weight + anchor_unseen * config.anchor_weight;
  torch::Tensor surface = surface_samples(inputs.posed, config.surface_points, seed + 1).slice(1, 0, 3).to(device);
  const torch::Tensor space_base = surface_samples(inputs.posed, config.space_points, seed + 2).slice(1, 0, 3).to(device);
  MapTargets targets;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed + 3);

  Refinement out;
  for (int it = 0; it < config.iterations; ++it) {
    if (it % config.reproject_every == 0) {
      // Onto the zero level set: one Newton step along the gradient, at most `band` away.
      torch::Tensor x = surface.detach().requires_grad_(true);
      const torch::Tensor g = values(mlp, p, x);
      const torch::Tensor grad = torch::autograd::grad({g.sum()}, {x})[0];
      const torch::Tensor move = (g / grad.pow(2).sum(1).clamp_min(1e-8)).unsqueeze(1) * grad;
      const torch::Tensor length = move.norm(2, 1, true);
      surface = (x - move * (config.band / length.clamp_min(config.band))).detach();
      targets = maps.lookup(surface);
    }
    const torch::Tensor jitter = torch::randn({space_base.size(0), 3}, generator).to(device) * config.band;
    const torch::Tensor space = (space_base + jitter).requires_grad_(true);
    const torch::Tensor x = surface.clone().requires_grad_(true);

    const torch::Tensor gx = values(mlp, p, x);
    const torch::Tensor seen = targets.seen.to(torch::kFloat32);
    const torch::Tensor normal = (unit_normal_error(sdf_gradient(gx, x), targets.normal) * seen).sum() / seen.sum().clamp_min(1);
    // The posed mesh where the maps say nothing: its place and its own normals (IGR's surface terms).
    const torch::Tensor a = anchors.clone().requires_grad_(true);
    const torch::Tensor ga = values(mlp, p, a);
    const torch::Tensor anchor_normal = unit_normal_error(sdf_gradient(ga, a), anchor_normals);
    const torch::Tensor anchor = (ga.abs() * anchor_weights + anchor_normal * anchor_unseen * config.anchor_weight).mean();
    const torch::Tensor gs = values(mlp, p, space);
    const torch::Tensor eikonal = (sdf_gradient(gs, space).norm(2, 1) - 1).pow(2).mean();
    const torch::Tensor total = config.normal_weight * normal + anchor + config.eikonal_weight * eikonal;
    adam.zero_grad();
    total.backward();
    adam.step();

    RefineStep s;
    s.iteration = it + 1;
    s.total = total.item<double>();
    s.normal = normal.item<double>();
    s.anchor = anchor.item<double>();
    s.eikonal = eikonal.item<double>();
    s.seen = seen.mean().item<double>();
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.log.push_back(s);
    if (step) step(s);
  }
  out.parameters = p.transformed([](const torch::Tensor& t, std::size_t) { return t.detach(); });
  return out;
}

}  // namespace hifa::trainer
