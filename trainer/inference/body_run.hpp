#pragma once
// A trained body estimator ready for inference: the image -> body step of `hifa fit-body --image`
// and of CAR's reconstruction. It is an estimator's own run (model.type body; docs/training.md) or
// the body stage of a CAR run (model.type car with body_net; docs/car.md).
//
//   BodyRun run = load_body_run("runs/body", torch::kCPU);
//   ViewBodyParameters b = estimate_body(run, image, front, back);   // 1 x 3 x S x S in [-1, 1]
//   BodyRun own = body_run_of(car_run);                              // a loaded CAR run's estimator
//
// The image is at the run's input size (input_image_size: a CAR run's is car.image_size, which may be
// larger than body_net.image_size; the estimator's input shrinks it, as in training). The run's
// normal nets, when it has them, predict the maps the estimator's input takes at that size;
// otherwise `front` and `back` (at that size) are used when the config's inputs take normals (and
// may be undefined if not).
// The body model is the config's body_net.body_model ($HIFA_DATA/body/open_body.npz for open).
// Errors (hifa::Error): read_run_config / read_run_module's (run_model.hpp); a run that holds no
// body estimator, naming RUN and its model.type; an image that is not 1 x 3 x S x S with S the
// run's input size.

#include "body/body_layer.hpp"
#include "body/image_fit.hpp"
#include "config/config.hpp"
#include "inference/car_reconstruct.hpp"
#include "models/body_net.hpp"
#include "models/normal_net.hpp"

#include "hifa/render/image.hpp"

#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <string>

namespace hifa::trainer {

struct BodyRun {
  Config config;
  NormalNet normal_front{nullptr}, normal_back{nullptr};  // the run's normal nets, when it has them
  BodyNet net{nullptr};
  std::shared_ptr<const BodyLayer> body;
  std::string body_model;  // the body model's stem: the fits' "model"
  torch::Device device{torch::kCPU};
};

BodyRun load_body_run(const std::filesystem::path& run, torch::Device device = torch::kCPU);

// The estimator of a loaded CAR run (its modules shared, on its device). Error: a run without body_net.
BodyRun body_run_of(const CarRun& run);

ViewBodyParameters estimate_body(BodyRun& run, const torch::Tensor& image, const torch::Tensor& front = {},
                                 const torch::Tensor& back = {});

// The same from a square RGB image in [0, 1] of any size, area-resized to the run's input size;
// front and back at that size or undefined, as above.
ViewBodyParameters estimate_body(BodyRun& run, const Image<float>& image, const torch::Tensor& front = {},
                                 const torch::Tensor& back = {});

// The body of one image, as `hifa fit-body --image` finds it: the estimate at the run's input size,
// then the test-time fit (image_fit.hpp) to the mask and, when given, the normal maps at the image's
// own size. image: square RGB in [0, 1]; mask: S x S in [0, 1]; front, back: 1 x 3 x S x S or
// undefined (the estimator's own normal nets, if any, serve its input).
struct ImageBody {
  ViewBodyParameters estimate;
  ImageFit fit;
};
ImageBody body_from_image(BodyRun& run, const Image<float>& image, const torch::Tensor& mask, const torch::Tensor& front,
                          const torch::Tensor& back, const ImageFitOptions& options = {});
// The same from an estimate already made (the fit alone); mask, front, back as above.
ImageBody body_from_estimate(BodyRun& run, ViewBodyParameters estimate, const torch::Tensor& mask, const torch::Tensor& front,
                             const torch::Tensor& back, const ImageFitOptions& options = {});

}  // namespace hifa::trainer
