#include "inference/body_run.hpp"

#include "data/image_tensor.hpp"
#include "models/pifuhd.hpp"

#include "hifa/render/image_ops.hpp"

#include "config/factory.hpp"
#include "hifa/core/error.hpp"
#include "inference/run_model.hpp"

namespace hifa::trainer {

BodyRun load_body_run(const std::filesystem::path& run, torch::Device device) {
  const Config config = read_run_config(run);
  if (config.car && config.body_net) return body_run_of(load_car_run(run, device));
  if (!config.body_net) {
    throw Error(run.string(), "holds a " + config.model_type + " model without a body estimator (model.type body, or car " +
                                  "with body_net)");
  }
  BodyRun out;
  out.config = config;
  out.body_model = body_model_file(out.config).stem().string();
  out.body = std::make_shared<const BodyLayer>(make_body_layer(out.config, device));
  BodyEstimator model(out.config, int(out.body->joint_count()));
  read_run_module(run, *model);
  model->eval();
  model->to(device);
  out.normal_front = model->normal_front;
  out.normal_back = model->normal_back;
  out.net = model->net;
  out.device = device;
  return out;
}

BodyRun body_run_of(const CarRun& run) {
  if (!run.model->has_body_net()) {
    throw Error(run.config.source, "is a CAR run without a body estimator (no body_net): give the body another way");
  }
  BodyRun out;
  out.config = run.config;
  out.body_model = run.body_file.stem().string();
  out.body = std::make_shared<const BodyLayer>(make_body_layer(out.config, run.device));
  out.normal_front = run.model->normal_front;
  out.normal_back = run.model->normal_back;
  out.net = run.model->body;
  out.device = run.device;
  return out;
}

ViewBodyParameters estimate_body(BodyRun& run, const torch::Tensor& image, const torch::Tensor& front,
                                 const torch::Tensor& back) {
  const int64_t size = input_image_size(run.config);  // the run's images (a CAR run's are CAR's)
  if (image.dim() != 4 || image.size(0) != 1 || image.size(1) != 3 || image.size(2) != size || image.size(3) != size) {
    throw Error("body estimator", "image of shape " + std::string(c10::str(image.sizes())) + ", expected 1 x 3 x " +
                                      std::to_string(size) + " x " + std::to_string(size));
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor in = image.to(run.device);
  torch::Tensor f = front, b = back;
  // The run's nets serve the estimator's input at the size they trained at (a CAR run's may read a
  // body: configs never give those to an estimator that takes normals, config.cpp); the net's
  // input shrinks both to its own size.
  if (run.net->takes_normals() && !run.normal_front.is_empty()) {
    f = run.normal_front->forward(in);
    b = run.normal_back->forward(in);
  }
  if (run.net->takes_normals() && (!f.defined() || !b.defined())) {
    throw Error("body estimator", "the run's input takes normal maps and it has no normal nets: give the maps");
  }
  const BodyEstimate e =
      run.net->forward(run.net->input(in, f.defined() ? f.to(run.device) : f, b.defined() ? b.to(run.device) : b));
  return {e.rotations[0].cpu(), e.betas[0].cpu(), e.scale[0].cpu(), e.translation[0].cpu()};
}

ViewBodyParameters estimate_body(BodyRun& run, const Image<float>& image, const torch::Tensor& front,
                                 const torch::Tensor& back) {
  const int size = input_image_size(run.config);
  const Image<float> small = image.width() == size ? image : resize_area(image, size, size);
  return estimate_body(run, image_tensor(small).unsqueeze(0) * 2 - 1, front, back);
}

ImageBody body_from_image(BodyRun& run, const Image<float>& image, const torch::Tensor& mask, const torch::Tensor& front,
                          const torch::Tensor& back, const ImageFitOptions& options) {
  const int size = input_image_size(run.config);
  const auto at_size = [&](const torch::Tensor& maps) { return maps.defined() ? PIFuHDImpl::resized(maps, size) : maps; };
  return body_from_estimate(run, estimate_body(run, image, at_size(front), at_size(back)), mask, front, back, options);
}

ImageBody body_from_estimate(BodyRun& run, ViewBodyParameters estimate, const torch::Tensor& mask, const torch::Tensor& front,
                             const torch::Tensor& back, const ImageFitOptions& options) {
  ImageBody out;
  out.estimate = std::move(estimate);
  const ImageFitTarget target = image_fit_target(mask, front.defined() ? front[0] : front, back.defined() ? back[0] : back);
  torch::AutoGradMode grad(true);
  out.fit = fit_body_to_image(*run.body, out.estimate, target, options);
  return out;
}

}  // namespace hifa::trainer
