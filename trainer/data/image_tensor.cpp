#include "data/image_tensor.hpp"

#include <algorithm>

namespace hifa::trainer {

torch::Tensor image_tensor(const Image<float>& image) {
  return torch::from_blob(const_cast<float*>(image.data()), {image.height(), image.width(), image.channels()},
                          torch::kFloat32)
      .permute({2, 0, 1})
      .clone();
}

Image<float> tensor_image(const torch::Tensor& chw) {
  const torch::Tensor hwc = chw.to(torch::kCPU, torch::kFloat32).permute({1, 2, 0}).contiguous();
  Image<float> out(int(hwc.size(1)), int(hwc.size(0)), int(hwc.size(2)));
  std::copy_n(hwc.data_ptr<float>(), out.size(), out.data());
  return out;
}

}  // namespace hifa::trainer
