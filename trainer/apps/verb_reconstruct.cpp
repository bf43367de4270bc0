// hifa reconstruct: one image -> one mesh with a trained run (trainer/inference/reconstruct.hpp),
// plus the predicted normal maps beside it; with a CAR run and the image's body fit (--body, or
// without it the body the run's body stage finds in the image), the canonical avatar, its weights,
// its posed mesh and the body in the folder --out
// (trainer/inference/car_reconstruct.hpp); with --refine HYPER_RUN also CAR's posed-space refinement
// of that folder into --out/refined/, as hifa refine --recon OUT would (trainer/inference/car_refine.hpp).
// Prints one summary line on stdout (and the refinement's normal loss every --log-every iterations).

#include "refine_steps.hpp"
#include "verbs.hpp"

#include "body/fit_json.hpp"
#include "data/image_tensor.hpp"
#include "hifa/core/runtime.hpp"
#include "inference/car_image_body.hpp"
#include "inference/car_reconstruct.hpp"
#include "inference/reconstruct.hpp"
#include "inference/run_model.hpp"
#include "runtime/heap.hpp"

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
  fs::path run, image, mask, out, body;
  std::string level = "auto", device = "cpu";
  RefineOptions refine;
  int log_every = 10;
  trainer::ReconstructOptions reconstruct;
};

void print_summary(const fs::path& out, const trainer::Reconstruction& r) {
  std::printf("%s: %lld vertices, %lld faces (largest of %d components); %zu field queries for %zu grid points "
              "(%.1fx fewer); normals + encoders %.2f s, field %.2f s, mesh %.2f s\n",
              out.string().c_str(), static_cast<long long>(r.mesh.vertex_count()),
              static_cast<long long>(r.mesh.face_count()), r.components, r.queries, r.grid_points,
              double(r.grid_points) / double(std::max<std::size_t>(r.queries, 1)), r.seconds_inputs, r.seconds_field,
              r.seconds_mesh);
}

// A CAR run: the canonical avatar in the folder --out, posed by --body or by the body the run's own
// body stage finds in the image (inference/car_image_body.hpp).
void run_car_reconstruct(const ReconstructVerbOptions& options, const Image<float>& image, const trainer::Config& config) {
  if (options.body.empty() && !config.body_net) {
    throw Error("--body", options.run.string() + " is a CAR run without a body stage: give the image's body fit (hifa "
                                                 "fit-body --image IMG --run BODY_RUN --out FIT.json writes one)");
  }
  if (options.body.empty() && options.mask.empty() && config.normal_net.type == "none") {
    throw Error("--mask", options.run.string() + " has no normal nets to say where the person is: give the mask its "
                                                 "body is fitted to");
  }
  std::optional<prepare::BodyFit> given;
  std::optional<Image<float>> mask;
  if (!options.body.empty()) {
    if (!options.mask.empty()) throw Error("--mask", "is for a body found in the image; --body gives the body");
    given = prepare::read_body_fit(options.body);
  } else if (!options.mask.empty()) {
    mask = trainer::read_input_mask(options.mask, image.width(), image.height());
  }
  const torch::Device device = trainer::parse_device(options.device);
  trainer::CarRun run = trainer::load_car_run(options.run, device);
  std::optional<trainer::HyperRun> hyper;  // before the work: a wrong run is found first
  if (!options.refine.run.empty()) hyper = trainer::load_hyper_run(options.refine.run, device);
  trainer::CarReconstruction r;
  if (given) {
    r = trainer::reconstruct_car(run, image, *given, trainer::fit_to_view(*given), options.reconstruct);
    trainer::write_car_reconstruction(options.out, r, options.body);
  } else {
    trainer::BodyRun estimator = trainer::body_run_of(run);
    const trainer::CarImageBody body =
        trainer::car_image_body(run, estimator, image, mask ? trainer::image_tensor(*mask)[0] : torch::Tensor());
    r = trainer::reconstruct_car(run, image, body.fit, trainer::fit_to_view(body.fit), options.reconstruct,
                                 body.predicted ? &*body.predicted : nullptr);
    const prepare::Json estimate = trainer::view_fit_json(*estimator.body, body.found.estimate, estimator.body_model,
                                                                 prepare::Json::object());
    trainer::write_car_reconstruction(
        options.out, r,
        trainer::view_fit_json(*estimator.body, body.found.fit.body, estimator.body_model, {{"estimate", estimate}}));
  }
  print_summary(options.out / "canonical.obj", r.canonical);
  if (!hyper) return;
  // The refinement frees and reallocates the same tensors every step: keep them in the heap (runtime/heap.hpp).
  trainer::keep_freed_memory();
  const trainer::RefineRequest request = options.refine.request(options.reconstruct.resolution);
  const trainer::RefinedAvatar refined =
      trainer::refine_reconstruction(*hyper, options.out, request, refine_step_printer(*hyper, request, options.log_every));
  trainer::write_refined_avatar(options.out / "refined", refined, options.out);
  std::printf("%s: the refined posed.obj (%lld vertices), canonical.obj, weights.npy, body.json, refine_log.csv\n",
              (options.out / "refined").string().c_str(), static_cast<long long>(refined.posed.vertex_count()));
}

