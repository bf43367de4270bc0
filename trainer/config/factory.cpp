#include "config/factory.hpp"

#include "hifa/body/smpl_model.hpp"
#include "hifa/core/error.hpp"
#include "prepare/body_model_path.hpp"

namespace hifa::trainer {
namespace {
void require(const Config& c, const std::string& key, const std::string& value, std::initializer_list<const char*> known) {
  std::string list;
  for (const char* k : known) {
    if (value == k) return;
    list += (list.empty() ? "" : ", ") + std::string(k);
  }
  throw Error(c.source.empty() ? "config" : c.source, "'" + key + "' is '" + value + "', which is not one of: " + list);
}
}  // namespace

PIFuHD make_model(const Config& c) {
  require(c, "model.type", c.model_type, {"pifuhd", "pifu"});
  for (const LevelConfig* l : {&c.coarse, c.fine ? &*c.fine : nullptr}) {
    if (!l) continue;
    require(c, "model.*.encoder.type", l->encoder.type, {"hourglass"});
    require(c, "model.*.mlp.type", l->mlp.type, {"surface_mlp"});
  }
  require(c, "normal_net.type", c.normal_net.type, {"pix2pixhd_global", "none"});
  if (c.model_type == "pifuhd" && !c.fine) throw Error(c.source, "'model.type' pifuhd needs model.fine");
  PIFuHDOptions o;
  o.coarse = c.coarse;
  o.fine = c.model_type == "pifuhd" ? c.fine : std::nullopt;
  o.normal_net = c.normal_net;
  try {
    return PIFuHD(o);
  } catch (const Error& e) {
    throw Error(c.source, e.what());  // e.g. widths that do not add up, with the file named
  }
}

OccupancyLoss make_occupancy_loss(const Config& c) {
  require(c, "loss.type", c.loss.type, {"extended_bce", "bce"});
  return OccupancyLoss(c.loss);
}

std::filesystem::path body_model_file(const Config& c) {
  if (c.car) return prepare::body_model_path(c.car->body_model, c.source + ": car.body_model");
  if (c.hyper) return prepare::body_model_path(c.hyper->body_model, c.source + ": hyper.body_model");
  if (!c.body_net) throw Error(c.source, "has no body model (model.type body, car or hyper)");
  return prepare::body_model_path(c.body_net->body_model, c.source + ": body_net.body_model");
}

BodyLayer make_body_layer(const Config& c, torch::Device device) {
  const SmplModel<float> model = SmplModel<float>::load(body_model_file(c));
  if (c.body_net && c.body_net->betas > model.shape_count()) {
    throw Error(c.source, "'body_net.betas' is " + std::to_string(c.body_net->betas) + ", the body model has " +
                              std::to_string(model.shape_count()));
  }
  return BodyLayer(model.data(), torch::TensorOptions().device(device));
}

NormalLoss make_normal_loss(const Config& c) {
  require(c, "normal_net.loss", c.normal_net.loss, {"l1_perceptual"});
  return NormalLoss(c.normal_net);
}

}  // namespace hifa::trainer
