// hifa train: PIFuHD's stages on a prepared dataset into a run folder (trainer/train/train_loop.hpp):
// RUN/config.yaml, checkpoint.pt, losses.csv, loss_curves.png. A progress bar per stage with loss
// and ETA on stderr; what the run did on stdout. --resume continues a run where its last checkpoint
// left it (also after SIGKILL); without --config it takes the run's own config. Ctrl-C (or SIGTERM)
// stops after the step in progress: a checkpoint is written there and the command fails with one
// line "interrupted at <stage> step <i> of <n>; ... --resume ..." (exit code 1); --resume then
// continues exactly at that step.

#include "interrupt_guard.hpp"
#include "progress.hpp"
#include "verbs.hpp"

#include "config/config.hpp"
#include "data/body_tasks.hpp"
#include "data/view_loader.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/runtime.hpp"
#include "runtime/blas_core.hpp"
#include "runtime/heap.hpp"
#include "train/train_loop.hpp"

#include <torch/torch.h>

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
};

void run_train_verb(const TrainVerbOptions& o) {
  if (o.config.empty() && !o.resume) throw Error("hifa train", "--config is required (but for --resume, which reads RUN/config.yaml)");
  const trainer::Config config =
      trainer::load_config(o.config.empty() ? trainer::config_file(o.out) : o.config);
  // A hypernetwork trains on bodies it poses itself (data/body_tasks.hpp); every other model on a dataset.
  const bool tasks_only = config.model_type == "hyper";
  if (!tasks_only && o.data.empty()) throw Error("hifa train", "--data is required (a dataset written by hifa prepare)");
  // Step times depend on both (a CPU OpenBLAS does not know runs its slow fallback kernels).
  std::printf("%s\n", trainer::machine_line().c_str());
  trainer::TrainOptions t;
  t.run = o.out;
  t.resume = o.resume;
  t.max_iterations = o.max_iterations;
  if (o.device == "cuda" && !torch::cuda::is_available()) {
    throw Error("--device cuda", "this LibTorch has no CUDA or sees no GPU; use --device cpu");
  }
  t.device = o.device == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
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
      tasks_only ? trainer::task_source(*tasks) : trainer::loader_source(*loader, config.train.workers);

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
  verb->callback([&action, o] { action = [o] { run_train_verb(*o); }; });
}

}  // namespace hifa::app
