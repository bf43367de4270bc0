// hifa reconstruct: one image -> one mesh with a trained run (trainer/inference/reconstruct.hpp),
// plus the predicted normal maps beside it. Prints one summary line on stdout.

#include "verbs.hpp"

#include "hifa/core/runtime.hpp"
#include "inference/reconstruct.hpp"
#include "inference/run_model.hpp"

#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace hifa::app {
namespace {

namespace fs = std::filesystem;

struct ReconstructVerbOptions {
  fs::path run, image, mask, out;
  std::string level = "auto", device = "cpu";
  trainer::ReconstructOptions reconstruct;
};

void run_reconstruct(ReconstructVerbOptions options) {
  // Debian's LibTorch starts with one thread: give it the threads Kokkos runs with (--threads).
  torch::set_num_threads(KokkosRuntime::concurrency());
  options.reconstruct.level = trainer::field_level_named(options.level);
  // The inputs first: a bad image is found before the networks are built.
  const Image<float> image = trainer::read_input_image(options.image);
  std::optional<Image<float>> mask;
  if (!options.mask.empty()) mask = trainer::read_input_mask(options.mask, image.width(), image.height());
  trainer::RunModel run = trainer::load_run_model(options.run, trainer::parse_device(options.device));
  const trainer::Reconstruction r = trainer::reconstruct(run, image, mask ? &*mask : nullptr, options.reconstruct);
  if (r.mesh.empty()) throw Error(options.image.string(), "no surface found (the field is nowhere above 0.5)");
  trainer::write_reconstruction(options.out, r);
  std::printf("%s: %lld vertices, %lld faces (largest of %d components); %zu field queries for %zu grid points "
              "(%.1fx fewer); normals + encoders %.2f s, field %.2f s, mesh %.2f s\n",
              options.out.string().c_str(), static_cast<long long>(r.mesh.vertex_count()),
              static_cast<long long>(r.mesh.face_count()), r.components, r.queries, r.grid_points,
              double(r.grid_points) / double(std::max<std::size_t>(r.queries, 1)), r.seconds_inputs, r.seconds_field,
              r.seconds_mesh);
}

}  // namespace

void add_reconstruct(CLI::App& app, VerbAction& action) {
  auto options = std::make_shared<ReconstructVerbOptions>();
  auto* verb = app.add_subcommand("reconstruct", "Reconstruct a clothed human mesh from one image with a trained run");
  verb->add_option("--run", options->run, "Run folder written by hifa train (config.yaml, checkpoint.pt)")->required();
  verb->add_option("--image", options->image, "Square RGB image of the person (framed as hifa prepare frames subjects)")
      ->required();
  verb->add_option("--mask", options->mask, "Optional silhouette (1 channel, the image's size): carves the field");
  verb->add_option("--out", options->out, "Output mesh (.obj); MESH_normal_front/back.png are written beside it")
      ->required();
  verb->add_option("--res", options->reconstruct.resolution, "Grid cells per axis over the [-1,1]^3 cube")
      ->check(CLI::Range(2, 2048))
      ->capture_default_str();
  verb->add_option("--level", options->level, "Field level: coarse, fine, or auto (fine when the model has it)")
      ->check(CLI::IsMember({"auto", "coarse", "fine"}))
      ->capture_default_str();
  verb->add_option("--device", options->device, "cpu, cuda or cuda:N")->capture_default_str();
  verb->add_flag("--dense", options->reconstruct.dense, "Query every grid point instead of coarse to fine");
  verb->add_option("--chunk", options->reconstruct.chunk_points, "Points per network call (bounds memory)")
      ->check(CLI::Range(std::size_t(1), std::size_t(1) << 26))
      ->capture_default_str();
  verb->callback([&action, options] { action = [options] { run_reconstruct(*options); }; });
}

}  // namespace hifa::app
