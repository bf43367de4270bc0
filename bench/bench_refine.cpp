// CAR's per-image refinement (trainer/refine/refiner.hpp) as `hifa refine` runs it, on the device of
// HIFA_BENCH_DEVICE (support/bench_device.hpp): the CPU here, CUDA in scripts/gpu-check.
//
//   OMP_NUM_THREADS=2 build/bench/bench_refine --benchmark_filter=tiny
//   HIFA_BENCH_DEVICE=cuda build/bench/bench_refine
//
// BM_refine/<config>: the refine section of configs/hyper_tiny.yaml or configs/hyper.yaml (paper
//   size: a 4 x 256 SDF MLP, 8192 surface and anchor points, 4096 eikonal points, 300 Adam steps),
//   from the MLP's sphere start (a hypernetwork's start costs the same steps), towards the normal
//   maps hifa::Rasterizer draws at 512^2 of hifa::mannequin() (a body of a person's proportions),
//   with that mannequin as the posed mesh. Counters: seconds of the whole refinement and
//   milliseconds per step; `iterations` caps the steps (the full count by default).
// Threads: Debian's LibTorch defaults to 1; OMP_NUM_THREADS sets torch's here.
#include "config/config.hpp"
#include "data/image_tensor.hpp"
#include "refine/refiner.hpp"
#include "support/bench_device.hpp"

#include "support/implicit_meshes.hpp"

#include "hifa/field/mannequin.hpp"
#include "hifa/render/rasterize.hpp"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <string>

using namespace hifa;
using namespace hifa::trainer;

namespace {

RefineInputs mannequin_inputs(int map_size) {
  const Kokkos::DefaultHostExecutionSpace space;
  RefineInputs in{test::marching_cubes_of(mannequin<float>(), 128), {}, {}};
  const Rasterizer<Kokkos::DefaultHostExecutionSpace> raster(space, in.posed);
  RenderOptions o;
  o.width = o.height = map_size;
  const RenderMaps r = raster.render(space, Calibration{}, o);
  const torch::Tensor seen = image_tensor(r.alpha).unsqueeze(0) > 0.5;
  in.normal_front = (image_tensor(r.front_normal).unsqueeze(0) * 2 - 1) * seen;
  in.normal_back = (image_tensor(r.back_normal).unsqueeze(0) * 2 - 1) * seen;
  return in;
}

void refine(benchmark::State& state, const std::string& config_file) {
  set_torch_threads();
  const Config c = load_config(std::string(HIFA_SOURCE_DIR "/configs/") + config_file);
  RefineConfig config = *c.refine;
  if (const char* e = std::getenv("HIFA_BENCH_REFINE_STEPS"); e != nullptr && std::atoi(e) > 0) config.iterations = std::atoi(e);
  const torch::Device device = bench_device();
  const RefineInputs inputs = mannequin_inputs(512);
  torch::manual_seed(0);
  SdfMlp mlp(config.sdf, positional_channels(config.sdf.frequencies));
  mlp->to(device);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const Refinement r = refine_posed(config, *mlp, mlp->parameters_copy(), inputs, 7, device);
    wait_for(device);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(r.parameters.weights.back().data_ptr());
  }
  state.counters["refine_s"] = seconds;
  state.counters["ms_per_step"] = 1000 * seconds / config.iterations;
  state.counters["steps"] = config.iterations;
}

}  // namespace

BENCHMARK_CAPTURE(refine, tiny, "hyper_tiny.yaml")->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(refine, paper, "hyper.yaml")->Unit(benchmark::kSecond)->Iterations(1);
