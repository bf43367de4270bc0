// hifa demo: PIFuHD and CAR end to end on built-in data (what scripts/demo runs), into OUT:
//   0. synth     --synthetic N clothed OpenBody subjects in the poses of DATA/motion -> OUT/synth
//                (hifa synth; DATA/body/open_body.npz from scripts/fetch-data), each with its body fit
//   1. prepare   DATA/figures and OUT/synth as one dataset, with the fixed split DATA/split.json
//                (its five test figures; every other subject trains) at the tiny configs' image
//                sizes -> OUT/dataset (hifa prepare; complete subjects are kept on a rerun); the
//                test figures' bodies are fitted (hifa prepare --fit-body, for them only: ~30 s each)
//   2. train     configs/tiny.yaml (PIFuHD: normal, coarse, fine) -> OUT/run_pifuhd, keeping the
//                model after the coarse stage in run_pifuhd/after_coarse/: that is PIFu, the
//                single-level ablation (configs/tiny_pifu.yaml trains the same model);
//                configs/car_tiny.yaml (CAR: normal, body, canonical; the run carries its body
//                estimator) -> OUT/run_car, on the subjects with fits: the synthetic ones;
//                configs/hyper_tiny.yaml (CAR's
//                hypernetwork, on bodies it poses itself) -> OUT/run_hyper (hifa train; a run with
//                a checkpoint resumes)
//   3. evaluate  on the test figures (hifa eval-run's evaluate_run: view 0 of each): PIFu, PIFuHD,
//                CAR posed by the body its body stage finds, CAR posed by the figure's own fit, and that one
//                refined (CAR's posed-space refinement started by the hypernetwork; the budget's
//                steps) -> each one's eval folder (meshes, normal maps, metrics.json; CAR's avatars),
//                and the table OUT/eval_table.md and OUT/eval_table.csv (demo_table.hpp), printed too
//   4. sheet     OUT/contact_sheet.png (demo_sheet.hpp)
// then the time of each stage. Rerunning continues a killed demo: prepare skips complete subjects,
// training resumes from its checkpoints, and an evaluation is kept when its metrics.json exists and
// none of its runs took a training step in this invocation. Ctrl-C (or SIGTERM) stops synth,
// prepare and training cleanly (interrupt_guard.hpp): what is complete or checkpointed stays.
// The budget: 16 views of the 20 training figures and 8 synthetic subjects (PIFuHD: 448 items, 112
// batches of 4 per epoch; CAR, its body stage too: the 128 items of the synthetic subjects) and
// the configs' own epochs (tiny.yaml: normal 5, coarse 30, fine 10; 30 coarse epochs because with
// 10 the coarse level had not learned depth, docs/depth.md), the hypernetwork's first 160 steps
// (DemoBudget), a 128^3 grid. docs/demo.md has the stage times.
// --quick is a much smaller one for tests.

#include "avatar_motion.hpp"
#ifdef HIFA_WITH_REPORT
#include "avatar_glb.hpp"
#include "report_sources.hpp"

#include <algorithm>
#endif
#include "body_fitter.hpp"
#include "demo_sheet.hpp"
#include "demo_table.hpp"
#include "eval_report.hpp"
#include "interrupt_guard.hpp"
#include "prepare_with_progress.hpp"
#include "progress.hpp"
#include "synth_with_progress.hpp"
#include "verbs.hpp"

#include "config/config.hpp"
#include "data/body_tasks.hpp"
#include "data/prepared_dataset.hpp"
#include "data/view_loader.hpp"
#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/runtime.hpp"
#include "hifa/motion/bvh.hpp"
#include "inference/body_run.hpp"
#include "inference/car_reconstruct.hpp"
#include "inference/car_refine.hpp"
#include "inference/eval_run.hpp"
#include "inference/run_model.hpp"
#include "prepare/dataset_writer.hpp"
#include "prepare/prepare.hpp"
#include "runtime/blas_core.hpp"
#include "runtime/heap.hpp"
#include "synth/synth.hpp"
#include "train/checkpoint.hpp"
#include "train/train_loop.hpp"

