#include "dist/process_group.hpp"

#include "hifa/core/error.hpp"
#include "runtime/first_line.hpp"

#ifdef HIFA_WITH_C10D
#ifdef HIFA_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef HIFA_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef C10_USE_GLOG
#include <glog/logging.h>
#endif

#include <condition_variable>
#include <functional>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#endif

namespace hifa::trainer {

#ifndef HIFA_WITH_C10D

bool has_c10d() { return false; }
bool has_gloo() { return false; }
bool has_nccl() { return false; }

std::shared_ptr<Collective> join_process_group(const LaunchEnv& env, torch::Device, const GroupOptions&) {
  throw Error("distributed training", "this hifa was built without c10d, but " + env.launcher +
                                          "'s variables ask for rank " + std::to_string(env.rank) + " of " +
                                          std::to_string(env.world) +
                                          ": install libgloo-dev (scripts/setup does) and rebuild, or unset them");
}

#else

namespace {

using namespace std::chrono_literals;

std::string host_port(const LaunchEnv& env) { return env.address + ":" + std::to_string(env.port); }


// c10d logs every retry of a socket through glog on stderr; its failures reach the user as one
// error line instead (hifa's rule). Set once, on the main thread, before any c10d thread runs.
void quiet_c10d_log() {
#ifdef C10_USE_GLOG
  static std::once_flag once;
  std::call_once(once, [] { FLAGS_minloglevel = google::GLOG_FATAL; });
#endif
}

// The rendezvous store: rank 0 hosts it unless torchrun's agent does (launch_env.hpp); `server`
// false connects a client whatever the rank (the heartbeat's own connection).
c10::intrusive_ptr<c10d::Store> connect_store(const LaunchEnv& env, bool server, std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions o;
  o.port = std::uint16_t(env.port);
  o.isServer = server && env.rank == 0 && !env.agent_store;
  o.numWorkers = env.world;
  o.waitWorkers = false;  // the group's rendezvous waits for the ranks, with the same timeout
  o.timeout = timeout;
  auto store = c10::make_intrusive<c10d::TCPStore>(env.address, o);
  if (!env.agent_store) return store;
  return c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(env.restart_count), store);
}

// The store every rank reaches (rank 0 hosts it unless torchrun's agent does), or one error naming
// address and port.
c10::intrusive_ptr<c10d::Store> rendezvous_store(const LaunchEnv& env, std::chrono::milliseconds timeout) {
  try {
    return connect_store(env, true, timeout);
  } catch (const std::exception& e) {
    throw Error("distributed training",
                "rank " + std::to_string(env.rank) + " of " + std::to_string(env.world) + ": " +
                    (env.rank == 0 && !env.agent_store
                         ? "cannot host the rendezvous store on port " + std::to_string(env.port) + " (taken? MASTER_PORT)"
                         : "cannot reach the rendezvous store at " + host_port(env) +
                               " (MASTER_ADDR, MASTER_PORT; is rank 0 running?)") +
                    ": " + first_line(e.what()));
  }
}

#ifdef HIFA_WITH_GLOO
bool loopback(const std::string& address) { return address.rfind("127.", 0) == 0 || address == "localhost"; }

c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo_group(const LaunchEnv& env, const c10::intrusive_ptr<c10d::Store>& store,
                                                      std::chrono::milliseconds timeout) {
  auto o = c10d::ProcessGroupGloo::Options::create();
  o->timeout = timeout;
  if (const char* name = std::getenv("GLOO_SOCKET_IFNAME"); name != nullptr && *name != '\0') {
    o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
  } else if (loopback(env.address)) {
    o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  } else {
    o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  }
  return c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world, o);
}
#endif

#ifdef HIFA_WITH_NCCL
c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl_group(const LaunchEnv& env, const c10::intrusive_ptr<c10d::Store>& store,
                                                      std::chrono::milliseconds timeout) {
  auto o = c10d::ProcessGroupNCCL::Options::create();
  o->timeout = timeout;
  return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, env.rank, env.world, o);
}
#endif

