// hifa train: PIFuHD's stages on a prepared dataset into a run folder (trainer/train/train_loop.hpp):
// RUN/config.yaml, checkpoint.pt, losses.csv, loss_curves.png. A progress bar per stage with loss
// and ETA on stderr; what the run did on stdout. --resume continues a run where its last checkpoint
// left it (also after SIGKILL); without --config it takes the run's own config. Ctrl-C (or SIGTERM)
// stops after the step in progress: a checkpoint is written there and the command fails with one
// line "interrupted at <stage> step <i> of <n>; ... --resume ..." (exit code 1); --resume then
// continues exactly at that step.
// Data-parallel (docs/distributed.md): under torchrun or srun the command joins the launcher's c10d
// process group (dist/launch_env.hpp, dist/process_group.hpp); --nproc N starts N local workers
// itself (dist/local_workers.hpp). Rank 0 prints and writes; every rank prints its own error.

#include "interrupt_guard.hpp"
#include "progress.hpp"
#include "verbs.hpp"

#include "config/config.hpp"
#include "data/body_tasks.hpp"
#include "data/view_loader.hpp"
#include "dist/launch_env.hpp"
#include "dist/local_workers.hpp"
#include "dist/process_group.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/runtime.hpp"
#include "runtime/blas_core.hpp"
#include "runtime/heap.hpp"
#include "train/train_loop.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>