#include <torch/torch.h>

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace hifa::app {
namespace {

namespace fs = std::filesystem;

struct DemoOptions {
  fs::path out = "out/demo";
  fs::path data = "data";
  fs::path configs = "configs";
  bool quick = false;
  int synthetic = 8;
};

// What the demo spends; everything else comes from the configs.
struct DemoBudget {
  int views;               // per subject, a multiple of 4 (the sheet's 0/90/180/270)
  int samples;             // points per subject and sigma level
  int synth_resolution;    // hifa synth's grid points along a subject's height
  std::int64_t steps;      // cap per training stage; -1: the configs' epochs
  int eval_resolution;     // reconstruction grid cells per axis
  int eval_views;          // per test subject
  std::int64_t hyper_steps;  // the hypernetwork's meta-learning: a quarter of hyper_tiny.yaml's 640
  int refine_iterations;   // CAR's refinement per view; -1: the hyper config's (300)
};

// The hypernetwork gets a quarter of its config's steps: its start converges no faster than the
// sphere's yet (docs/refine.md), and the demo already runs over its 15 minutes. The refinement gets
// all of its steps: with 100 a limb or two were not back on the surface (Chamfer 4.4 against 2.6 cm).
DemoBudget budget(bool quick) {
  if (quick) return {4, 500, 64, 20, 32, 1, 20, 3};
  return {16, 2000, 128, -1, 128, 1, 160, -1};
}

struct RunSpec {
  std::string label;   // in the progress lines
  std::string config;  // file under --configs
  std::string folder;  // under OUT
};
const RunSpec pifuhd_run{"PIFuHD", "tiny.yaml", "run_pifuhd"};
const RunSpec car_run{"CAR", "car_tiny.yaml", "run_car"};
const RunSpec hyper_run{"hypernetwork", "hyper_tiny.yaml", "run_hyper"};

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The process's CPU time (user + system, all threads): on a shared machine wall time mostly
// measures waiting for a core, so the stage times are reported as both.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

fs::path checked_folder(const fs::path& path, const std::string& hint) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) throw Error(path.string(), "no such folder (" + hint + ")");
  return path;
}

fs::path synth_folder(const DemoOptions& o) { return o.out / "synth"; }
fs::path synth_body(const DemoOptions& o) { return o.data / "body" / "open_body.npz"; }
fs::path demo_motion(const DemoOptions& o) { return o.data / "motion" / "01_01.bvh"; }

void make_synthetic_subjects(const DemoOptions& o, const DemoBudget& b, const std::atomic<bool>* interrupt) {
  synth::SynthOptions s;
  s.interrupt = interrupt;
  s.out = synth_folder(o);
  s.count = o.synthetic;
  s.resolution = b.synth_resolution;
  s.body = synth_body(o);
  s.motion = o.data / "motion";
  const synth::SynthSummary summary = run_synth_with_progress(s, "synth");
  say("made " + std::to_string(summary.made) + " synthetic subjects (" + std::to_string(summary.resumed) +
      " already complete) in " + s.out.string());
}

// The split's test subjects: the ones whose bodies the demo fits (for CAR with their own fits).
std::vector<std::string> test_subjects(const fs::path& split_file) {
  const prepare::Json j = prepare::read_json(split_file);
  try {
    return j.at("test").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(split_file.string(), std::string("no \"test\" list of names: ") + e.what());
  }
}

void prepare_dataset(const DemoOptions& o, const DemoBudget& b, const trainer::Config& pifuhd, const fs::path& dataset,
                     const std::atomic<bool>* interrupt) {
  prepare::PrepareOptions p;
  p.interrupt = interrupt;
  p.scans = {checked_folder(o.data / "figures", "the demo's figures: run scripts/fetch-data, or give --data")};
  p.scans.push_back(synth_folder(o));
  p.split_file = o.data / "split.json";
  std::error_code ec;
  if (!fs::is_regular_file(p.split_file, ec)) {
    throw Error(p.split_file.string(), "no such file (the demo's fixed test split, beside figures/)");
  }
  p.out = dataset;
  p.views = b.views;
  p.resolution = pifuhd.coarse.image_size;  // the images the levels take, so nothing is resized
  p.fine_resolution = pifuhd.fine->image_size;
  p.samples = b.samples;
  // The synthetic subjects come with their fits; a figure's fit costs ~30 s, so only the test
  // figures are fitted (CAR's evaluation with the subjects' own fits). CAR and the body estimator
  // train on the subjects with fits: the synthetic ones.
  p.body_model = synth_body(o);
  p.fit_body = make_body_fitter(p.body_model);
  p.fit_only = test_subjects(p.split_file);
  const prepare::PrepareSummary s = run_prepare_with_progress(p);
  say("prepared " + std::to_string(s.prepared) + " subjects (" + std::to_string(s.resumed) + " already complete) into " +
      dataset.string());
}