// The collectives over a c10d process group of type Group (ProcessGroupGloo, ProcessGroupNCCL: in
// LibTorch 1.13 ProcessGroups, in 2.x Backends, with the same calls). Tensors travel through
// buffers on `staging` (the CPU for Gloo, the rank's GPU for NCCL) and come back where they were.
template <typename Group>
class C10dCollective final : public Collective {
 public:
  using MakeGroup = std::function<c10::intrusive_ptr<Group>(const c10::intrusive_ptr<c10d::Store>&)>;

  C10dCollective(const LaunchEnv& env, const GroupOptions& options, torch::Device staging, const MakeGroup& make)
      : env_(env), options_(options), staging_(staging) {
    store_ = rendezvous_store(env, options.timeout);
    try {
      group_ = make(store_);
    } catch (const std::exception& e) {
      throw Error("distributed training", "rank " + std::to_string(env.rank) + " of " + std::to_string(env.world) +
                                              ": not every rank joined through " + host_port(env) + " within " +
                                              std::to_string(options.timeout.count() / 1000) + " s: " + first_line(e.what()));
    }
    try {
      beat_store_ = connect_store(env, false, options.timeout);  // the heartbeat's own connection
    } catch (const std::exception&) {
      // the store went away already: a failing collective reports it
    }
    heartbeat_ = std::thread([this] { beat(); });
  }

  ~C10dCollective() override {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_.notify_all();
    heartbeat_.join();
  }

  int rank() const override { return env_.rank; }
  int world() const override { return env_.world; }
  double seconds_in_collectives() const override { return seconds_; }

  void sum(const std::vector<torch::Tensor>& tensors) override {
    const auto t0 = std::chrono::steady_clock::now();
    torch::NoGradGuard no_grad;
    // Buckets: consecutive tensors of one dtype and device, flattened into one buffer each.
    struct Bucket {
      std::vector<torch::Tensor> parts;
      torch::Tensor flat;
      c10::intrusive_ptr<c10d::Work> work;
    };
    std::vector<Bucket> buckets;
    std::int64_t bytes = 0;
    for (const torch::Tensor& t : tensors) {
      const std::int64_t b = t.numel() * std::int64_t(t.element_size());
      const bool fits = !buckets.empty() && buckets.back().parts.back().scalar_type() == t.scalar_type() &&
                        buckets.back().parts.back().device() == t.device() && bytes + b <= options_.bucket_bytes;
      if (!fits) {
        buckets.emplace_back();
        bytes = 0;
      }
      buckets.back().parts.push_back(t);
      bytes += b;
    }
    // Every bucket's all-reduce is queued before the first wait: Gloo works through them in order
    // while this thread packs the next one.
    for (Bucket& bucket : buckets) {
      std::vector<torch::Tensor> flat_parts;
      for (const torch::Tensor& p : bucket.parts) flat_parts.push_back(p.reshape({-1}));
      bucket.flat = torch::cat(flat_parts).to(staging_);
      std::vector<torch::Tensor> one{bucket.flat};
      bucket.work = run([&] { return group_->allreduce(one); });
    }
    for (Bucket& bucket : buckets) {
      run([&] { return bucket.work->wait(); });
      std::int64_t at = 0;
      for (const torch::Tensor& p : bucket.parts) {
        p.copy_(bucket.flat.slice(0, at, at + p.numel()).view_as(p));  // copy_ moves it back across devices
        at += p.numel();
      }
    }
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  void broadcast(const std::vector<torch::Tensor>& tensors, int root) override {
    const auto t0 = std::chrono::steady_clock::now();
    torch::NoGradGuard no_grad;
    c10d::BroadcastOptions o;
    o.rootRank = root;
    for (const torch::Tensor& t : tensors) {
      std::vector<torch::Tensor> one{t.contiguous().to(staging_)};
      run([&] { return group_->broadcast(one, o)->wait(); });
      if (!one[0].is_same(t)) t.copy_(one[0]);
    }
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

 private:
  static std::string beat_key(int rank) { return "hifa/beat/" + std::to_string(rank); }

  // Every second, this rank's counter in the store goes up: its own connection, on its own thread.
  void beat() {
    if (!beat_store_) return;
    try {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        lock.unlock();
        beat_store_->add(beat_key(env_.rank), 1);
        lock.lock();
        stop_.wait_for(lock, 1s, [this] { return stopping_; });
      }
    } catch (const std::exception&) {
      // The store is gone (rank 0 ended or died): a failing collective reports it.
    }
  }

  // The ranks whose heartbeat stood still over 2.5 s, as "rank 1" / "ranks 1, 3"; empty when all beat.
  std::string silent_ranks() {
    try {
      const auto read = [&] {
        std::vector<std::int64_t> beats;
        for (int r = 0; r < env_.world; ++r) beats.push_back(store_->add(beat_key(r), 0));
        return beats;
      };
      const std::vector<std::int64_t> before = read();
      std::this_thread::sleep_for(2500ms);
      const std::vector<std::int64_t> after = read();
      std::vector<int> silent;
      for (int r = 0; r < env_.world; ++r) {
        if (r != env_.rank && after[std::size_t(r)] == before[std::size_t(r)]) silent.push_back(r);
      }
      std::ostringstream os;
      if (!silent.empty()) os << (silent.size() == 1 ? "rank " : "ranks ");
      for (std::size_t i = 0; i < silent.size(); ++i) os << (i ? ", " : "") << silent[i];
      return os.str();
    } catch (const std::exception&) {
      return "rank 0 (it holds the rendezvous store at " + host_port(env_) + ", which no longer answers)";
    }
  }

  // Runs a c10d call; a failure becomes one hifa::Error naming the ranks that stopped.
  template <typename Call>
  decltype(auto) run(Call&& call) {
    try {
      return call();
    } catch (const std::exception& e) {
      const std::string silent = silent_ranks();
      throw Error("distributed training",
                  "rank " + std::to_string(env_.rank) + " of " + std::to_string(env_.world) + ": " +
                      (silent.empty() ? std::string("a collective failed, every rank still alive")
                                      : silent + " stopped responding (exited or killed?)") +
                      " (" + first_line(e.what()) + "); run the same command with --resume to continue from the last checkpoint");
    }
  }

  LaunchEnv env_;
  GroupOptions options_;
  torch::Device staging_;
  c10::intrusive_ptr<c10d::Store> store_, beat_store_;
  c10::intrusive_ptr<Group> group_;
  double seconds_ = 0;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread heartbeat_;
};

}  // namespace

