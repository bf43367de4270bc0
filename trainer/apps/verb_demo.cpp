// hifa demo: the PIFuHD pipeline end to end on built-in data (what scripts/demo runs), into OUT:
//   0. synth     --synthetic N clothed OpenBody subjects in the poses of DATA/motion -> OUT/synth
//                (hifa synth; DATA/body/open_body.npz from scripts/fetch-data)
//   1. prepare   DATA/figures and OUT/synth as one dataset, with the fixed split DATA/split.json
//                (its five test figures; every other subject trains) at the tiny configs' image
//                sizes -> OUT/dataset (hifa prepare; complete subjects are kept on a rerun)
//   2. train     configs/tiny.yaml (PIFuHD: normal, coarse, fine) -> OUT/run_pifuhd and
//                configs/tiny_pifu.yaml (the single-level ablation) -> OUT/run_pifu (hifa train; each
//                stage capped at the budget's steps; a run folder with a checkpoint is resumed)
//   3. evaluate  both runs on the held-out figures (hifa eval-run's evaluate_run: view 0 of each)
//                -> RUN/eval/ (meshes, normal maps, metrics.json), and the comparison table
//                OUT/eval_table.md and OUT/eval_table.csv, printed too
//   4. sheet     OUT/contact_sheet.png (demo_sheet.hpp)
// then the time of each stage. Rerunning continues a killed demo: prepare skips complete subjects,
// training resumes from its checkpoints, and a run's evaluation is kept when its metrics.json exists
// and the run took no training step in this invocation. Ctrl-C (or SIGTERM) stops synth, prepare
// and training cleanly (interrupt_guard.hpp): what is complete or checkpointed stays for the rerun.
// The budget: 16 views of the 20 training figures and 8 synthetic subjects (448 items, 112 batches
// of 4 per epoch) and the configs' own epochs (tiny.yaml: normal 5, coarse 30, fine 10: 560, 3360
// and 1120 steps; 30 coarse epochs because with 10 the coarse level had not learned depth,
// docs/depth.md), a 128^3 grid. (With 20 synthetic subjects at 8 views, the same 320 items as the
// figures alone at 16, the tiny PIFuHD did worse on the real test five: the figures' views count.) Measured on this 2-core machine with little load, a step took about 0.05 s (normal), 0.08 s
// (coarse) and 0.16 s (fine); docs/demo.md has the stage times. --quick is a much smaller one for tests. The two runs train the normal nets each:
// a run folder holds one model and its optimizers, so one run's stage cannot be reused by another.

#include "demo_sheet.hpp"
#include "eval_report.hpp"
#include "interrupt_guard.hpp"
#include "prepare_with_progress.hpp"
#include "progress.hpp"
#include "synth_with_progress.hpp"
#include "verbs.hpp"

#include "config/config.hpp"
#include "data/prepared_dataset.hpp"
#include "data/view_loader.hpp"
#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/runtime.hpp"
#include "inference/eval_run.hpp"
#include "inference/run_model.hpp"
#include "prepare/dataset_writer.hpp"
#include "prepare/prepare.hpp"
#include "runtime/blas_core.hpp"
#include "synth/synth.hpp"
#include "train/train_loop.hpp"

#include <torch/torch.h>

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
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
};

DemoBudget budget(bool quick) {
  if (quick) return {4, 500, 64, 20, 32, 1};
  return {16, 2000, 128, -1, 128, 1};
}

struct RunSpec {
  std::string label;   // in the table
  std::string config;  // file under --configs
  std::string folder;  // under OUT
};
const RunSpec pifu_run{"PIFu", "tiny_pifu.yaml", "run_pifu"};
const RunSpec pifuhd_run{"PIFuHD", "tiny.yaml", "run_pifuhd"};

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

