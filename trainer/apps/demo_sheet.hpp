#pragma once
// hifa demo's contact sheet: per test subject one row of the input image, the predicted front and
// back normal maps, each model's reconstruction rendered from 4 views, the CAR avatar reposed by a
// frame of motion capture, and the ground truth rendered from the 4 views.
//
//   write_demo_sheet("out/demo/contact_sheet.png", dataset,
//                    {{"PIFuHD", "out/demo/run_pifuhd/eval"}, {"CAR", "out/demo/run_car/eval_gt_body"}}, 0,
//                    {"out/demo/run_car/eval_gt_body", &motion, 120, "01_01"});
//
// Row of subject s (the dataset's test split, in its order), reconstructed from view v:
//   "<s> input"        the view's input image (the fine image when the dataset has one)
//   "front", "back"    the first model's EVAL/<s>_<v>_normal_front.png and _normal_back.png
//   "<model> <yaw>"    each model's EVAL/<s>_<v>.obj rendered by hifa::Rasterizer at the yaws of
//                      views floor(k V / 4), k = 0..3 (0, 90, 180, 270 degrees when V is a multiple
//                      of 4): the mesh is in view v's normalized frame, so it is turned by R_k R_v^T
//                      into view k's and drawn through the identity calibration at the image size
//   "<name> f<frame>"  with a motion: AVATARS/<s>_<v>_avatar/canonical.obj posed by its weights.npy
//                      (avatar_motion.hpp), centred and scaled into the view box, seen from the front
//   "gt <yaw>"         the dataset's own normal map and mask of view k, which prepare rendered from the
//                      scan with the same rasterizer and frame
// Both are shown as the camera-space normal n shaded the same way (shade_normals): grey Lambertian
// light from the upper left front plus ambient, composited over the sheet's grey where the mask is 0,
// so prediction and ground truth differ only in the geometry. A subject whose reconstruction is
// missing gets its input and ground-truth cells and blank ones labelled "missing".
// Written atomically (contact_sheet.hpp); errors are hifa::Error naming the file.

#include "avatar_motion.hpp"

#include "data/prepared_dataset.hpp"
#include "hifa/render/image.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace hifa::app {

// Camera-space unit normals (3 channels, any values where alpha is 0) and coverage -> shaded RGB.
Image<float> shade_normals(const Image<float>& normals, const Image<float>& alpha);

struct SheetModel {
  std::string label;
  std::filesystem::path eval;  // its <subject>_<view>.obj
};

struct SheetReposing {
  std::filesystem::path avatars;        // <subject>_<view>_avatar/ folders
  const AvatarMotion* motion = nullptr;  // null: no reposed column
  std::size_t frame = 0;
  std::string name;                      // the motion's, in the label
};

// Returns the number of subjects drawn with the first model's reconstruction.
int write_demo_sheet(const std::filesystem::path& path, const trainer::PreparedDataset& dataset,
                     const std::vector<SheetModel>& models, int view, const SheetReposing& reposing = {});

}  // namespace hifa::app
