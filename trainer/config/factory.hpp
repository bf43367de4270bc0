#pragma once
// Config -> modules and losses: the factories behind every `type:` key (config/config.hpp).
//
//   Config c = load_config("configs/tiny.yaml");
//   PIFuHD model = make_model(c);                      // model.type: pifuhd | pifu
//   OccupancyLoss occ = make_occupancy_loss(c);        // loss.type: extended_bce | bce
//   NormalLoss nl = make_normal_loss(c);               // normal_net.loss; VGG19 iff vgg_weights
//
// Each throws hifa::Error naming the config file and key for a type it does not know (configs from
// load_config are already checked; these guard Configs built in code).

#include "config/config.hpp"
#include "losses/normal_loss.hpp"
#include "losses/occupancy_loss.hpp"
#include "models/pifuhd.hpp"

namespace hifa::trainer {

PIFuHD make_model(const Config& config);
OccupancyLoss make_occupancy_loss(const Config& config);
NormalLoss make_normal_loss(const Config& config);

}  // namespace hifa::trainer
