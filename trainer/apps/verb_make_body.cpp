// hifa make-body --in human.zae --out open_body.npz [--rest a|t] [--sheet sheet.png]: builds hifa's
// OpenBody (hifa/body/open_body.hpp, docs/open_body.md) from a body mesh and writes it in SMPL's
// .npz layout (hifa/body/smpl_model.hpp), atomically. --sheet also writes a contact sheet of the
// model in six poses (front view, shaded by its normals), rendered by the toolkit's rasterizer.

#include "verbs.hpp"

#include "hifa/body/open_body.hpp"
#include "hifa/body/smpl_model.hpp"
#include "hifa/core/error.hpp"
#include "hifa/io/assimp.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/render/contact_sheet.hpp"
#include "hifa/render/image_ops.hpp"
#include "hifa/render/rasterize.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hifa::app {
namespace {

struct MakeBodyOptions {
  std::filesystem::path in, out, sheet;
  std::string rest = "a";
};

// The sheet's poses: SMPL axis-angle rotations (radians) of a few joints relative to the rest,
// in the body's frame (y up, facing +z, left at +x): +x turns a bone hanging down backwards, so
// hip flexion is -x and knee flexion +x; +z raises the left arm, -z the right one.
struct SheetPose {
  const char* name;
  std::vector<std::pair<int, Vec3f>> rotations;  // (joint, axis-angle)
};

const std::array<SheetPose, 6>& sheet_poses() {
  static const std::array<SheetPose, 6> poses = {{
      {"rest", {}},
      {"walk", {{1, {-0.5f, 0, 0}}, {2, {0.35f, 0, 0}}, {4, {0.25f, 0, 0}}, {5, {0.6f, 0, 0}},
                {16, {0.35f, 0, 0}}, {17, {-0.35f, 0, 0}}, {18, {0, -0.3f, 0}}, {19, {0, 0.3f, 0}}}},
      {"sit", {{1, {-1.5f, 0, 0.1f}}, {2, {-1.5f, 0, -0.1f}}, {4, {1.5f, 0, 0}}, {5, {1.5f, 0, 0}},
               {18, {0, -0.4f, 0}}, {19, {0, 0.4f, 0}}}},
      {"arms up", {{16, {0, 0, 1.9f}}, {17, {0, 0, -1.9f}}, {13, {0, 0, 0.2f}}, {14, {0, 0, -0.2f}}}},
      {"wave", {{17, {0, 0, -2.1f}}, {19, {0, 0, -0.9f}}, {15, {0, 0.4f, 0}}, {1, {0, 0, 0.15f}}}},
      {"bow and twist", {{3, {0.25f, 0.2f, 0}}, {6, {0.25f, 0.2f, 0}}, {9, {0.2f, 0.2f, 0}},
                         {4, {0.3f, 0, 0}}, {5, {0.3f, 0, 0}}, {1, {-0.3f, 0, 0}}, {2, {-0.3f, 0, 0}}}},
  }};
  return poses;
}

// Grey clay shading from the rendered normals (a light from the upper left front), over alpha.
Image<float> clay(const RenderMaps& maps) {
  Image<float> out(maps.alpha.width(), maps.alpha.height(), 4);
  for (int y = 0; y < out.height(); ++y) {
    for (int x = 0; x < out.width(); ++x) {
      const Vec3f n(2 * maps.front_normal(x, y, 0) - 1, 2 * maps.front_normal(x, y, 1) - 1, 2 * maps.front_normal(x, y, 2) - 1);
      const float shade = clay_shade(n);
      for (int c = 0; c < 3; ++c) out(x, y, c) = shade * (c == 0 ? 0.92f : c == 1 ? 0.86f : 0.78f);
      out(x, y, 3) = maps.alpha(x, y);
    }
  }
  return out;
}

void write_sheet(const std::filesystem::path& path, const BodyModelData<float>& data) {
  const Kokkos::DefaultHostExecutionSpace space;
  const SmplModel<float> model(data, "make-body");
  std::vector<TriMesh<float>> posed;
  AABBf box;
  for (const SheetPose& pose : sheet_poses()) {
    std::vector<float> theta(3 * smpl_joint_count, 0.0f);
    for (const auto& [k, r] : pose.rotations)
      for (int c = 0; c < 3; ++c) theta[std::size_t(3 * k + c)] = r[c];
    posed.push_back(pose_body_axis_angle(space, model, std::span<const float>(), std::span<const float>(theta)).mesh);
    for (Eigen::Index v = 0; v < posed.back().vertex_count(); ++v) box.extend(posed.back().vertex(v));
  }
  // One calibration for all six, so the sheet compares sizes; each figure is centred on its own box.
  const Calibration common = yaw_fitting_calibration(box);
  RenderOptions options;
  options.width = options.height = 384;
  options.supersample = 2;
  std::vector<Image<float>> images;
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < posed.size(); ++i) {
    Calibration c = common;
    c.centre = bounding_box(posed[i]).center();
    images.push_back(clay(Rasterizer(space, posed[i]).render(space, c, options)));
    labels.emplace_back(sheet_poses()[i].name);
  }
  ContactSheetOptions sheet;
  sheet.columns = 6;
  sheet.thumb_width = sheet.thumb_height = 256;
  sheet.label_scale = 2;
  write_contact_sheet(path, images, labels, sheet);
}

void run_make_body(const MakeBodyOptions& options) {
  const auto mesh = load_scene_mesh<float>(options.in);
  const OpenBodyRest rest = options.rest == "t" ? OpenBodyRest::t_pose : OpenBodyRest::a_pose;
  const OpenBody body = make_open_body(Kokkos::DefaultHostExecutionSpace{}, mesh, rest);
  write_body_npz(options.out, body.model);
  std::printf("%s -> %s: OpenBody (%s-pose rest), %d vertices, %td faces, %d holes filled, 24 joints, %d shape parameters\n",
              options.in.string().c_str(), options.out.string().c_str(), options.rest == "t" ? "T" : "A",
              body.model.vertex_count(), body.model.faces.rows(), body.holes_filled, body.model.shape_count());
  if (!options.sheet.empty()) {
    write_sheet(options.sheet, body.model);
    std::printf("contact sheet: %s\n", options.sheet.string().c_str());
  }
}

}  // namespace

void add_make_body(CLI::App& app, VerbAction& action) {
  auto options = std::make_shared<MakeBodyOptions>();
  auto* verb = app.add_subcommand("make-body", "Build the OpenBody model (SMPL-layout .npz) from a body mesh (data/body/human.zae)");
  verb->add_option("--in", options->in, "Body mesh: an upright A-pose body, y up, facing +z (MakeHuman's human.zae)")
      ->required()
      ->check(CLI::ExistingFile);
  verb->add_option("--out", options->out, "Output model (.npz, SMPL layout), written atomically")->required();
  verb->add_option("--rest", options->rest, "Rest pose: a (the mesh's own A-pose) or t (arms raised to horizontal)")
      ->check(CLI::IsMember({"a", "t"}));
  verb->add_option("--sheet", options->sheet, "Also write a contact sheet PNG of the model in six poses");
  verb->callback([&action, options] { action = [options] { run_make_body(*options); }; });
}

}  // namespace hifa::app
