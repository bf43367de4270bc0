#pragma once
// A training run's checkpoint: RUN/checkpoint.pt, one torch::serialize archive, and RUN/config.yaml.
//
//   write_checkpoint(run, config, *model, {{"optim_coarse", &rmsprop}, ...}, state, device);
//   TrainState s = read_checkpoint(run, config, *model, optimizers, device);       // resume
//
// The contract with inference (trainer/inference/) is the first two entries: RUN/config.yaml holds
// the config text as read (Config::text) and the archive's sub-archive "model" is what
// `model->save(sub)` writes for the PIFuHD module of make_model(config); inference reads only those.
// The archive also holds, for an exact resume:
//   "format"  "hifa-train-checkpoint", "version" 1, "config" the config text;
//   one sub-archive per optimizer by the names given ("optim_normal", "optim_coarse", "optim_fine");
//   "state"   the TrainState below;
//   "rng_cpu" the default CPU torch generator's state, and "rng_<device>" the training device's
//             (the loop's own random choices come from a counter-based hifa::CounterRng keyed by
//             stage and iteration, so they need no state).
// Written to a temporary name in RUN and renamed (hifa/core/atomic_file.hpp): a run killed while
// writing leaves the previous checkpoint intact.
//
// Errors (hifa::Error naming the file): RUN not writable; on reading, a file that is not a
// readable archive of this format (truncated, another file, a tensor of another shape), and a
// config different from the one the run was started with.

#include "config/config.hpp"

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace hifa::trainer {

// Where a run stands: the next step to take, and what it has logged so far.
struct TrainState {
  std::string stage;                // normal | coarse | fine
  std::int64_t epoch = 0;           // of the next step, within the stage
  std::int64_t index = 0;           // the next step's batch index within the epoch
  std::int64_t iteration = 0;       // steps the stage has taken
  std::int64_t csv_rows = 0;        // rows of RUN/losses.csv this state accounts for
  std::vector<double> window_sums;  // the log window in progress (train.log_every), per loss column
  std::int64_t window_count = 0;
  double seconds = 0;               // training time of the stage so far
};

using NamedOptimizers = std::vector<std::pair<std::string, torch::optim::Optimizer*>>;

std::filesystem::path checkpoint_file(const std::filesystem::path& run);
std::filesystem::path config_file(const std::filesystem::path& run);

// RUN/config.yaml: written (atomically) when a run starts; a resumed run's config must equal it
// (else hifa::Error naming both files and the first line that differs).
void write_run_config(const std::filesystem::path& run, const Config& config);
void check_run_config(const std::filesystem::path& run, const Config& config);

// Writes RUN/checkpoint.pt; `device` is where the model trains (its generator is saved too).
void write_checkpoint(const std::filesystem::path& run, const Config& config, torch::nn::Module& model,
                      const NamedOptimizers& optimizers, const TrainState& state, torch::Device device);

// RUN/after_<stage>/: the model as a finished stage left it, kept by hifa train --snapshot-after
// because a later stage changes it (PIFuHD's fine stage retrains the coarse level). A run folder of
// its own -- RUN's config.yaml and a checkpoint.pt with only the "model" entry -- that inference
// loads like any run: eval-run --run RUN/after_coarse --level coarse is the single-level PIFu of
// the same config and seed (tests/trainer/test_snapshot.cpp).
std::filesystem::path snapshot_folder(const std::filesystem::path& run, const std::string& stage);

// Writes FOLDER/config.yaml (config.text) and FOLDER/checkpoint.pt holding only the "model"
// sub-archive, each atomically; creates FOLDER.
void write_model_only(const std::filesystem::path& folder, const Config& config, torch::nn::Module& model);

// Restores model, optimizers and generators from RUN/checkpoint.pt (tensors onto `device`); the
// model and optimizers must be built from the same config, which must equal the checkpoint's.
TrainState read_checkpoint(const std::filesystem::path& run, const Config& config, torch::nn::Module& model,
                           const NamedOptimizers& optimizers, torch::Device device);
// The same from the file's bytes (a data-parallel run: rank 0 reads them and sends them to every
// rank, so the ranks need not share a file system); errors name RUN/checkpoint.pt.
TrainState read_checkpoint(const std::filesystem::path& run, const std::string& bytes, const Config& config,
                           torch::nn::Module& model, const NamedOptimizers& optimizers, torch::Device device);
// RUN/checkpoint.pt's bytes; hifa::Error naming it when there is none.
std::string read_checkpoint_bytes(const std::filesystem::path& run);

}  // namespace hifa::trainer
