#pragma once
// A trained run folder as a model ready for inference.
//
//   torch::Device d = parse_device("cpu");                  // "cpu" | "cuda" | "cuda:1"
//   RunModel run = load_run_model("runs/tiny", d);         // eval mode, on d, NoGrad-ready
//   run.model->predict_normals(...);  run.config.coarse.image_size ...
//   save_run_model("runs/x", config, model);               // the same two files, for tests and tools
//
// The run folder (the contract with `hifa train`):
//   RUN/config.yaml     the config text the model was built from (config/config.hpp)
//   RUN/checkpoint.pt   a torch::serialize::OutputArchive with a sub-archive "model" written by
//                       model->save(sub) of make_model(config); training also stores optimizer,
//                       scheduler and progress there, which inference does not read.
// Loading reads the "model" sub-archive against the module built from config.yaml, key by key:
// unlike Module::load (which assigns whatever tensor it finds, of any shape), a missing tensor or
// one of another shape is an error, since it means the checkpoint is not of this config.
// Errors (hifa::Error): RUN missing or not a folder; config.yaml missing or invalid (load_config's
//   message); checkpoint.pt missing or unreadable ("<RUN>/checkpoint.pt: not a LibTorch archive
//   ..."); no "model" entry; a config/checkpoint mismatch naming the tensor and both shapes;
//   "cuda" when LibTorch has no CUDA; a run of another model type (load_run_model: a body estimator).

#include "config/config.hpp"
#include "models/pifuhd.hpp"

#include <torch/torch.h>

#include <filesystem>
#include <string>

namespace hifa::trainer {

struct RunModel {
  Config config;
  PIFuHD model{nullptr};
  torch::Device device{torch::kCPU};
};

// "cpu", "cuda" or "cuda:N"; throws hifa::Error naming "--device" for anything else or for CUDA
// on a LibTorch without it.
torch::Device parse_device(const std::string& name);

RunModel load_run_model(const std::filesystem::path& run, torch::Device device = torch::kCPU);

// The two halves of loading any model type's run: RUN/config.yaml, and the checkpoint's "model"
// sub-archive read into a module built from it (checked key by key, as above).
Config read_run_config(const std::filesystem::path& run);
void read_run_module(const std::filesystem::path& run, torch::nn::Module& module);

// Writes RUN/config.yaml (config.text) and RUN/checkpoint.pt (only the "model" sub-archive), each
// atomically; creates RUN. config.text must be the YAML the model was built from.
void save_run_model(const std::filesystem::path& run, const Config& config, PIFuHD& model);

}  // namespace hifa::trainer
