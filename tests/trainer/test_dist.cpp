// Data-parallel training's pieces in one process (trainer/dist/): the launchers' environments, and
// the collectives of two ranks that are two threads here, over a real c10d Gloo group on 127.0.0.1.
// The whole runs (two processes, killed ranks, resume at another world size) are
// tests/apps/train_distributed.sh.
#include <catch2/catch.hpp>

#include "dist/launch_env.hpp"
#include "dist/local_workers.hpp"
#include "dist/process_group.hpp"
#include "hifa/core/error.hpp"
#include "test_device.hpp"

#include <torch/torch.h>

#include <map>
#include <thread>

using namespace hifa::trainer;

namespace {

EnvReader environment(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("launch_env reads torchrun's and Slurm's variables", "[dist]") {
  CHECK_FALSE(launch_env(environment({})));
  CHECK_FALSE(launch_env(environment({{"RANK", "0"}, {"WORLD_SIZE", "1"}})));  // a world of one: one process
  const auto t = launch_env(environment(
      {{"RANK", "3"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "node7"}, {"MASTER_PORT", "29400"}}));
  REQUIRE(t);
  CHECK(t->rank == 3);
  CHECK(t->world == 8);
  CHECK(t->local_rank == 1);
  CHECK(t->address == "node7");
  CHECK(t->port == 29400);
  CHECK(t->launcher == "torchrun");
  // The batch script of an allocation of 6 tasks (no step, or the batch step): one process.
  CHECK_FALSE(launch_env(environment({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "6"}})));
  CHECK_FALSE(launch_env(environment({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "6"}, {"SLURM_STEP_ID", "batch"}})));
  const auto s = launch_env(
      environment({{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "6"}, {"SLURM_LOCALID", "1"}, {"SLURM_STEP_ID", "0"}}), "head01");
  REQUIRE(s);
  CHECK(s->rank == 5);
  CHECK(s->world == 6);
  CHECK(s->address == "head01");
  CHECK(s->port == 29500);
  CHECK(s->launcher == "slurm");
  // torchrun inside a Slurm allocation: torchrun's variables decide.
  const auto both = launch_env(environment({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}, {"SLURM_STEP_ID", "0"}, {"RANK", "1"}, {"WORLD_SIZE", "4"},
                                            {"MASTER_ADDR", "127.0.0.1"}}));
  REQUIRE(both);
  CHECK(both->world == 4);
}

TEST_CASE("launch_env's errors name the variable", "[dist]") {
  const auto error_of = [](std::map<std::string, std::string> values) {
    try {
      launch_env(environment(std::move(values)));
    } catch (const hifa::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of({{"RANK", "x"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}), Catch::StartsWith("RANK: 'x' is not a whole number"));
  CHECK_THAT(error_of({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}), Catch::StartsWith("RANK: 2 is not a rank"));
  CHECK_THAT(error_of({{"RANK", "0"}}), Catch::StartsWith("RANK: is set but WORLD_SIZE is not"));
  CHECK_THAT(error_of({{"RANK", "0"}, {"WORLD_SIZE", "2"}}), Catch::StartsWith("MASTER_ADDR: is not set"));
  CHECK_THAT(error_of({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}, {"SLURM_STEP_ID", "3"}}), Catch::Contains("--dist-addr"));
  CHECK_THAT(error_of({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}, {"MASTER_PORT", "70000"}}),
             Catch::StartsWith("MASTER_PORT: 70000 is not a TCP port"));
}

