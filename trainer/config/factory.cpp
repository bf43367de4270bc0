#include "config/factory.hpp"

#include "hifa/core/error.hpp"

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

NormalLoss make_normal_loss(const Config& c) {
  require(c, "normal_net.loss", c.normal_net.loss, {"l1_perceptual"});
  return NormalLoss(c.normal_net);
}

}  // namespace hifa::trainer
