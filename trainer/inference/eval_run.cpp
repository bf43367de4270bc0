#include "inference/eval_run.hpp"

#include "data/image_tensor.hpp"
#include "data/prepared_dataset.hpp"
#include "hifa/core/error.hpp"
#include "inference/car_image_body.hpp"
#include "prepare/dataset_writer.hpp"
#include "prepare/normalize.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <system_error>

namespace hifa::trainer {
namespace fs = std::filesystem;
namespace {

// What subject.json says about the scan and its normalization.
struct SubjectRecord {
  std::string source, unit;
  double cm_per_unit = 1, scale = 1;
  Vec3f centre = Vec3f::Zero();
};

SubjectRecord read_subject(const fs::path& file) {
  const prepare::Json j = prepare::read_json(file);
  try {
    SubjectRecord s;
    s.source = j.at("source").get<std::string>();
    s.unit = j.at("unit").get<std::string>();
    s.cm_per_unit = j.at("cm_per_unit").get<double>();
    const auto& n = j.at("normalization");
    s.scale = n.at("scale").get<double>();
    for (int a = 0; a < 3; ++a) s.centre[a] = n.at("centre").at(std::size_t(a)).get<float>();
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.string(), std::string("missing or malformed field: ") + e.what());
  }
}

// The cleaned scan in centimetres, centred at the normalization centre (subject orientation).
// The scan is the first of the --scans folders holding the source (a subject's source names it,
// so two folders cannot both hold another subject's file under it).
TriMeshf ground_truth_cm(const std::string& name, const SubjectRecord& s, const std::vector<fs::path>& scans) {
  fs::path mesh;
  std::error_code ec;
  for (const fs::path& folder : scans) {
    if (mesh.empty() && fs::is_regular_file(folder / s.source, ec)) mesh = folder / s.source;
  }
  if (mesh.empty()) {
    throw Error((scans.front() / s.source).string(), "no such file: subject '" + name + "' was prepared from '" +
                                                          s.source + "' under a --scans folder");
  }
  prepare::NormalizedScan scan = prepare::load_scan(prepare::ScanSource{name, mesh, {}, s.source, ""}, s.unit);
  if (std::abs(scan.calibration.scale - s.scale) > 1e-4 * s.scale) {
    throw Error(mesh.string(), "is not the scan subject '" + name + "' was prepared from (normalization scale " +
                                   std::to_string(scan.calibration.scale) + ", the dataset's " +
                                   std::to_string(s.scale) + ")");
  }
  for (Eigen::Index v = 0; v < scan.mesh.vertex_count(); ++v) {
    scan.mesh.vertices.row(v) = (scan.mesh.vertices.row(v) - s.centre.transpose()) * float(s.cm_per_unit);
  }
  return std::move(scan.mesh);
}

std::vector<int> chosen_views(int views, int k) {
  std::vector<int> out;
  const int n = std::min(views, k);
  for (int i = 0; i < n; ++i) out.push_back(int(std::int64_t(i) * views / n));
  return out;
}

}  // namespace

std::size_t evaluation_views(const EvalRunOptions& options) {
  const PreparedDataset dataset(options.data);
  return dataset.subjects("test").size() * chosen_views(dataset.views(), options.views_per_subject).size();
}

ViewReconstructor pifuhd_views(RunModel& run, const ReconstructOptions& options) {
  return [&run, options](const ViewItem&, const ViewMaps& maps, const GivenNormals* truth) {
    return reconstruct(run, maps.image, &maps.mask, options, truth);
  };
}

