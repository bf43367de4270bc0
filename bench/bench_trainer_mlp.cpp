// PIFuHD point-MLP and encoder throughput (LibTorch, CPU), against the machine's GEMM ceiling.
//
//   OMP_NUM_THREADS=2 build-torch/bench/bench_trainer_mlp
//
// BM_gemm_2048: torch::mm of two 2048^2 float matrices, 2 n^3 flops -> GFLOP/s: the ceiling.
// BM_coarse_mlp / BM_fine_mlp: inference (NoGradGuard) of the paper-size MLPs (257-1024-512-256-
//   128-1 with skips, GroupNorm; 272-512-256-128-1) over N points of one sample: points/s, GFLOP/s
//   (2 x multiply-adds of the 1x1 convs) and of_gemm = that / the 2048^2 mm GFLOP/s.
// BM_coarse_mlp_train: forward + backward of the coarse MLP (3x the forward flops).
// BM_encoder: the paper-size coarse (4-stack) and fine (1-stack) hourglass forward at a small input.
// Threads: Debian's LibTorch defaults to 1; OMP_NUM_THREADS sets torch::set_num_threads here.
#include "config/config.hpp"
#include "models/hourglass.hpp"
#include "models/surface_mlp.hpp"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

using namespace hifa::trainer;

namespace {

int threads() {
  static const int n = [] {
    const char* e = std::getenv("OMP_NUM_THREADS");
    const int t = e ? std::atoi(e) : 0;
    if (t > 0) torch::set_num_threads(t);
    return torch::get_num_threads();
  }();
  return n;
}

double gemm_flops(int64_t n) { return 2.0 * double(n) * double(n) * double(n); }

// The GEMM ceiling, measured once (best of 5) for the of_gemm ratios.
double gemm_gflops() {
  static const double g = [] {
    threads();
    torch::NoGradGuard no_grad;
    torch::Tensor a = torch::randn({2048, 2048}), b = torch::randn({2048, 2048});
    torch::mm(a, b);
    double best = 1e30;
    for (int i = 0; i < 5; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      torch::Tensor c = torch::mm(a, b);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return gemm_flops(2048) / best * 1e-9;
  }();
  return g;
}

double mlp_flops_per_point(const MlpConfig& m) {
  double f = 0;
  for (std::size_t l = 0; l + 1 < m.widths.size(); ++l) {
    const bool skip = std::find(m.skips.begin(), m.skips.end(), int(l)) != m.skips.end();
    f += 2.0 * double(m.widths[l] + (skip ? m.widths[0] : 0)) * double(m.widths[l + 1]);
  }
  return f;
}

void BM_gemm_2048(benchmark::State& state) {
  state.counters["threads"] = threads();
  torch::NoGradGuard no_grad;
  torch::Tensor a = torch::randn({2048, 2048}), b = torch::randn({2048, 2048});
  for (auto _ : state) benchmark::DoNotOptimize(torch::mm(a, b).data_ptr());
  state.counters["GFLOP/s"] = benchmark::Counter(gemm_flops(2048) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_gemm_2048)->Unit(benchmark::kMillisecond)->UseRealTime();

void run_mlp(benchmark::State& state, const MlpConfig& cfg, bool train) {
  state.counters["threads"] = threads();
  torch::manual_seed(0);
  SurfaceMLP mlp(cfg);
  const int64_t n = state.range(0);
  torch::Tensor x = torch::randn({1, cfg.widths[0], n});
  const double flops = mlp_flops_per_point(cfg) * double(n) * (train ? 3.0 : 1.0);
  gemm_gflops();  // measured before the timed loop
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) {
    if (train) {
      mlp->zero_grad();
      mlp->forward(x).logits.sum().backward();
    } else {
      torch::NoGradGuard no_grad;
      benchmark::DoNotOptimize(mlp->forward(x).logits.data_ptr());
    }
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  state.counters["points/s"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  // of_gemm: this MLP's GFLOP/s over the 2048^2 mm's (real time of this run).
  const double gflops = flops * 1e-9 * double(state.iterations()) / std::max(1e-12, elapsed);
  state.counters["of_gemm"] = gflops / gemm_gflops();
  state.SetLabel("gemm ceiling " + std::to_string(int(gemm_gflops())) + " GFLOP/s");
}

void BM_coarse_mlp(benchmark::State& state) { run_mlp(state, default_coarse_level().mlp, false); }
void BM_fine_mlp(benchmark::State& state) { run_mlp(state, default_fine_level().mlp, false); }
void BM_coarse_mlp_train(benchmark::State& state) { run_mlp(state, default_coarse_level().mlp, true); }
BENCHMARK(BM_coarse_mlp)->Arg(8000)->Arg(50000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_fine_mlp)->Arg(8000)->Arg(50000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_coarse_mlp_train)->Arg(8000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_encoder(benchmark::State& state) {
  state.counters["threads"] = threads();
  const bool coarse = state.range(0) == 0;
  const int64_t size = state.range(1);
  torch::manual_seed(0);
  StackedHourglass enc(coarse ? default_coarse_level().encoder : default_fine_level().encoder);
  torch::Tensor x = torch::randn({1, 9, size, size});
  torch::NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(enc->forward(x).back().data_ptr());
  state.counters["images/s"] = benchmark::Counter(1.0, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(coarse ? "coarse 4-stack, 256 ch" : "fine 1-stack, 16 out ch");
}
BENCHMARK(BM_encoder)->Args({0, 128})->Args({1, 128})->Unit(benchmark::kMillisecond)->UseRealTime();
}  // namespace