// Trains (or resumes) one run on the batches of `source` (`items`: what they come from, for the
// summary line); returns the steps taken by this call.
std::int64_t train_run(const RunSpec& spec, const trainer::Config& config, const trainer::BatchSource& source,
                       const std::string& items, const fs::path& run, std::int64_t max_iterations,
                       const std::vector<std::string>& snapshot_after, const std::atomic<bool>* interrupt) {
  trainer::TrainOptions t;
  t.interrupt = interrupt;
  t.run = run;
  t.resume = fs::exists(trainer::checkpoint_file(run));
  t.max_iterations = max_iterations;
  t.snapshot_after = snapshot_after;
  std::optional<Progress> progress;
  std::int64_t taken = 0;
  trainer::TrainEvents events;
  events.log = [](const std::string& line) { say(line); };
  events.stage_begin = [&](const trainer::StageSpec& s, std::int64_t done, std::int64_t total) {
    progress.emplace("train " + spec.label + " " + s.name, std::size_t(total), 5.0, std::size_t(done));
  };
  events.step = [&](const trainer::StageSpec& s, std::int64_t, const std::vector<double>& losses, double) {
    progress->set_status(trainer::losses_text(s, losses));
    progress->advance();
    ++taken;
  };
  events.stage_end = [&](const trainer::StageSpec&) {
    progress->finish();
    progress.reset();
  };
  try {
    trainer::train(config, source, t, events);
  } catch (const Error&) {
    // The loop's message says --resume, which hifa demo does itself on a rerun.
    if (interrupt->load()) throw Error(run.string(), "interrupted; checkpoint written: run the same hifa demo command again to continue");
    throw;
  }
  say("trained " + run.string() + ": " + std::to_string(taken) + " steps in this run (" + items + ")");
  return taken;
}

// A run on the dataset's training split.
std::int64_t train_on_dataset(const RunSpec& spec, const trainer::Config& config, const fs::path& dataset,
                              const fs::path& run, const DemoBudget& b, const std::vector<std::string>& snapshot_after,
                              const std::atomic<bool>* interrupt) {
  const trainer::ViewLoader loader(dataset, config, "train");
  return train_run(spec, config, trainer::loader_source(loader, config.train.workers),
                   std::to_string(loader.items()) + " items", run, b.steps, snapshot_after, interrupt);
}

// One row of the table: a model evaluated on the test split into EVAL/ (meshes, normal maps,
// metrics.json), by hifa eval-run's evaluate_run with view 0 of each test subject.
struct Evaluation {
  std::string label;
  fs::path folder;
  std::vector<std::string> runs;  // the run folders it reads: evaluated again when one trained
  std::function<trainer::ViewReconstructor()> views;
};

fs::path metrics_file(const fs::path& eval) { return eval / "metrics.json"; }

ModelResult evaluate(const Evaluation& e, const fs::path& dataset, const DemoOptions& o, const DemoBudget& b) {
  trainer::EvalRunOptions options;
  options.data = dataset;
  options.scans = {o.data / "figures"};  // the test subjects are figures
  options.out = e.folder;
  options.views_per_subject = b.eval_views;
  options.reconstruct.resolution = b.eval_resolution;
  std::error_code ec;
  fs::create_directories(e.folder, ec);
  if (ec) throw Error(e.folder.string(), "cannot create the folder: " + ec.message());
  Progress progress("evaluate " + e.label, trainer::evaluation_views(options));
  const auto views = trainer::evaluate_run(e.views(), options, [&](const trainer::ViewEvaluation&) { progress.advance(); });
  progress.finish();
  std::vector<std::string> order;
  std::map<std::string, std::vector<EvalRow>> by_subject;
  for (const auto& v : views) {
    if (by_subject.find(v.subject) == by_subject.end()) order.push_back(v.subject);
    by_subject[v.subject].push_back({v.subject, v.metrics, v.problem});
  }
  ModelResult r{e.label, {}, std::nullopt};
  for (const auto& name : order) {
    const auto mean = mean_of(by_subject[name]);
    r.rows.push_back({name, mean, mean ? "" : "failed: " + by_subject[name].front().problem});
  }
  r.mean = mean_of(r.rows);
  write_eval_json(metrics_file(e.folder), r.rows, r.mean, "cm", options.metrics);
  return r;
}

