#pragma once
// A PIFuHD training batch that is a pure function of (epoch, index), like ViewLoader's: random
// images and normal maps, points labelled by a sphere (learnable), the fine points in a crop frame
// of their own. Shared by the training tests and bench/bench_train_step.cpp (the cost of a step
// does not depend on the values).
#include "config/config.hpp"
#include "data/batch.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace hifa::trainer {

inline ViewBatch synthetic_batch(const Config& c, std::int64_t epoch, std::int64_t index, int items, std::int64_t points = 200) {
  auto g = at::make_generator<at::CPUGeneratorImpl>(std::uint64_t(1000 * epoch + index + 1));
  const int64_t r = c.coarse.image_size, crop = c.train.fine_crop, n = points;
  auto uniform = [&](std::vector<int64_t> size) { return torch::rand(size, g) * 2 - 1; };
  ViewBatch b;
  b.image = uniform({items, 3, r, r});
  b.mask = torch::ones({items, 1, r, r});
  b.normal_front = uniform({items, 3, r, r});
  b.normal_back = uniform({items, 3, r, r});
  b.points = uniform({items, 3, n}) * 0.9;
  b.labels = (b.points.norm(2, 1, true) < 0.6).to(torch::kFloat32);
  if (!c.fine) return b;  // a PIFu config: no fine crop
  b.fine_image = uniform({items, 3, crop, crop});
  b.fine_mask = torch::ones({items, 1, crop, crop});
  b.fine_normal_front = uniform({items, 3, crop, crop});
  b.fine_normal_back = uniform({items, 3, crop, crop});
  b.fine_points = uniform({items, 3, n}) * 0.45;
  b.fine_points_crop = b.fine_points * 2;
  b.fine_labels = (b.fine_points.norm(2, 1, true) < 0.3).to(torch::kFloat32);
  b.fine_crop_origin = torch::randint(c.fine->image_size - crop + 1, {items, 2}, g, torch::kInt64);
  return b;
}

}  // namespace hifa::trainer
