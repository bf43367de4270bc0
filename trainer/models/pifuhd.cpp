#include "models/pifuhd.hpp"

#include "hifa/core/error.hpp"

namespace hifa::trainer {
namespace F = torch::nn::functional;

PIFuHDImpl::PIFuHDImpl(PIFuHDOptions o) : options_(std::move(o)) {
  // The fine level is made last: its random initialisation then leaves the coarse level's and the
  // normal nets' as in a single-level model of the same config, so a PIFuHD run's model after its
  // coarse stage is the PIFu run's (train/checkpoint.hpp, snapshot_folder).
  coarse = register_module("coarse", PIFuLevel(PIFuLevelOptions{options_.coarse, 0, false}));
  if (options_.normal_net.type != "none") {
    normal_front = register_module("netF", NormalNet(options_.normal_net));
    normal_back = register_module("netB", NormalNet(options_.normal_net));
  }
  if (options_.fine) {
    const MlpConfig& cm = options_.coarse.mlp;
    if (cm.omega_layer < 0) throw Error("PIFuHD", "the fine level needs Omega: set model.coarse.mlp.omega_layer");
    const int omega = cm.widths[std::size_t(cm.omega_layer) + 1];
    // The public fine level tests only x, y against the box (it trains on crops).
    fine = register_module("fine", PIFuLevel(PIFuLevelOptions{*options_.fine, omega, true}));
  }
}

std::pair<torch::Tensor, torch::Tensor> PIFuHDImpl::predict_normals(const torch::Tensor& image) {
  if (!has_normal_nets()) throw Error("PIFuHD", "this model has no normal nets (normal_net.type: none)");
  return {normal_front->forward(image), normal_back->forward(image)};
}

torch::Tensor PIFuHDImpl::resized(const torch::Tensor& maps, int64_t size) {
  if (maps.size(2) == size && maps.size(3) == size) return maps;
  return F::interpolate(maps, F::InterpolateFuncOptions()
                                  .size(std::vector<int64_t>{size, size})
                                  .mode(torch::kBilinear)
                                  .align_corners(true));
}

torch::Tensor PIFuHDImpl::fine_normals(const torch::Tensor& normals, int64_t fine_size, const torch::Tensor& origins,
                                       int64_t crop) {
  if (origins.dim() != 2 || origins.size(0) != normals.size(0) || origins.size(1) != 2) {
    throw Error("PIFuHD::fine_normals", "origins must be B x 2 (x, y) with the maps' B");
  }
  const torch::Tensor full = resized(normals, fine_size);
  const torch::Tensor at = origins.to(torch::kCPU, torch::kInt64);
  std::vector<torch::Tensor> windows;
  for (int64_t b = 0; b < full.size(0); ++b) {
    const int64_t x = at[b][0].item<int64_t>(), y = at[b][1].item<int64_t>();
    if (x < 0 || y < 0 || x + crop > fine_size || y + crop > fine_size) {
      throw Error("PIFuHD::fine_normals", "crop window at (" + std::to_string(x) + ", " + std::to_string(y) +
                                              ") of size " + std::to_string(crop) + " leaves the " +
                                              std::to_string(fine_size) + " px map");
    }
    windows.push_back(full[b].narrow(1, y, crop).narrow(2, x, crop));
  }
  return torch::stack(windows);
}

torch::Tensor PIFuHDImpl::condition(const torch::Tensor& image, const torch::Tensor& front, const torch::Tensor& back) {
  if (image.size(2) != image.size(3)) throw Error("PIFuHD::condition", "the image must be square");
  return torch::cat({image, resized(front, image.size(2)), resized(back, image.size(2))}, 1);
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
