#include "train/optimizers.hpp"

#include <cmath>
#include <limits>

namespace hifa::trainer {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerConfig& o, std::vector<torch::Tensor> params) {
  if (o.type == "adam") {
    return std::make_unique<torch::optim::Adam>(std::move(params), torch::optim::AdamOptions(o.lr).betas({o.beta1, 0.999}));
  }
  if (o.type == "sgd") return std::make_unique<torch::optim::SGD>(std::move(params), torch::optim::SGDOptions(o.lr));
  return std::make_unique<torch::optim::RMSprop>(std::move(params), torch::optim::RMSpropOptions(o.lr));
}

void set_rate(torch::optim::Optimizer* optimizer, const OptimizerConfig& o, std::int64_t epoch) {
  if (!optimizer) return;
  const double lr = o.lr * std::pow(o.lr_decay, double(epoch / o.lr_step_epochs));
  for (auto& group : optimizer->param_groups()) group.options().set_lr(lr);
}

double rate_of(const torch::optim::Optimizer* optimizer) {
  return optimizer ? optimizer->param_groups().front().options().get_lr() : std::numeric_limits<double>::quiet_NaN();
}

std::vector<torch::Tensor> parameters_of(std::initializer_list<torch::nn::Module*> modules) {
  std::vector<torch::Tensor> params;
  for (torch::nn::Module* m : modules) {
    for (const auto& p : m->parameters()) params.push_back(p);
  }
  return params;
}

double scalar(const torch::Tensor& t) { return t.detach().to(torch::kCPU, torch::kFloat64).item<double>(); }

}  // namespace hifa::trainer
