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
#include "train/model_trainer.hpp"
#include "train/normal_stage.hpp"

#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hifa::trainer {

class BodyTrainer final : public ModelTrainer {
 public:
  BodyTrainer(const Config& config, torch::Device device);

  const std::vector<StageSpec>& stages() const override { return stages_; }
  void set_epoch(const std::string& stage, std::int64_t epoch) override;
  std::vector<double> step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) override;
  double lr(const std::string& stage) const override;
  torch::nn::Module& module() override { return *model_; }
  NamedOptimizers optimizers() override;  // optim_normal, optim_body
  std::string describe(const std::string& stage) const override;

  BodyEstimator& model() { return model_; }
  const BodyLayer& body() const { return *body_; }

 private:
  Config config_;
  torch::Device device_;
  std::unique_ptr<BodyLayer> body_;
  BodyEstimator model_{nullptr};
  std::optional<NormalStage> normals_;
  std::optional<BodyLoss> loss_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::vector<StageSpec> stages_;
};

}  // namespace hifa::trainer
