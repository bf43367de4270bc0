// hifa eval-run: a trained run on the test split of a prepared dataset (trainer/inference/
// eval_run.hpp). Prints P2S, Chamfer (cm) and normal consistency per test subject (the mean over its
// views) and their mean, and writes RUN/eval/metrics.{csv,json}, RUN/eval/views.csv (one row per
// view) and the reconstructions RUN/eval/<subject>_<view>.obj with their normal maps (RUN/eval_coarse/
// for --level coarse on a two-level model). A CAR run is evaluated in posed space with the body found in
// each image by its own body stage or by --body-run (RUN/eval/), or with the subjects' own fits
// (--gt-body: RUN/eval_gt_body/);
// each view's avatar (canonical.obj, weights.npy: hifa animate reposes it) goes to <subject>_<view>_avatar/ there.
// --refine HYPER_RUN refines each CAR view first (CAR's posed-space refinement, docs/refine.md): the
// results go to that folder's name + _refined (_refined_random for --refine-init random), each
// avatar folder with its refine_log.csv.

#include "eval_report.hpp"
#include "progress.hpp"
#include "refine_steps.hpp"
#include "verbs.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/runtime.hpp"
#include "inference/body_run.hpp"
#include "inference/car_reconstruct.hpp"
#include "inference/eval_run.hpp"
#include "inference/run_model.hpp"
#include "runtime/heap.hpp"

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace hifa::app {
namespace {

namespace fs = std::filesystem;

struct EvalRunVerbOptions {
  fs::path run, body_run;
  bool gt_body = false;
  std::string level = "auto", device = "cpu";
  RefineOptions refine;
  trainer::EvalRunOptions eval;
};

std::vector<trainer::ViewEvaluation> evaluate_views(EvalRunVerbOptions& options, const trainer::ViewReconstructor& views) {
  std::error_code ec;
  fs::create_directories(options.eval.out, ec);
  if (ec) throw Error(options.eval.out.string(), "cannot create the folder: " + ec.message());
  Progress progress("eval-run", trainer::evaluation_views(options.eval));
  auto results = trainer::evaluate_run(views, options.eval, [&](const trainer::ViewEvaluation&) { progress.advance(); });
  progress.finish();
  return results;
}

// A CAR run: posed space, with the body from each image (its own estimator or --body-run) or the
// subject's own fit.
std::vector<trainer::ViewEvaluation> evaluate_car(EvalRunVerbOptions& options, torch::Device device) {
  if (options.gt_body && !options.body_run.empty()) {
    throw Error("--body-run", "and --gt-body are two ways to pose the CAR run: give one of them");
  }
  if (!options.gt_body && options.body_run.empty() && !trainer::read_run_config(options.run).body_net) {
    throw Error("--body-run", options.run.string() + " is a CAR run without a body stage: give --body-run BODY_RUN (the "
                                                     "body found in each image) or --gt-body (the subjects' own fits)");
  }
  trainer::CarRun run = trainer::load_car_run(options.run, device);
  const trainer::PreparedDataset dataset(options.eval.data);
  std::optional<trainer::BodyRun> body;
  if (!options.body_run.empty()) body = trainer::load_body_run(options.body_run, device);
  else if (!options.gt_body) body = trainer::body_run_of(run);
  std::string folder = options.gt_body ? "eval_gt_body" : "eval";
  std::optional<trainer::HyperRun> hyper;
  std::optional<trainer::ViewRefinement> refine;
  if (!options.refine.run.empty()) {
    hyper = trainer::load_hyper_run(options.refine.run, device);
    refine = trainer::ViewRefinement{&*hyper, options.refine.request(options.eval.reconstruct.resolution)};
    folder += refine->request.init == trainer::RefineInit::hyper ? "_refined" : "_refined_random";
    // The refinement frees and reallocates the same tensors every step: keep them in the heap (runtime/heap.hpp).
    trainer::keep_freed_memory();
  }
  options.eval.out = options.run / folder;
  return evaluate_views(options, trainer::car_views(run, dataset, body ? &*body : nullptr, options.eval.reconstruct,
                                                    options.eval.out, refine));
}

void run_eval_run(EvalRunVerbOptions options) {
  torch::set_num_threads(KokkosRuntime::concurrency());  // Debian's LibTorch starts with one
  const torch::Device device = trainer::parse_device(options.device);
  std::vector<trainer::ViewEvaluation> views;
  if (trainer::read_run_config(options.run).model_type == "car") {
    views = evaluate_car(options, device);
  } else {
    if (options.gt_body || !options.body_run.empty()) throw Error("--gt-body", "and --body-run are for CAR runs");
    if (!options.refine.run.empty()) throw Error("--refine", "is for CAR runs; " + options.run.string() + " is not one");
    trainer::RunModel run = trainer::load_run_model(options.run, device);
    options.eval.reconstruct.level = trainer::field_level_named(options.level);
    // The coarse level of a two-level model is a diagnosis: its results go beside the model's own.
    const bool below_finest = trainer::resolve_level(run, options.eval.reconstruct) == trainer::FieldLevel::coarse &&
                              run.model->has_fine();
    options.eval.out = options.run / (below_finest ? "eval_coarse" : "eval");
    views = evaluate_views(options, trainer::pifuhd_views(run, options.eval.reconstruct));
  }

  // Per view, then per subject (the mean of its evaluated views) in the split's order.
  std::vector<EvalRow> view_rows, subject_rows;
  std::map<std::string, std::vector<EvalRow>> by_subject;
  std::vector<std::string> order;
  for (const auto& v : views) {
    EvalRow row{v.subject + "/" + std::to_string(v.view), v.metrics, v.problem};
    view_rows.push_back(row);
    if (by_subject.find(v.subject) == by_subject.end()) order.push_back(v.subject);
    by_subject[v.subject].push_back(row);
  }
  for (const auto& name : order) {
    const auto mean = mean_of(by_subject[name]);
    subject_rows.push_back({name, mean, mean ? "" : "failed: " + by_subject[name].front().problem});
  }
  const auto mean = mean_of(subject_rows);
  print_eval_table(subject_rows, mean, "cm", options.eval.metrics);
  write_eval_csv(options.eval.out / "metrics.csv", subject_rows, mean);
  write_eval_json(options.eval.out / "metrics.json", subject_rows, mean, "cm", options.eval.metrics);
  write_eval_csv(options.eval.out / "views.csv", view_rows, mean_of(view_rows));
}

}  // namespace

void add_eval_run(CLI::App& app, VerbAction& action) {
  auto options = std::make_shared<EvalRunVerbOptions>();
  auto* verb = app.add_subcommand(
      "eval-run", "Reconstruct the test views of a prepared dataset with a run; P2S, Chamfer (cm), normal consistency");
  verb->add_option("--run", options->run, "Run folder written by hifa train; results go to RUN/eval/")->required();
  verb->add_option("--data", options->eval.data, "Dataset written by hifa prepare (its test split)")->required();
  verb->add_option("--scans", options->eval.scans,
                   "The scans folders the dataset was prepared from, repeatable (ground truth: subject.json's source)")
      ->required();
  verb->add_option("--res", options->eval.reconstruct.resolution, "Grid cells per axis")
      ->check(CLI::Range(2, 2048))
      ->capture_default_str();
  verb->add_option("--views", options->eval.views_per_subject, "Views per test subject, evenly spread in yaw")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  verb->add_option("--samples", options->eval.metrics.samples, "Surface samples per mesh")
      ->check(CLI::Range(std::size_t(1), std::size_t(1) << 30))
      ->capture_default_str();
  verb->add_flag("--gt-normals", options->eval.ground_truth_normals,
                 "Condition on each view's rendered normal maps instead of the normal nets' (the oracle)");
  verb->add_option("--level", options->level,
                   "Field level: coarse, fine, or auto (fine when the model has it); a two-level model's coarse "
                   "level writes RUN/eval_coarse/")
      ->check(CLI::IsMember({"auto", "coarse", "fine"}))
      ->capture_default_str();
  verb->add_option("--body-run", options->body_run,
                   "CAR runs: a body-estimator run (model.type body) that finds each view's body instead of the CAR run's own "
                   "body stage (results: RUN/eval/)");
  verb->add_flag("--gt-body", options->gt_body, "CAR runs: pose with the subjects' own fits (results: RUN/eval_gt_body/)");
  add_refine_options(verb, options->refine,
                     "CAR runs: refine each view with this hypernetwork run (model.type hyper) before measuring it "
                     "(results: the folder's name + _refined, _refined_random with --refine-init random)");
  verb->add_option("--device", options->device, "cpu, cuda or cuda:N")->capture_default_str();
  verb->callback([&action, options] { action = [options] { run_eval_run(*options); }; });
}

}  // namespace hifa::app