void prepare_dataset(const DemoOptions& o, const DemoBudget& b, const trainer::Config& pifuhd, const fs::path& dataset,
                     const std::atomic<bool>* interrupt) {
  prepare::PrepareOptions p;
  p.interrupt = interrupt;
  p.scans = {checked_folder(o.data / "figures", "the demo's figures: run scripts/fetch-data, or give --data")};
  if (o.synthetic > 0) p.scans.push_back(synth_folder(o));
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
  p.body_model = synth_body(o);  // the synthetic subjects' fits
  const prepare::PrepareSummary s = run_prepare_with_progress(p);
  say("prepared " + std::to_string(s.prepared) + " subjects (" + std::to_string(s.resumed) + " already complete) into " +
      dataset.string());
}

// Trains (or resumes) one run; returns the steps taken by this call.
std::int64_t train_run(const RunSpec& spec, const trainer::Config& config, const fs::path& dataset,
                       const fs::path& run, const DemoBudget& b, const std::atomic<bool>* interrupt) {
  trainer::TrainOptions t;
  t.interrupt = interrupt;
  t.run = run;
  t.resume = fs::exists(trainer::checkpoint_file(run));
  t.max_iterations = b.steps;
  const trainer::ViewLoader loader(dataset, config, "train");
  const trainer::BatchSource source = trainer::loader_source(loader, config.train.workers);
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
  say("trained " + run.string() + ": " + std::to_string(taken) + " steps in this run");
  return taken;
}

struct RunResult {
  std::vector<EvalRow> rows;  // per test subject
  std::optional<ReconstructionMetrics> mean;
};

fs::path metrics_file(const fs::path& run) { return run / "eval" / "metrics.json"; }

RunResult read_metrics(const fs::path& file) {
  const prepare::Json j = prepare::read_json(file);
  RunResult r;
  try {
    for (const auto& s : j.at("subjects")) {
      EvalRow row{s.at("name").get<std::string>(), std::nullopt, ""};
      if (s.contains("metrics")) {
        const auto& m = s.at("metrics");
        ReconstructionMetrics v;
        v.p2s = m.at("p2s").get<double>();
        v.chamfer = m.at("chamfer").get<double>();
        v.normal_consistency = m.at("normal_consistency").get<double>();
        const auto side = m.find("side_iou");  // null where undefined
        v.side_iou = side != m.end() && side->is_number() ? side->get<double>() : std::nan("");
        row.metrics = v;
      } else {
        row.problem = s.at("problem").get<std::string>();
      }
      r.rows.push_back(row);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.string(), std::string("not the demo's metrics file: ") + e.what());
  }
  r.mean = mean_of(r.rows);
  return r;
}

// hifa eval-run's evaluation of one run on the test split (RUN/eval/), the mean of each subject's
// views as its row; kept in RUN/eval/metrics.json.
RunResult evaluate(const RunSpec& spec, const fs::path& run_folder, const fs::path& dataset, const DemoOptions& o,
                   const DemoBudget& b) {
  trainer::RunModel run = trainer::load_run_model(run_folder, torch::kCPU);
  trainer::EvalRunOptions e;
  e.data = dataset;
  e.scans = {o.data / "figures"};  // the test five are figures
  e.out = run_folder / "eval";
  e.views_per_subject = b.eval_views;
  e.reconstruct.resolution = b.eval_resolution;
  std::error_code ec;
  fs::create_directories(e.out, ec);
  if (ec) throw Error(e.out.string(), "cannot create the folder: " + ec.message());
  Progress progress("evaluate " + spec.label, trainer::evaluation_views(e));
  const auto views = trainer::evaluate_run(trainer::pifuhd_views(run, e.reconstruct), e,
                                           [&](const trainer::ViewEvaluation&) { progress.advance(); });
  progress.finish();
  std::vector<std::string> order;
  std::map<std::string, std::vector<EvalRow>> by_subject;
  for (const auto& v : views) {
    if (by_subject.find(v.subject) == by_subject.end()) order.push_back(v.subject);
    by_subject[v.subject].push_back({v.subject, v.metrics, v.problem});
  }
  RunResult r;
  for (const auto& name : order) {
    const auto mean = mean_of(by_subject[name]);
    r.rows.push_back({name, mean, mean ? "" : "failed: " + by_subject[name].front().problem});
  }
  r.mean = mean_of(r.rows);
  write_eval_json(metrics_file(run_folder), r.rows, r.mean, "cm", e.metrics);
  return r;
}

