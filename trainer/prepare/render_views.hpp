#pragma once
// The views of one subject: their cameras, rendering them (Kokkos, on the thread that owns the
// Kokkos runtime) and writing their files (plain CPU work, on any thread).
//
//   auto views = plan_views(scan.calibration, 180, 0.0, subject_seed);
//   RenderedView r = render_view(raster, space, views[v], settings);    // main thread
//   write_view(folder, r, backgrounds, settings);                        // a worker thread
//
// plan_views: view v has yaw 360 v / views degrees (PIFu's rendering: every yaw at elevation 0),
//   pitch 0, or with jitter j > 0 a pitch uniform in [-j, j] degrees drawn from (subject seed, v);
//   the scale and centre of the subject's normalizing calibration, so view v's normalized frame is
//   R(yaw, pitch) times the subject's (camera.hpp: R = Rx(pitch) Ry(yaw)).
// render_view: the rasterizer's colour, alpha and front/back normal maps at `resolution` and, when
//   fine_resolution > 0, again at fine_resolution (rendered, not resampled); the colour lit by the
//   view's SH light through the precomputed transfer when settings.lit() (PIFu's PRT rendering).
// write_view: image = alpha colour + (1 - alpha) background (the background of the view's seed,
//   backgrounds.hpp, the same picture at both resolutions), mask = alpha, normal maps as the
//   rasterizer gives them ((n + 1) / 2 in camera space, 0 where the mask is 0), all 8-bit PNG; and
//   calib/<view>.json (docs/dataset.md). Files are atomic (image_io.hpp, dataset_writer.hpp).

#include "prepare/backgrounds.hpp"

#include "hifa/render/camera.hpp"
#include "hifa/render/image.hpp"
#include "hifa/render/prt.hpp"
#include "hifa/render/rasterize.hpp"
#include "hifa/render/sh_lighting.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hifa::prepare {

using Space = Kokkos::DefaultHostExecutionSpace;

struct ViewSpec {
  int index = 0;
  double yaw_degrees = 0, pitch_degrees = 0;
  Calibration calibration;
  std::uint64_t background_seed = 0;
};

struct RenderSettings {
  int views = 180;
  int resolution = 512;
  int fine_resolution = 0;
  int supersample = 1;
  // Lighting: with a transfer (#V x 9, render/prt.hpp) and the mesh's faces, each view's colour is
  // shade_prt's albedo x transfer . light under random_sh_light(light_seed, view) (camera frame,
  // render/sh_lighting.hpp); without, the unlit albedo.
  const ShTransfer* transfer = nullptr;
  const FaceMatrix* faces = nullptr;
  std::uint64_t light_seed = 0;
  bool lit() const { return transfer != nullptr; }
};

struct ViewImages {
  Image<float> color, alpha, front_normal, back_normal;
};

struct RenderedView {
  ViewSpec spec;
  ShLight light;            // the view's light (camera frame), when lit
  ViewImages coarse, fine;  // fine is empty without a fine resolution
};

std::vector<ViewSpec> plan_views(const Calibration& subject, int views, double pitch_jitter_degrees,
                                 std::uint64_t subject_seed);

RenderedView render_view(const Rasterizer<Space>& raster, const Space& space, const ViewSpec& view,
                         const RenderSettings& settings);

void write_view(const std::filesystem::path& subject_folder, const RenderedView& view, const Backgrounds& backgrounds,
                const RenderSettings& settings);

// "007" for view 7 of 180 (at least 3 digits, more when there are more views).
std::string view_name(int index, int views);

// The image folders of a subject, relative to its folder (for the subject's metadata and docs).
inline constexpr const char* image_folders[] = {"image", "mask", "normal_front", "normal_back"};

}  // namespace hifa::prepare
