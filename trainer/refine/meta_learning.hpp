#pragma once
// What CAR's hypernetwork is meta-learned for (Liao et al. CVPR 2023, section 3.4): from its tensors
// for a body, a few SGD steps fit that body's SDF.
//
//   SdfTask task{surface, normals, space};                     // one posed body, view frame
//   torch::Tensor loss = meta_loss(*hyper, *mlp, bodies, tasks, config.hyper, config.refine);
//   loss.backward();                                           // into the hypernetwork
//
// A task: points of one body's surface with their unit normals, and points of space around it.
// Its loss is the refinement's (refine/refiner.hpp) with the body's own normals standing in for the
// maps, weights from RefineConfig: normal_weight · ‖∇g/‖∇g‖ − n‖ and anchor_weight · |g| on the
// surface, eikonal_weight · (‖∇g‖ − 1)² in space.
// adapt: `inner_steps` SGD steps of rate `inner_lr` from the given tensors, first order (Finn et al.
//   2017, Nichol et al. 2018): the result is start + the steps' total change, detached, so an outer
//   loss's gradient reaches `start` -- and the hypernetwork behind it -- unchanged; 2 steps of 0.01
//   are the public CAR code's. It also keeps the task loss at the start and its gradient (the first
//   step's), so the loss at the start can join an outer loss at no extra cost.
// meta_loss: the mean over tasks of each task's loss after adapting from the hypernetwork's tensors
//   for its body (bodies: B x N x 6, row b for task b), plus HyperConfig::start_weight times the loss
//   at those tensors. Why the second term: with the adapted loss alone the hypernetwork learned a
//   start a couple of SGD steps lead from, not one that is the body's SDF, and the per-image
//   refinement -- hundreds of Adam steps, not two of SGD -- started from it no better than from the
//   sphere (docs/refine.md).

#include "config/config.hpp"
#include "models/hyper_net.hpp"
#include "models/sdf_mlp.hpp"

#include <torch/torch.h>

#include <vector>

namespace hifa::trainer {

struct SdfTask {
  torch::Tensor surface;  // N x 3
  torch::Tensor normals;  // N x 3, unit, outward
  torch::Tensor space;    // M x 3
};

torch::Tensor sdf_task_loss(const SdfMlpImpl& mlp, const SdfMlpParameters& p, const SdfTask& task, const RefineConfig& weights);

struct Adaptation {
  SdfMlpParameters adapted;                   // start + the steps' change, first order
  double start_loss = 0;                      // the task loss at the start (also when steps is 0)
  std::vector<torch::Tensor> start_gradient;  // its gradient by the start's tensors, detached
};

Adaptation adapt(const SdfMlpImpl& mlp, const SdfMlpParameters& start, const SdfTask& task, const RefineConfig& weights,
                 int steps, double lr);

// start_loss set: receives the mean over tasks of the loss at the hypernetwork's tensors.
torch::Tensor meta_loss(HyperNetImpl& hyper, const SdfMlpImpl& mlp, const torch::Tensor& bodies, const std::vector<SdfTask>& tasks,
                        const HyperConfig& config, const RefineConfig& weights, double* start_loss = nullptr);

}  // namespace hifa::trainer
