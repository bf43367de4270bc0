#pragma once
// Config -> modules and losses: the factories behind every `type:` key (config/config.hpp).
//
//   Config c = load_config("configs/tiny.yaml");
//   PIFuHD model = make_model(c);                      // model.type: pifuhd | pifu
//   OccupancyLoss occ = make_occupancy_loss(c);        // loss.type: extended_bce | bce
//   NormalLoss nl = make_normal_loss(c);               // normal_net.loss; VGG19 iff vgg_weights
//   BodyLayer body = make_body_layer(c, device);       // body_net.body_model / car.body_model
//
// Each throws hifa::Error naming the config file and key for a type it does not know (configs from
// load_config are already checked; these guard Configs built in code).

#include "body/body_layer.hpp"
#include "config/config.hpp"
#include "losses/normal_loss.hpp"
#include "losses/occupancy_loss.hpp"
#include "models/pifuhd.hpp"

namespace hifa::trainer {

PIFuHD make_model(const Config& config);
OccupancyLoss make_occupancy_loss(const Config& config);
NormalLoss make_normal_loss(const Config& config);

// body_net.body_model or car.body_model as a file ("open": $HIFA_DATA/body/open_body.npz); errors
// name the config key.
std::filesystem::path body_model_file(const Config& config);
// That body model on `device`; an error names the config when body_net.betas exceeds its β count.
BodyLayer make_body_layer(const Config& config, torch::Device device);

}  // namespace hifa::trainer
