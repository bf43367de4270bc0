// hifa eval: reconstruction metrics (hifa/metrics/reconstruction.hpp) of predicted meshes against
// ground truth, for one pair (--pred/--gt) or every matching file stem of two folders
// (--pred-dir/--gt-dir). Prints a table on stdout, optionally a JSON report (--json, atomic).
// Folder mode: a ground-truth mesh without a prediction, or a pair that fails to load or evaluate,
// gets a row saying so; the mean is over the evaluated subjects.

#include "eval_report.hpp"
#include "progress.hpp"
#include "verbs.hpp"

#include "hifa/core/error.hpp"
#include "hifa/mesh/load.hpp"
#include "hifa/metrics/reconstruction.hpp"

#include <cctype>
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

struct EvalOptions {
  fs::path pred, gt, pred_dir, gt_dir, json;
  std::string unit = "other";  // m: distances also printed in cm
  MetricOptions metrics;
};

using Row = EvalRow;  // one subject: its metrics, or why there are none

// The .obj / .ply files of `dir` by stem; two files with one stem are an error.
std::map<std::string, fs::path> meshes_by_stem(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir.string(), "no such folder");
  std::map<std::string, fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string extension = entry.path().extension().string();
    for (char& c : extension) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (!entry.is_regular_file() || (extension != ".obj" && extension != ".ply")) continue;
    const auto [it, inserted] = found.emplace(entry.path().stem().string(), entry.path());
    if (!inserted) {
      throw Error(dir.string(), "two meshes named '" + it->first + "': " + it->second.filename().string() +
                                    " and " + entry.path().filename().string());
    }
  }
  if (ec) throw Error(dir.string(), "cannot list the folder: " + ec.message());
  return found;
}

Row evaluate_pair(const std::string& name, const fs::path& pred, const fs::path& gt, const MetricOptions& options) {
  const auto pred_mesh = load_mesh(pred);
  const auto gt_mesh = load_mesh(gt);
  try {
    return {name, evaluate_reconstruction(pred_mesh, gt_mesh, options), ""};
  } catch (const Error& e) {
    throw Error(pred.string() + " vs " + gt.string(), e.what());
  }
}

std::vector<Row> evaluate_folders(const EvalOptions& options) {
  const auto preds = meshes_by_stem(options.pred_dir);
  const auto gts = meshes_by_stem(options.gt_dir);
  if (gts.empty()) throw Error(options.gt_dir.string(), "no .obj or .ply meshes in the folder");
  std::vector<Row> rows;
  Progress progress("eval", gts.size());
  for (const auto& [name, gt] : gts) {
    const auto pred = preds.find(name);
    if (pred == preds.end()) {
      rows.push_back({name, std::nullopt, "missing: no prediction in " + options.pred_dir.string()});
    } else {
      try {
        rows.push_back(evaluate_pair(name, pred->second, gt, options.metrics));
      } catch (const Error& e) {
        rows.push_back({name, std::nullopt, std::string("failed: ") + e.what()});
      }
    }
    progress.advance();
  }
  progress.finish();
  return rows;
}

void run_eval(const EvalOptions& options) {
  const bool folders = !options.pred_dir.empty();
  const std::vector<Row> rows =
      folders ? evaluate_folders(options)
              : std::vector<Row>{evaluate_pair(options.pred.stem().string(), options.pred, options.gt, options.metrics)};
  const auto mean = mean_of(rows);
  print_eval_table(rows, mean, options.unit, options.metrics);
  if (!options.json.empty()) write_eval_json(options.json, rows, mean, options.unit, options.metrics);
}

}  // namespace

void add_eval(CLI::App& app, VerbAction& action) {
  auto options = std::make_shared<EvalOptions>();
  auto* verb = app.add_subcommand(
      "eval", "Reconstruction metrics (P2S, Chamfer, normal consistency, F-score, IoU) of predictions vs ground truth");
  auto* pred = verb->add_option("--pred", options->pred, "Predicted mesh (.obj/.ply)");
  auto* gt = verb->add_option("--gt", options->gt, "Ground-truth mesh (.obj/.ply)");
  auto* pred_dir = verb->add_option("--pred-dir", options->pred_dir, "Folder of predicted meshes, matched by file stem");
  auto* gt_dir = verb->add_option("--gt-dir", options->gt_dir, "Folder of ground-truth meshes, one row each");
  pred->needs(gt)->excludes(pred_dir)->excludes(gt_dir);
  gt->needs(pred);
  pred_dir->needs(gt_dir);
  gt_dir->needs(pred_dir);
  verb->add_option("--samples", options->metrics.samples, "Surface samples per mesh")
      ->check(CLI::Range(std::size_t(1), std::size_t(1) << 30))
      ->capture_default_str();
  verb->add_option("--seed", options->metrics.seed, "Sampling seed")->capture_default_str();
  verb->add_option("--fscore-threshold", options->metrics.fscore_threshold, "F-score distance threshold, mesh units")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  verb->add_option("--iou-resolution", options->metrics.iou_resolution, "IoU grid points per axis")
      ->check(CLI::Range(2, 1024))
      ->capture_default_str();
  verb->add_option("--unit", options->unit, "Mesh unit: m (distances also shown in cm), cm, mm or other")
      ->check(CLI::IsMember({"m", "cm", "mm", "other"}))
      ->capture_default_str();
  verb->add_option("--json", options->json, "Also write the results as JSON to this file");
  verb->callback([&action, options] {
    if (options->pred.empty() && options->pred_dir.empty()) {
      throw CLI::RequiredError("--pred/--gt or --pred-dir/--gt-dir");
    }
    action = [options] { run_eval(*options); };
  });
}

}  // namespace hifa::app
