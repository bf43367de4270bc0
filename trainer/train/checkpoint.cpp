#include "train/checkpoint.hpp"

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "runtime/first_line.hpp"

#include <fstream>
#include <sstream>

namespace hifa::trainer {
namespace {

constexpr const char* format_name = "hifa-train-checkpoint";
constexpr std::int64_t format_version = 1;

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "cannot open (is this a run folder of hifa train?)");
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// "line N: 'a' here, 'b' there" for the first line where two texts differ.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = bool(std::getline(sa, la)), hb = bool(std::getline(sb, lb));
    if (!ha && !hb) return "they differ in line endings";
    if (!ha || !hb || la != lb) {
      return "line " + std::to_string(line) + ": '" + (ha ? la : "<end>") + "' in the run, '" + (hb ? lb : "<end>") + "' now";
    }
  }
}

std::string generator_key(torch::Device device) { return "rng_" + c10::DeviceTypeName(device.type(), /*lower_case=*/true); }

}  // namespace

std::filesystem::path checkpoint_file(const std::filesystem::path& run) { return run / "checkpoint.pt"; }
std::filesystem::path config_file(const std::filesystem::path& run) { return run / "config.yaml"; }

std::filesystem::path snapshot_folder(const std::filesystem::path& run, const std::string& stage) {
  return run / ("after_" + stage);
}

void write_model_only(const std::filesystem::path& folder, const Config& config, torch::nn::Module& model) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw Error(folder.string(), "cannot create the folder: " + ec.message());
  write_run_config(folder, config);
  torch::serialize::OutputArchive archive, model_archive;
  model.save(model_archive);
  archive.write("model", model_archive);
  write_file_atomically(checkpoint_file(folder), [&](std::ostream& os) { archive.save_to(os); });
}

void write_run_config(const std::filesystem::path& run, const Config& config) {
  write_file_atomically(config_file(run), [&](std::ostream& os) { os << config.text; });
}

void check_run_config(const std::filesystem::path& run, const Config& config) {
  const std::string saved = read_text(config_file(run));
  if (saved != config.text) {
    throw Error(config_file(run).string(), "the run was started with another config than " + config.source + " (" +
                                               first_difference(saved, config.text) +
                                               "); resume with the run's own config or train into a new --out");
  }
}

void write_checkpoint(const std::filesystem::path& run, const Config& config, torch::nn::Module& model,
                      const NamedOptimizers& optimizers, const TrainState& state, torch::Device device) {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string(format_name)));
  archive.write("version", c10::IValue(format_version));
  archive.write("config", c10::IValue(config.text));
  torch::serialize::OutputArchive model_archive;
  model.save(model_archive);
  archive.write("model", model_archive);
  for (const auto& [name, optimizer] : optimizers) {
    torch::serialize::OutputArchive sub;
    optimizer->save(sub);
    archive.write(name, sub);
  }
  torch::serialize::OutputArchive s;
  s.write("stage", c10::IValue(state.stage));
  s.write("epoch", c10::IValue(state.epoch));
  s.write("index", c10::IValue(state.index));
  s.write("iteration", c10::IValue(state.iteration));
  s.write("csv_rows", c10::IValue(state.csv_rows));
  s.write("window_sums", torch::tensor(state.window_sums, torch::kFloat64));
  s.write("window_count", c10::IValue(state.window_count));
  s.write("seconds", c10::IValue(state.seconds));
  archive.write("state", s);
  archive.write("rng_cpu", torch::globalContext().defaultGenerator(torch::kCPU).get_state());
  // The device's generator too, where it has one of its own (CUDA); none drives the loop today,
  // but dropout or random initialisation added later would then still resume exactly.
  if (!device.is_cpu()) archive.write(generator_key(device), torch::globalContext().defaultGenerator(device).get_state());
  const std::filesystem::path file = checkpoint_file(run);
  write_file_atomically(file, [&](std::ostream& os) { archive.save_to(os); });
}

std::string read_checkpoint_bytes(const std::filesystem::path& run) {
  const std::filesystem::path file = checkpoint_file(run);
  if (!std::filesystem::exists(file)) throw Error(file.string(), "no checkpoint to resume from (no such file)");
  return read_text(file);
}

TrainState read_checkpoint(const std::filesystem::path& run, const Config& config, torch::nn::Module& model,
                           const NamedOptimizers& optimizers, torch::Device device) {
  return read_checkpoint(run, read_checkpoint_bytes(run), config, model, optimizers, device);
}

TrainState read_checkpoint(const std::filesystem::path& run, const std::string& bytes, const Config& config,
                           torch::nn::Module& model, const NamedOptimizers& optimizers, torch::Device device) {
  const std::filesystem::path file = checkpoint_file(run);
  TrainState state;
  std::string saved_config;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(bytes.data(), bytes.size(), device);
    c10::IValue v;
    archive.read("format", v);
    if (!v.isString() || v.toStringRef() != format_name) throw Error(file.string(), "not a hifa training checkpoint");
    archive.read("version", v);
    if (v.toInt() != format_version) {
      throw Error(file.string(), "checkpoint format version " + std::to_string(v.toInt()) + ", this hifa reads " +
                                     std::to_string(format_version));
    }
    archive.read("config", v);
    saved_config = v.toStringRef();
    if (saved_config != config.text) {
      throw Error(file.string(), "the checkpoint was written with another config than " + config.source + " (" +
                                     first_difference(saved_config, config.text) + ")");
    }
    torch::serialize::InputArchive model_archive;
    archive.read("model", model_archive);
    model.load(model_archive);
    for (const auto& [name, optimizer] : optimizers) {
      torch::serialize::InputArchive sub;
      archive.read(name, sub);
      optimizer->load(sub);
    }
    torch::serialize::InputArchive s;
    archive.read("state", s);
    s.read("stage", v);
    state.stage = v.toStringRef();
    s.read("epoch", v);
    state.epoch = v.toInt();
    s.read("index", v);
    state.index = v.toInt();
    s.read("iteration", v);
    state.iteration = v.toInt();
    s.read("csv_rows", v);
    state.csv_rows = v.toInt();
    torch::Tensor sums;
    s.read("window_sums", sums);
    sums = sums.cpu().contiguous();
    state.window_sums.assign(sums.data_ptr<double>(), sums.data_ptr<double>() + sums.numel());
    s.read("window_count", v);
    state.window_count = v.toInt();
    s.read("seconds", v);
    state.seconds = v.toDouble();
    torch::Tensor rng;
    archive.read("rng_cpu", rng);
    at::Generator cpu = torch::globalContext().defaultGenerator(torch::kCPU);  // a handle: sets the global one
    cpu.set_state(rng.cpu());
    if (!device.is_cpu() && archive.try_read(generator_key(device), rng)) {
      at::Generator on_device = torch::globalContext().defaultGenerator(device);
      on_device.set_state(rng.cpu());
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(file.string(), "not a readable checkpoint (truncated or damaged?): " + first_line(e.what()));
  }
  return state;
}

}  // namespace hifa::trainer
