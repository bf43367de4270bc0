#include "train/pifuhd_trainer.hpp"

#include "config/factory.hpp"
#include "hifa/core/error.hpp"
#include "train/optimizers.hpp"

#include <limits>

namespace hifa::trainer {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// NormalStage coin streams (the values of the stage enum these replaced: resumed runs keep their coins).
constexpr std::uint64_t coarse_stream = 1, fine_stream = 2;

}  // namespace

PifuhdTrainer::PifuhdTrainer(const Config& config, torch::Device device)
    : config_(config), device_(device), occupancy_loss_(make_occupancy_loss(config)) {
  torch::manual_seed(config.train.seed);  // the initial weights are a function of the seed
  model_ = make_model(config);
  model_->to(device_);
  normals_.emplace(config, model_->normal_front, model_->normal_back, device_);
  coarse_ = make_optimizer(config.train.coarse, parameters_of({model_->coarse.ptr().get()}));
  if (model_->has_fine()) fine_ = make_optimizer(config.train.fine, parameters_of({model_->fine.ptr().get()}));

  if (normals_->has_nets()) stages_.push_back(NormalStage::spec(config));
  stages_.push_back({"coarse", {"coarse"}, config.train.coarse, true, false});
  if (fine_) stages_.push_back({"fine", {"coarse", "fine"}, config.train.fine, true, true});
}

NamedOptimizers PifuhdTrainer::optimizers() {
  NamedOptimizers list;
  if (normals_->has_nets()) list.emplace_back("optim_normal", normals_->optimizer());
  list.emplace_back("optim_coarse", coarse_.get());
  if (fine_) list.emplace_back("optim_fine", fine_.get());
  return list;
}

std::string PifuhdTrainer::describe(const std::string& stage) const {
  return stage == "normal" ? normals_->describe() : std::string();
}

std::vector<std::string> PifuhdTrainer::log_columns() const {
  return {"normal", "normal_l1", "normal_perceptual", "coarse", "fine"};
}

void PifuhdTrainer::set_epoch(const std::string& stage, std::int64_t epoch) {
  const OptimizerConfig& o = find_stage(stages_, stage, config_.source).optimizer;
  if (stage == "normal") set_rate(normals_->optimizer(), o, epoch);
  if (stage == "coarse" || stage == "fine") set_rate(coarse_.get(), o, epoch);
  if (stage == "fine") set_rate(fine_.get(), o, epoch);
}

double PifuhdTrainer::lr(const std::string& stage) const {
  if (stage == "normal") return rate_of(normals_->optimizer());
  return rate_of(stage == "coarse" ? coarse_.get() : fine_.get());
}

LevelInputs PifuhdTrainer::level_inputs(const ViewBatch& b, const torch::Tensor& use_gt, bool fine) {
  LevelInputs in;
  const bool all_gt = use_gt.min().item<float>() == 1.0f;
  torch::Tensor pf, pb;
  if (!all_gt) std::tie(pf, pb) = normals_->predict(b);
  const auto pick = [&](const torch::Tensor& gt, const torch::Tensor& predicted) {
    return all_gt ? gt : torch::where(use_gt > 0.5f, gt, predicted);
  };
  in.coarse = PIFuHDImpl::condition(b.image, pick(b.normal_front, pf), pick(b.normal_back, pb));
  if (fine) {
    const int64_t size = config_.fine->image_size, crop = b.fine_image.size(2);
    const auto cropped = [&](const torch::Tensor& n) {
      return all_gt ? n : PIFuHDImpl::fine_normals(n, size, b.fine_crop_origin, crop);
    };
    in.fine = PIFuHDImpl::condition(b.fine_image, pick(b.fine_normal_front, cropped(pf)),
                                    pick(b.fine_normal_back, cropped(pb)));
  }
  return in;
}

double PifuhdTrainer::coarse_step(const torch::Tensor& coarse_in, const ViewBatch& b) {
  model_->coarse->train();
  LevelOutput o = model_->coarse->forward(coarse_in, b.points);
  torch::Tensor loss = occupancy_loss_(o.logits, b.labels, group_);
  coarse_->zero_grad();
  loss.backward();
  average_gradients(group_, {coarse_.get()});
  coarse_->step();
  return scalar(loss);
}

std::vector<double> PifuhdTrainer::step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) {
  find_stage(stages_, stage, config_.source);
  const ViewBatch b = to_device(batch, device_);
  if (stage == "normal") return normals_->step(b, group_);
  if (stage == "coarse") {
    const torch::Tensor use_gt = normals_->gt_coins(coarse_stream, iteration, b);
    return {coarse_step(level_inputs(b, use_gt, false).coarse, b)};
  }
  return fine_step(b, iteration);
}

std::vector<double> PifuhdTrainer::fine_step(const ViewBatch& b, std::int64_t iteration) {
  if (!b.fine_image.defined() || !b.fine_points_crop.defined() || !b.fine_crop_origin.defined()) {
    throw Error("fine stage", "the batch has no fine crop (was the dataset prepared with --fine-res?)");
  }
  const torch::Tensor use_gt = normals_->gt_coins(fine_stream, iteration, b);
  const LevelInputs in = level_inputs(b, use_gt, true);
  model_->fine->train();
  double coarse_loss = nan;
  torch::Tensor loss;
  if (config_.train.fine_schedule == "alternate") {
    coarse_loss = coarse_step(in.coarse, b);
    PIFuHDOutput o = model_->forward(in.coarse, in.fine, b.fine_points, b.fine_points_crop, /*detach_omega=*/false);
    loss = occupancy_loss_(o.fine->logits, b.fine_labels, group_);
    coarse_->zero_grad();
    fine_->zero_grad();
    loss.backward();
    average_gradients(group_, {fine_.get(), coarse_.get()});
    fine_->step();
    coarse_->step();
  } else {
    torch::Tensor omega;
    {
      torch::NoGradGuard no_grad;
      model_->coarse->eval();  // only the last stack: Omega is its activation
      omega = model_->coarse->forward(in.coarse, b.fine_points).omega;
    }
    loss = occupancy_loss_(model_->fine->forward(in.fine, b.fine_points_crop, omega).logits, b.fine_labels, group_);
    fine_->zero_grad();
    loss.backward();
    average_gradients(group_, {fine_.get()});
    fine_->step();
  }
  return {coarse_loss, scalar(loss)};
}

}  // namespace hifa::trainer
