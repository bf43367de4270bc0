#include "refine/meta_learning.hpp"

#include "hifa/core/error.hpp"
#include "losses/sdf_loss.hpp"

#include <string>

namespace hifa::trainer {
namespace {

// A leaf copy the inner steps differentiate by.
torch::Tensor leaf(const torch::Tensor& t, std::size_t) { return t.detach().requires_grad_(true); }

}  // namespace

torch::Tensor sdf_task_loss(const SdfMlpImpl& mlp, const SdfMlpParameters& p, const SdfTask& task, const RefineConfig& w) {
  const torch::Tensor x = task.surface.detach().requires_grad_(true);
  const torch::Tensor gx = mlp.forward(p, x).squeeze(-1);
  const torch::Tensor normal = unit_normal_error(sdf_gradient(gx, x), task.normals).mean();
  const torch::Tensor y = task.space.detach().requires_grad_(true);
  const torch::Tensor eikonal = (sdf_gradient(mlp.forward(p, y).squeeze(-1), y).norm(2, 1) - 1).pow(2).mean();
  return w.normal_weight * normal + w.anchor_weight * gx.abs().mean() + w.eikonal_weight * eikonal;
}

SdfMlpParameters adapt(const SdfMlpImpl& mlp, const SdfMlpParameters& start, const SdfTask& task, const RefineConfig& w,
                       int steps, double lr, double* start_loss) {
  SdfMlpParameters now = start.transformed(leaf);
  if (steps == 0 && start_loss != nullptr) *start_loss = sdf_task_loss(mlp, now, task, w).item<double>();
  for (int s = 0; s < steps; ++s) {
    const torch::Tensor loss = sdf_task_loss(mlp, now, task, w);
    if (s == 0 && start_loss != nullptr) *start_loss = loss.item<double>();
    const std::vector<torch::Tensor> grads = torch::autograd::grad({loss}, now.tensors());
    now = now.transformed([&](const torch::Tensor& t, std::size_t i) { return leaf(t - lr * grads[i], i); });
  }
  // start + the change: the outer gradient passes to start as it is.
  const std::vector<torch::Tensor> adapted = now.tensors();
  return start.transformed([&](const torch::Tensor& t, std::size_t i) { return t + (adapted[i] - t).detach(); });
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
