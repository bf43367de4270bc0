// fit_body_accuracy SYNTH_DIR OUT_DIR [--count N] [--seed S] [--body open_body.npz]: how well
// `hifa fit-body` (trainer/body/scan_fit.hpp) recovers known bodies. Each `hifa synth` subject's
// posed scan is turned by a random yaw in ±180 degrees about y and shifted by up to 1 m (Philox
// seed S, subject i), then fitted without reading its body.json; the fit is compared with the
// true body turned and shifted the same way:
//   MPJPE         mean over the 24 joints of |fitted posed joint - true posed joint|
//   per-vertex    mean over the body's vertices of |fitted - true| (the same model, vertex for vertex)
//   canonical     mean over the scan's vertices of |canonicalize_scan with the fit, times the fit's
//                 size - synth's canonical.obj| (vertex for vertex, metres), and the fraction of
//                 them landing inside the rest body
// Prints one row per subject and the means; writes OUT_DIR/<subject>.json (the fit) and a fit sheet
// OUT_DIR/<subject>.png for each.

#include "body/fit_json.hpp"
#include "body/scan_fit.hpp"
#include "prepare/body_xray.hpp"
#include "prepare/canonical_scan.hpp"
#include "prepare/dataset_writer.hpp"

#include "hifa/body/smpl_model.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/mesh/load.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace hifa;

namespace {

struct Truth {
  RowMatrix3<float> joints, vertices;
};

Truth true_body(const SmplModel<float>& model, const prepare::Json& j) {
  std::vector<float> betas = j.at("betas").get<std::vector<float>>(), theta;
  for (const auto& row : j.at("pose"))
    for (const auto& v : row) theta.push_back(v.get<float>());
  const auto t = j.at("translation").get<std::vector<float>>();
  const auto posed = pose_body_axis_angle(Kokkos::DefaultHostExecutionSpace{}, model, std::span<const float>(betas),
                                          std::span<const float>(theta), Vec3f(t[0], t[1], t[2]));
  return {posed.joints, posed.mesh.vertices};
}

RowMatrix3<float> moved(const RowMatrix3<float>& m, const Mat3<float>& r, const Vec3f& shift) {
  return ((m * r.transpose()).rowwise() + shift.transpose()).eval();
}

double mean_distance(const RowMatrix3<float>& a, const RowMatrix3<float>& b) {
  return (a - b).rowwise().norm().cast<double>().mean();
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  if (argc < 3) {
    std::fprintf(stderr, "usage: fit_body_accuracy SYNTH_DIR OUT_DIR [--count N] [--seed S] [--body NPZ]\n");
    return 2;
  }
  const fs::path synth = argv[1], out = argv[2];
  int count = 20;
  std::uint64_t seed = 1;
  fs::path body = "data/body/open_body.npz";
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string o = argv[i];
    if (o == "--count") count = std::stoi(argv[i + 1]);
    else if (o == "--seed") seed = std::stoull(argv[i + 1]);
    else if (o == "--body") body = argv[i + 1];
  }
  fs::create_directories(out);
  const auto model = SmplModel<float>::load(body);
  std::vector<fs::path> subjects;
  for (const auto& e : fs::directory_iterator(synth))
    if (fs::exists(e.path() / "body.json")) subjects.push_back(e.path());
  std::sort(subjects.begin(), subjects.end());
  if (int(subjects.size()) > count) subjects.resize(std::size_t(count));

  const CounterRng rng(seed);
  double sum_joint = 0, sum_vertex = 0, sum_seconds = 0;
  double sum_canonical = 0;
  std::printf("%-14s %8s %8s %10s %8s %7s %9s %7s %s\n", "subject", "yaw_deg", "MPJPE_cm", "vertex_cm", "inside", "sec",
              "canon_cm", "in_body", "doubts");
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const std::string name = subjects[i].filename().string();
    const float yaw = float(-3.14159265 + 2 * 3.14159265 * rng.uniform(0, i));
    const Vec3f shift(float(rng.uniform(1, i) * 2 - 1), float(rng.uniform(2, i) - 0.5), float(rng.uniform(3, i) * 2 - 1));
    const Mat3<float> r = Eigen::AngleAxisf(yaw, Vec3f::UnitY()).toRotationMatrix();
    TriMeshf scan = load_mesh<float>(subjects[i] / "posed.obj");
    scan.vertices = moved(scan.vertices, r, shift);
    scan.normals.resize(0, 3);
    const auto started = std::chrono::steady_clock::now();
    const trainer::ScanFit fit = trainer::fit_body_to_scan(scan, 1.0, model.data(), {});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const Truth truth = true_body(model, prepare::read_json(subjects[i] / "body.json"));
    const double joint = mean_distance(fit.posed_joints, moved(truth.joints, r, shift));
    const double vertex = mean_distance(fit.posed_vertices, moved(truth.vertices, r, shift));
    const prepare::CanonicalScan canonical =
        prepare::canonicalize_scan(scan, prepare::fitted_body(model, trainer::body_fit_of(fit, body.stem().string(), "m")));
    // The canonical scan is in the fitted body's units (its size divided out); synth's in metres.
    const RowMatrix3<float> canonical_m = canonical.mesh.vertices * float(fit.body_scale);
    const double canonical_error = mean_distance(canonical_m, load_mesh<float>(subjects[i] / "canonical.obj").vertices);
    sum_joint += joint, sum_vertex += vertex, sum_seconds += seconds, sum_canonical += canonical_error;
    std::string doubts;
    for (const auto& d : fit.doubts) doubts += d + "; ";
    std::printf("%-14s %8.1f %8.2f %10.2f %8.3f %7.1f %9.2f %7.3f %s\n", name.c_str(), yaw * 180 / 3.14159265, 100 * joint,
                100 * vertex, fit.inside_fraction, seconds, 100 * canonical_error, canonical.inside_body_fraction, doubts.c_str());
    std::fflush(stdout);
    prepare::write_json(out / (name + ".json"), trainer::fit_json(fit, body.stem().string(), "m", name));
    TriMeshf fitted;
    fitted.vertices = fit.posed_vertices;
    fitted.faces = model.data().faces;
    prepare::write_fit_sheet(out / (name + ".png"), scan, fitted, name);
    fitted.vertices = moved(truth.vertices, r, shift);
    prepare::write_fit_sheet(out / (name + "_truth.png"), scan, fitted, name + " truth");
  }
  const double n = double(std::max<std::size_t>(1, subjects.size()));
  std::printf("mean over %zu subjects: MPJPE %.2f cm, per-vertex %.2f cm, %.1f s per fit, canonical scan %.2f cm\n",
              subjects.size(), 100 * sum_joint / n, 100 * sum_vertex / n, sum_seconds / n, 100 * sum_canonical / n);
  return 0;
}