std::string cell(const std::optional<ReconstructionMetrics>& m, double ReconstructionMetrics::*field, int digits) {
  if (!m || !std::isfinite((*m).*field)) return "";  // no row, or an undefined IoU
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, (*m).*field);
  return text;
}

// The comparison: one row per test subject (PIFu's order), then the mean; markdown and CSV.
void write_table(const fs::path& out, const RunResult& pifu, const RunResult& pifuhd) {
  struct Line {
    std::string name;
    std::optional<ReconstructionMetrics> a, b;
    std::string problem;
  };
  std::vector<Line> lines;
  for (std::size_t i = 0; i < pifu.rows.size(); ++i) {
    Line l{pifu.rows[i].name, pifu.rows[i].metrics, std::nullopt, pifu.rows[i].problem};
    for (const auto& row : pifuhd.rows) {
      if (row.name != l.name) continue;
      l.b = row.metrics;
      if (!row.problem.empty()) l.problem += (l.problem.empty() ? "" : "; ") + std::string("PIFuHD ") + row.problem;
    }
    lines.push_back(l);
  }
  lines.push_back({"mean", pifu.mean, pifuhd.mean, ""});
  const std::pair<double ReconstructionMetrics::*, int> columns[] = {
      {&ReconstructionMetrics::p2s, 3},
      {&ReconstructionMetrics::chamfer, 3},
      {&ReconstructionMetrics::normal_consistency, 4},
      {&ReconstructionMetrics::side_iou, 3}};

  std::ostringstream md;
  md << "| subject | P2S cm PIFu | P2S cm PIFuHD | Chamfer cm PIFu | Chamfer cm PIFuHD | normal consistency PIFu | "
        "normal consistency PIFuHD | side IoU PIFu | side IoU PIFuHD |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& l : lines) {
    md << "| " << l.name;
    for (const auto& [field, digits] : columns) md << " | " << cell(l.a, field, digits) << " | " << cell(l.b, field, digits);
    md << " |" << (l.problem.empty() ? "" : " " + l.problem) << "\n";
  }
  write_file_atomically(out / "eval_table.md", [&](std::ostream& os) { os << md.str(); });
  write_file_atomically(out / "eval_table.csv", [&](std::ostream& os) {
    os << "subject,pifu_p2s_cm,pifuhd_p2s_cm,pifu_chamfer_cm,pifuhd_chamfer_cm,pifu_normal_consistency,"
          "pifuhd_normal_consistency,pifu_side_iou,pifuhd_side_iou,problem\n";
    for (const auto& l : lines) {
      os << l.name;
      for (const auto& [field, digits] : columns) os << ',' << cell(l.a, field, 6) << ',' << cell(l.b, field, 6);
      std::string problem = l.problem;
      for (char& c : problem) c = c == ',' || c == '"' || c == '\n' ? ' ' : c;  // one plain cell
      os << ',' << problem << "\n";
    }
  });
  std::printf("\n%s\n", md.str().c_str());
}

