// body_from_image_accuracy DATASET RUN [--split test] [--views 0,4,8,12] [--iterations N]
//                          [--turns N] [--normals gt|none]: how well the body estimator of RUN and the
// test-time fit (`hifa fit-body --image`) recover the bodies of a prepared dataset's views whose
// subjects have fits. Per view (the dataset's own image, its mask, and with --normals gt its
// rendered normal maps: the oracle of the maps the normal nets predict):
//   MPJPE       mean over the 24 joints of |root-aligned joint − the fit's root-aligned joint|, in cm
//               (the view frame's normalized units times 100 / the fit's scale: body metres)
//   joints      the same without aligning the roots (the orthographic view fixes the depth only
//               by the subject's box, so this includes the z offset)
//   IoU         the rendered body's silhouette against the view's mask
//   root°       the angle between the body's global orientation and the fit's (a body turned to
//               face away is near 180°)
// before (the estimator) and after the fit, and the fit's seconds. One row per view, then means
// over all views and over the subjects whose names start with each prefix before '_' or digits.

#include "body/image_fit.hpp"
#include "body/rotations.hpp"
#include "data/view_loader.hpp"
#include "inference/body_run.hpp"

#include "hifa/core/error.hpp"

#include <Kokkos_Core.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace hifa;
using namespace hifa::trainer;

namespace {

struct Row {
  double mpjpe_before, mpjpe_after, joints_before, joints_after, iou_before, iou_after, root_before, root_after, seconds;
};

double root_aligned_error(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - a[0]) - (b - b[0])).norm(2, 1).mean().item<double>();
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::fprintf(stderr, "usage: body_from_image_accuracy DATASET RUN [--split test] [--views 0,4,8,12] [--iterations N] [--turns N] [--normals gt|none]\n");
    return 2;
  }
  std::string split = "test", normals = "gt";
  std::set<int> views = {0, 4, 8, 12};
  ImageFitOptions options;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--split") split = value;
    else if (key == "--iterations") options.iterations = std::atoi(value.c_str());
    else if (key == "--turns") options.turns = std::atoi(value.c_str());
    else if (key == "--normals") normals = value;
    else if (key == "--views") {
      views.clear();
      std::stringstream list(value);
      for (std::string v; std::getline(list, v, ',');) views.insert(std::stoi(v));
    } else throw Error(key, "unknown option");
  }
  const Kokkos::ScopeGuard kokkos(argc, argv);  // the rasterizer of the IoU
  torch::set_num_threads(2);
  BodyRun run = load_body_run(argv[2]);
  const ViewLoader loader(argv[1], run.config, split);
  std::vector<Row> rows;
  std::map<std::string, std::vector<Row>> groups;
  std::printf("%-18s %4s %9s %9s %9s %9s %7s %7s %6s %6s %6s\n", "subject", "view", "mpjpe0", "mpjpe", "joints0", "joints", "iou0",
              "iou", "root0", "root", "s");
  for (int64_t i = 0; i < loader.items(); ++i) {
    const ViewBatch b = loader.batch(0, i, 1, /*augment=*/false);
    if (!views.contains(b.views[0])) continue;
    const ViewBodyParameters truth{b.body_rotations[0], b.body_betas[0], b.body_scale[0], b.body_translation[0]};
    const ViewBodyParameters start = estimate_body(run, b.image, b.normal_front, b.normal_back);
    const auto t0 = std::chrono::steady_clock::now();
    torch::Tensor front, back;
    if (normals == "gt") front = b.normal_front[0], back = b.normal_back[0];
    const ImageFit fit = fit_body_to_image(*run.body, start, image_fit_target(b.mask[0][0], front, back), options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const torch::Tensor want = view_joints(*run.body, truth);
    const torch::Tensor j0 = view_joints(*run.body, start), j1 = view_joints(*run.body, fit.body);
    const double cm = 100.0 / truth.scale.item<double>();
    const int64_t size = b.mask.size(3);
    const Row r{cm * root_aligned_error(j0, want), cm * root_aligned_error(j1, want),
                cm * (j0 - want).norm(2, 1).mean().item<double>(), cm * (j1 - want).norm(2, 1).mean().item<double>(),
                mask_iou(render_body(*run.body, start, int(size)).mask, b.mask[0][0]),
                mask_iou(render_body(*run.body, fit.body, int(size)).mask, b.mask[0][0]),
                angle_between(start.rotations[0], truth.rotations[0]), angle_between(fit.body.rotations[0], truth.rotations[0]),
                seconds};
    std::printf("%-18s %4d %9.2f %9.2f %9.2f %9.2f %7.3f %7.3f %6.1f %6.1f %6.2f\n", b.subjects[0].c_str(), b.views[0],
                r.mpjpe_before, r.mpjpe_after, r.joints_before, r.joints_after, r.iou_before, r.iou_after, r.root_before,
                r.root_after, r.seconds);
    rows.push_back(r);
    const std::string& s = b.subjects[0];
    groups[s.substr(0, s.find_first_of("_0123456789"))].push_back(r);
  }
  const auto mean = [](const std::vector<Row>& rs, const std::string& name) {
    Row m{0, 0, 0, 0, 0, 0, 0, 0, 0};
    for (const Row& r : rs) {
      m.mpjpe_before += r.mpjpe_before / double(rs.size()), m.mpjpe_after += r.mpjpe_after / double(rs.size());
      m.joints_before += r.joints_before / double(rs.size()), m.joints_after += r.joints_after / double(rs.size());
      m.iou_before += r.iou_before / double(rs.size()), m.iou_after += r.iou_after / double(rs.size());
      m.root_before += r.root_before / double(rs.size()), m.root_after += r.root_after / double(rs.size());
      m.seconds += r.seconds / double(rs.size());
    }
    std::printf("%-18s %4zu %9.2f %9.2f %9.2f %9.2f %7.3f %7.3f %6.1f %6.1f %6.2f\n", name.c_str(), rs.size(), m.mpjpe_before,
                m.mpjpe_after, m.joints_before, m.joints_after, m.iou_before, m.iou_after, m.root_before, m.root_after,
                m.seconds);
  };
  std::printf("means (views):\n");
  for (const auto& [prefix, rs] : groups) mean(rs, prefix);
  mean(rows, "all");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "body_from_image_accuracy: %s\n", e.what());
  return 1;
}
