#pragma once
// One image and a body fit -> CAR's canonical avatar (Liao et al., CVPR 2023, section 3.2) with a
// trained CAR run (`hifa reconstruct` on a model.type car run).
//
//   CarRun run = load_car_run("runs/car", torch::kCPU);
//   prepare::BodyFit fit = prepare::read_body_fit("fit.json");       // hifa fit-body --image's
//   CarReconstruction r = reconstruct_car(run, image, fit, fit_to_view(fit), ReconstructOptions{});
//   write_car_reconstruction("out/", r, "fit.json");
//
// The fit: a hifa-body-fit made with the run's body model, and the map from its posed body (body
//   metres, translation included) to the image's normalized view frame: for the view-frame fits
//   hifa fit-body --image writes (a view point is scale · (LBS(T(β), θ) + translation)), scale · I
//   (fit_to_view); for a dataset subject's fit, subject_to_view · posed_to_normalized.
// Steps: the image resized (area) to car.image_size and mapped to [-1, 1]; front and back normal
//   maps from the run's normal nets (with normal_net.body_normals reading the fit's body drawn in
//   the view beside the image: car_body_normals) or given (GivenNormals); the canonical SDF (CarField) evaluated
//   on a cube grid of `resolution` cells around the rest body T(β) (its box grown by 15 cm for
//   clothing, the longest side for all three), coarse to fine from the 64^3 lattice with the
//   Lipschitz band, or densely; marching cubes at 0; the largest component. Each canonical vertex
//   gets the weights of its nearest rest-body point (what carried it into the image during the
//   evaluation), and the posed mesh is that mesh moved by those blends into the view frame.
// Outputs: canonical mesh in the body model's rest frame (body metres, T(β)); weights #V x K;
//   posed mesh in the image's normalized view frame (docs/dataset.md); the normal maps.
// Errors (hifa::Error): a run that is not model.type car (naming RUN); a fit of another body model
//   or whose pose does not match it; an image that is not square RGB; a model without normal nets
//   and no normal maps given; an empty surface.

#include "config/config.hpp"
#include "inference/reconstruct.hpp"
#include "models/car_net.hpp"
#include "prepare/body_fit_file.hpp"
#include "prepare/dataset_writer.hpp"

#include "hifa/body/body_model.hpp"
#include "hifa/body/smpl_model.hpp"
#include "hifa/render/image.hpp"

#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <string>

namespace hifa::trainer {

struct CarRun {
  Config config;
  CarNet model{nullptr};
  std::filesystem::path body_file;  // car.body_model resolved
  std::shared_ptr<const SmplModel<float>> body_model;  // read once: every reconstruction poses it
  torch::Device device{torch::kCPU};
};

CarRun load_car_run(const std::filesystem::path& run, torch::Device device = torch::kCPU);

// The body's front and back normals the run's normal nets read beside the image (1 x 6 x S x S,
// S = car.image_size, on the run's device): the fit's posed body carried into the view by
// posed_to_view and drawn (body/body_render.hpp), as the training loader draws a subject's own fit.
// Undefined when the run's normal nets do not read the body (normal_net.body_normals false).
torch::Tensor car_body_normals(const CarRun& run, const prepare::BodyFit& fit, const Mat4<float>& posed_to_view);

struct CarReconstruction {
  Reconstruction canonical;   // mesh (rest pose, body metres), normal maps, counts and timings
  RowMatrixX<float> weights;  // #V x K
  TriMeshf posed;             // the image's normalized view frame
};

// The canonical box: the cube around the rest body's box grown by 15 cm for clothing (a long coat,
// a skirt's hem), where the canonical SDF is evaluated and the avatar's weights are diffused.
AABBf canonical_box(const TriMeshf& rest);
// Grid points per axis of the diffused weights written for animation (3.3 cm over a 2.1 m cube).
inline constexpr int avatar_weight_grid = 64;

// The posed body -> view map of a view-frame fit: scale · I.
Mat4<float> fit_to_view(const prepare::BodyFit& fit);

// avatar_weights false: `weights` is left empty (about a second saved where only the posed mesh is
// measured, or a refinement makes its own).
CarReconstruction reconstruct_car(CarRun& run, const Image<float>& image, const prepare::BodyFit& fit,
                                  const Mat4<float>& posed_to_view, const ReconstructOptions& options = {},
                                  const GivenNormals* normals = nullptr, bool avatar_weights = true);

// DIR/canonical.obj, weights.npy (#V x K float32), posed.obj, body.json (a copy of fit_file),
// normal_front.png and normal_back.png ((n + 1) / 2), each written atomically; creates DIR.
// DIR/canonical.obj and DIR/weights.npy: the avatar hifa animate --mesh --weights reposes.
void write_avatar(const std::filesystem::path& dir, const TriMeshf& canonical, const RowMatrixX<float>& weights);
// The avatar, DIR/posed.obj and DIR/body.json (a copy of fit_file): what hifa reconstruct --body and
// hifa refine both write.
void write_posed_avatar(const std::filesystem::path& dir, const TriMeshf& canonical, const RowMatrixX<float>& weights,
                        const TriMeshf& posed, const std::filesystem::path& fit_file);

void write_car_reconstruction(const std::filesystem::path& dir, const CarReconstruction& r,
                              const std::filesystem::path& fit_file);
// The same with body.json written from `fit` (a body found in the image: fit_json.hpp's view_fit_json).
void write_car_reconstruction(const std::filesystem::path& dir, const CarReconstruction& r, const prepare::Json& fit);

}  // namespace hifa::trainer
