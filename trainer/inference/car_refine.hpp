#pragma once
// CAR's refinement of one reconstruction (hifa refine; refine/refiner.hpp), with a hyper run's
// settings and hypernetwork (model.type hyper).
//
//   HyperRun run = load_hyper_run("runs/hyper", torch::kCPU);
//   RefinedAvatar a = refine_reconstruction(run, "out/recon", {RefineInit::hyper}, on_step);
//   write_refined_avatar("out/refined", a, "out/recon");
//   RefinedAvatar b = refine_avatar(run, {posed, front, back}, fit, posed_to_view, request);  // in memory
//
// The reconstruction folder is what hifa reconstruct --body writes for a CAR run: posed.obj (the
// image's view frame), body.json (the fit, a view-frame fit: posed body -> view is its scale) and
// normal_front.png, normal_back.png (the predicted maps, (n + 1) / 2). refine_avatar takes the same
// in memory, with the map from the fit's posed body to the view frame (car_reconstruct.hpp), so a
// subject's own fit (hifa eval-run --gt-body) refines as well as a view-frame one.
// Start: RefineInit::hyper -- the run's hypernetwork reads hyper.body_points samples of the posed
//   body in the view frame; RefineInit::random -- the MLP's geometric initialisation (a sphere).
// Out: `posed` -- the refined SDF's zero level set on a cube grid of `resolution` cells around the
//   posed mesh and the posed body (grown by 10%), coarse to fine, marching cubes at 0, largest component;
//   `canonical` -- its vertices carried back to the rest pose by inverse LBS with the posed body's
//   weights (CanonicalSkinner::unpose; body metres, the body model's frame, as canonical.obj), so the
//   detailed avatar still animates; `weights` -- the nearest-body weights diffused over the
//   canonical box, as hifa reconstruct writes them.
// write_refined_avatar: DIR/posed.obj, canonical.obj, weights.npy, body.json (the reconstruction's)
//   and refine_log.csv (write_refine_log: iteration, total, normal, anchor, eikonal, seen, seconds),
//   each atomically.
// Errors (hifa::Error naming the file): a folder without posed.obj, body.json or the normal maps; maps
//   of two sizes; a fit of another body model than the run's; a run that is not model.type hyper;
//   refine_avatar (from refine_posed and its MapLookup): a posed mesh without faces, maps that are
//   not 1 x 3 x S x S of one size.

#include "config/config.hpp"
#include "models/refine_net.hpp"
#include "prepare/body_fit_file.hpp"
#include "refine/refiner.hpp"

#include "hifa/body/smpl_model.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hifa::trainer {

struct HyperRun {
  Config config;
  RefineNet model{nullptr};
  std::shared_ptr<const SmplModel<float>> body_model;
  torch::Device device{torch::kCPU};
};

HyperRun load_hyper_run(const std::filesystem::path& run, torch::Device device = torch::kCPU);

enum class RefineInit { hyper, random };
// "hyper" or "random" (the command lines' --init / --refine-init); hifa::Error for another name.
RefineInit refine_init_named(const std::string& name);

struct RefineRequest {
  RefineInit init = RefineInit::hyper;
  int iterations = -1;    // -1: the run's refine.iterations
  int resolution = 256;   // grid cells per axis for the refined mesh
  std::uint64_t seed = 0;
};

struct RefinedAvatar {
  TriMeshf posed, canonical;
  RowMatrixX<float> weights;  // #V x K
  Refinement refinement;
};

RefinedAvatar refine_reconstruction(HyperRun& run, const std::filesystem::path& recon, const RefineRequest& request,
                                    const std::function<void(const RefineStep&)>& step = {});

RefinedAvatar refine_avatar(HyperRun& run, RefineInputs inputs, const prepare::BodyFit& fit, const Mat4<float>& posed_to_view,
                            const RefineRequest& request, const std::function<void(const RefineStep&)>& step = {});

void write_refined_avatar(const std::filesystem::path& dir, const RefinedAvatar& avatar, const std::filesystem::path& recon);
void write_refine_log(const std::filesystem::path& csv, const std::vector<RefineStep>& log);

}  // namespace hifa::trainer
