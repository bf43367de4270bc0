// The all-reduce of a data-parallel step alone (trainer/dist/collective.hpp over c10d Gloo on
// 127.0.0.1): two ranks, here two threads of one process with a group each, sum float32 gradient
// buffers of the sizes hifa's configs all-reduce per step (build/bench/gradient_bytes): tiny.yaml's
// 0.1-0.5 MiB, pifuhd.yaml's coarse 59.5 MiB. Compared with a step's time it bounds what
// overlapping the all-reduce with the backward pass could save on this machine (docs/distributed.md).
//
//   build/bench/bench_allreduce
//
// Each iteration: both ranks sum the buffer (in 25 MiB buckets); the time is rank 0's, both ranks
// ready when it starts (a small all-reduce first lines them up), so it holds no waiting for a slower rank.
#include "dist/launch_env.hpp"
#include "dist/local_workers.hpp"
#include "dist/process_group.hpp"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <thread>

namespace {

using namespace hifa::trainer;

std::shared_ptr<Collective> join(int rank, int port) {
  LaunchEnv env;
  env.rank = rank;
  env.world = 2;
  env.address = "127.0.0.1";
  env.port = port;
  return join_process_group(env, torch::kCPU, GroupOptions{});
}

void BM_allreduce(benchmark::State& state) {
  const std::int64_t floats = state.range(0) * 1024 * 1024 / 4;
  const int port = free_loopback_port();
  // Rank 1 mirrors rank 0's calls until told to stop (a last 'stop' round carries the flag).
  std::thread other([&] {
    const auto group = join(1, port);
    torch::Tensor buffer = torch::ones({floats});
    for (;;) {
      torch::Tensor flag = torch::zeros({1});
      group->sum({flag});
      if (flag.item<float>() > 0) break;
      group->sum({buffer});
    }
  });
  const auto group = join(0, port);
  torch::Tensor buffer = torch::ones({floats});
  for (auto _ : state) {
    state.PauseTiming();
    torch::Tensor flag = torch::zeros({1});
    group->sum({flag});  // both ranks at the start line
    state.ResumeTiming();
    group->sum({buffer});
  }
  torch::Tensor stop = torch::ones({1});
  group->sum({stop});
  other.join();
  state.SetBytesProcessed(state.iterations() * floats * 4);
  state.counters["MiB"] = double(state.range(0));
}
BENCHMARK(BM_allreduce)->Arg(1)->Arg(8)->Arg(60)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
