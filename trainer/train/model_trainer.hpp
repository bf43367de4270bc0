#pragma once
// What the training loop (train_loop.hpp) needs of a model type: its stages in training order,
// each with the loss terms it logs and its optimizer settings, and one optimizer step of a stage.
// Each model type owns its stages and losses:
//
//   std::unique_ptr<ModelTrainer> t = make_trainer(config, torch::kCPU);   // by model.type
//   for (const StageSpec& s : t->stages()) ...                             // e.g. normal, coarse, fine
//   t->set_epoch("coarse", epoch);                                         // the stage's rate schedule
//   std::vector<double> l = t->step("coarse", batch, iteration);           // s.losses, before the update
//
//   model.type pifuhd, pifu  pifuhd_trainer.hpp (normal, coarse, fine)
//   model.type body          body_trainer.hpp (normal, body)
//   model.type car           car_trainer.hpp (normal, body with body_net, canonical)
//
// A stage's losses are named; the run's log has one column per name over all its stages
// (loss_columns), so two stages may share a column (PIFuHD's fine stage also logs "coarse").
// NaN in a step's result: a term the step did not compute.
// Errors: hifa::Error naming `what` for a stage the model does not have (find_stage).

#include "config/config.hpp"
#include "data/batch.hpp"
#include "dist/collective.hpp"
#include "train/checkpoint.hpp"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hifa::trainer {

struct StageSpec {
  std::string name;
  std::vector<std::string> losses;  // the terms step() returns, in this order
  OptimizerConfig optimizer;        // train.<name>: batch, epochs, rate and its schedule
  // The batch's point draws its losses use, whose fallbacks the log reports (batch.hpp).
  bool coarse_points = false, fine_points = false;
};

class ModelTrainer {
 public:
  virtual ~ModelTrainer() = default;

  virtual const std::vector<StageSpec>& stages() const = 0;
  virtual void set_epoch(const std::string& stage, std::int64_t epoch) = 0;
  virtual std::vector<double> step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) = 0;
  // The rate of the stage's optimizer now.
  virtual double lr(const std::string& stage) const = 0;
  // What the checkpoint saves as "model" (checkpoint.hpp) and its optimizers by name.
  virtual torch::nn::Module& module() = 0;
  virtual NamedOptimizers optimizers() = 0;
  // A line for the log when the stage begins (e.g. which perceptual loss runs); empty for none.
  virtual std::string describe(const std::string& stage) const = 0;
  // The run log's columns: every loss name of the stages (loss_columns below) unless the model
  // type keeps a fixed set.
  virtual std::vector<std::string> log_columns() const;

  // A data-parallel run's ranks (dist/collective.hpp; nullptr: one process, the default). Steps then
  // average their gradients over the ranks before each optimizer step, and whatever a loss takes
  // from the whole batch (the extended BCE's lambda) is taken over the global batch.
  void set_group(Collective* group) { group_ = group; }

 protected:
  Collective* group_ = nullptr;
};

std::unique_ptr<ModelTrainer> make_trainer(const Config& config, torch::Device device);

// The stage called `name`, or hifa::Error(what, ...) listing the model's stages.
const StageSpec& find_stage(const std::vector<StageSpec>& stages, const std::string& name, const std::string& what);

// The batch's tensors on `device` (undefined ones stay undefined).
ViewBatch to_device(const ViewBatch& batch, torch::Device device);

// "name value ..." for the step's finite terms (4 significant digits), for progress lines.
std::string losses_text(const StageSpec& stage, const std::vector<double>& losses);

// Every loss name of the stages, in order of first appearance.
std::vector<std::string> loss_columns(const std::vector<StageSpec>& stages);

}  // namespace hifa::trainer