#ifdef HIFA_WITH_REPORT
// OUT/report/index.html (docs/report.md): every evaluation beside the ground truth, the first test
// subject's CAR avatar playing the demo's motion (OUT/report_avatar.glb), the runs' loss curves.
trainer::ReportSize write_demo_report(const DemoOptions& o, const fs::path& dataset, const std::vector<std::pair<std::string, fs::path>>& methods,
                                      const std::vector<fs::path>& runs, const fs::path& avatars) {
  ReportSources s;
  s.title = "hifa demo";
  s.methods = methods;
  s.runs = runs;
  s.data = dataset;
  s.scans = {o.data / "figures", synth_folder(o)};
  std::error_code ec;
  std::vector<fs::path> folders;
  for (const auto& e : fs::directory_iterator(avatars, ec))
    if (e.is_directory() && e.path().filename().string().ends_with("_avatar")) folders.push_back(e.path());
  std::sort(folders.begin(), folders.end());
  if (!folders.empty() && fs::is_regular_file(demo_motion(o), ec)) {
    const AvatarMotion motion(SmplModel<float>::load(synth_body(o)), load_bvh(demo_motion(o)), 2);
    const Avatar avatar = read_avatar(folders.front(), motion);
    const fs::path glb = o.out / "report_avatar.glb";
    write_avatar_glb(glb, motion, avatar.canonical, avatar.weights);
    s.avatars.push_back({"CAR avatar of " + folders.front().filename().string() + ", CMU motion 01_01", glb});
  }
  return trainer::write_report(gather_report(s), o.out / "report", {});
}
#endif

// The test subjects' reconstructions and their ground truth, the CAR avatar reposed by the liveliest
// frame of DATA/motion/01_01.bvh (left out without it).
int draw_sheet(const DemoOptions& o, const fs::path& dataset, const std::vector<SheetModel>& models, const fs::path& avatars) {
  std::error_code ec;
  std::optional<SmplModel<float>> body;
  std::optional<AvatarMotion> motion;
  SheetReposing reposing;
  if (fs::is_regular_file(demo_motion(o), ec)) {
    body.emplace(SmplModel<float>::load(synth_body(o)));
    motion.emplace(*body, load_bvh(demo_motion(o)), 1);
    reposing = {avatars, &*motion, motion->liveliest_frame(), "01_01"};
  }
  return write_demo_sheet(o.out / "contact_sheet.png", trainer::PreparedDataset(dataset), models, 0, reposing);
}

