// hifa's side of bench/peers/pifu_train_step_vs_torch.py: times training steps of the coarse PIFu
// level (trainer/models/pifu_level.hpp) configured from one trainer YAML, and writes the initial
// weights and the inputs so that the PyTorch mirror (pifu_models.py) starts from the same state.
//
//   pifu_train_step_peer <config.yaml> <out-folder> [threads = 2] [warmup = 2] [steps = 5] [heap]
//
// heap: "keep" (default) applies runtime/heap.hpp's keep_freed_memory() as a training loop
//   does; "default" leaves glibc's policy (for the before/after figure in runtime/heap.hpp).
// Model: model.coarse of the config (encoder + surface MLP, training mode: every stack queried).
// Inputs (seeded by train.seed): B = train.coarse.batch images of in_channels x image_size^2,
//   uniform in [0, 1); N = train.coarse_sampler.points points per image, uniform in [-1, 1]^3 (scan
//   units), each image's calibration turned by a random yaw (hifa::Calibration through
//   calibration_matrix: the trainer's one camera); labels 1 inside the sphere of radius 0.8.
// One step: zero_grad -> encode -> project -> query every stack -> loss (loss.type, mean over
//   stacks) -> backward -> optimizer step (train.coarse.optimizer and lr). The same batch every step.
// Writes <out-folder>/setup.pt: a dict (torch::pickle_save, read by Python's torch.load) of
//   "param/<name>" (the initial parameters) and "input/{images,points,calibs,labels}". Prints one
//   JSON line: threads, parameters (count), shapes ([name, [sizes]] in registration order), the
//   resolved config the mirror is built from, step_seconds (wall) and cpu_seconds (process CPU time,
//   all threads) of the timed steps and the losses of all
//   steps (warm-up first: losses[0] is the loss of the initial state, which the mirror must match),
//   cpu_model and blas_core (runtime/blas_core.hpp: the OpenBLAS kernels this side ran with; the
//   tool re-executes itself first when OpenBLAS fell back to slower kernels than the CPU has).
#include "config/config.hpp"
#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/render/camera.hpp"
#include "losses/occupancy_loss.hpp"
#include "models/pifu_level.hpp"
#include "models/projection.hpp"
#include "runtime/blas_core.hpp"
#include "runtime/heap.hpp"

#include <torch/torch.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

using namespace hifa::trainer;

namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

template <class T>
std::string list(const std::vector<T>& v) {
  std::ostringstream os;
  os << "[";
  for (std::size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
  os << "]";
  return os.str();
}

// The resolved settings the Python mirror needs, under config.hpp's field names.
std::string config_json(const Config& c) {
  const LevelConfig& l = c.coarse;
  const EncoderConfig& e = l.encoder;
  const MlpConfig& m = l.mlp;
  std::ostringstream os;
  os.precision(17);
  os << "{\"image_size\": " << l.image_size << ", \"depth_feature\": " << (l.depth_feature ? "true" : "false")
     << ", \"depth_scale\": " << l.depth_scale << ", \"encoder\": {\"in_channels\": " << e.in_channels
     << ", \"stem_channels\": " << e.stem_channels << ", \"channels\": " << e.channels
     << ", \"out_channels\": " << e.out_channels << ", \"stacks\": " << e.stacks << ", \"depth\": " << e.depth
     << ", \"downsamplings\": " << e.downsamplings << ", \"norm\": " << quoted(e.norm) << ", \"groups\": " << e.groups
     << ", \"upsample\": " << quoted(e.upsample) << ", \"output_activation\": " << quoted(e.output_activation)
     << "}, \"mlp\": {\"widths\": " << list(m.widths) << ", \"skips\": " << list(m.skips)
     << ", \"leaky_slope\": " << m.leaky_slope
     << ", \"omega_layer\": " << m.omega_layer << "}, \"loss\": " << quoted(c.loss.type)
     << ", \"optimizer\": " << quoted(c.train.coarse.type) << ", \"lr\": " << c.train.coarse.lr
     << ", \"batch\": " << c.train.coarse.batch << ", \"points\": " << c.train.coarse_sampler.points << "}";
  return os.str();
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerConfig& o, std::vector<torch::Tensor> params) {
  if (o.type == "rmsprop") return std::make_unique<torch::optim::RMSprop>(params, torch::optim::RMSpropOptions(o.lr));
  if (o.type == "adam") return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(o.lr));
  throw hifa::Error("train.coarse.optimizer", "unknown optimizer '" + o.type + "'");
}

}  // namespace

