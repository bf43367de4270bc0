#pragma once
// A PIFuHD whose field is a known shape, for the inference tests and bench_reconstruct: an
// untrained model of `config` fitted for `steps` Adam steps (both levels, through Omega) to the
// occupancy of the sphere |p| < radius in the normalized frame, conditioned on a synthetic image
// whose red channel is the distance from the image centre (so the encoders see where the
// sphere's silhouette is). Deterministic for a seed on one thread count.
// (cached_sphere_run below: the same, fitted once per build.)

#include "config/factory.hpp"
#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/render/image.hpp"
#include "inference/reconstruct.hpp"
#include "inference/run_model.hpp"

#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace hifa::test {

inline Image<float> radial_image(int size) {
  Image<float> image(size, size, 3);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const float u = 2.0f * (float(x) + 0.5f) / float(size) - 1.0f, v = 2.0f * (float(y) + 0.5f) / float(size) - 1.0f;
      image(x, y, 0) = std::min(1.0f, std::sqrt(u * u + v * v) / std::sqrt(2.0f));
      image(x, y, 1) = 0.5f;
      image(x, y, 2) = 0.25f;
    }
  }
  return image;
}

inline trainer::RunModel fit_sphere(const trainer::Config& config, const Image<float>& image, int steps,
                                    float radius = 0.5f, std::uint64_t seed = 0) {
  using namespace trainer;
  torch::manual_seed(seed);
  RunModel run{config, make_model(config), torch::kCPU};
  run.model->eval();  // only the last stack is queried, as at inference (GroupNorm has no running state)
  const ConditionedInputs in = condition_inputs(run, image, nullptr, FieldLevel::fine);
  torch::optim::Adam adam(run.model->parameters(), torch::optim::AdamOptions(2e-3));
  torch::Generator gen = at::detail::createCPUGenerator(seed);
  const int64_t n = 2048;
  for (int step = 0; step < steps; ++step) {
    // Half uniform in the cube, half near the sphere (PIFu's mix, at a fixed radius).
    const torch::Tensor uniform = torch::rand({1, 3, n}, gen) * 2 - 1;
    torch::Tensor dir = torch::randn({1, 3, n}, gen);
    dir = dir / dir.norm(2, 1, true);
    const torch::Tensor near = dir * (radius + 0.08 * torch::randn({1, 1, n}, gen));
    const torch::Tensor xyz = torch::cat({uniform, near}, 2);
    const torch::Tensor label = (xyz.norm(2, 1, true) < radius).to(torch::kFloat32);
    LevelOutput coarse = run.model->coarse->forward(in.coarse, xyz);
    LevelOutput fine = run.model->fine->forward(in.fine, xyz, coarse.omega);
    const torch::Tensor loss = torch::binary_cross_entropy_with_logits(coarse.logits.back(), label) +
                               torch::binary_cross_entropy_with_logits(fine.logits.back(), label);
    adam.zero_grad();
    loss.backward();
    adam.step();
  }
  return run;
}

// An executable's size and modification time: it is relinked whenever the trainer library or the
// test's own code changes, so a cache keyed by it never outlives the code that made it.
inline std::string executable_stamp(const std::filesystem::path& exe) {
  return std::to_string(std::filesystem::file_size(exe)) + " " +
         std::to_string(std::filesystem::last_write_time(exe).time_since_epoch().count());
}

// fit_sphere(config, radial_image(128), 120), kept as a run folder beside the executable in the build
// tree: CTest runs each TEST_CASE in its own process and the fit takes minutes on a loaded machine,
// so it is done once per build. The folder is used only when its config text and its build stamp
// (executable_stamp, written last) both match; otherwise the sphere is fitted again and overwrites it.
inline trainer::RunModel cached_sphere_run(const trainer::Config& config) {
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe");
  const std::filesystem::path cache = exe.parent_path() / (exe.filename().string() + ".sphere-run-120");
  const std::filesystem::path stamp_file = cache / "build_stamp.txt";
  const std::string stamp = executable_stamp(exe);
  try {
    std::ifstream in(stamp_file);
    std::string cached_stamp;
    std::getline(in, cached_stamp);
    if (cached_stamp == stamp) {
      trainer::RunModel run = trainer::load_run_model(cache);
      if (run.config.text == config.text) return run;
    }
  } catch (const Error&) {
  }
  trainer::RunModel fitted = fit_sphere(config, radial_image(128), 120);
  std::filesystem::remove(stamp_file);
  trainer::save_run_model(cache, fitted.config, fitted.model);
  write_file_atomically(stamp_file, [&](std::ostream& os) { os << stamp << "\n"; });
  return fitted;
}

}  // namespace hifa::test
