#include "inference/car_image_body.hpp"

#include "body/body_render.hpp"
#include "body/fit_json.hpp"
#include "data/image_tensor.hpp"
#include "models/pifuhd.hpp"

#include "hifa/core/error.hpp"
#include "hifa/render/image_ops.hpp"

namespace hifa::trainer {
namespace {

// The nets' maps of `image` (1 x 3 x S x S in [-1, 1] at the nets' size), the nets reading `body`
// drawn in the view at S when their config has body_normals.
std::pair<torch::Tensor, torch::Tensor> predict_normals(const NormalNets& nets, const torch::Tensor& image,
                                                        const BodyLayer& layer, const ViewBodyParameters* body) {
  torch::NoGradGuard no_grad;
  torch::Tensor body_maps;
  if (nets.config.body_normals) body_maps = render_body(layer, *body, nets.size).normals().unsqueeze(0).to(nets.device);
  const torch::Tensor in = normal_net_input(nets.config, image, body_maps);
  NormalNet front = nets.front, back = nets.back;  // holders of the same modules: forward is not const
  return {front->forward(in), back->forward(in)};
}

// Where a front map (1 x 3 x S x S) says the person is: |n| > 0.5, the nets having learned 0 off
// the person. S x S in {0, 1}.
torch::Tensor mask_from_normals(const torch::Tensor& front) {
  return (front[0].norm(2, 0) > 0.5f).to(torch::kFloat32);
}

}  // namespace

NormalNets normal_nets_of(const BodyRun& run) {
  return {run.config.normal_net, run.normal_front, run.normal_back, input_image_size(run.config), run.device};
}

NormalNets normal_nets_of(const CarRun& run) {
  return {run.config.normal_net, run.model->normal_front, run.model->normal_back, run.config.car->image_size, run.device};
}

ImageBodyMaps image_body(BodyRun& estimator, const NormalNets* nets, const Image<float>& image, const torch::Tensor& mask,
                         const torch::Tensor& front, const torch::Tensor& back, const ImageFitOptions& options) {
  ImageBodyMaps out;
  const int size = image.width();
  std::optional<ViewBodyParameters> estimate;  // made first when the nets read the body
  out.front = front;
  out.back = back;
  if (nets != nullptr) {
    const torch::Tensor in =
        image_tensor(size == nets->size ? image : resize_area(image, nets->size, nets->size)).unsqueeze(0).to(nets->device) * 2 - 1;
    if (nets->config.body_normals) estimate = estimate_body(estimator, image);
    const auto [net_front, net_back] = predict_normals(*nets, in, *estimator.body, estimate ? &*estimate : nullptr);
    if (!nets->config.body_normals) {
      out.net_front = net_front;
      out.net_back = net_back;
    }
    out.front = PIFuHDImpl::resized(net_front, size).cpu();
    out.back = PIFuHDImpl::resized(net_back, size).cpu();
  }
  out.mask = mask;
  if (!out.mask.defined()) {
    if (!out.front.defined()) {
      throw Error("the body from the image", "no mask: give one, or normal nets whose maps say where the person is");
    }
    out.mask = mask_from_normals(out.front);
  }
  out.found = estimate ? body_from_estimate(estimator, std::move(*estimate), out.mask, out.front, out.back, options)
                       : body_from_image(estimator, image, out.mask, out.front, out.back, options);
  return out;
}

CarImageBody car_image_body(CarRun& run, BodyRun& body_run, const Image<float>& image, const torch::Tensor& mask,
                            const GivenNormals* given, const ImageFitOptions& options) {
  torch::Tensor front, back;
  std::optional<NormalNets> nets;
  if (given != nullptr) {
    front = PIFuHDImpl::resized(image_tensor(given->front).unsqueeze(0), image.width());
    back = PIFuHDImpl::resized(image_tensor(given->back).unsqueeze(0), image.width());
  } else if (run.model->has_normal_nets()) {
    nets.emplace(normal_nets_of(run));
  }
  ImageBodyMaps r = image_body(body_run, nets ? &*nets : nullptr, image, mask, front, back, options);
  CarImageBody out;
  out.found = std::move(r.found);
  out.fit = view_body_fit(out.found.fit.body, body_run.body_model);
  if (r.net_front.defined()) out.predicted = GivenNormals{tensor_image(r.net_front[0]), tensor_image(r.net_back[0])};
  return out;
}

}  // namespace hifa::trainer
