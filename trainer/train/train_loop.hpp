#pragma once
// `hifa train` without the command line: stages -> epochs -> batches -> step -> log/checkpoint.
//
//   ViewLoader loader(dataset, config);
//   BatchSource source = loader_source(loader, config.train.workers);
//   TrainOptions o;  o.run = "runs/a";  o.resume = true;  o.device = torch::kCUDA;
//   train(config, source, o, events);
//
// RUN (created when missing) receives config.yaml, checkpoint.pt (train/checkpoint.hpp: every
// train.checkpoint_every steps of a stage, at every epoch end and at a stage's end), losses.csv and
// loss_curves.png (train/loss_log.hpp; the plot redrawn at each checkpoint).
// The model type's trainer (model_trainer.hpp) gives the stages; they run in its order, those named
// in `stages` (empty: every stage the model has). A stage has epochs x batches_per_epoch(batch)
// steps of its train.<stage> section, or max_iterations if that is smaller (>= 0; a smoke run). Batch i of epoch e is
// source.open(e, i, batch): with a source whose batches are a function of (e, i) (ViewLoader),
// resume continues at the exact stage, epoch, batch and step of the last checkpoint with the same
// model, optimizer and generator state, so an interrupted and resumed run computes the same losses
// as an uninterrupted one. A resumed run skips stages before the checkpoint's; a stage it cut at
// max_iterations continues when resumed with a larger (or no) limit.
// `interrupt` (e.g. set by Ctrl-C, apps/interrupt_guard.hpp) is polled after each step: when set,
// the loop writes a checkpoint there (with losses.csv and the plot, as every checkpoint), so a
// resume continues at exactly that step, and throws hifa::Error(RUN, "interrupted at <stage> step
// <i> of <n>; checkpoint written: ...--resume...").
//
// Data-parallel (options.group, docs/distributed.md): every rank runs this loop with its Shard of
// each global batch (the source's own, loader_source(..., shard)); the model trainer averages the
// gradients over the ranks before each optimizer step; the logged losses, the draw fallbacks and
// the interrupt flag are summed over the ranks after each step, so every rank stops at the same
// step. Rank 0 alone writes RUN (config, checkpoints, log, plot, snapshots) and reports events; on a
// fresh run it sends its initial weights to all, on a resume the checkpoint's bytes. A checkpoint
// holds no trace of the world size: a run resumes with any number of ranks that divides the batch.
//
// Errors (hifa::Error, one line): RUN not creatable or not writable; RUN already holding a
// checkpoint without `resume`, or none with it; a resumed run's config differing from RUN's; a
// corrupt checkpoint (naming the file); a stage the model does not have; a dataset with fewer items
// than a batch; a stage name the model does not have; a batch that the ranks do not divide.

#include "config/config.hpp"
#include "data/batch.hpp"
#include "dist/collective.hpp"
#include "train/loss_log.hpp"
#include "train/model_trainer.hpp"

#include <torch/torch.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hifa::trainer {

// Where the loop's batches come from. open(epoch, first, batch) returns a stream of batches
// first, first + 1, ... of that epoch (std::nullopt after the last).
struct BatchSource {
  std::function<std::int64_t(int batch)> batches_per_epoch;
  std::function<std::function<std::optional<ViewBatch>()>(std::int64_t epoch, std::int64_t first, int batch)> open;
};

class ViewLoader;

// The loader's augmented batches, computed ahead by `workers` threads (data/view_loader.hpp's
// BatchPrefetcher). The loader must outlive the source.
BatchSource loader_source(const ViewLoader& loader, int workers, Shard shard = {});

struct TrainOptions {
  std::filesystem::path run;
  bool resume = false;
  torch::Device device = torch::kCPU;
  std::vector<std::string> stages;     // empty: all the model has
  std::int64_t max_iterations = -1;    // per stage; -1: no limit
  std::vector<std::string> snapshot_after;  // stages whose end model is kept in RUN/after_<stage>/ (checkpoint.hpp)
  const std::atomic<bool>* interrupt = nullptr;  // set: checkpoint after the current step and stop
  Collective* group = nullptr;                     // the ranks of a data-parallel run; nullptr: one process
};

// What the loop reports (each may be empty).
struct TrainEvents {
  std::function<void(const std::string& line)> log;
  // A stage begins with `done` of its `total` steps already taken (a resumed run).
  std::function<void(const StageSpec& stage, std::int64_t done, std::int64_t total)> stage_begin;
  // `losses` are the stage's own terms (stage.losses).
  std::function<void(const StageSpec& stage, std::int64_t iteration, const std::vector<double>& losses, double lr)> step;
  std::function<void(const StageSpec& stage)> stage_end;
};

void train(const Config& config, const BatchSource& source, const TrainOptions& options, const TrainEvents& events = {});

}  // namespace hifa::trainer
