#include "train/stages.hpp"

#include "config/factory.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"

#include <cmath>
#include <limits>

namespace hifa::trainer {
namespace F = torch::nn::functional;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerConfig& o, std::vector<torch::Tensor> params) {
  if (o.type == "adam") {
    // pix2pixHD's Adam (options/train_options.py: beta1 0.5), which PIFuHD's normal nets follow.
    return std::make_unique<torch::optim::Adam>(std::move(params), torch::optim::AdamOptions(o.lr).betas({0.5, 0.999}));
  }
  // PIFu's RMSprop(lr, momentum=0, weight_decay=0): PyTorch's defaults otherwise (alpha 0.99, eps 1e-8).
  return std::make_unique<torch::optim::RMSprop>(std::move(params), torch::optim::RMSpropOptions(o.lr));
}

void set_rate(torch::optim::Optimizer* optimizer, const OptimizerConfig& o, std::int64_t epoch) {
  if (!optimizer) return;
  const double lr = o.lr * std::pow(o.lr_decay, double(epoch / o.lr_step_epochs));
  for (auto& group : optimizer->param_groups()) group.options().set_lr(lr);
}

double item(const torch::Tensor& t) { return t.detach().to(torch::kCPU, torch::kFloat64).item<double>(); }

std::vector<torch::Tensor> parameters_of(std::initializer_list<torch::nn::Module*> modules) {
  std::vector<torch::Tensor> params;
  for (torch::nn::Module* m : modules) {
    for (const auto& p : m->parameters()) params.push_back(p);
  }
  return params;
}

torch::Tensor moved(const torch::Tensor& t, torch::Device device) { return t.defined() ? t.to(device) : t; }

}  // namespace

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::normal: return "normal";
    case Stage::coarse: return "coarse";
    case Stage::fine: return "fine";
  }
  return "?";
}

Stage parse_stage(const std::string& name, const std::string& what) {
  for (Stage s : {Stage::normal, Stage::coarse, Stage::fine}) {
    if (name == stage_name(s)) return s;
  }
  throw Error(what, "unknown stage '" + name + "' (normal, coarse, fine)");
}

std::vector<Stage> model_stages(const Config& config) {
  std::vector<Stage> stages;
  if (config.normal_net.type != "none") stages.push_back(Stage::normal);
  stages.push_back(Stage::coarse);
  if (config.model_type == "pifuhd") stages.push_back(Stage::fine);
  return stages;
}

const OptimizerConfig& stage_optimizer(const Config& config, Stage stage) {
  switch (stage) {
    case Stage::normal: return config.train.normal;
    case Stage::coarse: return config.train.coarse;
    case Stage::fine: break;
  }
  return config.train.fine;
}

ViewBatch to_device(const ViewBatch& b, torch::Device d) {
  ViewBatch o = b;
  for (torch::Tensor* t : {&o.image, &o.mask, &o.normal_front, &o.normal_back, &o.points, &o.labels, &o.fine_image,
                           &o.fine_mask, &o.fine_normal_front, &o.fine_normal_back, &o.fine_points,
                           &o.fine_points_crop, &o.fine_labels, &o.fine_crop_origin}) {
    *t = moved(*t, d);
  }
  return o;
}

StageTrainer::StageTrainer(const Config& config, torch::Device device)
    : config_(config), device_(device), occupancy_loss_(make_occupancy_loss(config)) {
  torch::manual_seed(config.train.seed);  // the initial weights are a function of the seed
  model_ = make_model(config);
  model_->to(device_);
  if (model_->has_normal_nets()) {
    normal_loss_ = make_normal_loss(config);
    normal_loss_->to(device_);
    normal_ = make_optimizer(config.train.normal, parameters_of({model_->normal_front.ptr().get(), model_->normal_back.ptr().get()}));
  }
  coarse_ = make_optimizer(config.train.coarse, parameters_of({model_->coarse.ptr().get()}));
  if (model_->has_fine()) fine_ = make_optimizer(config.train.fine, parameters_of({model_->fine.ptr().get()}));
}

NamedOptimizers StageTrainer::optimizers() {
  NamedOptimizers list;
  if (normal_) list.emplace_back("optim_normal", normal_.get());
  list.emplace_back("optim_coarse", coarse_.get());
  if (fine_) list.emplace_back("optim_fine", fine_.get());
  return list;
}

void StageTrainer::set_epoch(Stage stage, std::int64_t epoch) {
  const OptimizerConfig& o = stage_optimizer(config_, stage);
  switch (stage) {
    case Stage::normal: set_rate(normal_.get(), o, epoch); break;
    case Stage::coarse: set_rate(coarse_.get(), o, epoch); break;
    case Stage::fine:
      set_rate(fine_.get(), o, epoch);
      set_rate(coarse_.get(), o, epoch);
      break;
  }
}

