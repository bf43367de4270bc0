// normal_map_error DATASET CAR_RUN... [--split test] [--views 0,4,8,12] [--body-run BODY_RUN]:
// how close the normal nets of each CAR run come to a prepared dataset's rendered normal maps, on
// the split's views whose subjects have fits (the test split: the five test figures). Per run and
// view the front and back maps are predicted from the view's image (no augmentation) and, for nets
// that read the body (normal_net.body_normals), from the body drawn in the view:
//   own fit    the subject's own fit (what the loader draws in training; car_reconstruct.hpp's
//              car_body_normals draws the same)
//   image fit  the body found in the image as `hifa eval-run` finds it (inference/car_image_body.hpp)
//              by --body-run's estimator, else by the run's own body stage (none: no column): the
//              estimator's body conditions the maps, the body fitted to them and to the mask
//              conditions the maps that are measured (nets without the body: their only maps)
// Error: the mean angle in degrees between the predicted and the rendered normal over the pixels
// of the person's mask (a prediction of length 0 counts as 90°). One row per view, then the mean
// per run, front and back.

#include "body/image_fit.hpp"
#include "data/image_tensor.hpp"
#include "data/view_loader.hpp"
#include "inference/body_run.hpp"
#include "inference/car_image_body.hpp"
#include "inference/car_reconstruct.hpp"

#include "hifa/core/error.hpp"

#include <Kokkos_Core.hpp>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace hifa;
using namespace hifa::trainer;
namespace F = torch::nn::functional;

namespace {

// Mean angle (degrees) between predicted (3 x S x S, any length) and true unit normals over mask.
double mean_angle(const torch::Tensor& predicted, const torch::Tensor& truth, const torch::Tensor& mask) {
  const torch::Tensor unit = F::normalize(predicted, F::NormalizeFuncOptions().dim(0).eps(1e-6));
  const torch::Tensor cosine = (unit * truth).sum(0).clamp(-1, 1);
  const torch::Tensor inside = mask > 0.5f;
  return (torch::acos(cosine.masked_select(inside)) * (180.0 / M_PI)).mean().item<double>();
}

struct Errors {
  double front = 0, back = 0;
};

Errors errors_of(CarRun& run, const torch::Tensor& image, const torch::Tensor& body, const ViewBatch& b) {
  torch::NoGradGuard no_grad;
  const torch::Tensor in = normal_net_input(run.config.normal_net, image, body);
  const torch::Tensor front = run.model->normal_front->forward(in)[0], back = run.model->normal_back->forward(in)[0];
  return {mean_angle(front, b.normal_front[0], b.mask[0][0]), mean_angle(back, b.normal_back[0], b.mask[0][0])};
}

// The body of the view found in its image, as eval-run finds it (car_image_body.hpp), drawn at `size`.
torch::Tensor image_fit_body(CarRun& run, BodyRun& body_run, const ViewMaps& maps, int size) {
  const CarImageBody found = car_image_body(run, body_run, maps.image, image_tensor(maps.mask)[0]);
  return render_body(*body_run.body, found.found.fit.body, size).normals().unsqueeze(0);
}

}  // namespace

int main(int argc, char** argv) try {
  std::string split = "test", body_run_dir;
  std::set<int> views = {0, 4, 8, 12};
  std::vector<std::string> runs;
  for (int i = 2; i < argc; ++i) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0) {
      runs.push_back(key);
      continue;
    }
    if (i + 1 >= argc) throw Error(key, "needs a value");
    const std::string value = argv[++i];
    if (key == "--split") split = value;
    else if (key == "--body-run") body_run_dir = value;
    else if (key == "--views") {
      views.clear();
      std::stringstream list(value);
      for (std::string v; std::getline(list, v, ',');) views.insert(std::stoi(v));
    } else throw Error(key, "unknown option");
  }
  if (argc < 3 || runs.empty()) {
    std::fprintf(stderr, "usage: normal_map_error DATASET CAR_RUN... [--split test] [--views 0,4,8,12] [--body-run BODY_RUN]\n");
    return 2;
  }
  const Kokkos::ScopeGuard kokkos(argc, argv);  // the rasterizer that draws the body
  torch::set_num_threads(2);
  std::unique_ptr<BodyRun> body_run;
  if (!body_run_dir.empty()) body_run = std::make_unique<BodyRun>(load_body_run(body_run_dir));
  std::printf("%-28s %-18s %4s %9s %9s  front(image fit) back(image fit)\n", "run", "subject", "view", "front", "back");
  for (const std::string& dir : runs) {
    CarRun run = load_car_run(dir);
    // The body from the image: --body-run's estimator, else the run's own body stage, else none.
    std::optional<BodyRun> own;
    if (!body_run && run.model->has_body_net()) own = body_run_of(run);
    BodyRun* estimator = body_run ? body_run.get() : own ? &*own : nullptr;
    Config config = run.config;
    config.normal_net.body_normals = true;  // the loader draws the own fit for every run: the image fit needs no branch
    const ViewLoader loader(argv[1], config, split);
    Errors own_sum, image_sum;
    int count = 0;
    for (int64_t i = 0; i < loader.items(); ++i) {
      const ViewBatch b = loader.batch(0, i, 1, /*augment=*/false);
      if (!views.contains(b.views[0])) continue;
      const Errors own = errors_of(run, b.image, b.body_normals, b);
      std::printf("%-28s %-18s %4d %9.2f %9.2f", dir.c_str(), b.subjects[0].c_str(), b.views[0], own.front, own.back);
      own_sum.front += own.front, own_sum.back += own.back;
      if (estimator != nullptr) {
        const ViewMaps maps = loader.dataset().read_view({b.subjects[0], b.views[0]}, false);
        const int size = int(b.image.size(3));
        const Errors found = errors_of(run, b.image, image_fit_body(run, *estimator, maps, size), b);
        std::printf(" %17.2f %16.2f", found.front, found.back);
        image_sum.front += found.front, image_sum.back += found.back;
      }
      std::printf("\n");
      ++count;
    }
    if (count == 0) throw Error(argv[1], "no view of the split with a body fit among --views");
    std::printf("%-28s %-18s %4d %9.2f %9.2f", dir.c_str(), "mean", count, own_sum.front / count, own_sum.back / count);
    if (estimator != nullptr) std::printf(" %17.2f %16.2f", image_sum.front / count, image_sum.back / count);
    std::printf("\n");
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "normal_map_error: %s\n", e.what());
  return 1;
}
