#pragma once
// PIFuHD's training stages (section 3.4) for model.type pifuhd and pifu (model_trainer.hpp):
//
//   PifuhdTrainer t(config, torch::kCPU);      // make_model seeded with train.seed, moved to the device
//   t.set_epoch("coarse", epoch);              // the stage's learning-rate schedule
//   std::vector<double> l = t.step("coarse", batch, iteration);   // the losses before the update
//
// Stages (in training order; the model's: normal without normal_net.type none, fine with pifuhd):
//   normal  the front and back normal nets (normal_stage.hpp); logs normal, normal_l1, normal_perceptual.
//   coarse  the coarse level on the batch's coarse samples: OccupancyLoss over every stack's
//           logits (intermediate supervision), optimizer train.coarse (RMSProp 1e-3). Logs coarse.
//   fine    the fine level on the batch's fine crop (the loader's random crop of the fine image):
//           its points in the crop frame (fine_points_crop), Omega from the coarse level at the
//           same points in the coarse frame (fine_points); optimizer train.fine. Logs coarse, fine.
//           Schedules (train.fine_schedule):
//             alternate      (the paper's best) each step first makes a coarse step as above, then
//                            a fine step whose loss reaches the coarse MLP and encoder through
//                            Omega, updating both levels;
//             frozen_coarse  Omega computed without autograd; only the fine level is updated
//                            (coarse is NaN in the log).
//           Both levels' optimizers follow train.fine's rate schedule in this stage.
// Input of both levels (section 3.2): image ⊕ front ⊕ back normals, per item the ground-truth maps
// or the normal nets' prediction by NormalStage's coins (stream 1 for coarse, 2 for fine).
// Predicted normals come from the coarse image for both levels; the fine level takes them
// upsampled to the fine size and cropped to the batch's window (PIFuHDImpl::fine_normals), so it
// trains on what inference gives it (reconstruct.hpp's condition_inputs).
//
// Errors: hifa::Error for a stage the model does not have (fine without a fine level, normal
// without normal nets) or a batch without the fine crop in the fine stage.

#include "config/config.hpp"
#include "data/batch.hpp"
#include "losses/occupancy_loss.hpp"
#include "models/pifuhd.hpp"
#include "train/model_trainer.hpp"
#include "train/normal_stage.hpp"

#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hifa::trainer {

// Both levels' conditioned inputs of one training step.
struct LevelInputs {
  torch::Tensor coarse;  // B x 9 x Rc x Rc
  torch::Tensor fine;    // B x 9 x C x C (the fine crop), undefined unless asked for
};

class PifuhdTrainer final : public ModelTrainer {
 public:
  PifuhdTrainer(const Config& config, torch::Device device);

  const std::vector<StageSpec>& stages() const override { return stages_; }
  void set_epoch(const std::string& stage, std::int64_t epoch) override;
  std::vector<double> step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) override;
  double lr(const std::string& stage) const override;
  torch::nn::Module& module() override { return *model_; }
  NamedOptimizers optimizers() override;  // optim_normal, optim_coarse, optim_fine
  std::string describe(const std::string& stage) const override;
  // normal, normal_l1, normal_perceptual, coarse, fine for every PIFuHD and PIFu model, with normal
  // nets or not: the columns runs had before model types owned their stages, so they resume.
  std::vector<std::string> log_columns() const override;

  // The levels' inputs for `batch` (on the device) with ground-truth normals where use_gt (B x 1 x 1
  // x 1) is 1, predicted ones elsewhere; the fine crop's too when `fine`.
  LevelInputs level_inputs(const ViewBatch& batch, const torch::Tensor& use_gt, bool fine);
  PIFuHD& model() { return model_; }
  torch::Device device() const { return device_; }

 private:
  double coarse_step(const torch::Tensor& coarse_in, const ViewBatch& b);
  std::vector<double> fine_step(const ViewBatch& b, std::int64_t iteration);

  Config config_;
  torch::Device device_;
  PIFuHD model_{nullptr};
  std::optional<NormalStage> normals_;
  OccupancyLoss occupancy_loss_;
  std::unique_ptr<torch::optim::Optimizer> coarse_, fine_;
  std::vector<StageSpec> stages_;
};

}  // namespace hifa::trainer
