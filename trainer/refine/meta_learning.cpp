#include "refine/meta_learning.hpp"

#include "hifa/core/error.hpp"

#include <string>

namespace hifa::trainer {
namespace {

// ∇g at points (requires_grad), keeping the graph when asked.
torch::Tensor gradient(const torch::Tensor& g, const torch::Tensor& points, bool graph) {
  return torch::autograd::grad({g.sum()}, {points}, {}, /*retain_graph=*/true, /*create_graph=*/graph)[0];
}

std::vector<torch::Tensor> flat(const SdfMlpParameters& p) {
  std::vector<torch::Tensor> out(p.weights);
  out.insert(out.end(), p.biases.begin(), p.biases.end());
  return out;
}

}  // namespace

torch::Tensor sdf_task_loss(const SdfMlpImpl& mlp, const SdfMlpParameters& p, const SdfTask& task, const RefineConfig& w) {
  const torch::Tensor x = task.surface.detach().requires_grad_(true);
  const torch::Tensor gx = mlp.forward(p, x).squeeze(-1);
  const torch::Tensor nx = gradient(gx, x, true);
  const torch::Tensor normal = (nx / nx.norm(2, 1, true).clamp_min(1e-8) - task.normals).norm(2, 1).mean();
  const torch::Tensor y = task.space.detach().requires_grad_(true);
  const torch::Tensor eikonal = (gradient(mlp.forward(p, y).squeeze(-1), y, true).norm(2, 1) - 1).pow(2).mean();
  return w.normal_weight * normal + w.anchor_weight * gx.abs().mean() + w.eikonal_weight * eikonal;
}

SdfMlpParameters adapt(const SdfMlpImpl& mlp, const SdfMlpParameters& start, const SdfTask& task, const RefineConfig& w,
                       int steps, double lr, double* start_loss) {
  SdfMlpParameters now;
  for (const auto& t : start.weights) now.weights.push_back(t.detach().requires_grad_(true));
  for (const auto& t : start.biases) now.biases.push_back(t.detach().requires_grad_(true));
  if (steps == 0 && start_loss != nullptr) *start_loss = sdf_task_loss(mlp, now, task, w).item<double>();
  for (int s = 0; s < steps; ++s) {
    const std::vector<torch::Tensor> leaves = flat(now);
    const torch::Tensor loss = sdf_task_loss(mlp, now, task, w);
    if (s == 0 && start_loss != nullptr) *start_loss = loss.item<double>();
    const std::vector<torch::Tensor> grads = torch::autograd::grad({loss}, leaves);
    SdfMlpParameters next;
    for (std::size_t i = 0; i < now.weights.size(); ++i) next.weights.push_back((now.weights[i] - lr * grads[i]).detach().requires_grad_(true));
    for (std::size_t i = 0; i < now.biases.size(); ++i) {
      next.biases.push_back((now.biases[i] - lr * grads[now.weights.size() + i]).detach().requires_grad_(true));
    }
    now = std::move(next);
  }
  SdfMlpParameters out;  // start + the change: the outer gradient passes to start as it is
  for (std::size_t i = 0; i < start.weights.size(); ++i) out.weights.push_back(start.weights[i] + (now.weights[i] - start.weights[i]).detach());
  for (std::size_t i = 0; i < start.biases.size(); ++i) out.biases.push_back(start.biases[i] + (now.biases[i] - start.biases[i]).detach());
  return out;
}

torch::Tensor meta_loss(HyperNetImpl& hyper, const SdfMlpImpl& mlp, const torch::Tensor& bodies, const std::vector<SdfTask>& tasks,
                        const HyperConfig& config, const RefineConfig& weights, double* start_loss) {
  if (bodies.dim() != 3 || bodies.size(0) != int64_t(tasks.size())) {
    throw Error("meta_loss", "bodies must be B x N x 6 for the B = " + std::to_string(tasks.size()) + " tasks");
  }
  const std::vector<SdfMlpParameters> starts = hyper.forward(bodies);
  torch::Tensor total = torch::zeros({}, bodies.options());
  double starts_sum = 0;
  for (std::size_t b = 0; b < tasks.size(); ++b) {
    double at_start = 0;
    const SdfMlpParameters adapted = adapt(mlp, starts[b], tasks[b], weights, config.inner_steps, config.inner_lr, &at_start);
    total = total + sdf_task_loss(mlp, adapted, tasks[b], weights);
    starts_sum += at_start;
  }
  if (start_loss != nullptr) *start_loss = starts_sum / double(tasks.size());
  return total / double(tasks.size());
}

}  // namespace hifa::trainer
