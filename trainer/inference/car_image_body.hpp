#pragma once
// The body of one image as a CAR reconstruction finds it when no fit is given (ICON's order: a body,
// the normal maps it conditions, the body fitted to them):
//
//   CarImageBody b = car_image_body(car_run, body_run, image, mask);
//   reconstruct_car(car_run, image, b.fit, fit_to_view(b.fit), options, b.predicted ? &*b.predicted : nullptr);
//
// 1. The estimator's body (body_run.hpp; the CAR run's own body stage or another run's).
// 2. The CAR run's normal maps: its nets on the image, reading that body drawn in the view when
//    normal_net.body_normals (body/body_render.hpp); `given` maps instead when not null (eval-run
//    --gt-normals). A run without normal nets and no given maps fits the silhouette alone.
// 3. The test-time fit (body/image_fit.hpp) from the estimate to the mask and the maps, at the
//    image's own size. mask: S x S in [0, 1] at the image's size; undefined: where the predicted
//    front map is a normal (|n| > 0.5: the nets learned 0 off the person), as hifa fit-body --image.
// predicted: the nets' maps at car.image_size when they did not read the body, so that CAR need not
// predict them again (nets that read the body predict anew from the fit).
// Errors: hifa::Error when there is neither a mask nor a predicted map to find one in.

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
#include <utility>

namespace hifa::trainer {

struct CarImageBody {
  ImageBody found;                        // the estimate and the fit
  prepare::BodyFit fit;                   // the fit as a view-frame hifa-body-fit
  std::optional<GivenNormals> predicted;  // see above
};

// Normal nets' maps of `image` (1 x 3 x S x S in [-1, 1] at the nets' size), the nets reading
// `body` drawn in the view at S when their config has body_normals (body may be null otherwise).
std::pair<torch::Tensor, torch::Tensor> predict_normals(const NormalNetConfig& config, NormalNet& front, NormalNet& back,
                                                        const torch::Tensor& image, const BodyLayer& layer,
                                                        const ViewBodyParameters* body);

// Where a predicted front map (1 x 3 x S x S) says the person is: |n| > 0.5, the nets having learned
// 0 off the person. S x S in {0, 1}.
torch::Tensor mask_from_normals(const torch::Tensor& front);

CarImageBody car_image_body(CarRun& run, BodyRun& body_run, const Image<float>& image, const torch::Tensor& mask,
                            const GivenNormals* given = nullptr, const ImageFitOptions& options = {});

}  // namespace hifa::trainer
