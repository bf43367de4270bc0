#pragma once
// The toolkit's H x W x C interleaved images as C x H x W LibTorch tensors and back (copies).
//
//   torch::Tensor t = image_tensor(image);        // C x H x W float32, values as stored
//   Image<float> im = tensor_image(t);            // C x H x W (any device, any float type)

#include "hifa/render/image.hpp"

#include <torch/torch.h>

namespace hifa::trainer {

torch::Tensor image_tensor(const Image<float>& image);
Image<float> tensor_image(const torch::Tensor& chw);

}  // namespace hifa::trainer
