#pragma once
// CAR's canonical implicit model (Liao et al., CVPR 2023, section 3.2; config.hpp's CarConfig): the
// signed distance of a point in the body's rest pose, from what the image says at the point's posed
// projection.
//
//   CarNet model(config);                                   // model.type car
//   auto maps = model->encode(image, front, back);          // one feature map per hourglass stack
//   std::vector<torch::Tensor> f = model->query(maps, front, back, q);   // B x N signed distances
//
// For a canonical point x (q.points, body metres relative to the rest root joint) with its blend
// [L | t] (q.blend: the LBS of its nearest rest-body point, into the view frame; body/canonical_skinning.hpp):
//   x_p  = L x + t, its posed position in the view frame (orthographic: pixel (x_p, y_p));
//   n_c  = normalize(L^T n), the canonical normal: n the front normal map at x_p where the body faces
//          the camera there (q.front), the back map elsewhere (body/canonical_lbs.hpp);
//   F    = the hourglass's pixel-aligned feature at x_p (encoder over image ⊕ front ⊕ back);
//   f(x) = SdfMlp([γ(x), n_c, F]) (models/sdf_mlp.hpp; γ: positional encoding, x itself by default).
// x_p and n_c are computed from x detached: the SDF's gradient ∇_x f that the losses use is the
// derivative through the coordinate input alone, image feature and canonical normal held where they
// are, as the public CAR code differentiates (its derive_normal takes the gradient with respect to the
// coordinate features only). The features vary with x only through the slowly varying image maps.
// In training every stack's map is queried (intermediate supervision, as PIFu); in eval mode the last.
// Normal nets (normal_net.type not none) are part of the model and trained by the normal stage; so is
// the body estimator's net (models/body_net.hpp) when the config has body_net (the body stage).
// Errors: hifa::Error naming "CarNet" for encoder.in_channels other than 9, or inputs of wrong shape.

#include "config/config.hpp"
#include "models/body_net.hpp"
#include "models/hourglass.hpp"
#include "models/normal_net.hpp"
#include "models/sdf_mlp.hpp"

#include <torch/torch.h>

#include <vector>

namespace hifa::trainer {

struct CarQuery {
  torch::Tensor points;  // B x N x 3, canonical, root-relative body metres
  torch::Tensor blend;   // B x N x 3 x 4, canonical -> view frame
  torch::Tensor front;   // B x N, 1 where the body faces the camera at the point, else 0
};

struct CarNetImpl : torch::nn::Module {
  // body_joints: the body model's joint count, needed when the config has body_net.
  explicit CarNetImpl(const Config& config, int body_joints = 0);

  bool has_normal_nets() const { return !normal_front.is_empty(); }
  bool has_body_net() const { return !body.is_empty(); }
  std::vector<torch::Tensor> encode(const torch::Tensor& image, const torch::Tensor& front, const torch::Tensor& back);
  std::vector<torch::Tensor> query(const std::vector<torch::Tensor>& features, const torch::Tensor& front,
                                   const torch::Tensor& back, const CarQuery& q);

  NormalNet normal_front{nullptr}, normal_back{nullptr};
  StackedHourglass encoder{nullptr};
  SdfMlp sdf{nullptr};
  BodyNet body{nullptr};

 private:
  CarConfig config_;
};
TORCH_MODULE(CarNet);

}  // namespace hifa::trainer
