#include "inference/reconstruct.hpp"

#include "data/image_tensor.hpp"

#include "hifa/core/error.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/render/image_io.hpp"
#include "hifa/render/image_ops.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace hifa::trainer {
namespace fs = std::filesystem;
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// H x W x C interleaved image -> 1 x C x H x W tensor (a copy).
torch::Tensor to_tensor(const Image<float>& image) { return image_tensor(image).unsqueeze(0); }

// A 1 x 3 x H x W normal map in [-1, 1] -> an image holding (n + 1) / 2.
Image<float> normal_image(const torch::Tensor& normals) { return tensor_image(((normals[0] + 1) * 0.5).clamp(0, 1)); }

// The level's input image in [-1, 1] on the device.
torch::Tensor level_image(const Image<float>& image, int size, torch::Device device) {
  const Image<float> resized = image.width() == size ? image : resize_area(image, size, size);
  return (to_tensor(resized) * 2 - 1).to(device);
}

}  // namespace

TriMeshf largest_component(const TriMeshf& mesh, int& components) {
  const Components c = connected_components(mesh);
  components = c.count;
  if (c.count <= 1) return mesh;
  std::vector<Eigen::Index> faces_of(std::size_t(c.count), 0);
  for (const int id : c.face_component) ++faces_of[std::size_t(id)];
  const int keep = int(std::max_element(faces_of.begin(), faces_of.end()) - faces_of.begin());
  std::vector<int> new_index(std::size_t(mesh.vertex_count()), -1);
  TriMeshf out;
  out.faces.resize(faces_of[std::size_t(keep)], 3);
  Eigen::Index next_face = 0;
  int next_vertex = 0;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    if (c.face_component[std::size_t(f)] != keep) continue;
    for (int k = 0; k < 3; ++k) {
      int& v = new_index[std::size_t(mesh.faces(f, k))];
      if (v < 0) v = next_vertex++;
      out.faces(next_face, k) = v;
    }
    ++next_face;
  }
  out.vertices.resize(next_vertex, 3);
  if (mesh.has_normals()) out.normals.resize(next_vertex, 3);
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) {
    const int to = new_index[std::size_t(v)];
    if (to < 0) continue;
    out.vertices.row(to) = mesh.vertices.row(v);
    if (mesh.has_normals()) out.normals.row(to) = mesh.normals.row(v);
  }
  return out;
}

// Outside on the outer layer, so marching cubes closes the surface.
void clear_outer_layer(const GridValues<float>& values, float outside) {
  const int n[3] = {int(values.extent(0)), int(values.extent(1)), int(values.extent(2))};
  for (int i = 0; i < n[0]; ++i) {
    for (int j = 0; j < n[1]; ++j) {
      const bool edge = i == 0 || j == 0 || i == n[0] - 1 || j == n[1] - 1;
      for (int k = 0; k < n[2]; k += (edge || k == n[2] - 1) ? 1 : n[2] - 1) values(i, j, k) = outside;
    }
  }
}

int default_coarse_step(int resolution) {
  int step = 1;
  while (step * 2 * 64 <= resolution) step *= 2;
  return step;
}

void check_input_image(const Image<float>& image, const std::string& name) {
  if (image.channels() != 3) {
    throw Error(name, "the input image must be RGB (3 channels), it has " + std::to_string(image.channels()) +
                          (image.channels() == 4 ? " (RGBA: pass the alpha as --mask and the colour as RGB)" : ""));
  }
  if (image.width() != image.height() || image.width() < 1) {
    throw Error(name, "the input image must be square (the person framed as hifa prepare frames a subject), it is " +
                          std::to_string(image.width()) + " x " + std::to_string(image.height()));
  }
}

Image<float> read_input_image(const fs::path& path) {
  Image<float> image = read_image(path);
  check_input_image(image, path.string());
  return image;
}

