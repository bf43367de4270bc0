#include "refine/refiner.hpp"

#include "refine/map_lookup.hpp"

#include "hifa/core/error.hpp"
#include "hifa/sampling/surface.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <Kokkos_Core.hpp>

#include <chrono>

namespace hifa::trainer {
namespace {

// `count` samples of the mesh: N x 6, the point and its unit normal.
torch::Tensor mesh_samples(const TriMeshf& mesh, int count, std::uint64_t seed, torch::Device device) {
  TriMeshf faces_only = mesh;
  faces_only.normals.resize(0, 3);  // the face normals: a marching-cubes mesh's vertex normals may be missing
  const SurfaceSampler<float> sampler(faces_only);
  const auto s = sampler.sample(Kokkos::DefaultHostExecutionSpace{}, std::size_t(count), seed);
  const auto rows = [](const RowMatrix3<float>& m) {
    return torch::from_blob(const_cast<float*>(m.data()), {m.rows(), 3}, torch::kFloat32).clone();
  };
  return torch::cat({rows(s.points), rows(s.normals)}, 1).to(device);
}

torch::Tensor values(const SdfMlpImpl& mlp, const SdfMlpParameters& p, const torch::Tensor& points) {
  return mlp.forward(p, points).squeeze(-1);
}

// ∇g at points (N x 3, requires_grad), keeping the graph: the normal and eikonal terms train through it.
torch::Tensor gradient(const torch::Tensor& g, const torch::Tensor& points) {
  return torch::autograd::grad({g.sum()}, {points}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
}

}  // namespace

Refinement refine_posed(const RefineConfig& config, const SdfMlpImpl& mlp, SdfMlpParameters start, const RefineInputs& inputs,
                        std::uint64_t seed, torch::Device device, const std::function<void(const RefineStep&)>& step) {
  if (inputs.posed.face_count() == 0) throw Error("refine", "the posed mesh has no faces");
  const auto t0 = std::chrono::steady_clock::now();
  const MapLookup maps(inputs.posed, inputs.normal_front.to(device), inputs.normal_back.to(device), config.visibility_tolerance);
  SdfMlpParameters p;
  std::vector<torch::Tensor> leaves;
  for (auto* list : {&start.weights, &start.biases}) {
    for (torch::Tensor& t : *list) t = t.detach().to(device).clone().requires_grad_(true);
  }
  p = std::move(start);
  for (auto* list : {&p.weights, &p.biases}) leaves.insert(leaves.end(), list->begin(), list->end());
  torch::optim::Adam adam(leaves, torch::optim::AdamOptions(config.lr));

  const torch::Tensor anchor_samples = mesh_samples(inputs.posed, config.anchor_points, seed, device);
  const torch::Tensor anchors = anchor_samples.slice(1, 0, 3), anchor_normals = anchor_samples.slice(1, 3, 6);
  const torch::Tensor anchor_unseen = 1 - maps.lookup(anchors).seen.to(torch::kFloat32);
  const torch::Tensor anchor_weights = (1 - anchor_unseen) * config.seen_anchor_weight + anchor_unseen * config.anchor_weight;
  torch::Tensor surface = mesh_samples(inputs.posed, config.surface_points, seed + 1, device).slice(1, 0, 3);
  const torch::Tensor space_base = mesh_samples(inputs.posed, config.space_points, seed + 2, device).slice(1, 0, 3);
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
    const torch::Tensor nx = gradient(gx, x);
    const torch::Tensor unit = nx / nx.norm(2, 1, true).clamp_min(1e-8);
    const torch::Tensor seen = targets.seen.to(torch::kFloat32);
    const torch::Tensor normal = ((unit - targets.normal).norm(2, 1) * seen).sum() / seen.sum().clamp_min(1);
    // The posed mesh where the maps say nothing: its place and its own normals (IGR's surface terms).
    const torch::Tensor a = anchors.clone().requires_grad_(true);
    const torch::Tensor ga = values(mlp, p, a);
    const torch::Tensor na = gradient(ga, a);
    const torch::Tensor anchor_normal = (na / na.norm(2, 1, true).clamp_min(1e-8) - anchor_normals).norm(2, 1);
    const torch::Tensor anchor = (ga.abs() * anchor_weights + anchor_normal * anchor_unseen * config.anchor_weight).mean();
    const torch::Tensor gs = values(mlp, p, space);
    const torch::Tensor eikonal = (gradient(gs, space).norm(2, 1) - 1).pow(2).mean();
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
  for (auto* list : {&p.weights, &p.biases}) {
    for (torch::Tensor& t : *list) t = t.detach();
  }
  out.parameters = std::move(p);
  return out;
}

}  // namespace hifa::trainer
