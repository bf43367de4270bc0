// hifa refine: CAR's posed-space refinement of one reconstruction (trainer/inference/car_refine.hpp)
// with a hypernetwork run (model.type hyper): RECON/ is what hifa reconstruct --body wrote for a CAR
// run; OUT/ gets the refined posed.obj, canonical.obj (still animatable: hifa animate --mesh
// OUT/canonical.obj --weights OUT/weights.npy), weights.npy, body.json and refine_log.csv. The normal
// loss is printed every --log-every iterations; one summary line at the end.

#include "refine_steps.hpp"
#include "verbs.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/runtime.hpp"
#include "inference/car_refine.hpp"
#include "inference/run_model.hpp"
#include "runtime/heap.hpp"

#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace hifa::app {
namespace {

namespace fs = std::filesystem;

struct RefineVerbOptions {
  fs::path run, recon, out;
  std::string init = "hyper", device = "cpu";
  int log_every = 10;
  trainer::RefineRequest request;
};

void run_refine(const RefineVerbOptions& o) {
  torch::set_num_threads(KokkosRuntime::concurrency());  // Debian's LibTorch starts with one
  const torch::Device device = trainer::parse_device(o.device);  // before the run: a wrong device fails first
  trainer::HyperRun run = trainer::load_hyper_run(o.run, device);
  // The refinement frees and reallocates the same tensors every step: keep them in the heap (runtime/heap.hpp).
  trainer::keep_freed_memory();
  trainer::RefineRequest request = o.request;
  request.init = trainer::refine_init_named(o.init);
  const trainer::RefinedAvatar avatar =
      trainer::refine_reconstruction(run, o.recon, request, refine_step_printer(run, request, o.log_every));
  trainer::write_refined_avatar(o.out, avatar, o.recon);
  const auto& log = avatar.refinement.log;
  std::printf("%s: posed.obj and canonical.obj (%lld vertices), weights.npy, body.json, refine_log.csv; %s start, normal "
              "loss %.4f -> %.4f in %d iterations\n",
              o.out.string().c_str(), static_cast<long long>(avatar.posed.vertex_count()), o.init.c_str(),
              log.empty() ? 0.0 : log.front().normal, log.empty() ? 0.0 : log.back().normal, int(log.size()));
}

}  // namespace

void add_refine(CLI::App& app, VerbAction& action) {
  auto o = std::make_shared<RefineVerbOptions>();
  auto* verb = app.add_subcommand("refine", "CAR's posed-space refinement of a reconstruction against its normal maps, "
                                            "started by a hypernetwork run");
  verb->add_option("--run", o->run, "A hypernetwork run (model.type hyper: hifa train --config configs/hyper_tiny.yaml)")
      ->required();
  verb->add_option("--recon", o->recon, "What hifa reconstruct --body wrote for a CAR run (posed.obj, body.json, normal maps)")
      ->required();
  verb->add_option("--out", o->out, "Output folder")->required();
  verb->add_option("--init", o->init, "Start from the hypernetwork's tensors for the body, or from the MLP's sphere")
      ->check(CLI::IsMember({"hyper", "random"}))
      ->capture_default_str();
  verb->add_option("--iterations", o->request.iterations, "Refinement steps (-1: the run's refine.iterations)")
      ->check(CLI::Range(-1, 1000000))
      ->capture_default_str();
  verb->add_option("--res", o->request.resolution, "Grid cells per axis of the refined mesh")
      ->check(CLI::Range(2, 2048))
      ->capture_default_str();
  verb->add_option("--log-every", o->log_every, "Print the losses every this many iterations")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  verb->add_option("--device", o->device, "cpu, cuda or cuda:N")->capture_default_str();
  verb->callback([&action, o] { action = [o] { run_refine(*o); }; });
}

}  // namespace hifa::app
