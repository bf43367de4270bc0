#pragma once
// The body of one image when no fit is given, in ICON's order: a body, the normal maps it
// conditions, the body fitted to them. One sequence for hifa fit-body --image (image_body) and for
// CAR's reconstruction, eval-run and bench/normal_map_error (car_image_body):
//
//   ImageBodyMaps r = image_body(estimator, &nets, image, mask);         // nets: NormalNets or null
//   CarImageBody b = car_image_body(car_run, body_run, image, mask);
//   reconstruct_car(car_run, image, b.fit, fit_to_view(b.fit), options, b.predicted ? &*b.predicted : nullptr);
//
// 1. The estimator's body (body_run.hpp; a CAR run's own body stage or another run's).
// 2. The normal maps: the nets' on the image at their size, reading that body drawn in the view
//    when normal_net.body_normals (body/body_render.hpp), resized to the image's size; without nets
//    the maps given (eval-run --gt-normals, fit-body --normals), or none: the fit reads the
//    silhouette alone.
// 3. The test-time fit (body/image_fit.hpp) from the estimate to the mask and the maps, at the
//    image's own size. mask: S x S in [0, 1] at the image's size; undefined: where the front map is
//    a normal (|n| > 0.5: the nets learned 0 off the person).
// Errors: hifa::Error when there is neither a mask nor a map to find one in.

#include "body/body_layer.hpp"
#include "body/image_fit.hpp"
#include "inference/body_run.hpp"
#include "inference/car_reconstruct.hpp"
#include "inference/reconstruct.hpp"
#include "models/normal_net.hpp"
#include "prepare/body_fit_file.hpp"

#include "hifa/render/image.hpp"

#include <torch/torch.h>

#include <optional>

namespace hifa::trainer {

// A run's normal nets as the image fit uses them: they predict at `size` on `device`.
struct NormalNets {
  const NormalNetConfig& config;
  NormalNet front, back;
  int size;
  torch::Device device;
};
NormalNets normal_nets_of(const BodyRun& run);  // the estimator's run's own nets (it must have them)
NormalNets normal_nets_of(const CarRun& run);   // the CAR run's (it must have them)

struct ImageBodyMaps {
  ImageBody found;                    // the estimate and the fit
  torch::Tensor front, back;          // the maps the fit read: 1 x 3 x S x S at the image's size, CPU; or undefined
  torch::Tensor mask;                 // the mask it read: S x S
  torch::Tensor net_front, net_back;  // the nets' own maps (at their size) when they did not read the body
};

// Steps 1-3 above; front and back (1 x 3 x S x S at the image's size) are read when nets is null.
ImageBodyMaps image_body(BodyRun& estimator, const NormalNets* nets, const Image<float>& image, const torch::Tensor& mask,
                         const torch::Tensor& front = {}, const torch::Tensor& back = {}, const ImageFitOptions& options = {});

struct CarImageBody {
  ImageBody found;                        // the estimate and the fit
  prepare::BodyFit fit;                   // the fit as a view-frame hifa-body-fit
  std::optional<GivenNormals> predicted;  // the CAR run's nets' maps at car.image_size when they did not
                                          // read the body, so that CAR need not predict them again
};

// image_body with the CAR run's nets, or the `given` maps instead when not null.
CarImageBody car_image_body(CarRun& run, BodyRun& body_run, const Image<float>& image, const torch::Tensor& mask,
                            const GivenNormals* given = nullptr, const ImageFitOptions& options = {});

}  // namespace hifa::trainer