void run_demo(const DemoOptions& o) {
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  checked_folder(o.data, "the demo's data: run scripts/fetch-data, or give --data DIR holding figures/ and split.json");
  const DemoBudget b = budget(o.quick);
  if (o.synthetic > 0) {
    const fs::path body = synth_body(o);
    std::error_code ec;
    if (!fs::is_regular_file(body, ec)) {
      throw Error(body.string(), "no such file (the synthetic subjects' body, OpenBody: run scripts/fetch-data, or "
                                 "give --synthetic 0)");
    }
  }
  // Both configs first: a bad one is found before any work.
  const trainer::Config pifuhd = trainer::load_config(o.configs / pifuhd_run.config);
  const trainer::Config pifu = trainer::load_config(o.configs / pifu_run.config);
  if (!pifuhd.fine) throw Error((o.configs / pifuhd_run.config).string(), "model.type must be pifuhd");
  if (pifu.fine) throw Error((o.configs / pifu_run.config).string(), "model.type must be pifu");
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
  std::map<std::string, std::int64_t> steps;
  {
    // Only around the stages that poll the flag: Ctrl-C during the evaluation still ends the process.
    const InterruptGuard guard;
    if (o.synthetic > 0) timed("synth", [&] { make_synthetic_subjects(o, b, guard.flag()); });
    timed("prepare", [&] { prepare_dataset(o, b, pifuhd, dataset, guard.flag()); });
    for (const auto* spec : {&pifuhd_run, &pifu_run}) {
      const trainer::Config& config = spec == &pifuhd_run ? pifuhd : pifu;
      timed("train " + spec->label, [&] { steps[spec->folder] = train_run(*spec, config, dataset, o.out / spec->folder, b, guard.flag()); });
    }
  }
  std::map<std::string, RunResult> results;
  for (const auto* spec : {&pifuhd_run, &pifu_run}) {
    const fs::path run = o.out / spec->folder;
    timed("evaluate " + spec->label, [&] {
      if (steps[spec->folder] == 0 && fs::exists(metrics_file(run))) {
        say("kept " + metrics_file(run).string() + " (the run is unchanged)");
        results[spec->folder] = read_metrics(metrics_file(run));
      } else {
        results[spec->folder] = evaluate(*spec, run, dataset, o, b);
      }
    });
  }
  write_table(o.out, results[pifu_run.folder], results[pifuhd_run.folder]);
  int drawn = 0;
  timed("contact sheet", [&] {
    drawn = write_demo_sheet(o.out / "contact_sheet.png", trainer::PreparedDataset(dataset),
                             o.out / pifuhd_run.folder / "eval", 0);
  });

  std::printf("stage times (s, wall / CPU of all threads):");
  for (const auto& t : times) std::printf(" %s %.1f / %.1f,", t.stage.c_str(), t.wall, t.cpu);
  std::printf(" total %.1f / %.1f\n", seconds_since(start), cpu_seconds() - cpu_start);
  std::printf("results in %s: eval_table.md, eval_table.csv, contact_sheet.png (%d test subjects reconstructed), "
              "synth/, dataset/, run_pifuhd/, run_pifu/ (each with loss_curves.png and eval/)\n",
              o.out.string().c_str(), drawn);
}

}  // namespace

void add_demo(CLI::App& app, VerbAction& action) {
  auto o = std::make_shared<DemoOptions>();
  auto* verb = app.add_subcommand(
      "demo", "PIFuHD end to end on the built-in figures: prepare, train PIFu and PIFuHD, evaluate, contact sheet");
  verb->add_option("--out", o->out, "Output folder (a killed demo rerun into it continues)")->capture_default_str();
  verb->add_option("--data", o->data, "Folder with figures/ (scripts/fetch-data) and split.json")->capture_default_str();
  verb->add_option("--configs", o->configs, "Folder with tiny.yaml and tiny_pifu.yaml")->capture_default_str();
  verb->add_flag("--quick", o->quick,
                 "A much smaller budget (4 views, 64-point synthetic subjects, 2 steps per stage, 32^3 grid): for tests");
  verb->add_option("--synthetic", o->synthetic, "Synthetic subjects (hifa synth) added to the training split")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  verb->callback([&action, o] { action = [o] { run_demo(*o); }; });
}

}  // namespace hifa::app
