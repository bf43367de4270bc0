#pragma once
// The body estimator's stages (model.type body; model_trainer.hpp):
//
//   BodyTrainer t(config, torch::kCPU);        // loads body_net.body_model, seeds the weights
//   std::vector<double> l = t.step("body", batch, iteration);
//
// Stages (in training order):
//   normal  the front and back normal nets (normal_stage.hpp), when normal_net.type is not none;
//           logs normal, normal_l1, normal_perceptual.
//   body    the estimator (models/body_net.hpp) on the batch's images -- ⊕ per item the
//           ground-truth or the predicted normal maps by NormalStage's coins (stream 3) with
//           inputs image_normals -- against the batch's body targets, BodyLoss (losses/body_loss.hpp);
//           optimizer train.body. Logs body (the weighted sum), body_joints_3d, body_joints_2d,
//           body_vertices, body_pose, body_betas.
// Errors: hifa::Error naming the config for a body model that cannot be loaded, or body_net.betas
// larger than the body model's β count.

#include "body/body_layer.hpp"
#include "config/config.hpp"
#include "losses/body_loss.hpp"
#include "models/body_net.hpp"
#include "train/own_stage_trainer.hpp"

#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hifa::trainer {

class BodyTrainer final : public OwnStageTrainer {
 public:
  BodyTrainer(const Config& config, torch::Device device);

  std::vector<double> step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) override;
  torch::nn::Module& module() override { return *model_; }  // optimizers: optim_normal, optim_body

  BodyEstimator& model() { return model_; }
  const BodyLayer& body() const { return *body_; }

 private:
  std::unique_ptr<BodyLayer> body_;
  BodyEstimator model_{nullptr};
  std::optional<BodyLoss> loss_;
};

}  // namespace hifa::trainer
