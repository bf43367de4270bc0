// PIFuHD point-MLP and encoder throughput (LibTorch, CPU), against the machine's GEMM ceiling.
//
//   OMP_NUM_THREADS=2 build/bench/bench_trainer_mlp
//
// Networks as shipped: configs/pifuhd.yaml (paper size) and configs/tiny.yaml (the demo's).
// BM_gemm_2048: torch::mm of two 2048^2 float matrices, 2 n^3 flops -> GFLOP/s: the ceiling.
// BM_mlp/<config>_<level>: inference (NoGradGuard) of a level's point MLP (pifuhd coarse
//   257-1024-512-256-128-1 with skips, fine 272-512-256-128-1) over N points of one sample:
//   points/s, GFLOP/s (2 x multiply-adds of the 1x1 convs) and of_gemm = that / the 2048^2 mm's.
// BM_mlp_train: forward + backward of the coarse MLP (3x the forward flops), the same counters.
// BM_encoder/<config>_<level>: one image through a level's stacked hourglass at the level's
//   image_size, batch 1 (pifuhd coarse: 4 stacks, 512^2 -> 128^2 x 256; fine: 1 stack, 1024^2 ->
//   512^2 x 16; tiny: 64^2 and 128^2): images/s and GFLOP/s (2 x multiply-adds of every conv,
//   counted from the conv shapes and output sizes of one forward) with of_gemm as above.
// Threads: Debian's LibTorch defaults to 1; OMP_NUM_THREADS sets torch::set_num_threads here.
#include "config/config.hpp"
#include "models/hourglass.hpp"
#include "models/surface_mlp.hpp"
#include "support/bench_device.hpp"

#include <ATen/record_function.h>
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace hifa::trainer;

namespace {

int threads() {
  static const int n = [] {
    set_torch_threads();
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

const Config& shipped(const std::string& name) {
  static const Config pifuhd = load_config(HIFA_SOURCE_DIR "/configs/pifuhd.yaml");
  static const Config tiny = load_config(HIFA_SOURCE_DIR "/configs/tiny.yaml");
  return name == "tiny" ? tiny : pifuhd;
}
const LevelConfig& level_of(const std::string& config, bool coarse) {
  const Config& c = shipped(config);
  return coarse ? c.coarse : *c.fine;
}

void BM_mlp(benchmark::State& state, const char* config, bool coarse) {
  run_mlp(state, level_of(config, coarse).mlp, false);
}
void BM_mlp_train(benchmark::State& state, const char* config, bool coarse) {
  run_mlp(state, level_of(config, coarse).mlp, true);
}
BENCHMARK_CAPTURE(BM_mlp, pifuhd_coarse, "pifuhd", true)->Arg(8000)->Arg(50000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_mlp, pifuhd_fine, "pifuhd", false)->Arg(8000)->Arg(50000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_mlp_train, pifuhd_coarse, "pifuhd", true)->Arg(8000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Flops of one forward of `enc` on x: 2 x multiply-adds of every convolution, counted by a
// RecordFunction observer on aten::convolution (weight Cout x Cin/groups x kh x kw from its inputs,
// the output's size from its result), so strides and the pyramid's resolutions come from the run.
// Norms, pooling, upsampling and additions are not counted (memory-bound, few flops).
struct ConvFlops : at::ObserverContext {
  double per_output = 0;  // 2 x Cin/groups x kh x kw
};
thread_local double counted_flops = 0;

double encoder_flops(StackedHourglass& enc, const torch::Tensor& x) {
  auto start = [](const at::RecordFunction& fn) -> std::unique_ptr<at::ObserverContext> {
    if (std::string_view(fn.name()) != "aten::convolution") return nullptr;
    auto ctx = std::make_unique<ConvFlops>();
    const auto w = fn.inputs()[1].toTensor().sizes();
    ctx->per_output = 2.0 * double(w[1]) * double(c10::multiply_integers(w.begin() + 2, w.end()));
    return ctx;
  };
  auto end = [](const at::RecordFunction& fn, at::ObserverContext* ctx) {
    if (ctx) counted_flops += static_cast<ConvFlops*>(ctx)->per_output * double(fn.outputs()[0].toTensor().numel());
  };
  const at::CallbackHandle handle = at::addThreadLocalCallback(
      at::RecordFunctionCallback(start, end).needsInputs(true).needsOutputs(true).scopes({at::RecordScope::FUNCTION}));
  counted_flops = 0;
  {
    torch::NoGradGuard no_grad;
    enc->forward(x);
  }
  at::removeCallback(handle);
  return counted_flops;
}

void BM_encoder(benchmark::State& state, const char* config, bool coarse) {
  state.counters["threads"] = threads();
  const LevelConfig& level = level_of(config, coarse);
  torch::manual_seed(0);
  StackedHourglass enc(level.encoder);
  torch::Tensor x = torch::randn({1, level.encoder.in_channels, level.image_size, level.image_size});
  const double flops = encoder_flops(enc, x);  // also the warm-up run
  gemm_gflops();
  torch::NoGradGuard no_grad;
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) benchmark::DoNotOptimize(enc->forward(x).back().data_ptr());
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  state.counters["images/s"] = benchmark::Counter(1.0, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["of_gemm"] = flops * 1e-9 * double(state.iterations()) / std::max(1e-12, elapsed) / gemm_gflops();
  const EncoderConfig& e = level.encoder;
  state.SetLabel(std::to_string(e.stacks) + "-stack, " + std::to_string(e.channels) + " ch, " +
                 std::to_string(level.image_size) + "^2 -> " + std::to_string(e.out_channels) + " ch");
}
// The paper-size forwards take seconds each on 2 cores: a few iterations are enough.
BENCHMARK_CAPTURE(BM_encoder, pifuhd_coarse, "pifuhd", true)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_encoder, pifuhd_fine, "pifuhd", false)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_encoder, tiny_coarse, "tiny", true)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_encoder, tiny_fine, "tiny", false)->Unit(benchmark::kMillisecond)->UseRealTime();
}  // namespace
