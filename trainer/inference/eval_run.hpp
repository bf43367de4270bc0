#pragma once
// A trained run against the test split of a prepared dataset (hifa eval-run): every chosen test
// view reconstructed (reconstruct.hpp) and compared with the subject's ground-truth scan.
//
//   EvalRunOptions o{.data = "DATASET", .scans = {"scans/"}};
//   std::vector<ViewEvaluation> v = evaluate_run(pifuhd_views(run, o.reconstruct), o, [](const ViewEvaluation&) { ... });
//   evaluate_run(car_views(car_run, dataset, nullptr, o.reconstruct), o);      // CAR, the subjects' own fits
//   evaluate_run(car_views(car_run, dataset, &body_run, o.reconstruct), o);    // CAR, the body from the image
//   evaluate_run(car_views(car_run, dataset, nullptr, o.reconstruct, {}, ViewRefinement{&hyper_run}), o);  // refined
//
// Ground truth: the dataset keeps no mesh, only where the scan came from (subject.json "source",
//   relative to a folder given to `hifa prepare --scans`, hence `scans`). The scan is loaded and
//   cleaned exactly as prepare did (prepare/normalize.hpp load_scan, with subject.json's unit), and
//   refused when its normalization differs from the one recorded (another file under that name).
// Reconstructions: a PIFuHD/PIFu run's mesh (reconstruct.hpp), or a CAR run's posed mesh
//   (car_reconstruct.hpp) with the body the papers report CAR with -- the subject's own fit moved
//   into the view (subject_to_view · posed_to_normalized), or the body found in the image by a body
//   run (body_run.hpp body_from_image: the estimate and the test-time fit to the view's mask and the
//   CAR run's predicted normal maps).
// Frames and units: the reconstruction is in the view's normalized frame n = scale R (w - centre)
//   (docs/dataset.md); both meshes are compared in centimetres in the view's orientation:
//   gt_cm = cm_per_unit R (w - centre), pred_cm = cm_per_unit n / scale. Metrics: PIFuHD's protocol
//   (hifa/metrics/reconstruction.hpp: P2S from the reconstruction to the scan, Chamfer the mean of
//   both directions, 3D normal consistency), F-score at `metrics.fscore_threshold` cm.
// Views: `views_per_subject` of each test subject, evenly spread: views floor(k V / K), k < K (with
//   K = 4 and V a multiple of 4: yaw 0, 90, 180, 270). Input: the fine image (fine/image/<view>.png)
//   when the dataset has one, else image/<view>.png, with its mask. With ground_truth_normals the
//   view's rendered normal maps replace the normal nets' prediction (the oracle: how far the
//   implicit function gets with perfect normals).
// A view that fails (unreadable file, empty reconstruction) is reported with its problem; a missing
//   --scans folder, a dataset without a test split or a scan that is not the prepared one throws.

#include "data/prepared_dataset.hpp"
#include "hifa/metrics/reconstruction.hpp"
#include "inference/body_run.hpp"
#include "inference/car_refine.hpp"
#include "inference/car_reconstruct.hpp"
#include "inference/reconstruct.hpp"
#include "inference/run_model.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hifa::trainer {

struct EvalRunOptions {
  std::filesystem::path data;               // the prepared dataset
  std::vector<std::filesystem::path> scans; // the scans folders it was prepared from
  std::filesystem::path out;                // where the meshes go (<subject>_<view>.obj); empty: none
  int views_per_subject = 4;
  bool ground_truth_normals = false;        // the view's own normal maps instead of the normal nets'
  ReconstructOptions reconstruct;
  MetricOptions metrics = [] {
    MetricOptions m;
    m.fscore_threshold = 1.0;  // cm
    return m;
  }();
};

struct ViewEvaluation {
  std::string subject;
  int view = 0;
  std::optional<ReconstructionMetrics> metrics;  // centimetres
  std::string problem;
  double seconds = 0;  // reconstruction
};

// One test view -> its reconstruction in the view's normalized frame (mesh and the normal maps
// used); `truth` is the view's own normal maps with ground_truth_normals, else null.
using ViewReconstructor = std::function<Reconstruction(const ViewItem& item, const ViewMaps& maps, const GivenNormals* truth)>;

// CAR's refinement of each view (car_refine.hpp refine_avatar) before it is measured: the refined
// posed mesh replaces the posed CAR mesh. `run` must outlive the ViewReconstructor.
struct ViewRefinement {
  HyperRun* run = nullptr;
  RefineRequest request;
};

ViewReconstructor pifuhd_views(RunModel& run, const ReconstructOptions& options);
// body_run null: the subjects' own fits (an error names a subject without one), else each view's body
// found in its image (car_image_body.hpp). `avatars` set:
// each view's animatable avatar is also kept, AVATARS/<subject>_<view>_avatar/ (write_avatar; refined:
// the refined avatar and its refine_log.csv). `refine` set: each view refined.
ViewReconstructor car_views(CarRun& run, const PreparedDataset& dataset, BodyRun* body_run, const ReconstructOptions& options,
                            const std::filesystem::path& avatars = {}, std::optional<ViewRefinement> refine = {});

// Throws hifa::Error for the problems named above; `done` is called after each view.
std::vector<ViewEvaluation> evaluate_run(const ViewReconstructor& reconstruct_view, const EvalRunOptions& options,
                                         const std::function<void(const ViewEvaluation&)>& done = {});

// How many views evaluate_run will reconstruct (for progress bars).
std::size_t evaluation_views(const EvalRunOptions& options);

// The ground-truth scan of one test view in the view's normalized frame, where its reconstruction
// lies (hifa report shows them side by side): loaded, cleaned and checked as evaluate_run does.
TriMeshf ground_truth_in_view(const PreparedDataset& dataset, const std::vector<std::filesystem::path>& scans,
                              const std::string& subject, int view);

}  // namespace hifa::trainer
