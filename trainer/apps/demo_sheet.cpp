#include "demo_sheet.hpp"

#include "hifa/core/error.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/render/contact_sheet.hpp"
#include "hifa/render/image_io.hpp"
#include "hifa/render/image_ops.hpp"
#include "hifa/render/rasterize.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <system_error>
#include <vector>

namespace hifa::app {
namespace fs = std::filesystem;
namespace {

const Vec3f sheet_grey = ContactSheetOptions{}.background;

// The views shown for the 4 columns: floor(k V / 4), as the dataset's own contact sheet picks them.
std::vector<int> turn_views(int views) {
  std::vector<int> out;
  for (int k = 0; k < std::min(views, 4); ++k) out.push_back(int(std::int64_t(k) * views / std::min(views, 4)));
  return out;
}

std::string yaw_label(int view, int views) { return std::to_string(int(std::lround(360.0 * view / views))); }

}  // namespace

Image<float> shade_normals(const Image<float>& normals, const Image<float>& alpha) {
  Image<float> out(normals.width(), normals.height(), 3);
  for (int y = 0; y < normals.height(); ++y) {
    for (int x = 0; x < normals.width(); ++x) {
      const Vec3f n(normals(x, y, 0), normals(x, y, 1), normals(x, y, 2));
      const float shade = clay_shade(n);
      const float a = std::clamp(alpha(x, y), 0.0f, 1.0f);
      for (int c = 0; c < 3; ++c) out(x, y, c) = a * shade + (1 - a) * sheet_grey[c];
    }
  }
  return out;
}

namespace {

Image<float> render_shaded(const TriMeshf& mesh, const RenderOptions& render) {
  const Kokkos::DefaultHostExecutionSpace space;
  const Rasterizer<Kokkos::DefaultHostExecutionSpace> raster(space, mesh);
  const RenderMaps maps = raster.render(space, Calibration{}, render);
  Image<float> n(render.width, render.height, 3);
  for (int y = 0; y < render.height; ++y) {
    for (int x = 0; x < render.width; ++x) {
      for (int c = 0; c < 3; ++c) n(x, y, c) = 2 * maps.front_normal(x, y, c) - 1;  // stored (n + 1) / 2
    }
  }
  return shade_normals(n, maps.alpha);
}

// A posed avatar in its body's frame (metres, y up, facing +z): centred on its box and scaled so
// that its longest side spans 1.8 of the view box's 2.
TriMeshf fitted_to_view(TriMeshf mesh) {
  const Vec3f low = mesh.vertices.colwise().minCoeff().transpose(), high = mesh.vertices.colwise().maxCoeff().transpose();
  const Vec3f centre = (low + high) / 2;
  const float scale = 1.8f / std::max((high - low).maxCoeff(), 1e-6f);
  mesh.vertices = ((mesh.vertices.rowwise() - centre.transpose()) * scale).eval();
  return mesh;
}

}  // namespace

int write_demo_sheet(const fs::path& path, const trainer::PreparedDataset& dataset, const std::vector<SheetModel>& models,
                     int view, const SheetReposing& reposing) {
  if (models.empty()) throw Error(path.string(), "no model to draw");
  const bool fine = dataset.fine_resolution() > 0;
  const int size = fine ? dataset.fine_resolution() : dataset.resolution();
  const std::vector<int> turns = turn_views(dataset.views());
  RenderOptions render;
  render.width = render.height = size;
  render.supersample = 2;  // smooth silhouettes; the ground truth's were rendered at --supersample

  std::vector<Image<float>> cells;
  std::vector<std::string> labels;
  const Image<float> blank(size, size, 3, sheet_grey[0]);
  int drawn = 0;
  std::error_code ec;
  for (const std::string& name : dataset.subjects("test")) {
    const trainer::ViewItem input{name, view};
    cells.push_back(dataset.read_view(input, fine).image);
    labels.push_back(name + " input");
    const std::string stem = name + "_" + dataset.view_name(view);
    const Mat3<float> to_subject = dataset.subject_to_view(input).transpose();
    for (std::size_t m = 0; m < models.size(); ++m) {
      const fs::path mesh_file = models[m].eval / (stem + ".obj");
      const bool have = fs::is_regular_file(mesh_file, ec);
      if (m == 0) {
        drawn += have;
        for (const char* side : {"front", "back"}) {
          const fs::path png = models[m].eval / (stem + "_normal_" + side + ".png");
          cells.push_back(have && fs::is_regular_file(png, ec) ? read_image(png, 3) : blank);
          labels.push_back(have ? side : "missing");
        }
      }
      const TriMeshf mesh = have ? read_obj(mesh_file) : TriMeshf();
      for (const int k : turns) {
        labels.push_back((have ? models[m].label + " " : "missing ") + yaw_label(k, dataset.views()));
        if (!have) {
          cells.push_back(blank);
          continue;
        }
        TriMeshf turned = mesh;
        const Mat3<float> R = dataset.subject_to_view({name, k}) * to_subject;
        turned.vertices = (mesh.vertices * R.transpose()).eval();
        if (mesh.has_normals()) turned.normals = (mesh.normals * R.transpose()).eval();
        cells.push_back(render_shaded(turned, render));
      }
    }
    if (reposing.motion != nullptr) {
      const fs::path avatar = reposing.avatars / (stem + "_avatar");
      const bool have = fs::is_regular_file(avatar / "canonical.obj", ec) && fs::is_regular_file(avatar / "weights.npy", ec);
      labels.push_back((have ? reposing.name : std::string("missing")) + " f" + std::to_string(reposing.frame));
      if (have) {
        const Avatar a = read_avatar(avatar, *reposing.motion);
        const AvatarSpace space;
        const TriMeshf posed = reposing.motion->pose(space, reposing.frame, a.canonical, upload_weights(space, a.weights));
        cells.push_back(render_shaded(fitted_to_view(posed), render));
      } else {
        cells.push_back(blank);
      }
    }
    for (const int k : turns) {
      const trainer::ViewMaps gt = dataset.read_view({name, k}, fine);
      cells.push_back(shade_normals(gt.normal_front, gt.mask));
      labels.push_back("gt " + yaw_label(k, dataset.views()));
    }
  }
  if (cells.empty()) throw Error(path.string(), "the dataset's test split is empty: nothing to draw");
  ContactSheetOptions o;
  o.columns = int(3 + (models.size() + 1) * turns.size() + (reposing.motion != nullptr ? 1 : 0));
  o.thumb_width = o.thumb_height = std::min(size, 128);
  write_contact_sheet(path, cells, labels, o);
  return drawn;
}

}  // namespace hifa::app
