// hifa eval: reconstruction metrics (hifa/metrics/reconstruction.hpp) of predicted meshes against
// ground truth, for one pair (--pred/--gt) or every matching file stem of two folders
// (--pred-dir/--gt-dir). Prints a table on stdout, optionally a JSON report (--json, atomic).
// Folder mode: a ground-truth mesh without a prediction, or a pair that fails to load or evaluate,
// gets a row saying so; the mean is over the evaluated subjects.

#include "progress.hpp"
#include "verbs.hpp"

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/mesh/load.hpp"
#include "hifa/metrics/reconstruction.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
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

// One subject: its metrics, or why there are none.
struct Row {
  std::string name;
  std::optional<ReconstructionMetrics> metrics;
  std::string problem;
};

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

// Mean of the evaluated rows (IoU over the rows where it is defined).
std::optional<ReconstructionMetrics> mean_of(const std::vector<Row>& rows) {
  ReconstructionMetrics sum;
  int n = 0, iou_n = 0;
  double iou = 0;
  for (const auto& row : rows) {
    if (!row.metrics) continue;
    const auto& m = *row.metrics;
    sum.p2s += m.p2s;
    sum.pred_to_gt += m.pred_to_gt;
    sum.gt_to_pred += m.gt_to_pred;
    sum.chamfer += m.chamfer;
    sum.normal_consistency += m.normal_consistency;
    sum.precision += m.precision;
    sum.recall += m.recall;
    sum.fscore += m.fscore;
    if (std::isfinite(m.iou)) {
      iou += m.iou;
      ++iou_n;
    }
    ++n;
  }
  if (n == 0) return std::nullopt;
  for (double* v : {&sum.p2s, &sum.pred_to_gt, &sum.gt_to_pred, &sum.chamfer, &sum.normal_consistency,
                    &sum.precision, &sum.recall, &sum.fscore}) {
    *v /= n;
  }
  sum.iou = iou_n > 0 ? iou / iou_n : std::nan("");
  return sum;
}

void print_table(const std::vector<Row>& rows, const std::optional<ReconstructionMetrics>& mean,
                 const EvalOptions& options) {
  const bool metres = options.unit == "m";
  const std::string unit = options.unit == "other" ? "units" : options.unit;
  std::printf("%-24s %12s %12s", "subject", ("P2S " + unit).c_str(), ("Chamfer " + unit).c_str());
  if (metres) std::printf(" %10s %12s", "P2S cm", "Chamfer cm");
  char fscore[32];
  std::snprintf(fscore, sizeof fscore, "F@%g", options.metrics.fscore_threshold);
  std::printf(" %8s %10s %8s\n", "NC", fscore, "IoU");
  const auto print = [&](const std::string& name, const ReconstructionMetrics& m) {
    std::printf("%-24s %12.6f %12.6f", name.c_str(), m.p2s, m.chamfer);
    if (metres) std::printf(" %10.4f %12.4f", 100 * m.p2s, 100 * m.chamfer);
    std::printf(" %8.4f %10.4f %8.4f\n", m.normal_consistency, m.fscore, m.iou);
  };
  for (const auto& row : rows) {
    if (row.metrics) {
      print(row.name, *row.metrics);
    } else {
      std::printf("%-24s %s\n", row.name.c_str(), row.problem.c_str());
    }
  }
  if (rows.size() > 1 && mean) print("mean", *mean);
}

// A number as JSON: non-finite values (an undefined IoU) become null.
std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void write_metrics_json(std::ostream& os, const ReconstructionMetrics& m) {
  os << "{\"p2s\": " << json_number(m.p2s) << ", \"pred_to_gt\": " << json_number(m.pred_to_gt)
     << ", \"gt_to_pred\": " << json_number(m.gt_to_pred) << ", \"chamfer\": " << json_number(m.chamfer)
     << ", \"normal_consistency\": " << json_number(m.normal_consistency)
     << ", \"precision\": " << json_number(m.precision) << ", \"recall\": " << json_number(m.recall)
     << ", \"fscore\": " << json_number(m.fscore) << ", \"iou\": " << json_number(m.iou) << "}";
}

void write_json(const std::vector<Row>& rows, const std::optional<ReconstructionMetrics>& mean,
                const EvalOptions& options) {
  write_file_atomically(options.json, [&](std::ostream& os) {
    const auto& o = options.metrics;
    os << "{\n  \"unit\": " << json_string(options.unit) << ",\n  \"samples\": " << o.samples
       << ",\n  \"seed\": " << o.seed << ",\n  \"fscore_threshold\": " << json_number(o.fscore_threshold)
       << ",\n  \"iou_resolution\": " << o.iou_resolution << ",\n  \"subjects\": [";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      os << (i ? ",\n" : "\n") << "    {\"name\": " << json_string(rows[i].name) << ", ";
      if (rows[i].metrics) {
        os << "\"metrics\": ";
        write_metrics_json(os, *rows[i].metrics);
      } else {
        os << "\"problem\": " << json_string(rows[i].problem);
      }
      os << "}";
    }
    os << "\n  ],\n  \"mean\": ";
    if (mean) {
      write_metrics_json(os, *mean);
    } else {
      os << "null";
    }
    os << "\n}\n";
  });
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
  print_table(rows, mean, options);
  if (!options.json.empty()) write_json(rows, mean, options);
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
