#include "report_sources.hpp"

#include "demo_table.hpp"

#include "data/prepared_dataset.hpp"
#include "hifa/core/error.hpp"
#include "hifa/mesh/load.hpp"
#include "inference/eval_run.hpp"

#include <algorithm>
#include <optional>

namespace hifa::app {

namespace fs = std::filesystem;

namespace {

// "<subject>_<view>.obj" files of an evaluation folder, sorted: (subject, view name).
std::vector<std::pair<std::string, std::string>> evaluated_views(const fs::path& folder) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (!e.is_regular_file() || e.path().extension() != ".obj") continue;
    const std::string stem = e.path().stem().string();
    const std::size_t cut = stem.rfind('_');
    if (cut == std::string::npos || cut == 0) continue;
    out.emplace_back(stem.substr(0, cut), stem.substr(cut + 1));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The evaluations inside run folders, when no method is named: each <run>/eval*/ and
// <run>/<snapshot>/eval*/ holding metrics.json, labelled "<run>", "<run> eval_gt_body",
// "<run>/<snapshot>", in name order.
std::vector<std::pair<std::string, fs::path>> evaluations_in(const std::vector<fs::path>& runs) {
  std::vector<std::pair<std::string, fs::path>> out;
  const auto add = [&](const std::string& label, const fs::path& folder) {
    std::vector<fs::path> evals;
    for (const auto& e : fs::directory_iterator(folder))
      if (e.is_directory() && e.path().filename().string().starts_with("eval") && fs::is_regular_file(e.path() / "metrics.json"))
        evals.push_back(e.path());
    std::sort(evals.begin(), evals.end());
    for (const fs::path& e : evals) out.emplace_back(label + (e.filename() == "eval" ? "" : " " + e.filename().string()), e);
  };
  for (const fs::path& run : runs) {
    add(folder_name(run), run);
    std::vector<fs::path> snapshots;
    for (const auto& e : fs::directory_iterator(run))
      if (e.is_directory() && fs::is_regular_file(e.path() / "config.yaml")) snapshots.push_back(e.path());
    std::sort(snapshots.begin(), snapshots.end());
    for (const fs::path& s : snapshots) add(folder_name(run) + "/" + s.filename().string(), s);
  }
  return out;
}

fs::path existing(const fs::path& file) { return fs::is_regular_file(file) ? file : fs::path(); }

trainer::ReportTable metrics_table(const ReportSources& s) {
  trainer::ReportTable t;
  // The columns of hifa demo's eval_table.md.
  t.columns = {"P2S cm", "Chamfer cm", "normal consistency", "side IoU"};
  t.lower_is_better = {true, true, false, false};
  t.caption = "The mean over the test subjects (PIFuHD's protocol: P2S from the reconstruction to the scan, Chamfer "
              "both ways; side IoU: silhouettes from 90 degrees).";
  for (const auto& [label, folder] : s.methods) {
    const ModelResult r = read_model_result(label, folder / "metrics.json");
    trainer::ReportTable::Row row{label, {}};
    if (r.mean) {
      const ReconstructionMetrics& m = *r.mean;
      row.values = {m.p2s, m.chamfer, m.normal_consistency, m.side_iou};
    } else {
      row.values.assign(t.columns.size(), std::nullopt);
    }
    t.rows.push_back(row);
  }
  return t;
}

}  // namespace

std::string folder_name(const fs::path& path) {
  return path.has_filename() ? path.filename().string() : path.parent_path().filename().string();
}

trainer::ReportPage gather_report(const ReportSources& given) {
  ReportSources s = given;
  for (const fs::path& run : s.runs) {
    if (!fs::is_directory(run)) throw Error(run.string(), "no such run folder");
  }
  if (s.methods.empty()) s.methods = evaluations_in(s.runs);
  trainer::ReportPage page;
  page.title = s.title;
  for (const auto& [label, folder] : s.methods) {
    if (!fs::is_regular_file(folder / "metrics.json")) {
      throw Error(folder.string(), "no metrics.json: not an evaluation folder (hifa eval-run --out, or a run's eval/)");
    }
  }
  page.table = metrics_table(s);
  std::optional<trainer::PreparedDataset> dataset;
  if (!s.data.empty()) dataset.emplace(s.data);

  if (!s.methods.empty()) {
    int shown = 0;
    std::string last_subject;
    for (const auto& [subject, view] : evaluated_views(s.methods.front().second)) {
      if (subject == last_subject) continue;  // one view per subject
      if (shown++ >= s.max_subjects) break;
      last_subject = subject;
      const std::string stem = subject + "_" + view;
      trainer::ReportSubject row;
      row.name = subject + ", view " + view;
      for (const auto& [label, folder] : s.methods) {
        if (fs::is_regular_file(folder / (stem + ".obj"))) row.meshes.push_back({label, load_mesh(folder / (stem + ".obj"))});
        if (row.normal_front.empty()) {
          row.normal_front = existing(folder / (stem + "_normal_front.png"));
          row.normal_back = existing(folder / (stem + "_normal_back.png"));
        }
      }
      if (dataset) {
        const fs::path views = dataset->subject_folder(subject) / (dataset->fine_resolution() > 0 ? "fine/image" : "image");
        row.image = existing(views / (view + ".png"));
        if (!s.scans.empty()) {
          int index = -1;
          for (int v = 0; v < dataset->views(); ++v)
            if (dataset->view_name(v) == view) index = v;
          if (index < 0) throw Error(s.data.string(), "has no view '" + view + "' of " + subject);
          row.meshes.push_back({"ground truth", trainer::ground_truth_in_view(*dataset, s.scans, subject, index)});
        }
      }
      page.subjects.push_back(std::move(row));
    }
  }
  for (const auto& [label, glb] : s.avatars) {
    if (!fs::is_regular_file(glb)) throw Error(glb.string(), "no such avatar GLB (hifa animate writes animation.glb)");
    page.avatars.push_back({label, glb});
  }
  for (const fs::path& run : s.runs) {
    const fs::path png = run / "loss_curves.png";
    if (!fs::is_regular_file(png)) throw Error(run.string(), "has no loss_curves.png: not a run folder of hifa train");
    page.curves.push_back({folder_name(run), png});
  }
  return page;
}

}  // namespace hifa::app