namespace hifa::app {
namespace {

struct TrainVerbOptions {
  std::filesystem::path config, data, out;
  bool resume = false;
  std::string device = "cpu";
  std::string stages, snapshot_after;
  std::int64_t max_iterations = -1;
  int nproc = 0;
  std::string dist_backend = "auto", dist_addr;
  double dist_timeout = 300;
};

// --nproc N: this command N times as the ranks of one run on this machine, the threads shared out.
void run_local_ranks(const TrainVerbOptions& o) {
  if (trainer::launch_env(trainer::process_environment())) {
    throw Error("hifa train --nproc", "this process already is a rank of a distributed launch (RANK/WORLD_SIZE or "
                                      "SLURM_PROCID/SLURM_NTASKS are set): leave --nproc to the launcher");
  }
  if (!trainer::has_c10d()) throw Error("hifa train --nproc", "this hifa was built without c10d: install libgloo-dev and rebuild");
  const int threads = std::max(1, KokkosRuntime::concurrency() / o.nproc);
  std::string failure;
  if (trainer::run_local_workers(o.nproc, threads, &failure) != 0) {
    throw Error("hifa train --nproc " + std::to_string(o.nproc), failure);
  }
}

void run_train_verb(const TrainVerbOptions& o) {
  if (o.config.empty() && !o.resume) throw Error("hifa train", "--config is required (but for --resume, which reads RUN/config.yaml)");
  const trainer::Config config =
      trainer::load_config(o.config.empty() ? trainer::config_file(o.out) : o.config);
  // A hypernetwork trains on bodies it poses itself (data/body_tasks.hpp); every other model on a dataset.
  const bool tasks_only = config.model_type == "hyper";
  if (!tasks_only && o.data.empty()) throw Error("hifa train", "--data is required (a dataset written by hifa prepare)");
  if (o.nproc > 1) return run_local_ranks(o);  // after the checks every worker would repeat
  trainer::TrainOptions t;
  t.run = o.out;
  t.resume = o.resume;
  t.max_iterations = o.max_iterations;
  if (o.device == "cuda" && !torch::cuda::is_available()) {
    throw Error("--device cuda", "this LibTorch has no CUDA or sees no GPU; use --device cpu");
  }
  t.device = o.device == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  std::shared_ptr<trainer::Collective> group;
  trainer::Shard shard;
  if (const std::optional<trainer::LaunchEnv> env = trainer::launch_env(trainer::process_environment(), o.dist_addr)) {
    trainer::GroupOptions g;
    g.backend = o.dist_backend;
    g.timeout = std::chrono::milliseconds(std::int64_t(o.dist_timeout * 1000));
    // One GPU per rank on its machine: cuda:<local rank>.
    if (t.device.is_cuda()) {
      t.device = torch::Device(torch::kCUDA, c10::DeviceIndex(env->local_rank % std::max<int>(1, int(torch::cuda::device_count()))));
    }
    group = trainer::join_process_group(*env, t.device, g);
    shard = {env->rank, env->world};
    t.group = group.get();
  }
  const bool root = shard.rank == 0;
  // Step times depend on both (a CPU OpenBLAS does not know runs its slow fallback kernels).
  if (root) std::printf("%s%s\n", trainer::machine_line().c_str(),
                        group ? (", " + std::to_string(shard.world) + " ranks").c_str() : "");
  // train() names a stage the model does not have.
  for (const auto& [text, names] : {std::pair{&o.stages, &t.stages}, std::pair{&o.snapshot_after, &t.snapshot_after}}) {
    std::stringstream list(*text);
    for (std::string s; std::getline(list, s, ',');) {
      if (!s.empty()) names->push_back(s);
    }
  }
  // LibTorch defaults to one thread here: use what the command was given (--threads, OMP_NUM_THREADS).
  torch::set_num_threads(KokkosRuntime::concurrency());
  // Every step frees and reallocates the same large tensors: keep them in the heap (runtime/heap.hpp).
  trainer::keep_freed_memory();

  std::optional<trainer::ViewLoader> loader;
  std::optional<trainer::BodyTasks> tasks;
  if (tasks_only) {
    tasks.emplace(config);
  } else {
    loader.emplace(o.data, config, "train");
  }
  const trainer::BatchSource source =
      tasks_only ? trainer::task_source(*tasks, shard) : trainer::loader_source(*loader, config.train.workers, shard);

  std::optional<Progress> progress;
  std::vector<std::string> summary;
  std::int64_t stage_steps = 0;
  std::string last;
  trainer::TrainEvents events;
  events.log = [](const std::string& line) { std::printf("%s\n", line.c_str()); std::fflush(stdout); };
  events.stage_begin = [&](const trainer::StageSpec& s, std::int64_t done, std::int64_t total) {
    progress.emplace("train " + s.name, std::size_t(total), 5.0, std::size_t(done));
    stage_steps = total;
    last.clear();
  };
  events.step = [&](const trainer::StageSpec& s, std::int64_t, const std::vector<double>& losses, double lr) {
    last = trainer::losses_text(s, losses);
    std::ostringstream os;
    os << last << " lr " << lr;
    progress->set_status(os.str());
    progress->advance();
  };
  events.stage_end = [&](const trainer::StageSpec& s) {
    progress->finish();
    progress.reset();
    summary.push_back(s.name + " " + std::to_string(stage_steps) + " steps" + (last.empty() ? "" : " (last " + last + ")"));
  };
  const InterruptGuard guard;
  t.interrupt = guard.flag();
  trainer::train(config, source, t, events);
  if (!root) return;
  std::string done;
  for (const auto& s : summary) done += (done.empty() ? "" : ", ") + s;
  const std::string on = tasks_only ? std::to_string(tasks->per_epoch()) + " posed bodies per epoch"
                                    : o.data.string() + " (" + std::to_string(loader->items()) + " items)";
  std::printf("trained %s on %s: %s; wrote checkpoint.pt, losses.csv, loss_curves.png\n", o.out.string().c_str(), on.c_str(),
              done.c_str());
}

}  // namespace

void add_train(CLI::App& app, VerbAction& action) {
  auto o = std::make_shared<TrainVerbOptions>();
  auto* verb = app.add_subcommand("train", "Train a model's stages on a prepared dataset (PIFuHD/PIFu, the body estimator, CAR's canonical model)");
  verb->add_option("--config", o->config, "Model and training config (configs/*.yaml); with --resume default RUN/config.yaml");
  verb->add_option("--data", o->data, "Dataset folder written by hifa prepare (not for model.type hyper, which poses its own bodies)");
  verb->add_option("--out", o->out, "Run folder: config.yaml, checkpoint.pt, losses.csv, loss_curves.png")->required();
  verb->add_flag("--resume", o->resume, "Continue the run in --out from its last checkpoint");
  verb->add_option("--device", o->device, "Where to train")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
  verb->add_option("--snapshot-after", o->snapshot_after,
                   "Comma-separated stages whose final model is also kept in RUN/after_<stage>/, a run folder of its own "
                   "(e.g. coarse: a PIFuHD run's single-level PIFu, before the fine stage retrains the coarse level)");
  verb->add_option("--stages", o->stages, "Comma-separated subset of the model's stages (pifuhd: normal,coarse,fine; body: normal,body; car: normal,canonical; hyper: hyper; default: all)");
  verb->add_option("--max-iterations", o->max_iterations, "Stop each stage after this many steps (-1: the config's epochs)")
      ->check(CLI::Range(std::int64_t(-1), std::int64_t(1) << 62))
      ->capture_default_str();
  verb->add_option("--nproc", o->nproc, "Train data-parallel with this many processes on this machine (each rank "
                                       "takes batch / N items of every batch; the threads are shared out)")
      ->check(CLI::Range(1, 1024));
  verb->add_option("--dist-backend", o->dist_backend, "c10d backend of a data-parallel run")
      ->check(CLI::IsMember({"auto", "gloo", "nccl"}))
      ->capture_default_str();
  verb->add_option("--dist-addr", o->dist_addr, "Host of rank 0 under Slurm (default MASTER_ADDR)");
  verb->add_option("--dist-timeout", o->dist_timeout, "Seconds to wait for every rank to join, and for each collective")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  verb->callback([&action, o] { action = [o] { run_train_verb(*o); }; });
}

}  // namespace hifa::app
