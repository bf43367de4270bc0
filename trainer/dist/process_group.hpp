#pragma once
// Joining a c10d process group (PyTorch's engine: a TCPStore for the rendezvous, ProcessGroupGloo
// for the collectives) as the launcher's environment (dist/launch_env.hpp) says:
//
//   std::shared_ptr<Collective> group = join_process_group(*launch_env(process_environment()), torch::kCPU, {});
//
// Rank 0 hosts the store at address:port; the others connect to it, and the group connects every
// pair of ranks. Gloo's sockets bind to the interface GLOO_SOCKET_IFNAME names (as in PyTorch), to
// 127.0.0.1 when the store's address is a loopback one, else to the address this host's name
// resolves to. Each rank adds to a heartbeat counter in the store every second, so a rank whose
// collective fails can name the ranks that stopped (collective.hpp); the store's own failure names
// rank 0.
//
// Backends: "gloo" (tensors reduced on the CPU: CUDA ones are staged through it), "nccl" (CUDA
// training on a LibTorch with NCCL, e.g. PyTorch's own; one GPU per rank, cuda:<local rank>),
// "auto": NCCL for --device cuda where the build has it, else Gloo. Debian's LibTorch has no NCCL:
// asking for it there is an error saying so. Gloo needs the headers of the Gloo LibTorch was built
// with (Debian's libgloo-dev for Debian's LibTorch; PyTorch's own where its LibTorch ships them): a
// CUDA build without them has NCCL only (has_gloo() false). Builds with neither (no c10d) answer
// has_c10d() false and join_process_group throws hifa::Error saying how to get it.
// Errors (hifa::Error "distributed training: ..."): the store not reachable within the timeout
// (naming address:port and the launcher's variables), the port taken on rank 0, a rank that never
// joined within the timeout.

#include "dist/collective.hpp"
#include "dist/launch_env.hpp"

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace hifa::trainer {

struct GroupOptions {
  std::string backend = "auto";  // auto | gloo | nccl
  // For the rendezvous (all ranks must have joined by then) and for each collective.
  std::chrono::milliseconds timeout = std::chrono::seconds(300);
  std::int64_t bucket_bytes = std::int64_t(25) << 20;  // DDP's default bucket size
};

bool has_c10d();
bool has_gloo();
bool has_nccl();

std::shared_ptr<Collective> join_process_group(const LaunchEnv& env, torch::Device device, const GroupOptions& options);

}  // namespace hifa::trainer