bool has_c10d() { return true; }

bool has_gloo() {
#ifdef HIFA_WITH_GLOO
  return true;
#else
  return false;
#endif
}

bool has_nccl() {
#ifdef HIFA_WITH_NCCL
  return true;
#else
  return false;
#endif
}

std::shared_ptr<Collective> join_process_group(const LaunchEnv& env, torch::Device device, const GroupOptions& options) {
  quiet_c10d_log();
  if (options.backend != "auto" && options.backend != "gloo" && options.backend != "nccl") {
    throw Error("--dist-backend", "'" + options.backend + "': one of auto, gloo, nccl");
  }
  // auto: NCCL for CUDA training where LibTorch has it, else Gloo.
  const bool nccl = options.backend == "nccl" || (options.backend == "auto" && device.is_cuda() && has_nccl());
  if (nccl) {
#ifdef HIFA_WITH_NCCL
    if (!device.is_cuda()) throw Error("--dist-backend nccl", "NCCL reduces CUDA tensors: train with --device cuda, or use gloo");
    // One GPU per rank: the launcher's local rank picks it.
    const torch::Device gpu(torch::kCUDA, c10::DeviceIndex(env.local_rank % std::max<int>(1, int(torch::cuda::device_count()))));
    return std::make_shared<C10dCollective<c10d::ProcessGroupNCCL>>(
        env, options, gpu, [&](const auto& store) { return nccl_group(env, store, options.timeout); });
#else
    throw Error("--dist-backend nccl", "this hifa's LibTorch has no NCCL process group (Debian's is CPU-only); use gloo");
#endif
  }
#ifdef HIFA_WITH_GLOO
  return std::make_shared<C10dCollective<c10d::ProcessGroupGloo>>(
      env, options, torch::kCPU, [&](const auto& store) { return gloo_group(env, store, options.timeout); });
#else
  throw Error("--dist-backend " + options.backend,
              "this hifa was built against a LibTorch without Gloo's headers, so only NCCL (--device cuda) reduces");
#endif
}

#endif

}  // namespace hifa::trainer
