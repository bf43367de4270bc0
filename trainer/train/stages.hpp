#pragma once
// PIFuHD's training stages (section 3.4) as single optimizer steps on a
// ViewBatch, with the model, losses and optimizers they share.
//
//   StageTrainer t(config, torch::kCPU);      // make_model seeded with train.seed, moved to the device
//   t.set_epoch(Stage::coarse, epoch);        // the stage's learning-rate schedule
//   LossTerms l = t.step(Stage::coarse, batch, iteration);   // the losses before the update
//
// Stages:
//   normal  the front and back normal nets from the image, against the ground-truth maps:
//           NormalLoss (l1_weight x L1 + perceptual_weight x VGG19 or image gradients), one
//           optimizer (train.normal; Adam 2e-4 in the paper, betas (0.5, 0.999) as pix2pixHD).
//   coarse  the coarse level on the batch's coarse samples: OccupancyLoss over every stack's
//           logits (intermediate supervision), optimizer train.coarse (RMSProp 1e-3).
//   fine    the fine level on the batch's fine crop (the loader's random crop of the fine image):
//           its points in the crop frame (fine_points_crop), Omega from the coarse level at the
//           same points in the coarse frame (fine_points); optimizer train.fine. Schedules
//           (train.fine_schedule):
//             alternate      (the paper's best) each step first makes a coarse step as above, then
//                            a fine step whose loss reaches the coarse MLP and encoder through
//                            Omega, updating both levels;
//             frozen_coarse  Omega computed without autograd; only the fine level is updated.
//           Both levels' optimizers follow train.fine's rate schedule in this stage.
// Input of both levels (section 3.2): image ⊕ front ⊕ back normals, per item the ground-truth maps
// with probability train.gt_normal_probability, else the normal nets' prediction (frozen, no
// autograd, eval mode); a model without normal nets (normal_net.type none) always takes the
// ground truth. Predicted normals come from the coarse image for both levels; the fine level takes
// them upsampled to the fine size and cropped to the batch's window (PIFuHDImpl::fine_normals), so
// it trains on what inference gives it (reconstruct.hpp's condition_inputs). The coin of item b at step i is CounterRng(train.seed).uniform(stage, i * B + b):
// a pure function of the step, so a resumed run draws the same coins.
// A learning rate at epoch e (within the stage) is lr x lr_decay^floor(e / lr_step_epochs).
//
// Errors: hifa::Error for a stage the model does not have (fine without a fine level, normal
// without normal nets) or a batch without the fine crop in the fine stage.

#include "config/config.hpp"
#include "data/batch.hpp"
#include "losses/normal_loss.hpp"
#include "losses/occupancy_loss.hpp"
#include "models/pifuhd.hpp"
#include "train/checkpoint.hpp"
#include "train/loss_log.hpp"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace hifa::trainer {

enum class Stage { normal = 0, coarse = 1, fine = 2 };

const char* stage_name(Stage stage);
// "normal" | "coarse" | "fine"; anything else is an error naming `what` and the value.
Stage parse_stage(const std::string& name, const std::string& what);
// The stages a config's model has, in training order.
std::vector<Stage> model_stages(const Config& config);
const OptimizerConfig& stage_optimizer(const Config& config, Stage stage);

// Both levels' conditioned inputs of one training step.
struct LevelInputs {
  torch::Tensor coarse;  // B x 9 x Rc x Rc
  torch::Tensor fine;    // B x 9 x C x C (the fine crop), undefined unless asked for
};

// The batch's tensors on `device` (undefined ones stay undefined).
ViewBatch to_device(const ViewBatch& batch, torch::Device device);

class StageTrainer {
 public:
  StageTrainer(const Config& config, torch::Device device);

  void set_epoch(Stage stage, std::int64_t epoch);
  LossTerms step(Stage stage, const ViewBatch& batch, std::int64_t iteration);
  // The rate of the stage's own optimizer now.
  double lr(Stage stage) const;
  // The levels' inputs for `batch` (on the device) with ground-truth normals where use_gt (B x 1 x 1
  // x 1) is 1, predicted ones elsewhere; the fine crop's too when `fine`.
  LevelInputs level_inputs(const ViewBatch& batch, const torch::Tensor& use_gt, bool fine);

  PIFuHD& model() { return model_; }
  // Every optimizer by its checkpoint name (optim_normal, optim_coarse, optim_fine).
  NamedOptimizers optimizers();
  const NormalLoss& normal_loss() const { return normal_loss_; }
  torch::Device device() const { return device_; }

 private:
  torch::Tensor gt_coins(Stage stage, std::int64_t iteration, std::int64_t batch) const;
  double coarse_step(const torch::Tensor& coarse_in, const ViewBatch& b);

  Config config_;
  torch::Device device_;
  PIFuHD model_{nullptr};
  NormalLoss normal_loss_{nullptr};
  OccupancyLoss occupancy_loss_;
  std::unique_ptr<torch::optim::Optimizer> normal_, coarse_, fine_;
};

}  // namespace hifa::trainer
