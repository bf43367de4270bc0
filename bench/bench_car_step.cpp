// One training step of CAR's canonical SDF (trainer/train/car_trainer.hpp), split into its parts:
// the forward pass (encoder + queries of every stack), the SDF gradient and loss (autograd with the
// graph kept: losses/sdf_loss.hpp), and the backward pass through both (double backward) with the
// optimizer step.
//
//   OMP_NUM_THREADS=2 build/bench/bench_car_step
//
// BM_car_step/tiny: configs/car_tiny.yaml, batch 4 at 64^2, 1792 points per view (train.car_sampler).
// BM_car_step/paper: configs/car.yaml, batch 1 at 512^2, 7168 points per view.
// Counters (seconds per step, means): forward_s, gradient_s, backward_s, and each as a share of the
// step. What it should cost: the gradient is one more pass back through the MLP (about the MLP's
// forward), and the backward goes through the forward and through the gradient's graph (about twice
// both), so gradient + backward should stay within a few forwards of the MLP; the encoder's backward
// is once, as in PIFu.
// Inputs are random (image, maps, points in a 1.6 m box, identity blends): the cost does not depend
// on the values. Threads: Debian's LibTorch defaults to 1; OMP_NUM_THREADS sets torch's here.
// Device: HIFA_BENCH_DEVICE=cuda (support/bench_device.hpp).
#include "config/config.hpp"
#include "losses/sdf_loss.hpp"
#include "models/car_net.hpp"
#include "train/optimizers.hpp"
#include "support/bench_device.hpp"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <string>

using namespace hifa::trainer;

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void car_step(benchmark::State& state, const std::string& config_file, int64_t batch) {
  set_torch_threads();
  const Config c = load_config(std::string(HIFA_SOURCE_DIR "/configs/") + config_file);
  torch::manual_seed(0);
  const torch::Device device = bench_device();
  CarNet model(c);
  model->to(device);
  model->train();
  const int64_t size = c.car->image_size, n = c.train.car_sampler.total();
  const CanonicalSamplerConfig& s = c.train.car_sampler;
  namespace F = torch::nn::functional;
  const torch::Tensor image = (torch::rand({batch, 3, size, size}) * 2 - 1).to(device);
  const torch::Tensor front = F::normalize(torch::randn({batch, 3, size, size}), F::NormalizeFuncOptions().dim(1)).to(device);
  const torch::Tensor back = F::normalize(torch::randn({batch, 3, size, size}), F::NormalizeFuncOptions().dim(1)).to(device);
  const torch::Tensor points = (torch::rand({batch, n, 3}) * 1.6 - 0.8).to(device);
  const torch::Tensor blend = torch::eye(3, 4).expand({batch, n, 3, 4}).contiguous().to(device);
  const torch::Tensor facing = (torch::rand({batch, n}) > 0.5).to(torch::kFloat32).to(device);
  const torch::Tensor sdf = (torch::randn({batch, n}) * 0.1).to(device);
  const torch::Tensor normals = F::normalize(torch::randn({batch, n, 3}), F::NormalizeFuncOptions().dim(-1)).to(device);
  const auto optimizer = make_optimizer(c.train.car, parameters_of({model->encoder.ptr().get(), model->sdf.ptr().get()}));
  double forward = 0, gradient = 0, backward = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    const torch::Tensor x = points.detach().requires_grad_(true);
    const std::vector<torch::Tensor> f = model->query(model->encode(image, front, back), front, back, {x, blend, facing});
    wait_for(device);
    forward += since(t0);
    t0 = std::chrono::steady_clock::now();
    const SdfLossTerms l = sdf_loss(*c.car, f, x, sdf, normals, {s.surface, s.near, s.uniform});
    wait_for(device);
    gradient += since(t0);
    t0 = std::chrono::steady_clock::now();
    optimizer->zero_grad();
    l.total.backward();
    optimizer->step();
    wait_for(device);
    backward += since(t0);
  }
  const double steps = double(state.iterations()), total = forward + gradient + backward;
  state.counters["forward_s"] = forward / steps;
  state.counters["gradient_s"] = gradient / steps;
  state.counters["backward_s"] = backward / steps;
  state.counters["forward_share"] = forward / total;
  state.counters["gradient_share"] = gradient / total;
  state.counters["backward_share"] = backward / total;
  state.counters["points_per_s"] = benchmark::Counter(double(batch * n) * steps, benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK_CAPTURE(car_step, tiny, "car_tiny.yaml", 4)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(car_step, paper, "car.yaml", 1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
