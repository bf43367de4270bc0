// hifa fit-body --image IMG --run RUN [--mask M] [--normals RUN2] [--iterations N] --out FIT.json
// [--sheet PNG]. The image is square RGB at any size; the run's nets see it at the run's input size
// and the estimator at its body_net image_size, the fit works at the image's own size. RUN is an
// estimator's run (model.type body) or a CAR run with its body stage (body_net). Normal maps come
// from the run's normal nets (a CAR run's reading the estimate drawn in the view when they read the
// body), else from --normals (any run with normal nets: a PIFuHD run), else the fit uses the
// silhouette alone. The mask is --mask, else where the predicted front map is a normal (|n| > 0.5:
// the nets learned 0 off the person), else an error.

#include "fit_body_image.hpp"

#include "body/fit_json.hpp"
#include "body/image_fit.hpp"
#include "data/image_tensor.hpp"
#include "inference/body_run.hpp"
#include "inference/car_image_body.hpp"
#include "inference/reconstruct.hpp"
#include "inference/run_model.hpp"
#include "prepare/dataset_writer.hpp"
#include "runtime/heap.hpp"

#include "hifa/core/error.hpp"
#include "hifa/render/contact_sheet.hpp"
#include "hifa/render/image_io.hpp"

#include <torch/torch.h>

#include <chrono>
#include <optional>
#include <cstdio>
#include <string>
#include <vector>

namespace hifa::app {

void run_fit_body_image(const FitBodyImageArgs& a) {
  const auto started = std::chrono::steady_clock::now();
  const Image<float> image = read_image(a.image);
  trainer::check_input_image(image, a.image.string());
  const int size = image.width();
  trainer::BodyRun run = trainer::load_body_run(a.run);

  // The maps: the run's normal nets', else those of --normals' run at the image's size, else none.
  std::optional<trainer::NormalNets> nets;
  torch::Tensor front, back;
  std::string normals_from = "none (silhouette only)";
  torch::NoGradGuard no_grad;
  if (!run.normal_front.is_empty()) {
    nets.emplace(trainer::normal_nets_of(run));
    normals_from = "the run's normal nets";
  } else if (!a.normals_run.empty()) {
    trainer::RunModel normals = trainer::load_run_model(a.normals_run);
    if (!normals.model->has_normal_nets()) throw Error(a.normals_run.string(), "has no normal nets (normal_net.type: none)");
    const trainer::ConditionedInputs c = trainer::condition_inputs(normals, image, nullptr, trainer::FieldLevel::coarse);
    front = trainer::PIFuHDImpl::resized(c.normal_front, size);
    back = trainer::PIFuHDImpl::resized(c.normal_back, size);
    normals_from = a.normals_run.string() + "'s normal nets";
  }
  torch::Tensor mask;
  std::string mask_from = "predicted (|front normal| > 0.5)";
  if (!a.mask.empty()) {
    mask = trainer::image_tensor(trainer::read_input_mask(a.mask, size, size))[0];
    mask_from = a.mask.string();
  } else if (!nets && !front.defined()) {
    throw Error("fit-body --image", "no mask: give --mask, or normal nets (--normals RUN) whose maps say where the person is");
  }

  trainer::ImageFitOptions options;
  options.iterations = a.iterations;
  // Every step frees and reallocates the same tensors: keep them in the heap (runtime/heap.hpp).
  trainer::keep_freed_memory();
  const trainer::ImageBodyMaps found = trainer::image_body(run, nets ? &*nets : nullptr, image, mask, front, back, options);
  const trainer::ViewBodyParameters& start = found.found.estimate;
  const trainer::ImageFit& fit = found.found.fit;
  const trainer::BodyRender before = trainer::render_body(*run.body, start, size);
  const trainer::BodyRender after = trainer::render_body(*run.body, fit.body, size);
  const double iou_before = trainer::mask_iou(before.mask, found.mask), iou_after = trainer::mask_iou(after.mask, found.mask);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  prepare::Json extra{{"fitted_from", a.image.string()},
                      {"run", a.run.string()},
                      {"mask", mask_from},
                      {"normals", normals_from},
                      {"silhouette_iou_estimate", iou_before},
                      {"silhouette_iou", iou_after},
                      {"energies", {{"outside", fit.outside}, {"cover", fit.cover}, {"normal", fit.normal}, {"prior", fit.prior}}},
                      {"iterations", a.iterations},
                      {"estimate", trainer::view_fit_json(*run.body, start, run.body_model, prepare::Json::object())}};
  prepare::write_json(a.out, trainer::view_fit_json(*run.body, fit.body, run.body_model, extra));
  std::printf("%s -> %s: silhouette IoU %.3f (estimate) -> %.3f (fit); normals: %s; %.2f s\n",
              a.image.string().c_str(), a.out.string().c_str(), iou_before, iou_after, normals_from.c_str(), seconds);
  if (!a.sheet.empty()) {
    // The image, the body over it (estimate, fit), and the predicted front normals beside the body's.
    const auto overlay = [&](const torch::Tensor& body_mask) {
      const torch::Tensor rgb = trainer::image_tensor(image), m = body_mask.unsqueeze(0);
      return trainer::tensor_image(rgb * (1 - 0.6 * m) + torch::tensor({0.9f, 0.15f, 0.1f}).view({3, 1, 1}) * 0.6 * m);
    };
    std::vector<Image<float>> tiles{image, overlay(before.mask), overlay(after.mask)};
    std::vector<std::string> labels{"image", "estimate", "fit"};
    if (found.front.defined()) {
      tiles.push_back(trainer::tensor_image(((found.front[0] + 1) * 0.5 * found.mask).clamp(0, 1)));
      labels.emplace_back("predicted normals");
    }
    tiles.push_back(trainer::tensor_image(((after.front + 1) * 0.5 * after.mask).clamp(0, 1)));
    labels.emplace_back("fit's normals");
    ContactSheetOptions o;
    o.columns = int(tiles.size());
    o.thumb_width = o.thumb_height = std::max(128, size);
    write_contact_sheet(a.sheet, tiles, labels, o);
    std::printf("sheet: %s\n", a.sheet.string().c_str());
  }
}

}  // namespace hifa::app
