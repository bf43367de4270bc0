#pragma once
// hifa demo's comparison table: every model's metrics on each test subject (the mean over its
// views), then each model's mean over the subjects; written as OUT/eval_table.md and
// OUT/eval_table.csv (atomically) and printed.
//
//   ModelResult r = read_model_result("PIFuHD", "out/demo/run_pifuhd/eval/metrics.json");
//   write_demo_table("out/demo", {pifu, pifuhd, car_estimated, car_own_fit});
//
// Markdown: | subject | model | P2S cm | Chamfer cm | normal consistency | side IoU |, one row per
// subject and model (the first model's subject order), then one "mean" row per model; a row
// without metrics has empty cells and its problem after the last bar. CSV: the same rows,
// subject,model,p2s_cm,chamfer_cm,normal_consistency,side_iou,problem.

#include "eval_report.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hifa::app {

struct ModelResult {
  std::string label;
  std::vector<EvalRow> rows;  // per test subject
  std::optional<ReconstructionMetrics> mean;
};

// A metrics.json written by write_eval_json (hifa eval-run's, the demo's); hifa::Error naming the
// file when it is not one.
ModelResult read_model_result(const std::string& label, const std::filesystem::path& file);

void write_demo_table(const std::filesystem::path& out, const std::vector<ModelResult>& models);

}  // namespace hifa::app
