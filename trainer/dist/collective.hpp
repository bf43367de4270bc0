#pragma once
// The collectives data-parallel training needs (docs/distributed.md), over the ranks of a c10d
// process group (dist/process_group.hpp). Model and loss code sees only this interface: no c10d
// header, and nullptr everywhere means a single process.
//
//   loss.backward();
//   average_gradients(group, {optimizer});   // before optimizer->step(): every rank the same step
//   group->sum(statistics);                  // e.g. the extended BCE's class counts over the global batch
//
// A failed collective (a rank died, the network broke, the timeout passed) throws hifa::Error
// naming the ranks that stopped answering.

#include <torch/torch.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace hifa::trainer {

class Collective {
 public:
  virtual ~Collective() = default;
  virtual int rank() const = 0;
  virtual int world() const = 0;
  // Sums each tensor over the ranks, in place. Tensors are packed into flat buckets of one dtype.
  virtual void sum(const std::vector<torch::Tensor>& tensors) = 0;
  // Rank `root`'s values to every rank, in place (the shapes must agree).
  virtual void broadcast(const std::vector<torch::Tensor>& tensors, int root) = 0;
  // Seconds this process spent waiting in collectives since it began (for the scaling benchmark).
  virtual double seconds_in_collectives() const = 0;
};

// Replaces each parameter's gradient by its mean over the ranks (no-op for nullptr). Parameters
// without a gradient are skipped: every rank runs the same graph, so they agree on which.
void average_gradients(Collective* group, std::initializer_list<torch::optim::Optimizer*> optimizers);

// The sum of `values` over the ranks (values unchanged for nullptr). NaN stays NaN.
std::vector<double> sum_over_ranks(Collective* group, std::vector<double> values);

// Rank 0's bytes on every rank (unchanged for nullptr).
std::string broadcast_bytes(Collective* group, std::string bytes);

// Every floating tensor of the module (parameters and buffers) from rank 0, as DDP does at start.
void broadcast_module(Collective* group, torch::nn::Module& module);

}  // namespace hifa::trainer
