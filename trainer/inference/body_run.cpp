#include "inference/body_run.hpp"

#include "data/image_tensor.hpp"
#include "models/pifuhd.hpp"

#include "hifa/render/image_ops.hpp"

#include "config/factory.hpp"
#include "hifa/core/error.hpp"
#include "inference/run_model.hpp"

namespace hifa::trainer {

BodyRun load_body_run(const std::filesystem::path& run, torch::Device device) {
  BodyRun out;
  out.config = read_run_config(run);
  if (!out.config.body_net) {
    throw Error(run.string(), "holds a " + out.config.model_type + " model, not a body estimator (model.type body)");
  }
  out.body_model = body_model_file(out.config).stem().string();
  out.body = std::make_shared<const BodyLayer>(make_body_layer(out.config, device));
  out.model = BodyEstimator(out.config, int(out.body->joint_count()));
  read_run_module(run, *out.model);
  out.model->eval();
  out.model->to(device);
  out.device = device;
  return out;
}

ViewBodyParameters estimate_body(BodyRun& run, const torch::Tensor& image, const torch::Tensor& front,
                                 const torch::Tensor& back) {
  const int64_t size = run.config.body_net->image_size;
  if (image.dim() != 4 || image.size(0) != 1 || image.size(1) != 3 || image.size(2) != size || image.size(3) != size) {
    throw Error("body estimator", "image of shape " + std::string(c10::str(image.sizes())) + ", expected 1 x 3 x " +
                                      std::to_string(size) + " x " + std::to_string(size));
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor in = image.to(run.device);
  torch::Tensor f = front, b = back;
  if (run.model->has_normal_nets()) {
    f = run.model->normal_front->forward(in);
    b = run.model->normal_back->forward(in);
  }
  if (run.model->takes_normals() && (!f.defined() || !b.defined())) {
    throw Error("body estimator", "the run's input takes normal maps and it has no normal nets: give the maps");
  }
  const BodyEstimate e = run.model->net->forward(run.model->input(in, f.defined() ? f.to(run.device) : f,
                                                                  b.defined() ? b.to(run.device) : b));
  return {e.rotations[0].cpu(), e.betas[0].cpu(), e.scale[0].cpu(), e.translation[0].cpu()};
}

ViewBodyParameters estimate_body(BodyRun& run, const Image<float>& image, const torch::Tensor& front,
                                 const torch::Tensor& back) {
  const int size = run.config.body_net->image_size;
  const Image<float> small = image.width() == size ? image : resize_area(image, size, size);
  return estimate_body(run, image_tensor(small).unsqueeze(0) * 2 - 1, front, back);
}

ImageBody body_from_image(BodyRun& run, const Image<float>& image, const torch::Tensor& mask, const torch::Tensor& front,
                          const torch::Tensor& back, const ImageFitOptions& options) {
  const int size = run.config.body_net->image_size;
  const auto at_size = [&](const torch::Tensor& maps) { return maps.defined() ? PIFuHDImpl::resized(maps, size) : maps; };
  ImageBody out;
  out.estimate = estimate_body(run, image, at_size(front), at_size(back));
  const ImageFitTarget target = image_fit_target(mask, front.defined() ? front[0] : front, back.defined() ? back[0] : back);
  torch::AutoGradMode grad(true);
  out.fit = fit_body_to_image(*run.body, out.estimate, target, options);
  return out;
}

}  // namespace hifa::trainer
