#pragma once
// The body estimator's stage, shared by the estimator's own runs (body_trainer.hpp) and by CAR runs
// that carry an estimator (car_trainer.hpp):
//
//   BodyStage body(config, device);                       // loads body_net.body_model, the loss
//   BodyNet net(*config.body_net, body_net_channels(*config.body_net), body.joint_count());
//   std::vector<double> l = body.step(net, normals, batch, iteration, optimizer, group);
//
// step: the net (models/body_net.hpp) on the batch's images -- ⊕ per item the ground-truth or the
// predicted normal maps by NormalStage's coins (stream 3) when it takes normals; BodyNet::input
// shrinks a CAR run's larger images and maps to body_net.image_size, as at inference -- against
// the batch's body targets (view-frame units, whatever the image size), BodyLoss (losses/body_loss.hpp); one step of `optimizer`. Logs
// BodyStage::spec's losses: body (the weighted sum), body_joints_3d, body_joints_2d,
// body_vertices, body_pose, body_betas.
// Errors: hifa::Error naming the config for a body model that cannot be loaded or body_net.betas
// larger than its β count; naming the stage for a batch without body targets.

#include "body/body_layer.hpp"
#include "config/config.hpp"
#include "data/batch.hpp"
#include "dist/collective.hpp"
#include "losses/body_loss.hpp"
#include "models/body_net.hpp"
#include "train/model_trainer.hpp"
#include "train/normal_stage.hpp"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace hifa::trainer {

class BodyStage {
 public:
  BodyStage(const Config& config, torch::Device device);

  static StageSpec spec(const Config& config);
  int joint_count() const { return int(body_->joint_count()); }
  const BodyLayer& body() const { return *body_; }

  // `batch_on_device` on the net's device; `group`: the ranks of a data-parallel run (or nullptr).
  std::vector<double> step(BodyNet& net, NormalStage& normals, const ViewBatch& batch_on_device, std::int64_t iteration,
                           torch::optim::Optimizer& optimizer, Collective* group);

 private:
  std::unique_ptr<BodyLayer> body_;
  std::unique_ptr<BodyLoss> loss_;
};

}  // namespace hifa::trainer
