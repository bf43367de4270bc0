#include "data/body_tasks.hpp"

#include "config/factory.hpp"
#include "data/surface_samples.hpp"
#include "prepare/body_model_path.hpp"

#include "hifa/body/body_model.hpp"
#include "hifa/body/smpl_model.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/motion/bvh.hpp"
#include "hifa/motion/retarget.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/synth/pose.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <span>
#include <string>
#include <vector>

namespace hifa::trainer {
namespace fs = std::filesystem;

// CounterRng streams of a task (keyed by its index).
enum : std::uint64_t { shape_stream = 0x7a51, pose_stream = 0x7a52, yaw_stream = 0x7a53, jitter_stream = 0x7a54 };

struct BodyTasks::Impl {
  SmplModel<float> model;
  std::vector<hifa::BodyPose> library;  // every 10th frame of each clip, retargeted onto the mean shape
};

namespace {

std::vector<hifa::BodyPose> motion_library(const SmplModel<float>& model) {
  const fs::path folder = prepare::open_body_path().parent_path().parent_path() / "motion";
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(folder, ec)) {
    for (const auto& e : fs::directory_iterator(folder)) {
      if (e.is_regular_file() && e.path().extension() == ".bvh") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  const RowMatrix3<float> rest = model.rest_vertices(std::span<const float>());
  const Skeleton<double> skeleton = smpl_skeleton(RowMatrix3<double>(model.rest_joints(rest).cast<double>()));
  std::vector<hifa::BodyPose> poses;
  for (const fs::path& f : files) {
    const PoseLibrary l = retarget(load_bvh(f), skeleton, 10);
    poses.insert(poses.end(), l.poses.begin(), l.poses.end());
  }
  return poses;
}

}  // namespace

BodyTasks::BodyTasks(const Config& config) : config_(config) {
  if (!config.hyper || !config.refine) throw Error(config.source, "has no hyper section (model.type hyper)");
  auto model = SmplModel<float>::load(body_model_file(config));
  auto library = motion_library(model);
  impl_ = std::make_unique<Impl>(Impl{std::move(model), std::move(library)});
}

BodyTasks::~BodyTasks() = default;

ViewBatch BodyTasks::batch(std::int64_t first, int count) const {
  const HyperConfig& h = *config_.hyper;
  const Kokkos::DefaultHostExecutionSpace space;
  const CounterRng rng(config_.train.seed);
  std::vector<torch::Tensor> body, surface, normals, world;
  ViewBatch out;
  for (int b = 0; b < count; ++b) {
    const auto task = std::uint64_t(first + b);
    std::vector<float> betas(std::size_t(std::min(10, impl_->model.shape_count())));
    for (std::size_t j = 0; j < betas.size(); ++j) {
      betas[j] = std::clamp(rng.normal(shape_stream, task * 16 + j), -2.0f, 2.0f);
    }
    const auto bits = rng.bits(pose_stream, task);
    const std::uint64_t seed = (std::uint64_t{bits.v[0]} << 32) | bits.v[1];
    synth::Pose pose;
    if (task % 2 == 1 && !impl_->library.empty()) {
      const hifa::BodyPose& chosen = impl_->library[rng.below(impl_->library.size(), pose_stream, task + (std::uint64_t{1} << 40))];
      synth::Pose base;
      base.axis_angle.assign(chosen.axis_angle.data(), chosen.axis_angle.data() + chosen.axis_angle.size());
      pose = synth::perturb_pose(base, seed, 0.08f);
    } else {
      pose = synth::random_pose(seed);
    }
    const std::vector<Mat3<float>> rotations = rotations_from_axis_angle(std::span<const float>(pose.axis_angle));
    TriMeshf posed = pose_body(space, impl_->model, std::span<const float>(betas), std::span<const Mat3<float>>(rotations)).mesh;
    AABBf box;
    for (Eigen::Index v = 0; v < posed.vertex_count(); ++v) box.extend(posed.vertex(v));
    Calibration view = yaw_fitting_calibration(box);
    view.yaw = float(2 * std::numbers::pi * rng.uniform(yaw_stream, task));
    // Row by row: a whole-matrix product may round differently with the rows' alignment in memory.
    for (Eigen::Index v = 0; v < posed.vertex_count(); ++v) posed.vertices.row(v) = world_to_normalized(view, posed.vertex(v)).transpose();

    body.push_back(surface_samples(posed, h.body_points, seed));
    const torch::Tensor loss = surface_samples(posed, h.task_surface, seed + 1);
    surface.push_back(loss.slice(1, 0, 3));
    normals.push_back(loss.slice(1, 3, 6));
    out.subjects.push_back("task_" + std::to_string(task));
  }
  out.task_body = torch::stack(body);
  out.task_surface = torch::stack(surface);
  out.task_normals = torch::stack(normals);
  // Space: half near the loss's surface samples, half uniform in the view box.
  const int64_t near = h.task_space / 2, uniform = h.task_space - near, n = h.task_surface;
  std::vector<torch::Tensor> spaces;
  for (int b = 0; b < count; ++b) {
    const auto task = std::uint64_t(first + b);
    std::vector<float> values(std::size_t(3 * h.task_space));
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = i < std::size_t(3 * near) ? rng.normal(jitter_stream, task * (std::uint64_t{1} << 32) + i) * float(config_.refine->band)
                                            : 2 * rng.uniform(jitter_stream, task * (std::uint64_t{1} << 32) + i) - 1;
    }
    torch::Tensor s = torch::from_blob(values.data(), {h.task_space, 3}, torch::kFloat32).clone();
    const torch::Tensor anchors = out.task_surface[b].index({torch::arange(near) % n});
    s.slice(0, 0, near).add_(anchors);
    spaces.push_back(s);
  }
  out.task_space = torch::stack(spaces);
  return out;
}

BatchSource task_source(const BodyTasks& tasks, Shard shard) {
  BatchSource source;
  source.batches_per_epoch = [&tasks](int batch) { return std::int64_t(tasks.per_epoch() / batch); };
  source.open = [&tasks, shard](std::int64_t epoch, std::int64_t first, int batch) {
    auto next = std::make_shared<std::int64_t>(first);
    const std::int64_t batches = tasks.per_epoch() / batch;
    return std::function<std::optional<ViewBatch>()>([&tasks, epoch, batch, next, batches, shard]() -> std::optional<ViewBatch> {
      if (*next >= batches) return std::nullopt;
      ViewBatch b = tasks.batch(epoch * tasks.per_epoch() + (*next)++ * batch + shard.first(batch), int(shard.count(batch)));
      b.first_item = shard.first(batch);
      b.global_size = batch;
      return b;
    });
  };
  return source;
}

}  // namespace hifa::trainer
