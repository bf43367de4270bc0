#include "train/body_stage.hpp"

#include "config/factory.hpp"
#include "hifa/core/error.hpp"
#include "train/optimizers.hpp"

#include <tuple>

namespace hifa::trainer {
namespace {

constexpr std::uint64_t body_stream = 3;  // NormalStage coins (pifuhd_trainer.cpp has 1 and 2, CAR's canonical 4)

}  // namespace

BodyStage::BodyStage(const Config& config, torch::Device device)
    : body_(std::make_unique<BodyLayer>(make_body_layer(config, device))),
      loss_(std::make_unique<BodyLoss>(*config.body_net, *body_)) {}

StageSpec BodyStage::spec(const Config& config) {
  return {"body", {"body", "body_joints_3d", "body_joints_2d", "body_vertices", "body_pose", "body_betas"}, config.train.body};
}

std::vector<double> BodyStage::step(BodyNet& net, NormalStage& normals, const ViewBatch& b, std::int64_t iteration,
                                    torch::optim::Optimizer& optimizer, Collective* group) {
  if (!b.body_rotations.defined()) throw Error("body stage", "the batch has no body targets");
  torch::Tensor front, back;
  if (net->takes_normals()) {
    const torch::Tensor use_gt = normals.gt_coins(body_stream, iteration, b);
    std::tie(front, back) = normals.inputs(b, use_gt);
  }
  net->train();
  const BodyEstimate e = net->forward(net->input(b.image, front, back));
  const BodyLossTerms l = (*loss_)(e, b);
  optimizer.zero_grad();
  l.total.backward();
  average_gradients(group, {&optimizer});
  optimizer.step();
  return {scalar(l.total), l.joints_3d, l.joints_2d, l.vertices, l.pose, l.betas};
}

}  // namespace hifa::trainer
