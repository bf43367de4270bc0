#pragma once
// Meta-learning tasks for CAR's hypernetwork (model.type hyper; refine/meta_learning.hpp): posed
// bodies of the config's body model in view frames, made on the fly as a pure function of
// (train.seed, task index) -- no dataset.
//
//   const BodyTasks tasks(config);                  // loads the body model and $HIFA_DATA/motion
//   ViewBatch b = tasks.batch(first, count);        // task_body, task_surface, task_normals, task_space
//   BatchSource source = task_source(tasks);        // for the training loop (train_loop.hpp)
//
// Task i: shape β_j ~ N(0, 1) clipped to ±2 for the body's first min(10, shape count) coefficients;
// pose: a random everyday pose within hifa/synth/pose.hpp's joint limits for even i, for odd i a
// frame of the motion library ($HIFA_DATA/motion/*.bvh, every 10th frame retargeted) perturbed by
// N(0, 0.08²) per component (random poses only when there is no library); the posed body normalized
// as hifa prepare normalizes a scan (yaw_fitting_calibration: its height fills [-1, 1] but for
// PIFu's margin) and seen from a yaw uniform in [0, 2π): a prepared view's frame. Then
// hyper.body_points surface samples with their face normals (the hypernetwork's input),
// hyper.task_surface more for the loss, and hyper.task_space points of space: half the loss's
// surface samples moved by N(0, refine.band²) per axis, half uniform in [-1, 1]^3.
// Epoch e of a source of T = hyper.tasks_per_epoch tasks holds tasks e·T .. e·T + T − 1.
// Errors: hifa::Error from loading the body model (its path named) or a BVH (its line).

#include "config/config.hpp"
#include "data/batch.hpp"
#include "train/train_loop.hpp"

#include <cstdint>
#include <memory>

namespace hifa::trainer {

class BodyTasks {
 public:
  explicit BodyTasks(const Config& config);
  ~BodyTasks();

  ViewBatch batch(std::int64_t first, int count) const;
  int per_epoch() const { return config_.hyper->tasks_per_epoch; }

 private:
  struct Impl;
  Config config_;
  std::unique_ptr<Impl> impl_;
};

BatchSource task_source(const BodyTasks& tasks, Shard shard = {});

}  // namespace hifa::trainer