TEST_CASE("two ranks sum in buckets, broadcast and share bytes over a Gloo group", "[dist]") {
  if (!has_gloo()) {
    WARN("built without c10d's Gloo: skipped");
    return;
  }
  // Rank r holds r + 1 everywhere; tensors of two dtypes, and buckets of 64 bytes so they split.
  std::vector<std::vector<torch::Tensor>> sums(2), casts(2);
  std::vector<std::string> bytes(2);
  std::vector<double> collective_seconds(2);
  std::vector<std::string> errors(2);
  const int port = free_loopback_port();
  const auto rank_main = [&](int rank) {
    try {
      LaunchEnv env;
      env.rank = rank;
      env.world = 2;
      env.address = "127.0.0.1";
      env.port = port;
      GroupOptions o;
      o.timeout = std::chrono::seconds(30);
      o.bucket_bytes = 64;
      const std::shared_ptr<Collective> group = join_process_group(env, torch::kCPU, o);
      const float v = float(rank + 1);
      std::vector<torch::Tensor> t{torch::full({3, 4}, v), torch::full({5}, v, torch::kFloat64), torch::full({40}, v),
                                   torch::full({2}, v)};
      group->sum(t);
      sums[std::size_t(rank)] = t;
      std::vector<torch::Tensor> c{torch::full({7}, v), torch::full({2, 2}, int64_t(rank), torch::kInt64)};
      group->broadcast(c, 1);
      casts[std::size_t(rank)] = c;
      bytes[std::size_t(rank)] = broadcast_bytes(group.get(), rank == 0 ? std::string("checkpoint\0bytes", 16) : "");
      collective_seconds[std::size_t(rank)] = group->seconds_in_collectives();
    } catch (const std::exception& e) {
      errors[std::size_t(rank)] = e.what();
    }
  };
  std::thread one(rank_main, 1);
  rank_main(0);
  one.join();
  REQUIRE(errors[0].empty());
  REQUIRE(errors[1].empty());
  for (int rank = 0; rank < 2; ++rank) {
    for (const torch::Tensor& t : sums[std::size_t(rank)]) CHECK(torch::all(t == 3).item<bool>());
    CHECK(sums[std::size_t(rank)][1].scalar_type() == torch::kFloat64);
    CHECK(torch::all(casts[std::size_t(rank)][0] == 2).item<bool>());
    CHECK(torch::all(casts[std::size_t(rank)][1] == 1).item<bool>());
    CHECK(bytes[std::size_t(rank)] == std::string("checkpoint\0bytes", 16));
    CHECK(collective_seconds[std::size_t(rank)] > 0);
  }
}

TEST_CASE("a rank that finds no store says where it looked, within the timeout", "[dist]") {
  if (!has_gloo()) return;
  LaunchEnv env;
  env.rank = 1;
  env.world = 2;
  env.address = "127.0.0.1";
  env.port = 1;  // nothing listens on port 1
  GroupOptions o;
  o.timeout = std::chrono::seconds(2);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(join_process_group(env, torch::kCPU, o),
                    Catch::StartsWith("distributed training: rank 1 of 2: cannot reach the rendezvous store at 127.0.0.1:1"));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));
}

TEST_CASE("one rank sums, broadcasts and averages CUDA tensors over an NCCL group", "[dist][device]") {
  const torch::Device device = hifa::test::test_device();
  if (!device.is_cuda() || !has_nccl()) {
    WARN("needs --device cuda and a LibTorch with NCCL: skipped");
    return;
  }
  // One GPU holds one NCCL rank, so this checks the path (store, group, staging on the GPU) with a
  // world of one: sums and broadcasts leave the values, and they stay on the GPU in their dtype.
  LaunchEnv env;
  env.address = "127.0.0.1";
  env.port = free_loopback_port();
  GroupOptions o;
  o.backend = "nccl";
  o.timeout = std::chrono::seconds(60);
  o.bucket_bytes = 64;
  const std::shared_ptr<Collective> group = join_process_group(env, device, o);
  std::vector<torch::Tensor> t{torch::full({3, 4}, 2.5f, device), torch::full({40}, 1.5, torch::TensorOptions(device).dtype(torch::kFloat64))};
  group->sum(t);
  group->broadcast(t, 0);
  CHECK(torch::all(t[0] == 2.5f).item<bool>());
  CHECK(torch::all(t[1] == 1.5).item<bool>());
  CHECK(t[0].device() == device);
  CHECK(t[1].scalar_type() == torch::kFloat64);
  torch::nn::Linear linear(4, 2);
  linear->to(device);
  linear(torch::ones({3, 4}, device)).sum().backward();
  const torch::Tensor before = linear->weight.grad().clone();
  torch::optim::SGD sgd(linear->parameters(), 0.1);
  average_gradients(group.get(), {&sgd});
  CHECK(torch::allclose(linear->weight.grad(), before));
  CHECK(broadcast_bytes(group.get(), std::string("cuda\0bytes", 10)) == std::string("cuda\0bytes", 10));
}
