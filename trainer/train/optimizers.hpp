#pragma once
// The optimizers every model type's stages use (model_trainer.hpp), made from a train.<stage>
// section, and the step-schedule of their rate.
//
//   auto o = make_optimizer(config.train.coarse, parameters_of({model->coarse.ptr().get()}));
//   set_rate(o.get(), config.train.coarse, epoch);   // lr x lr_decay^floor(epoch / lr_step_epochs)

#include "config/config.hpp"

#include <torch/torch.h>

#include <initializer_list>
#include <memory>
#include <vector>

namespace hifa::trainer {

// optimizer adam: Adam with betas (beta1, 0.999); rmsprop: PIFu's RMSprop(lr, momentum 0, weight
// decay 0), PyTorch's defaults otherwise.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerConfig& config, std::vector<torch::Tensor> parameters);

// Sets the rate for `epoch` of the stage; nothing for a null optimizer.
void set_rate(torch::optim::Optimizer* optimizer, const OptimizerConfig& config, std::int64_t epoch);

// The rate of the optimizer's first group; NaN for a null optimizer.
double rate_of(const torch::optim::Optimizer* optimizer);

std::vector<torch::Tensor> parameters_of(std::initializer_list<torch::nn::Module*> modules);

// A scalar tensor as a double, on the CPU.
double scalar(const torch::Tensor& t);

}  // namespace hifa::trainer