void run_reconstruct(ReconstructVerbOptions options) {
  // Debian's LibTorch starts with one thread: give it the threads Kokkos runs with (--threads).
  torch::set_num_threads(KokkosRuntime::concurrency());
  options.reconstruct.level = trainer::field_level_named(options.level);
  // The inputs first: a bad image is found before the networks are built.
  const Image<float> image = trainer::read_input_image(options.image);
  const trainer::Config config = trainer::read_run_config(options.run);
  if (config.model_type == "car") return run_car_reconstruct(options, image, config);
  if (!options.body.empty()) throw Error("--body", "is for CAR runs; " + options.run.string() + " is not one");
  if (!options.refine.run.empty()) throw Error("--refine", "is for CAR runs; " + options.run.string() + " is not one");
  std::optional<Image<float>> mask;
  if (!options.mask.empty()) mask = trainer::read_input_mask(options.mask, image.width(), image.height());
  trainer::RunModel run = trainer::load_run_model(options.run, trainer::parse_device(options.device));
  const trainer::Reconstruction r = trainer::reconstruct(run, image, mask ? &*mask : nullptr, options.reconstruct);
  if (r.mesh.empty()) throw Error(options.image.string(), "no surface found (the field is nowhere above 0.5)");
  trainer::write_reconstruction(options.out, r);
  print_summary(options.out, r);
}

}  // namespace

void add_reconstruct(CLI::App& app, VerbAction& action) {
  auto options = std::make_shared<ReconstructVerbOptions>();
  auto* verb = app.add_subcommand("reconstruct", "Reconstruct a clothed human mesh from one image with a trained run");
  verb->add_option("--run", options->run, "Run folder written by hifa train (config.yaml, checkpoint.pt)")->required();
  verb->add_option("--image", options->image, "Square RGB image of the person (framed as hifa prepare frames subjects)")
      ->required();
  verb->add_option("--mask", options->mask,
                   "Optional silhouette (1 channel, the image's size). PIFuHD runs: carves the field. CAR runs "
                   "without --body: where the body is fitted (default: where the predicted front normals are)");
  verb->add_option("--out", options->out,
                   "Output mesh (.obj); MESH_normal_front/back.png are written beside it. A CAR run: the output "
                   "folder (canonical.obj, weights.npy, posed.obj, body.json, normal maps)")
      ->required();
  verb->add_option("--body", options->body,
                   "CAR runs: the image's body fit (hifa-body-fit JSON in the view frame, from hifa fit-body --image); "
                   "without it a CAR run with a body stage finds the body itself");
  verb->add_option("--res", options->reconstruct.resolution,
                   "Grid cells per axis over the [-1,1]^3 cube (CAR: over the canonical box)")
      ->check(CLI::Range(2, 2048))
      ->capture_default_str();
  verb->add_option("--level", options->level, "Field level: coarse, fine, or auto (fine when the model has it)")
      ->check(CLI::IsMember({"auto", "coarse", "fine"}))
      ->capture_default_str();
  add_refine_options(verb, options->refine,
                     "CAR runs: then refine the result with this hypernetwork run (model.type hyper) into OUT/refined/");
  verb->add_option("--log-every", options->log_every, "With --refine: print the normal loss every this many iterations")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  verb->add_option("--device", options->device, "cpu, cuda or cuda:N")->capture_default_str();
  verb->add_flag("--dense", options->reconstruct.dense, "Query every grid point instead of coarse to fine");
  verb->add_option("--chunk", options->reconstruct.chunk_points, "Points per network call (bounds memory)")
      ->check(CLI::Range(std::size_t(1), std::size_t(1) << 26))
      ->capture_default_str();
  verb->callback([&action, options] { action = [options] { run_reconstruct(*options); }; });
}

}  // namespace hifa::app
