#include "inference/run_model.hpp"

#include "config/factory.hpp"
#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "runtime/first_line.hpp"
#include "train/checkpoint.hpp"

#include <sstream>
#include <system_error>

namespace hifa::trainer {
namespace fs = std::filesystem;
namespace {

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

// Module::load's traversal (own parameters, own buffers, then each child's sub-archive), with the
// checks it leaves out: every tensor present and of the module's shape.
void read_checked(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& prefix,
                  const std::string& file) {
  const auto read_tensors = [&](const auto& named, bool is_buffer) {
    for (const auto& item : named) {
      torch::Tensor stored;
      const std::string key = prefix + item.key();
      if (!archive.try_read(item.key(), stored, is_buffer)) {
        throw Error(file, "has no tensor 'model." + key + "': the checkpoint was not written for this config.yaml");
      }
      if (!stored.sizes().equals(item.value().sizes())) {
        throw Error(file, "tensor 'model." + key + "' has shape " + shape_text(stored) + " but config.yaml builds " +
                              shape_text(item.value()) + ": the checkpoint was not written for this config");
      }
      torch::NoGradGuard no_grad;
      item.value().copy_(stored);
    }
  };
  read_tensors(module.named_parameters(/*recurse=*/false), false);
  read_tensors(module.named_buffers(/*recurse=*/false), true);
  for (const auto& child : module.named_children()) {
    torch::serialize::InputArchive sub;
    if (!archive.try_read(child.key(), sub)) {
      throw Error(file, "has no module 'model." + prefix + child.key() + "': the checkpoint was not written for this config.yaml");
    }
    read_checked(*child.value(), sub, prefix + child.key() + ".", file);
  }
}

}  // namespace

torch::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw Error("--device", "'" + name + "' asked for, but this LibTorch has no CUDA device (use --device cpu)");
    }
    try {
      return torch::Device(name);
    } catch (const c10::Error&) {
      throw Error("--device", "'" + name + "' is not a device name (cpu, cuda or cuda:N)");
    }
  }
  throw Error("--device", "'" + name + "' is not a device name (cpu, cuda or cuda:N)");
}

Config read_run_config(const fs::path& run) {
  std::error_code ec;
  if (!fs::is_directory(run, ec)) throw Error(run.string(), "no such run folder");
  const fs::path config_file = run / "config.yaml";
  if (!fs::is_regular_file(config_file, ec)) throw Error(config_file.string(), "no such file (not a run folder of hifa train)");
  return load_config(config_file);
}

void read_run_module(const fs::path& run, torch::nn::Module& module) {
  std::error_code ec;
  const fs::path checkpoint = run / "checkpoint.pt";
  if (!fs::is_regular_file(checkpoint, ec)) throw Error(checkpoint.string(), "no such file (the run has no checkpoint yet)");
  torch::serialize::InputArchive archive, model_archive;
  try {
    archive.load_from(checkpoint.string());
  } catch (const c10::Error& e) {
    throw Error(checkpoint.string(), "not a LibTorch archive (truncated or corrupt): " + first_line(e.msg()));
  }
  bool has_model = false;
  try {
    has_model = archive.try_read("model", model_archive);
  } catch (const c10::Error& e) {
    throw Error(checkpoint.string(), "unreadable 'model' entry (truncated or corrupt): " + first_line(e.msg()));
  }
  if (!has_model) throw Error(checkpoint.string(), "has no 'model' entry (not a checkpoint of hifa train)");
  try {
    read_checked(module, model_archive, "", checkpoint.string());
  } catch (const c10::Error& e) {
    throw Error(checkpoint.string(), "unreadable model tensors (truncated or corrupt): " + first_line(e.msg()));
  }
}

RunModel load_run_model(const fs::path& run, torch::Device device) {
  RunModel out;
  out.config = read_run_config(run);
  if (out.config.model_type == "body") {
    throw Error(run.string(), "holds a body estimator (model.type body), not a PIFuHD or PIFu model");
  }
  if (out.config.model_type == "car") {
    throw Error(run.string(), "holds a CAR model (model.type car), not a PIFuHD or PIFu model (load_car_run reads it)");
  }
  out.model = make_model(out.config);
  read_run_module(run, *out.model);
  out.model->eval();
  out.model->to(device);
  out.device = device;
  return out;
}

void save_run_model(const fs::path& run, const Config& config, PIFuHD& model) {
  write_model_only(run, config, *model);
}

}  // namespace hifa::trainer
