#include "models/pifuhd.hpp"

#include "hifa/core/error.hpp"

namespace hifa::trainer {
namespace F = torch::nn::functional;

PIFuHDImpl::PIFuHDImpl(PIFuHDOptions o) : options_(std::move(o)) {
  coarse = register_module("coarse", PIFuLevel(PIFuLevelOptions{options_.coarse, 0, false}));
  if (options_.fine) {
    const MlpConfig& cm = options_.coarse.mlp;
    if (cm.omega_layer < 0) throw Error("PIFuHD", "the fine level needs Omega: set model.coarse.mlp.omega_layer");
    const int omega = cm.widths[std::size_t(cm.omega_layer) + 1];
    // The public fine level tests only x, y against the box (it trains on crops).
    fine = register_module("fine", PIFuLevel(PIFuLevelOptions{*options_.fine, omega, true}));
  }
  if (options_.normal_net.type != "none") {
    normal_front = register_module("netF", NormalNet(options_.normal_net));
    normal_back = register_module("netB", NormalNet(options_.normal_net));
  }
}

std::pair<torch::Tensor, torch::Tensor> PIFuHDImpl::predict_normals(const torch::Tensor& image) {
  if (!has_normal_nets()) throw Error("PIFuHD", "this model has no normal nets (normal_net.type: none)");
  return {normal_front->forward(image), normal_back->forward(image)};
}

torch::Tensor PIFuHDImpl::condition(const torch::Tensor& image, const torch::Tensor& front, const torch::Tensor& back) {
  auto fit = [&](const torch::Tensor& n) {
    if (n.size(2) == image.size(2) && n.size(3) == image.size(3)) return n;
    return F::interpolate(n, F::InterpolateFuncOptions()
                                 .size(std::vector<int64_t>{image.size(2), image.size(3)})
                                 .mode(torch::kBilinear)
                                 .align_corners(true));
  };
  return torch::cat({image, fit(front), fit(back)}, 1);
}

PIFuHDOutput PIFuHDImpl::forward(const torch::Tensor& coarse_image, const torch::Tensor& fine_image,
                                 const torch::Tensor& xyz_n, bool detach_omega) {
  return forward(coarse_image, fine_image, xyz_n, xyz_n, detach_omega);
}

PIFuHDOutput PIFuHDImpl::forward(const torch::Tensor& coarse_image, const torch::Tensor& fine_image,
                                 const torch::Tensor& xyz_n, const torch::Tensor& xyz_fine, bool detach_omega) {
  PIFuHDOutput out;
  out.coarse = coarse->forward(coarse_image, xyz_n);
  if (has_fine() && fine_image.defined()) {
    torch::Tensor omega = detach_omega ? out.coarse.omega.detach() : out.coarse.omega;
    out.fine = fine->forward(fine_image, xyz_fine, omega);
  }
  return out;
}

}  // namespace hifa::trainer
