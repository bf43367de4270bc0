#include "refine/meta_learning.hpp"

#include "hifa/core/error.hpp"
#include "losses/sdf_loss.hpp"

#include <algorithm>
#include <string>

namespace hifa::trainer {
namespace {

// A leaf copy the inner steps differentiate by.
torch::Tensor leaf(const torch::Tensor& t, std::size_t) { return t.detach().requires_grad_(true); }

}  // namespace

torch::Tensor sdf_task_loss(const SdfMlpImpl& mlp, const SdfMlpParameters& p, const SdfTask& task, const RefineConfig& w) {
  const torch::Tensor x = task.surface.detach().requires_grad_(true);
  const torch::Tensor gx = mlp.at_points(p, x).squeeze(-1);
  const torch::Tensor normal = unit_normal_error(sdf_gradient(gx, x), task.normals).mean();
  const torch::Tensor y = task.space.detach().requires_grad_(true);
  const torch::Tensor eikonal = (sdf_gradient(mlp.at_points(p, y).squeeze(-1), y).norm(2, 1) - 1).pow(2).mean();
  return w.normal_weight * normal + w.anchor_weight * gx.abs().mean() + w.eikonal_weight * eikonal;
}

Adaptation adapt(const SdfMlpImpl& mlp, const SdfMlpParameters& start, const SdfTask& task, const RefineConfig& w,
                 int steps, double lr) {
  Adaptation out;
  SdfMlpParameters now = start.transformed(leaf);
  for (int s = 0; s < std::max(steps, 1); ++s) {
    const torch::Tensor loss = sdf_task_loss(mlp, now, task, w);
    std::vector<torch::Tensor> grads = torch::autograd::grad({loss}, now.tensors());
    if (s == 0) {
      out.start_loss = loss.item<double>();
      out.start_gradient = grads;
    }
    if (s < steps) now = now.transformed([&](const torch::Tensor& t, std::size_t i) { return leaf(t - lr * grads[i], i); });
  }
  // start + the change: the outer gradient passes to start as it is.
  const std::vector<torch::Tensor> adapted = now.tensors();
  out.adapted = start.transformed([&](const torch::Tensor& t, std::size_t i) { return t + (adapted[i] - t).detach(); });
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
    const Adaptation a = adapt(mlp, starts[b], tasks[b], weights, config.inner_steps, config.inner_lr);
    total = total + sdf_task_loss(mlp, a.adapted, tasks[b], weights);
    if (config.start_weight > 0) {
      // The loss at the start, by its gradient already taken: a term whose gradient by the start's
      // tensors is exactly that one and whose value is the loss.
      torch::Tensor linear = torch::zeros({}, bodies.options());
      const std::vector<torch::Tensor> emitted = starts[b].tensors();
      for (std::size_t i = 0; i < emitted.size(); ++i) linear = linear + (emitted[i] * a.start_gradient[i]).sum();
      total = total + config.start_weight * (linear - linear.detach() + a.start_loss);
    }
    starts_sum += a.start_loss;
  }
  if (start_loss != nullptr) *start_loss = starts_sum / double(tasks.size());
  return total / double(tasks.size());
}

}  // namespace hifa::trainer
