// hifa fit-body's fit (trainer/body/scan_fit.hpp) on a 117k-face scan, 2 cores (OMP_NUM_THREADS):
// the goal is 30 s per 100k-face scan. The scan is OpenBody in tests/support/walking_stance.hpp's
// pose (turned and shifted), each triangle split in four (29 196 -> 116 784 faces). A clothed scan costs
// the same per step: the steps see the scan only through its surface samples and its signed-distance
// grid, built once (its cost, the winding numbers over the scan, grows with the face count).
// Accuracy on clothed scans: bench/body/fit_body_accuracy.cpp.
// Also `hifa fit-body --image`'s test-time fit (trainer/body/image_fit.hpp): OpenBody's silhouette
// and normal maps at 512^2 from a start 0.2 rad off in every joint; the goal is 10 s per image.
#include "body/image_fit.hpp"
#include "body/rotations.hpp"
#include "body/scan_fit.hpp"

#include "hifa/body/smpl_model.hpp"
#include "support/walking_stance.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <utility>
#include <vector>

namespace {

// Each triangle split in four at its edge midpoints (shared edges share their midpoint).
hifa::TriMeshf split_in_four(const hifa::TriMeshf& mesh) {
  std::vector<hifa::Vec3f> vertices;
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) vertices.push_back(mesh.vertices.row(v).transpose());
  std::map<std::pair<int, int>, int> midpoints;
  const auto midpoint = [&](int a, int b) {
    const auto key = std::minmax(a, b);
    const auto [it, added] = midpoints.try_emplace(key, int(vertices.size()));
    if (added) vertices.push_back(0.5f * (vertices[std::size_t(a)] + vertices[std::size_t(b)]));
    return it->second;
  };
  hifa::TriMeshf out;
  out.faces.resize(4 * mesh.face_count(), 3);
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    const int a = mesh.faces(f, 0), b = mesh.faces(f, 1), c = mesh.faces(f, 2);
    const int ab = midpoint(a, b), bc = midpoint(b, c), ca = midpoint(c, a);
    out.faces.row(4 * f) << a, ab, ca;
    out.faces.row(4 * f + 1) << ab, b, bc;
    out.faces.row(4 * f + 2) << ca, bc, c;
    out.faces.row(4 * f + 3) << ab, bc, ca;
  }
  out.vertices.resize(Eigen::Index(vertices.size()), 3);
  for (std::size_t v = 0; v < vertices.size(); ++v) out.vertices.row(Eigen::Index(v)) = vertices[v].transpose();
  return out;
}

void fit_body_to_scan_117k_faces(benchmark::State& state) {
  const std::filesystem::path file = HIFA_SOURCE_DIR "/data/body/open_body.npz";
  if (!std::filesystem::exists(file)) {
    state.SkipWithError("data/body/open_body.npz is missing (scripts/fetch-data builds it)");
    return;
  }
  const auto model = hifa::SmplModel<float>::load(file);
  const std::vector<float> theta = hifa::test::walking_stance();
  const hifa::TriMeshf scan = split_in_four(hifa::pose_body_axis_angle(Kokkos::DefaultHostExecutionSpace{}, model,
                                                                       std::span<const float>(), std::span<const float>(theta),
                                                                       hifa::test::walking_shift)
                                                .mesh);
  for (auto _ : state) {
    const hifa::trainer::ScanFit fit = hifa::trainer::fit_body_to_scan(scan, 1.0, model.data(), {});
    benchmark::DoNotOptimize(fit.posed_joints.data());
  }
  state.counters["faces"] = double(scan.face_count());
}
BENCHMARK(fit_body_to_scan_117k_faces)->Unit(benchmark::kSecond)->Iterations(1);

void fit_body_to_image_512(benchmark::State& state) {
  const std::filesystem::path file = HIFA_SOURCE_DIR "/data/body/open_body.npz";
  if (!std::filesystem::exists(file)) {
    state.SkipWithError("data/body/open_body.npz is missing (scripts/fetch-data builds it)");
    return;
  }
  using namespace hifa::trainer;
  const BodyLayer layer(hifa::SmplModel<float>::load(file).data());
  std::vector<float> theta = hifa::test::walking_stance();
  theta[1] = 0.6f;
  ViewBodyParameters truth{axis_angle_to_matrix(torch::tensor(theta).view({-1, 3})), torch::zeros({10}),
                           torch::tensor(1.0f), torch::tensor({0.0f, 0.1f, 0.0f})};
  const BodyRender image = render_body(layer, truth, 512);
  const ImageFitTarget target = image_fit_target(image.mask, image.front, image.back);
  ViewBodyParameters start = truth;
  torch::manual_seed(1);
  start.rotations = truth.rotations.matmul(axis_angle_to_matrix((torch::rand({24, 3}) - 0.5) * 0.4));
  for (auto _ : state) {
    const ImageFit fit = fit_body_to_image(layer, start, target);
    benchmark::DoNotOptimize(fit.outside);
  }
  state.counters["vertices"] = double(layer.vertex_count());
}
BENCHMARK(fit_body_to_image_512)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