int main(int argc, char** argv) {
  use_fast_blas_kernels(argv);
  if (argc < 3 || argc > 7) {
    std::fprintf(stderr, "usage: pifu_train_step_peer <config.yaml> <out-folder> [threads = 2] [warmup = 2] [steps = 5] [keep|default]\n");
    return 2;
  }
  try {
    const Config c = load_config(argv[1]);
    const std::filesystem::path out = argv[2];
    const int threads = argc > 3 ? std::stoi(argv[3]) : 2;
    const int warmup = argc > 4 ? std::stoi(argv[4]) : 2;
    const int steps = argc > 5 ? std::stoi(argv[5]) : 5;
    const std::string heap = argc > 6 ? argv[6] : "keep";
    if (threads < 1 || warmup < 0 || steps < 1) throw hifa::Error("pifu_train_step_peer", "threads, steps >= 1 and warmup >= 0");
    if (heap != "keep" && heap != "default") throw hifa::Error("heap", "expected keep or default, got " + heap);
    if (heap == "keep") keep_freed_memory();
    torch::set_num_threads(threads);
    torch::manual_seed(int64_t(c.train.seed));

    PIFuLevel level(PIFuLevelOptions{c.coarse, 0, false});
    level->train();
    const OccupancyLoss loss_fn(c.loss);
    const int64_t b = c.train.coarse.batch, n = c.train.coarse_sampler.points, s = c.coarse.image_size;

    const torch::Tensor images = torch::rand({b, c.coarse.encoder.in_channels, s, s});
    const torch::Tensor points = torch::rand({b, 3, n}) * 2 - 1;
    const torch::Tensor labels = (points.norm(2, 1, /*keepdim=*/true) < 0.8).to(torch::kFloat32);
    const torch::Tensor yaws = torch::rand({b}) * 2 * std::numbers::pi;
    std::vector<torch::Tensor> calib_list;
    for (int64_t i = 0; i < b; ++i) calib_list.push_back(calibration_matrix(hifa::Calibration{1.0f, {}, yaws[i].item<float>()}));
    const torch::Tensor calibs = torch::stack(calib_list);

    c10::Dict<std::string, torch::Tensor> setup;
    std::ostringstream shapes;
    int64_t count = 0;
    for (const auto& p : level->named_parameters()) {
      setup.insert("param/" + p.key(), p.value().detach().clone());
      shapes << (count ? ", " : "") << "[" << quoted(p.key()) << ", " << list(p.value().sizes().vec()) << "]";
      count += 1;
    }
    int64_t parameters = 0;
    for (const auto& p : level->parameters()) parameters += p.numel();
    for (const auto& [k, v] : {std::pair{"images", images}, {"points", points}, {"calibs", calibs}, {"labels", labels}}) {
      setup.insert(std::string("input/") + k, v);
    }
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(setup));
    hifa::write_file_atomically(out / "setup.pt", [&](std::ostream& os) { os.write(bytes.data(), std::streamsize(bytes.size())); });

    auto optimizer = make_optimizer(c.train.coarse, level->parameters());
    std::vector<double> seconds, cpu_seconds, losses;
    for (int i = 0; i < warmup + steps; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      optimizer->zero_grad();
      const LevelOutput o = level->forward(images, project_points(points, calibs));
      torch::Tensor loss = loss_fn(o.logits, labels);
      loss.backward();
      optimizer->step();
      const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
      losses.push_back(loss.item<double>());
      if (i >= warmup) {
        seconds.push_back(dt);
        cpu_seconds.push_back(cpu);
      }
    }
    std::ostringstream os;
    os.precision(9);
    os << "{\"threads\": " << torch::get_num_threads() << ", \"heap\": " << quoted(heap) << ", \"parameters\": " << parameters << ", \"shapes\": ["
       << shapes.str() << "], \"config\": " << config_json(c) << ", \"step_seconds\": " << list(seconds)
       << ", \"cpu_seconds\": " << list(cpu_seconds) << ", \"losses\": " << list(losses)
       << ", \"cpu_model\": " << quoted(cpu_model()) << ", \"blas_core\": " << quoted(blas_summary()) << "}";
    std::printf("%s\n", os.str().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pifu_train_step_peer: %s\n", e.what());
    return 1;
  }
  return 0;
}