Image<float> read_input_mask(const fs::path& path, int width, int height) {
  Image<float> mask = read_image(path, 1);
  if (mask.width() != width || mask.height() != height) {
    throw Error(path.string(), "the mask is " + std::to_string(mask.width()) + " x " + std::to_string(mask.height()) +
                                   ", the image " + std::to_string(width) + " x " + std::to_string(height));
  }
  return mask;
}

FieldLevel resolve_level(const RunModel& run, const ReconstructOptions& options) {
  const FieldLevel level = options.level.value_or(run.model->has_fine() ? FieldLevel::fine : FieldLevel::coarse);
  if (level == FieldLevel::fine && !run.model->has_fine()) {
    throw Error("--level", "fine asked for, but this run's model has no fine level (model.type: " +
                               run.config.model_type + "); use --level coarse");
  }
  return level;
}

std::optional<FieldLevel> field_level_named(const std::string& name) {
  if (name == "coarse") return FieldLevel::coarse;
  if (name == "fine") return FieldLevel::fine;
  if (name == "auto") return std::nullopt;
  throw Error("--level", "'" + name + "' is not one of: auto, coarse, fine");
}

ConditionedInputs condition_inputs(RunModel& run, const Image<float>& image, const Image<float>* mask, FieldLevel level,
                                   const GivenNormals* normals) {
  check_input_image(image, "image");
  if (mask != nullptr && (mask->width() != image.width() || mask->height() != image.height() || mask->channels() != 1)) {
    throw Error("mask", "must be one channel of the image's size (" + std::to_string(image.width()) + " x " +
                            std::to_string(image.height()) + ")");
  }
  torch::NoGradGuard no_grad;
  PIFuHD& model = run.model;
  ConditionedInputs in;
  const torch::Tensor coarse = level_image(image, run.config.coarse.image_size, run.device);
  const bool fine = level == FieldLevel::fine;
  const torch::Tensor fine_image = fine ? level_image(image, run.config.fine->image_size, run.device) : torch::Tensor();
  if (normals != nullptr && !model->has_normal_nets()) {
    throw Error("normal maps", "given, but this model takes none (normal_net.type: none)");
  }
  if (model->has_normal_nets()) {
    if (normals != nullptr) {
      check_input_image(normals->front, "front normal map");
      check_input_image(normals->back, "back normal map");
      in.normal_front = to_tensor(normals->front).to(run.device);
      in.normal_back = to_tensor(normals->back).to(run.device);
    } else {
      std::tie(in.normal_front, in.normal_back) = model->predict_normals(coarse);
    }
    in.coarse = PIFuHDImpl::condition(coarse, in.normal_front, in.normal_back);
    if (fine) in.fine = PIFuHDImpl::condition(fine_image, in.normal_front, in.normal_back);
  } else {
    in.coarse = coarse;
    in.fine = fine_image;
  }
  if (mask != nullptr) in.mask = to_tensor(*mask).to(run.device);
  return in;
}

Reconstruction reconstruct(RunModel& run, const Image<float>& image, const Image<float>* mask,
                           const ReconstructOptions& options, const GivenNormals* normals) {
  const FieldLevel level = resolve_level(run, options);
  Reconstruction r;
  auto t0 = std::chrono::steady_clock::now();
  const ConditionedInputs in = condition_inputs(run, image, mask, level, normals);
  const NetworkField field(run.model, in.coarse, in.fine, in.mask, NetworkFieldOptions{level, options.chunk_points});
  if (in.normal_front.defined()) {
    r.normal_front = normal_image(in.normal_front);
    r.normal_back = normal_image(in.normal_back);
  }
  r.seconds_inputs = seconds_since(t0);
  extract_surface(field, AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), FieldValues::occupancy, options, r);
  return r;
}

void write_reconstruction(const fs::path& mesh_path, const Reconstruction& r) {
  write_obj(mesh_path, r.mesh);
  if (r.normal_front.empty()) return;
  const fs::path stem = mesh_path.parent_path() / mesh_path.stem();
  write_png(stem.string() + "_normal_front.png", r.normal_front);
  write_png(stem.string() + "_normal_back.png", r.normal_back);
}

}  // namespace hifa::trainer