double StageTrainer::lr(Stage stage) const {
  const torch::optim::Optimizer* o = stage == Stage::normal ? normal_.get() : stage == Stage::coarse ? coarse_.get() : fine_.get();
  return o ? o->param_groups().front().options().get_lr() : nan;
}

torch::Tensor StageTrainer::gt_coins(Stage stage, std::int64_t iteration, std::int64_t batch) const {
  const CounterRng rng(config_.train.seed);
  std::vector<float> use(static_cast<std::size_t>(batch), 0.0f);
  for (std::int64_t b = 0; b < batch; ++b) {
    const bool gt = !model_->has_normal_nets() ||
                    rng.uniform(std::uint64_t(stage), std::uint64_t(iteration * batch + b)) < config_.train.gt_normal_probability;
    use[std::size_t(b)] = gt ? 1.0f : 0.0f;
  }
  return torch::tensor(use).view({batch, 1, 1, 1}).to(device_);
}

LevelInputs StageTrainer::level_inputs(const ViewBatch& b, const torch::Tensor& use_gt, bool fine) {
  LevelInputs in;
  const bool all_gt = use_gt.min().item<float>() == 1.0f;
  torch::Tensor pf, pb;
  if (!all_gt) {
    torch::NoGradGuard no_grad;
    model_->normal_front->eval();
    model_->normal_back->eval();
    std::tie(pf, pb) = model_->predict_normals(b.image);
  }
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

double StageTrainer::coarse_step(const torch::Tensor& coarse_in, const ViewBatch& b) {
  model_->coarse->train();
  LevelOutput o = model_->coarse->forward(coarse_in, b.points);
  torch::Tensor loss = occupancy_loss_(o.logits, b.labels);
  coarse_->zero_grad();
  loss.backward();
  coarse_->step();
  return item(loss);
}

LossTerms StageTrainer::step(Stage stage, const ViewBatch& batch, std::int64_t iteration) {
  LossTerms terms;
  terms.fill(nan);
  const ViewBatch b = to_device(batch, device_);
  const std::int64_t items = b.image.size(0);
  if (stage == Stage::normal) {
    if (!normal_) throw Error(config_.source, "the normal stage needs normal nets (normal_net.type is none)");
    model_->normal_front->train();
    model_->normal_back->train();
    auto [front, back] = model_->predict_normals(b.image);
    torch::Tensor loss = normal_loss_->forward(front, b.normal_front) + normal_loss_->forward(back, b.normal_back);
    normal_->zero_grad();
    loss.backward();
    normal_->step();
    // The parts, unweighted, for the log (NormalLoss returns their weighted sum).
    const NormalNetConfig& n = config_.normal_net;
    torch::NoGradGuard no_grad;
    const double l1 = item(F::l1_loss(front, b.normal_front) + F::l1_loss(back, b.normal_back));
    terms[0] = item(loss);
    terms[1] = l1;
    terms[2] = n.perceptual_weight > 0 ? (terms[0] - n.l1_weight * l1) / n.perceptual_weight : nan;
    return terms;
  }
  const torch::Tensor use_gt = gt_coins(stage, iteration, items);
  if (stage == Stage::coarse) {
    terms[3] = coarse_step(level_inputs(b, use_gt, false).coarse, b);
    return terms;
  }
  if (!fine_) throw Error(config_.source, "the fine stage needs a fine level (model.type pifuhd)");
  if (!b.fine_image.defined() || !b.fine_points_crop.defined() || !b.fine_crop_origin.defined()) {
    throw Error("fine stage", "the batch has no fine crop (was the dataset prepared with --fine-res?)");
  }
  const LevelInputs in = level_inputs(b, use_gt, true);
  const torch::Tensor& coarse_in = in.coarse;
  const torch::Tensor& fine_in = in.fine;
  model_->fine->train();
  torch::Tensor loss;
  if (config_.train.fine_schedule == "alternate") {
    terms[3] = coarse_step(coarse_in, b);
    PIFuHDOutput o = model_->forward(coarse_in, fine_in, b.fine_points, b.fine_points_crop, /*detach_omega=*/false);
    loss = occupancy_loss_(o.fine->logits, b.fine_labels);
    coarse_->zero_grad();
    fine_->zero_grad();
    loss.backward();
    fine_->step();
    coarse_->step();
  } else {
    torch::Tensor omega;
    {
      torch::NoGradGuard no_grad;
      model_->coarse->eval();  // only the last stack: Omega is its activation
      omega = model_->coarse->forward(coarse_in, b.fine_points).omega;
    }
    loss = occupancy_loss_(model_->fine->forward(fine_in, b.fine_points_crop, omega).logits, b.fine_labels);
    fine_->zero_grad();
    loss.backward();
    fine_->step();
  }
  terms[4] = item(loss);
  return terms;
}

}  // namespace hifa::trainer
