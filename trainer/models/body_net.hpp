#pragma once
// The body estimator (config.hpp's BodyNetConfig): image -> body in the view's normalized frame.
//
//   BodyEstimator model(config, joints);                      // model.type body
//   torch::Tensor in = model->net->input(image, front, back); // B x 3 (or 9) x S x S
//   BodyEstimate e = model->net->forward(in);
//   BodyPose p = body.pose(e.betas, e.rotations, zeros);      // body_layer.hpp
//   view-frame vertices = e.scale[b] * p.vertices[b] + e.translation[b]
//
// BodyNet: a residual encoder -- a 3x3 stride-2 stem to channels[0], then per width c of
// `channels` a stage of `blocks` basic residual blocks (He et al. 2016: 3x3 conv, norm, ReLU, 3x3
// conv, norm, + shortcut, ReLU), the first with stride 2 and a 1x1 projection shortcut -- global
// average pooling, and HMR's iterative regressor (Kanazawa et al. 2018, section 3.2): from the mean
// parameters Θ0, `iterations` times Θ += MLP([features, Θ]). Θ = (K joint rotations in 6D, β,
// log scale, translation); the mean is the rest pose facing the camera (+z), β = 0, scale 1, the
// frame's origin. The MLP's last layer starts near zero (Xavier, gain 0.01, as HMR's decoder) so
// training starts from the mean. HMR's dropout is left out: GroupNorm and the iteration regularise
// enough at these sizes, and a forward pass stays a function of its input.
// BodyEstimator: the estimator of a run, with the normal nets when the config has them (their
// maps are the input's extra channels with inputs image_normals; trained by the normal stage).
// Errors: hifa::Error for an input of the wrong channel count or size.

#include "config/config.hpp"
#include "models/normal_net.hpp"

#include <torch/torch.h>

namespace hifa::trainer {

struct BodyEstimate {
  torch::Tensor rotations;     // B x K x 3 x 3, relative to the parents (joint 0: the body in the view)
  torch::Tensor rotations_6d;  // B x K x 6
  torch::Tensor betas;         // B x b
  torch::Tensor scale;         // B
  torch::Tensor translation;   // B x 3
};

struct BodyNetImpl : torch::nn::Module {
  BodyNetImpl(const BodyNetConfig& config, int in_channels, int joints);
  BodyEstimate forward(const torch::Tensor& input);

  int in_channels() const { return in_channels_; }
  // With inputs image_normals the net reads the front and back normal maps beside the image.
  bool takes_normals() const { return in_channels_ == 9; }
  // The net's input: the image, ⊕ the front and back maps when it takes them, each shrunk to
  // body_net.image_size by area averaging when larger (a CAR run's images and maps).
  torch::Tensor input(const torch::Tensor& image, const torch::Tensor& front, const torch::Tensor& back) const;
  int joints() const { return joints_; }

  torch::nn::Sequential encoder{nullptr};
  torch::nn::Sequential regressor{nullptr};

 private:
  BodyNetConfig config_;
  int in_channels_, joints_;
  torch::Tensor mean_;  // Θ0 (a buffer: saved with the model)
};
TORCH_MODULE(BodyNet);

// The net's input channels for the config: 3 (image), 9 with inputs image_normals.
int body_net_channels(const BodyNetConfig& config);

struct BodyEstimatorImpl : torch::nn::Module {
  // `joints`: the body model's joint count (24 for SMPL's layout).
  BodyEstimatorImpl(const Config& config, int joints);

  bool has_normal_nets() const { return !normal_front.is_empty(); }

  NormalNet normal_front{nullptr}, normal_back{nullptr};
  BodyNet net{nullptr};
};
TORCH_MODULE(BodyEstimator);

}  // namespace hifa::trainer
