// One training step of each PIFuHD stage (trainer/train/pifuhd_trainer.hpp: normal nets, coarse
// level, fine level with its coarse step), on the device of HIFA_BENCH_DEVICE
// (support/bench_device.hpp): the CPU here, CUDA in scripts/gpu-check.
//
//   OMP_NUM_THREADS=2 build/bench/bench_train_step --benchmark_filter=tiny
//   HIFA_BENCH_DEVICE=cuda build/bench/bench_train_step --benchmark_filter=paper
//
// BM_train_step/<config>/<stage>/<batch>: PifuhdTrainer::step on a synthetic batch of `batch`
//   views (tests/trainer/synthetic_batch.hpp: the cost does not depend on the values) with the
//   config's sampler point count; configs/tiny.yaml (the demo's) and configs/pifuhd.yaml (paper
//   size: 512^2 coarse, 1024^2 fine with 512^2 crops, 8000 points). One untimed warm-up step,
//   then steps until the benchmark is sure; seconds per step.
// Threads: Debian's LibTorch defaults to 1; OMP_NUM_THREADS sets torch's here.
#include "config/config.hpp"
#include "support/bench_device.hpp"
#include "synthetic_batch.hpp"
#include "train/pifuhd_trainer.hpp"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdlib>
#include <string>

using namespace hifa::trainer;

namespace {

const char* const stages[] = {"normal", "coarse", "fine"};

void train_step(benchmark::State& state, const std::string& config_file) {
  set_torch_threads();
  const Config c = load_config(std::string(HIFA_SOURCE_DIR "/configs/") + config_file);
  const std::string stage = stages[state.range(0)];
  const int batch = int(state.range(1));
  const torch::Device device = bench_device();
  torch::manual_seed(0);
  PifuhdTrainer trainer(c, device);
  trainer.set_epoch(stage, 0);
  const ViewBatch b = synthetic_batch(c, 0, 0, batch, c.train.coarse_sampler.points);
  trainer.step(stage, b, 0);  // warm-up: allocator, kernels chosen
  wait_for(device);
  std::int64_t iteration = 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(trainer.step(stage, b, iteration++));
    wait_for(device);
  }
  state.SetLabel(stage);
}

}  // namespace

BENCHMARK_CAPTURE(train_step, tiny, "tiny.yaml")->ArgsProduct({{0, 1, 2}, {2}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(train_step, paper, "pifuhd.yaml")->ArgsProduct({{0, 1, 2}, {1}})->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);
