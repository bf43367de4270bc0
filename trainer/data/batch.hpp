#pragma once
// One training batch of prepared views (docs/dataset.md), as tensors on the CPU. The data loader
// (trainer/data/) fills it; the training loop (trainer/train/) moves it to the device.
//
// Frames: `points` are in the view's normalized frame (docs/dataset.md "A view's normalized frame")
// of the coarse image; `fine_points_crop` are the same fine samples in the frame of the fine crop
// (the crop is a square window of the --fine-res image; its frame maps the window to [-1,1]^2 the
// way the view frame maps the whole image, z scaled alike), `fine_points` in the coarse frame (the
// coarse level is queried there for Omega). Images are in [-1, 1] (PIFu's Normalize(0.5, 0.5)),
// normals decoded n = 2 v - 1 (0 outside the mask), masks in [0, 1].

#include <torch/torch.h>

#include <string>
#include <vector>

namespace hifa::trainer {

struct ViewBatch {
  // Coarse level (--res of the dataset, resized to the config's coarse image_size if they differ).
  torch::Tensor image;         // B x 3 x R x R
  torch::Tensor mask;          // B x 1 x R x R
  torch::Tensor normal_front;  // B x 3 x R x R
  torch::Tensor normal_back;   // B x 3 x R x R
  torch::Tensor points;        // B x 3 x N  coarse samples, view frame
  torch::Tensor labels;        // B x 1 x N  1 inside, 0 outside

  // Fine level (undefined when the dataset or the config has none): a crop of the fine image.
  torch::Tensor fine_image;         // B x 3 x C x C
  torch::Tensor fine_mask;          // B x 1 x C x C
  torch::Tensor fine_normal_front;  // B x 3 x C x C
  torch::Tensor fine_normal_back;   // B x 3 x C x C
  torch::Tensor fine_points;        // B x 3 x M  fine samples, coarse view frame
  torch::Tensor fine_points_crop;   // B x 3 x M  the same points, crop frame
  torch::Tensor fine_labels;        // B x 1 x M
  torch::Tensor fine_crop_origin;   // B x 2 int64: the crop's top-left pixel (x, y) in the fine image

  std::vector<std::string> subjects;  // per item: subject name
  std::vector<int> views;             // per item: view index
};

}  // namespace hifa::trainer
