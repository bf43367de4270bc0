#include "models/car_net.hpp"

#include "body/canonical_lbs.hpp"
#include "hifa/core/error.hpp"
#include "models/pifuhd.hpp"
#include "models/projection.hpp"

namespace hifa::trainer {

CarNetImpl::CarNetImpl(const Config& c, int body_joints) {
  if (!c.car) throw Error(c.source, "model.type car needs the car section");
  config_ = *c.car;
  if (config_.encoder.in_channels != 9) {
    throw Error("CarNet", "car.encoder.in_channels must be 9 (image, front and back normals), got " +
                              std::to_string(config_.encoder.in_channels));
  }
  if (c.normal_net.type != "none") {
    normal_front = register_module("netF", NormalNet(c.normal_net));
    normal_back = register_module("netB", NormalNet(c.normal_net));
  }
  encoder = register_module("image_filter", StackedHourglass(config_.encoder));
  sdf = register_module("sdf", SdfMlp(config_.sdf, positional_channels(config_.sdf.frequencies) + 3 + config_.encoder.out_channels));
  if (c.body_net) {
    if (body_joints < 1) throw Error("CarNet", "body_net needs the body model's joint count");
    body = register_module("body", BodyNet(*c.body_net, body_net_channels(*c.body_net), body_joints));
  }
}

std::vector<torch::Tensor> CarNetImpl::encode(const torch::Tensor& image, const torch::Tensor& front,
                                              const torch::Tensor& back) {
  return encoder->forward(PIFuHDImpl::condition(image, front, back));
}

std::vector<torch::Tensor> CarNetImpl::query(const std::vector<torch::Tensor>& features, const torch::Tensor& front,
                                             const torch::Tensor& back, const CarQuery& q) {
  if (features.empty()) throw Error("CarNet::query", "no feature maps (call encode first)");
  const int64_t b = q.points.size(0), n = q.points.size(1);
  if (q.points.dim() != 3 || q.points.size(2) != 3 || q.blend.sizes() != torch::IntArrayRef({b, n, 3, 4}) ||
      q.front.sizes() != torch::IntArrayRef({b, n})) {
    throw Error("CarNet::query", "expects points B x N x 3, blend B x N x 3 x 4 and front B x N");
  }
  torch::Tensor posed, normal;
  {
    const torch::Tensor x = q.points.detach();
    posed = blend_points(q.blend, x).transpose(1, 2);  // B x 3 x N, view frame
    const torch::Tensor seen = torch::where(q.front.unsqueeze(1) > 0.5f, sample_features(front, posed),
                                            sample_features(back, posed));  // B x 3 x N
    normal = canonical_normals(q.blend, seen.transpose(1, 2));          // B x N x 3
  }
  const torch::Tensor coordinates = positional_encoding(q.points, config_.sdf.frequencies);
  std::vector<torch::Tensor> out;
  const std::size_t first = is_training() ? 0 : features.size() - 1;
  for (std::size_t s = first; s < features.size(); ++s) {
    const torch::Tensor pixel = sample_features(features[s], posed).transpose(1, 2);  // B x N x C
    out.push_back(sdf->forward(torch::cat({coordinates, normal, pixel}, -1)).squeeze(-1));
  }
  return out;
}

}  // namespace hifa::trainer
