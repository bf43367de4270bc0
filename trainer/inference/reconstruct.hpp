#pragma once
// One image -> one mesh with a trained PIFuHD (hifa reconstruct; PIFuHD section 3.4, and the public
// code's coarse-to-fine grid evaluation).
//
//   RunModel run = load_run_model("runs/x", torch::kCPU);
//   Image<float> image = read_input_image("person.png");           // checked: square RGB
//   Reconstruction r = reconstruct(run, image, nullptr, ReconstructOptions{});
//   write_reconstruction("person.obj", r);   // person.obj, person_normal_front.png, person_normal_back.png
//
// Input image: square RGB in [0, 1], the person framed as `hifa prepare` frames a subject (centred,
//   the height filling the image but for 6% above and below, orthographic view). Without a mask it
//   is used as it is: the models train on images composited over random backgrounds (PIFuHD's COCO
//   backgrounds; docs/dataset.md), so they need none. With a mask (1 channel, the image's size) the
//   image is still used as is and the field is carved by the silhouette: a point whose projection
//   falls where the mask is below 0.5 is outside.
// Steps: the image is resized (area filter) to the coarse level's image_size and, for the fine
//   level, to its image_size, then mapped to [-1, 1] (PIFu's Normalize(0.5, 0.5)); the normal nets
//   predict front and back normals from the coarse-size image (as the public code, which then
//   upsamples them for the fine level, PIFuHDImpl::condition); image + normals condition both
//   levels. The field (NetworkField) is evaluated over [-1, 1]^3 on a grid of resolution + 1 points
//   per axis (`resolution` cells: the coarse-to-fine lattices then nest exactly), coarse to fine from
//   a 64^3 lattice as PIFuHD (coarse_step = resolution / 64) with PIFuHD's 0.05 value band, or
//   densely; the grid's outer layer is set outside so the surface is closed where the body meets the
//   cube; marching cubes at 0.5; only the largest connected component (by faces) is kept.
// Output mesh: the view's normalized frame (docs/dataset.md: x right, y up, z towards the camera),
//   outward faces; normal maps as images (n + 1) / 2 at the coarse image size (none when the model
//   has no normal nets).
// Errors (hifa::Error): a non-square image or one without 3 channels, a mask of another size, given
//   normal maps that are not square with 3 channels or a model without normal nets, a fine level the
//   model lacks, a resolution < 2 or a coarse step that is not a power of two.

#include "hifa/core/error.hpp"
#include "hifa/grid/coarse_to_fine.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/render/image.hpp"
#include "inference/network_field.hpp"
#include "inference/run_model.hpp"

#include <torch/torch.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace hifa::trainer {

struct ReconstructOptions {
  int resolution = 256;                 // grid cells per axis over [-1, 1]^3
  std::optional<FieldLevel> level;      // unset: fine when the model has it, else coarse
  bool dense = false;                   // query every grid point (the reference for coarse-to-fine)
  int coarse_step = 0;                  // grid points between coarse samples; 0: resolution / 64
  std::size_t chunk_points = NetworkFieldOptions{}.chunk_points;
};

// The networks' inputs for one image, on the run's device.
struct ConditionedInputs {
  torch::Tensor coarse;        // 1 x C x Rc x Rc
  torch::Tensor fine;          // 1 x C x Rf x Rf, undefined when not needed
  torch::Tensor mask;          // 1 x 1 x H x W or undefined
  torch::Tensor normal_front;  // 1 x 3 x Rc x Rc in [-1, 1], undefined without normal nets
  torch::Tensor normal_back;
};

struct Reconstruction {
  TriMeshf mesh;
  Image<float> normal_front, normal_back;  // (n + 1) / 2; empty without normal nets
  std::size_t queries = 0;                 // field evaluations
  std::size_t grid_points = 0;             // (resolution + 1)^3
  int components = 0;                      // connected components before keeping the largest
  double seconds_inputs = 0, seconds_field = 0, seconds_mesh = 0;
};

// Reads an image file as RGB in [0, 1]; throws hifa::Error naming the file when it is not square
// or does not have 3 channels.
Image<float> read_input_image(const std::filesystem::path& path);
// Reads a mask file as one channel in [0, 1]; throws naming the file when its size is not (w, h).
Image<float> read_input_mask(const std::filesystem::path& path, int width, int height);

