#include "dist/collective.hpp"

#include <cstring>
#include <set>

namespace hifa::trainer {

void average_gradients(Collective* group, std::initializer_list<torch::optim::Optimizer*> optimizers) {
  if (group == nullptr || group->world() == 1) return;
  std::vector<torch::Tensor> grads;
  std::set<const void*> seen;  // a parameter in two optimizers is averaged once
  for (torch::optim::Optimizer* o : optimizers) {
    for (const auto& g : o->param_groups()) {
      for (const torch::Tensor& p : g.params()) {
        if (p.grad().defined() && seen.insert(p.unsafeGetTensorImpl()).second) grads.push_back(p.mutable_grad());
      }
    }
  }
  group->sum(grads);
  const double scale = 1.0 / group->world();
  for (torch::Tensor& g : grads) g.mul_(scale);
}

std::vector<double> sum_over_ranks(Collective* group, std::vector<double> values) {
  if (group == nullptr || group->world() == 1 || values.empty()) return values;
  torch::Tensor t = torch::tensor(values, torch::kFloat64);
  group->sum({t});
  return {t.data_ptr<double>(), t.data_ptr<double>() + t.numel()};
}

std::string broadcast_bytes(Collective* group, std::string bytes) {
  if (group == nullptr || group->world() == 1) return bytes;
  torch::Tensor size = torch::tensor(std::int64_t(bytes.size()), torch::kInt64);
  group->broadcast({size}, 0);
  torch::Tensor data = torch::empty({size.item<std::int64_t>()}, torch::kUInt8);
  if (group->rank() == 0) std::memcpy(data.data_ptr(), bytes.data(), bytes.size());
  group->broadcast({data}, 0);
  return {reinterpret_cast<const char*>(data.data_ptr()), std::size_t(data.numel())};
}

void broadcast_module(Collective* group, torch::nn::Module& module) {
  if (group == nullptr || group->world() == 1) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> tensors;
  for (const torch::Tensor& p : module.parameters()) tensors.push_back(p);
  for (const torch::Tensor& b : module.buffers()) {
    if (b.is_floating_point()) tensors.push_back(b);
  }
  group->broadcast(tensors, 0);
}

}  // namespace hifa::trainer