void run_demo(const DemoOptions& o) {
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  checked_folder(o.data, "the demo's data: run scripts/fetch-data, or give --data DIR holding figures/ and split.json");
  const DemoBudget b = budget(o.quick);
  // Nearly all of the demo is training loops and fits, which free and reallocate the same tensors
  // every step: keep them in the heap (runtime/heap.hpp).
  trainer::keep_freed_memory();
  const fs::path body_file = synth_body(o);
  {
    std::error_code ec;
    if (!fs::is_regular_file(body_file, ec)) {
      throw Error(body_file.string(), "no such file (OpenBody, the synthetic subjects' and CAR's body: run scripts/fetch-data)");
    }
  }
  // The configs' body model "open" is the demo's: DATA/body/open_body.npz.
  setenv("HIFA_DATA", o.data.c_str(), 1);
#ifdef HIFA_WITH_REPORT
  trainer::viewer_script({});  // the results page's viewer, asked for before any work
#endif
  // Every config first: a bad one is found before any work.
  const trainer::Config pifuhd = trainer::load_config(o.configs / pifuhd_run.config);
  const trainer::Config car = trainer::load_config(o.configs / car_run.config);
  const trainer::Config hyper = trainer::load_config(o.configs / hyper_run.config);
  if (!pifuhd.fine) throw Error((o.configs / pifuhd_run.config).string(), "model.type must be pifuhd");
  if (car.model_type != "car") throw Error((o.configs / car_run.config).string(), "model.type must be car");
  if (!car.body_net) {
    throw Error((o.configs / car_run.config).string(), "has no body_net: the demo's CAR run finds each image's body "
                                                       "with its own body stage");
  }
  if (hyper.model_type != "hyper") throw Error((o.configs / hyper_run.config).string(), "model.type must be hyper");
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) throw Error(o.out.string(), "cannot create the output folder: " + ec.message());
  torch::set_num_threads(KokkosRuntime::concurrency());  // Debian's LibTorch starts with one thread
  say(trainer::machine_line());  // the stage times depend on both (runtime/blas_core.hpp)

  struct StageTime {
    std::string stage;
    double wall, cpu;
  };
  std::vector<StageTime> times;
  auto timed = [&](const std::string& stage, auto&& work) {
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    say("== " + stage);
    work();
    times.push_back({stage, seconds_since(t0), cpu_seconds() - c0});
  };
  const fs::path dataset = o.out / "dataset";
  const fs::path pifuhd_folder = o.out / pifuhd_run.folder, car_folder = o.out / car_run.folder,
                 hyper_folder = o.out / hyper_run.folder;
  std::map<fs::path, std::int64_t> steps;
  {
    // Only around the stages that poll the flag: Ctrl-C during the evaluation still ends the process.
    const InterruptGuard guard;
    timed("synth", [&] { make_synthetic_subjects(o, b, guard.flag()); });
    timed("prepare", [&] { prepare_dataset(o, b, pifuhd, dataset, guard.flag()); });
    // PIFu, the single-level ablation, is the PIFuHD run as its coarse stage left it: the same
    // config without the fine level trains exactly that model (train/checkpoint.hpp).
    timed("train PIFuHD", [&] { steps[pifuhd_folder] = train_on_dataset(pifuhd_run, pifuhd, dataset, pifuhd_folder, b, {"coarse"}, guard.flag()); });
    timed("train CAR", [&] { steps[car_folder] = train_on_dataset(car_run, car, dataset, car_folder, b, {}, guard.flag()); });
    timed("train hypernetwork", [&] {
      const trainer::BodyTasks tasks(hyper);
      steps[hyper_folder] = train_run(hyper_run, hyper, trainer::task_source(tasks),
                                      std::to_string(tasks.per_epoch()) + " posed bodies per epoch", hyper_folder,
                                      b.hyper_steps, {}, guard.flag());
    });
  }

  // The runs are loaded once, when an evaluation needs them.
  std::optional<trainer::RunModel> pifu_model, pifuhd_model;
  std::optional<trainer::CarRun> car_model;
  std::optional<trainer::BodyRun> body_model;
  std::optional<trainer::HyperRun> hyper_model;
  const trainer::PreparedDataset prepared(dataset);
  const fs::path pifu_folder = trainer::snapshot_folder(pifuhd_folder, "coarse");
  const auto pifuhd_views = [&](std::optional<trainer::RunModel>& m, const fs::path& run, trainer::FieldLevel level) {
    m.emplace(trainer::load_run_model(run, torch::kCPU));
    trainer::ReconstructOptions r;
    r.resolution = b.eval_resolution;
    r.level = level;
    return trainer::pifuhd_views(*m, r);
  };
  const auto car_run_model = [&]() -> trainer::CarRun& {
    if (!car_model) car_model.emplace(trainer::load_car_run(car_folder, torch::kCPU));
    return *car_model;
  };
  const auto car_views = [&](trainer::BodyRun* estimator, const fs::path& avatars,
                             std::optional<trainer::ViewRefinement> refine = {}) {
    trainer::ReconstructOptions r;
    r.resolution = b.eval_resolution;
    return trainer::car_views(car_run_model(), prepared, estimator, r, avatars, refine);
  };
  const auto refined_views = [&](const fs::path& avatars) {
    hyper_model.emplace(trainer::load_hyper_run(hyper_folder, torch::kCPU));
    trainer::ViewRefinement refine{&*hyper_model, {}};
    refine.request.iterations = b.refine_iterations;
    refine.request.resolution = b.eval_resolution;
    return car_views(nullptr, avatars, refine);
  };
  const fs::path car_own = car_folder / "eval_gt_body", car_estimated = car_folder / "eval",
                 car_refined = car_folder / "eval_gt_body_refined";
  const std::vector<Evaluation> evaluations = {
      {"PIFu", pifu_folder / "eval", {pifuhd_folder},
       [&] { return pifuhd_views(pifu_model, pifu_folder, trainer::FieldLevel::coarse); }},
      {"PIFuHD", pifuhd_folder / "eval", {pifuhd_folder},
       [&] { return pifuhd_views(pifuhd_model, pifuhd_folder, trainer::FieldLevel::fine); }},
      {"CAR (estimated body)", car_estimated, {car_folder},
       [&] {
         body_model.emplace(trainer::body_run_of(car_run_model()));
         return car_views(&*body_model, car_estimated);
       }},
      {"CAR (own fit)", car_own, {car_folder}, [&] { return car_views(nullptr, car_own); }},
      {"CAR refined (own fit)", car_refined, {car_folder, hyper_folder}, [&] { return refined_views(car_refined); }}};
  std::vector<ModelResult> results;
  for (const Evaluation& e : evaluations) {
    timed("evaluate " + e.label, [&] {
      bool trained = false;
      for (const fs::path& run : e.runs) trained = trained || steps[run] > 0;
      if (!trained && fs::exists(metrics_file(e.folder))) {
        say("kept " + metrics_file(e.folder).string() + " (its runs are unchanged)");
        results.push_back(read_model_result(e.label, metrics_file(e.folder)));
      } else {
        results.push_back(evaluate(e, dataset, o, b));
      }
    });
  }
  write_demo_table(o.out, results);
  int drawn = 0;
  timed("contact sheet", [&] {
    drawn = draw_sheet(o, dataset, {{"PIFuHD", pifuhd_folder / "eval"}, {"CAR", car_own}, {"CAR refined", car_refined}}, car_own);
  });