// Throws hifa::Error naming `name` when the image is not square RGB.
void check_input_image(const Image<float>& image, const std::string& name);

// Normal maps given instead of the normal nets' prediction (n in [-1, 1], 3 channels, square; any
// size: resized to each level's image as predicted ones are). The oracle of hifa eval-run --gt-normals.
struct GivenNormals {
  Image<float> front, back;
};

ConditionedInputs condition_inputs(RunModel& run, const Image<float>& image, const Image<float>* mask, FieldLevel level,
                                   const GivenNormals* normals = nullptr);

// The level used for `options` on this model (checks that a requested fine level exists).
FieldLevel resolve_level(const RunModel& run, const ReconstructOptions& options);
// The level a command line names: "coarse", "fine", or "auto" (unset: resolve_level's default).
std::optional<FieldLevel> field_level_named(const std::string& name);

Reconstruction reconstruct(RunModel& run, const Image<float>& image, const Image<float>* mask,
                           const ReconstructOptions& options = {}, const GivenNormals* normals = nullptr);

// What a field's values mean to extract_surface: occupancy in [0, 1] (PIFu/PIFuHD: level 0.5, 1
// inside, PIFuHD's value band for coarse to fine) or a signed distance (CAR: level 0, negative
// inside, the Lipschitz band with L = 2: a network trained with an eikonal term is near 1-Lipschitz,
// and the margin keeps a steeper spot from hiding a thin part between coarse samples).
enum class FieldValues { occupancy, sdf };

// The mesh part of reconstruct() for any field (a NetworkField, a CarField, a wrapper of one):
// evaluation on the cube grid of `options.resolution` cells over `box` (dense or coarse to fine),
// outer layer set outside, marching cubes at the level, largest component. Fills r.mesh, queries,
// grid_points, components, seconds_field and seconds_mesh.
template <class Field>
void extract_surface(const Field& field, const AABBf& box, FieldValues kind, const ReconstructOptions& options,
                     Reconstruction& r);

// Helpers of extract_surface: the largest edge-connected component (by faces) with only the
// vertices it uses (`components` gets the count before), and the outer layer of a grid set to
// `outside`.
TriMeshf largest_component(const TriMeshf& mesh, int& components);
void clear_outer_layer(const GridValues<float>& values, float outside);
// PIFuHD's octree start, 64^3: the coarse step for `resolution` cells (512 -> 8, 256 -> 4).
int default_coarse_step(int resolution);

// MESH (.obj, atomic) and, beside it, MESH_normal_front.png and MESH_normal_back.png (stem of MESH).
void write_reconstruction(const std::filesystem::path& mesh_path, const Reconstruction& r);

template <class Field>
void extract_surface(const Field& field, const AABBf& box, FieldValues kind, const ReconstructOptions& options,
                     Reconstruction& r) {
  if (options.resolution < 2) {
    throw Error("--res", "the grid needs at least 2 cells per axis, got " + std::to_string(options.resolution));
  }
  auto t0 = std::chrono::steady_clock::now();
  const GridSpec<float> grid = GridSpec<float>::cube(box, options.resolution + 1);
  const bool sdf = kind == FieldValues::sdf;
  r.grid_points = grid.point_count();
  GridValues<float> values;
  if (options.dense) {
    values = evaluate_grid(field, grid);
    r.queries = grid.point_count();
  } else {
    const int step = options.coarse_step > 0 ? options.coarse_step : default_coarse_step(options.resolution);
    CoarseToFineOptions<float> c2f_options = CoarseToFineOptions<float>::occupancy(step);
    if (sdf) {
      c2f_options = CoarseToFineOptions<float>::sdf(step);
      c2f_options.lipschitz = 2;
    }
    auto c2f = evaluate_coarse_to_fine(field, grid, c2f_options);
    values = c2f.values;
    r.queries = c2f.queries;
  }
  r.seconds_field = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t0 = std::chrono::steady_clock::now();
  clear_outer_layer(values, sdf ? grid.spacing().maxCoeff() : 0.0f);
  const auto mc = sdf ? MarchingCubesOptions<float>{} : MarchingCubesOptions<float>::occupancy(0.5f);
  r.mesh = largest_component(marching_cubes(values, grid, mc), r.components);
  r.seconds_mesh = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace hifa::trainer
