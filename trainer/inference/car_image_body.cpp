#include "inference/car_image_body.hpp"

#include "body/body_render.hpp"
#include "body/fit_json.hpp"
#include "data/image_tensor.hpp"
#include "models/pifuhd.hpp"

#include "hifa/core/error.hpp"
#include "hifa/render/image_ops.hpp"

namespace hifa::trainer {

std::pair<torch::Tensor, torch::Tensor> predict_normals(const NormalNetConfig& config, NormalNet& front, NormalNet& back,
                                                        const torch::Tensor& image, const BodyLayer& layer,
                                                        const ViewBodyParameters* body) {
  torch::NoGradGuard no_grad;
  torch::Tensor body_maps;
  if (config.body_normals) {
    if (body == nullptr) throw Error("normal nets", "they read the body (normal_net.body_normals) and none was given");
    body_maps = render_body(layer, *body, int(image.size(3))).normals().unsqueeze(0).to(image.device());
  }
  const torch::Tensor in = normal_net_input(config, image, body_maps);
  return {front->forward(in), back->forward(in)};
}

torch::Tensor mask_from_normals(const torch::Tensor& front) {
  return (front[0].norm(2, 0) > 0.5f).to(torch::kFloat32);
}

CarImageBody car_image_body(CarRun& run, BodyRun& body_run, const Image<float>& image, const torch::Tensor& mask,
                            const GivenNormals* given, const ImageFitOptions& options) {
  CarImageBody out;
  const int size = image.width();
  const bool nets_read_body = run.config.normal_net.body_normals;
  std::optional<ViewBodyParameters> estimate;
  torch::Tensor front, back;  // 1 x 3 x size x size on the CPU, what the fit reads
  if (given != nullptr) {
    front = image_tensor(given->front).unsqueeze(0);
    back = image_tensor(given->back).unsqueeze(0);
  } else if (run.model->has_normal_nets()) {
    const int s = run.config.car->image_size;
    const torch::Tensor in = image_tensor(size == s ? image : resize_area(image, s, s)).unsqueeze(0).to(run.device) * 2 - 1;
    if (nets_read_body) estimate = estimate_body(body_run, image);
    const auto [net_front, net_back] =
        predict_normals(run.config.normal_net, run.model->normal_front, run.model->normal_back, in, *body_run.body,
                        estimate ? &*estimate : nullptr);
    if (!nets_read_body) out.predicted = GivenNormals{tensor_image(net_front[0]), tensor_image(net_back[0])};
    front = PIFuHDImpl::resized(net_front, size).cpu();
    back = PIFuHDImpl::resized(net_back, size).cpu();
  }
  torch::Tensor m = mask;
  if (!m.defined()) {
    if (!front.defined()) {
      throw Error("CAR's body from the image", "no mask: give one, or use a run whose normal nets say where the person is");
    }
    m = mask_from_normals(front);
  }
  out.found = estimate ? body_from_estimate(body_run, std::move(*estimate), m, front, back, options)
                       : body_from_image(body_run, image, m, front, back, options);
  out.fit = view_body_fit(out.found.fit.body, body_run.body_model);
  return out;
}

}  // namespace hifa::trainer
