#pragma once
// CAR's stages (model.type car; model_trainer.hpp):
//
//   CarTrainer t(config, torch::kCPU);          // seeds the weights
//   std::vector<double> l = t.step("canonical", batch, iteration);
//
// Stages (in training order):
//   normal     the front and back normal nets (normal_stage.hpp), when normal_net.type is not none;
//              logs normal, normal_l1, normal_perceptual.
//   body       the body estimator's net (CarNet::body), when the config has body_net: the body
//              stage of body_stage.hpp, optimizer train.body; logs body, body_joints_3d, ...
//   canonical  the canonical SDF (models/car_net.hpp): encoder and SDF MLP on the batch's canonical
//              samples, conditioned per item on the ground-truth or the predicted normal maps by
//              NormalStage's coins (stream 4); SdfLoss (losses/sdf_loss.hpp), optimizer train.car.
//              Logs canonical (the weighted sum), canonical_surface, canonical_off_surface,
//              canonical_normal, canonical_eikonal, canonical_sdf (the last stack's, unweighted).
// Without body_net the body comes from elsewhere: `hifa reconstruct --body` takes a fit, or
// `hifa fit-body --image` makes one with an estimator's run (model.type body).
// Errors: hifa::Error naming the stage for a batch without canonical samples; BodyStage's.

#include "config/config.hpp"
#include "models/car_net.hpp"
#include "train/body_stage.hpp"
#include "train/own_stage_trainer.hpp"

#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

namespace hifa::trainer {

class CarTrainer final : public OwnStageTrainer {
 public:
  CarTrainer(const Config& config, torch::Device device);

  std::vector<double> step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) override;
  torch::nn::Module& module() override { return *model_; }  // optimizers: optim_normal, optim_body, optim_car

  CarNet& model() { return model_; }

 private:
  std::optional<BodyStage> body_;  // with body_net
  CarNet model_{nullptr};
};

}  // namespace hifa::trainer
