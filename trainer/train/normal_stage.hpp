#pragma once
// The normal nets' stage (PIFuHD section 3.3), shared by every model type that has them, and the
// choice each later stage makes per item between the ground-truth and the predicted normal maps.
//
//   NormalStage normals(config, model->normal_front, model->normal_back, device);
//   std::vector<double> l = normals.step(batch);        // one optimizer step of both nets
//   torch::Tensor gt = normals.gt_coins(stream, iteration, batch);     // B x 1 x 1 x 1, 1: ground truth
//   auto [front, back] = normals.inputs(batch, gt);
//
// The nets read the batch's image and, with normal_net.body_normals, its body_normals (the
// subject's fit drawn in the view: normal_net_input, models/normal_net.hpp).
// step: the front and back nets from their input against the ground-truth maps; NormalLoss
//   (l1_weight x L1 + perceptual_weight x VGG19 or image gradients), optimizer train.normal
//   (Adam 2e-4 in the paper, betas (0.5, 0.999) as pix2pixHD). Logs NormalStage::losses: the
//   weighted sum and its L1 and perceptual parts unweighted.
// gt_coins: the item at position b of step i's global batch of B takes the ground truth when
//   CounterRng(train.seed).uniform(stream, i * B + b) < train.gt_normal_probability, always when
//   the model has no normal nets: a pure function of the step, so a resumed run, and any number
//   of ranks, draw the same coins. Each stage has its own stream.
// inputs: the ground truth where the coin says so, the nets' prediction (eval mode, no autograd)
//   elsewhere.
// Errors: hifa::Error for step() on a model without normal nets.

#include "config/config.hpp"
#include "data/batch.hpp"
#include "dist/collective.hpp"
#include "losses/normal_loss.hpp"
#include "models/normal_net.hpp"
#include "train/model_trainer.hpp"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hifa::trainer {

class NormalStage {
 public:
  // front and back null: a model without normal nets (normal_net.type none).
  NormalStage(const Config& config, NormalNet front, NormalNet back, torch::Device device);

  bool has_nets() const { return !front_.is_empty(); }
  static StageSpec spec(const Config& config);

  // `group`: the ranks of a data-parallel run, whose gradients are averaged (nullptr: one process).
  std::vector<double> step(const ViewBatch& batch_on_device, Collective* group);
  torch::Tensor gt_coins(std::uint64_t stream, std::int64_t iteration, const ViewBatch& batch) const;
  // The batch's ground-truth maps where use_gt is 1, the prediction elsewhere.
  std::pair<torch::Tensor, torch::Tensor> inputs(const ViewBatch& batch, const torch::Tensor& use_gt);
  // Both maps predicted from the batch's image (eval mode, no autograd).
  std::pair<torch::Tensor, torch::Tensor> predict(const ViewBatch& batch);

  torch::optim::Optimizer* optimizer() { return optimizer_.get(); }
  const torch::optim::Optimizer* optimizer() const { return optimizer_.get(); }
  std::string describe() const;

 private:
  Config config_;
  torch::Device device_;
  NormalNet front_{nullptr}, back_{nullptr};
  NormalLoss loss_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
};

}  // namespace hifa::trainer
