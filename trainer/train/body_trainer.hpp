#pragma once
// The body estimator's stages (model.type body; model_trainer.hpp):
//
//   BodyTrainer t(config, torch::kCPU);        // loads body_net.body_model, seeds the weights
//   std::vector<double> l = t.step("body", batch, iteration);
//
// Stages (in training order):
//   normal  the front and back normal nets (normal_stage.hpp), when normal_net.type is not none;
//           logs normal, normal_l1, normal_perceptual.
//   body    the estimator (models/body_net.hpp) against the batch's body targets (body_stage.hpp);
//           optimizer train.body. Logs body, body_joints_3d, body_joints_2d, body_vertices,
//           body_pose, body_betas.
// Errors: BodyStage's (body_stage.hpp).

#include "config/config.hpp"
#include "models/body_net.hpp"
#include "train/body_stage.hpp"
#include "train/own_stage_trainer.hpp"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace hifa::trainer {

class BodyTrainer final : public OwnStageTrainer {
 public:
  BodyTrainer(const Config& config, torch::Device device);

  std::vector<double> step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) override;
  torch::nn::Module& module() override { return *model_; }  // optimizers: optim_normal, optim_body

  BodyEstimator& model() { return model_; }
  const BodyLayer& body() const { return body_.body(); }

 private:
  BodyStage body_;
  BodyEstimator model_{nullptr};
};

}  // namespace hifa::trainer