#ifdef HIFA_WITH_REPORT
  timed("results page", [&] {
    std::vector<std::pair<std::string, fs::path>> methods;
    for (const Evaluation& e : evaluations) methods.emplace_back(e.label, e.folder);
    const trainer::ReportSize size =
        write_demo_report(o, dataset, methods, {pifuhd_folder, car_folder, hyper_folder}, car_own);
    say("results page " + (o.out / "report/index.html").string() + " (" + std::to_string(size.bytes / 1000000) + " MB)");
  });
#endif

  std::printf("stage times (s, wall / CPU of all threads):");
  for (const auto& t : times) std::printf(" %s %.1f / %.1f,", t.stage.c_str(), t.wall, t.cpu);
  std::printf(" total %.1f / %.1f\n", seconds_since(start), cpu_seconds() - cpu_start);
  std::printf("results in %s: report/index.html, eval_table.md, eval_table.csv, contact_sheet.png (%d test subjects reconstructed), "
              "synth/, dataset/, run_pifuhd/ (after_coarse/: PIFu), run_car/, run_hyper/ (each with "
              "loss_curves.png and its evaluations)\n",
              o.out.string().c_str(), drawn);
}

}  // namespace

void add_demo(CLI::App& app, VerbAction& action) {
  auto o = std::make_shared<DemoOptions>();
  auto* verb = app.add_subcommand(
      "demo", "PIFuHD and CAR end to end on the built-in figures: prepare, train, evaluate, contact sheet");
  verb->add_option("--out", o->out, "Output folder (a killed demo rerun into it continues)")->capture_default_str();
  verb->add_option("--data", o->data, "Folder with figures/ (scripts/fetch-data) and split.json")->capture_default_str();
  verb->add_option("--configs", o->configs, "Folder with tiny.yaml, car_tiny.yaml and hyper_tiny.yaml")
      ->capture_default_str();
  verb->add_flag("--quick", o->quick,
                 "A much smaller budget (4 views, 64-point synthetic subjects, 2 steps per stage, 32^3 grid): for tests");
  verb->add_option("--synthetic", o->synthetic,
                   "Synthetic subjects (hifa synth) added to the training split: CAR and its body stage train on them")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  verb->callback([&action, o] { action = [o] { run_demo(*o); }; });
}

}  // namespace hifa::app
