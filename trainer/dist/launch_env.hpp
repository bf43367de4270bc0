#pragma once
// Where this process sits in a distributed `hifa train` (docs/distributed.md), read from the
// environment its launcher set, the way PyTorch jobs are launched:
//   torchrun, and `hifa train --nproc` (dist/local_workers.hpp), which sets the same variables:
//     RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT
//   Slurm, one task per process started by srun (which sets SLURM_STEP_ID; the batch script itself,
//     one process whatever the allocation's task count, is no distributed launch):
//     SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID; the store's host from --dist-addr or MASTER_ADDR
//     (Slurm does not say which node is rank 0's), the port from MASTER_PORT or 29500.
// Under torchrun's elastic agent (TORCHELASTIC_USE_AGENT_STORE=True) the agent already hosts the
// store at MASTER_ADDR:MASTER_PORT: every rank then connects as a client, under the key prefix
// "/worker/attempt_<TORCHELASTIC_RESTART_COUNT>", as PyTorch's own env:// rendezvous does.
// torchrun's variables win when both are present (torchrun inside a Slurm allocation). Neither, or
// a world of one, is a single-process run: std::nullopt.
//
//   std::optional<LaunchEnv> e = launch_env(process_environment(), address_flag);
//
// Errors (hifa::Error naming the variable): a value that is not a whole number, a rank outside
// [0, world), RANK without WORLD_SIZE (or the reverse), a port outside 1..65535, no address.

#include <functional>
#include <optional>
#include <string>

namespace hifa::trainer {

struct LaunchEnv {
  int rank = 0, world = 1, local_rank = 0;
  std::string address;  // the host of rank 0, which holds the rendezvous store
  int port = 29500;
  std::string launcher;  // "torchrun" or "slurm": which variables said so
  bool agent_store = false;  // torchrun's agent hosts the store (no rank hosts it)
  int restart_count = 0;     // torchrun's restarts so far: the store's key prefix
};

// The value of an environment variable, std::nullopt when unset or empty.
using EnvReader = std::function<std::optional<std::string>(const std::string& name)>;
EnvReader process_environment();

std::optional<LaunchEnv> launch_env(const EnvReader& env, const std::string& address_flag = {});

}  // namespace hifa::trainer