ViewReconstructor car_views(CarRun& run, const PreparedDataset& dataset, BodyRun* body_run, const ReconstructOptions& options,
                            const std::filesystem::path& avatars, std::optional<ViewRefinement> refine) {
  // The unrefined avatar's weights serve only an avatar kept unrefined.
  const bool avatar_weights = !avatars.empty() && !refine;
  return [&run, &dataset, body_run, options, avatars, refine, avatar_weights](const ViewItem& item, const ViewMaps& maps,
                                                                             const GivenNormals* truth) {
    // The posed mesh measured (refined when asked) and the avatar kept.
    const auto posed = [&](CarReconstruction r, const prepare::BodyFit& fit, const Mat4<float>& posed_to_view) {
      const fs::path folder = avatars.empty() ? fs::path() : avatars / (item.subject + "_" + dataset.view_name(item.view) + "_avatar");
      if (refine) {
        const auto map = [](const Image<float>& m) { return image_tensor(m).unsqueeze(0) * 2 - 1; };
        RefinedAvatar a = refine_avatar(*refine->run, {r.posed, map(r.canonical.normal_front), map(r.canonical.normal_back)}, fit,
                                        posed_to_view, refine->request);
        if (!folder.empty()) {
          write_avatar(folder, a.canonical, a.weights);
          write_refine_log(folder / "refine_log.csv", a.refinement.log);
        }
        r.canonical.mesh = std::move(a.posed);
        return std::move(r.canonical);
      }
      if (!folder.empty()) write_avatar(folder, r.canonical.mesh, r.weights);
      r.canonical.mesh = std::move(r.posed);
      return std::move(r.canonical);
    };
    if (body_run == nullptr) {
      const auto own = dataset.body_fit(item.subject);
      if (!own) throw Error(item.subject, "has no body fit (--gt-body needs the subjects' own fits)");
      Mat4<float> to_view = Mat4<float>::Identity();
      to_view.topLeftCorner<3, 3>() = dataset.subject_to_view(item);
      const Mat4<float> posed_to_view = to_view * own->posed_to_normalized;
      return posed(reconstruct_car(run, maps.image, own->fit, posed_to_view, options, truth, avatar_weights), own->fit,
                   posed_to_view);
    }
    // The body from the image (car_image_body.hpp): the fit reads the CAR run's normal maps (or the given ones).
    const CarImageBody body = car_image_body(run, *body_run, maps.image, image_tensor(maps.mask)[0], truth);
    const prepare::BodyFit& fit = body.fit;
    const GivenNormals* normals = body.predicted ? &*body.predicted : truth;
    return posed(reconstruct_car(run, maps.image, fit, fit_to_view(fit), options, normals, avatar_weights), fit, fit_to_view(fit));
  };
}

TriMeshf ground_truth_in_view(const PreparedDataset& dataset, const std::vector<fs::path>& scans, const std::string& subject,
                              int view) {
  if (scans.empty()) throw Error("--scans", "no scans folder given (the folders the dataset was prepared from)");
  const SubjectRecord record = read_subject(dataset.subject_folder(subject) / "subject.json");
  TriMeshf gt = ground_truth_cm(subject, record, scans);
  // centimetres in the subject's orientation -> the view's normalized frame: turned, scale / cm_per_unit
  const Mat3<float> R = dataset.subject_to_view(ViewItem{subject, view});
  gt.vertices = (gt.vertices * R.transpose() * float(record.scale / record.cm_per_unit)).eval();
  gt.normals.resize(0, 3);
  return gt;
}

std::vector<ViewEvaluation> evaluate_run(const ViewReconstructor& reconstruct_view, const EvalRunOptions& options,
                                         const std::function<void(const ViewEvaluation&)>& done) {
  if (options.views_per_subject < 1) {
    throw Error("--views", "must be >= 1, got " + std::to_string(options.views_per_subject));
  }
  if (options.scans.empty()) throw Error("--scans", "no scans folder given (the folders the dataset was prepared from)");
  std::error_code ec;
  for (const fs::path& folder : options.scans) {
    if (!fs::is_directory(folder, ec)) {
      throw Error(folder.string(), "no such folder (--scans: a folder the dataset was prepared from)");
    }
  }
  const PreparedDataset dataset(options.data);
  const std::vector<std::string>& subjects = dataset.subjects("test");
  if (subjects.empty()) throw Error((options.data / "split.json").string(), "the test split is empty");
  const bool fine = dataset.fine_resolution() > 0;
  std::vector<ViewEvaluation> results;
  for (const std::string& name : subjects) {
    const SubjectRecord record = read_subject(dataset.subject_folder(name) / "subject.json");
    const TriMeshf gt_subject = ground_truth_cm(name, record, options.scans);
    for (const int view : chosen_views(dataset.views(), options.views_per_subject)) {
      ViewEvaluation e{name, view};
      const auto t0 = std::chrono::steady_clock::now();
      try {
        const ViewItem item{name, view};
        const ViewMaps maps = dataset.read_view(item, fine);
        const GivenNormals truth{maps.normal_front, maps.normal_back};
        const Reconstruction r = reconstruct_view(item, maps, options.ground_truth_normals ? &truth : nullptr);
        e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!options.out.empty()) {
          write_reconstruction(options.out / (name + "_" + dataset.view_name(view) + ".obj"), r);
        }
        if (r.mesh.empty()) throw Error("reconstruction", "empty mesh (no surface found)");
        // Both in centimetres, in the view's orientation.
        const Mat3<float> R = dataset.subject_to_view(item);
        TriMeshf gt = gt_subject;
        gt.vertices = (gt.vertices * R.transpose()).eval();
        if (gt.has_normals()) gt.normals = (gt.normals * R.transpose()).eval();
        TriMeshf pred = r.mesh;
        pred.vertices *= float(record.cm_per_unit / record.scale);
        e.metrics = evaluate_reconstruction(pred, gt, options.metrics);
      } catch (const Error& err) {
        e.problem = err.what();
      }
      results.push_back(e);
      if (done) done(results.back());
    }
  }
  return results;
}

}  // namespace hifa::trainer
