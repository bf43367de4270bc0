#include "inference/car_reconstruct.hpp"

#include "body/body_render.hpp"
#include "body/canonical_skinning.hpp"
#include "config/factory.hpp"
#include "data/image_tensor.hpp"
#include "inference/car_field.hpp"
#include "inference/run_model.hpp"
#include "models/pifuhd.hpp"
#include "prepare/canonical_scan.hpp"

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/io/npy.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/render/image_io.hpp"
#include "hifa/render/image_ops.hpp"

#include <chrono>
#include <fstream>
#include <span>

namespace hifa::trainer {
namespace fs = std::filesystem;
namespace {

// Room for clothing around the rest body (body metres): a long coat or a skirt's hem.
constexpr float clothing_margin = 0.15f;

// A square image at `size` as a 1 x 3 x size x size tensor, [0, 1] -> [-1, 1] when `signed_values`.
torch::Tensor input_tensor(const Image<float>& image, int size, bool signed_values, torch::Device device) {
  const Image<float> resized = image.width() == size ? image : resize_area(image, size, size);
  const torch::Tensor t = image_tensor(resized).unsqueeze(0);
  return (signed_values ? t * 2 - 1 : t).to(device);
}

Image<float> normal_image(const torch::Tensor& normals) { return tensor_image(((normals[0] + 1) * 0.5).clamp(0, 1)); }

}  // namespace

AABBf canonical_box(const TriMeshf& rest) {
  const Vec3f lo = rest.vertices.colwise().minCoeff().transpose(), hi = rest.vertices.colwise().maxCoeff().transpose();
  const Vec3f centre = 0.5f * (lo + hi);
  const float half = 0.5f * (hi - lo).maxCoeff() + clothing_margin;
  return AABBf(centre - Vec3f::Constant(half), centre + Vec3f::Constant(half));
}

CarRun load_car_run(const fs::path& run, torch::Device device) {
  CarRun out;
  out.config = read_run_config(run);
  if (!out.config.car) throw Error(run.string(), "holds a " + out.config.model_type + " model, not CAR (model.type car)");
  out.body_file = body_model_file(out.config);
  out.body_model = std::make_shared<const SmplModel<float>>(SmplModel<float>::load(out.body_file));
  out.model = CarNet(out.config, out.body_model->joint_count());
  read_run_module(run, *out.model);
  out.model->eval();
  out.model->to(device);
  out.device = device;
  return out;
}

Mat4<float> fit_to_view(const prepare::BodyFit& fit) {
  Mat4<float> m = Mat4<float>::Identity();
  m.topLeftCorner<3, 3>() *= float(fit.scale);
  return m;
}

namespace {

// car_body_normals for a body already posed.
torch::Tensor body_normals_of(const CarRun& run, const prepare::FittedBody& body, const Mat4<float>& posed_to_view) {
  if (!run.config.normal_net.body_normals) return {};
  return body_normal_channels(transformed(body.posed, posed_to_view), run.config.car->image_size).unsqueeze(0).to(run.device);
}

}  // namespace

torch::Tensor car_body_normals(const CarRun& run, const prepare::BodyFit& fit, const Mat4<float>& posed_to_view) {
  if (!run.config.normal_net.body_normals) return {};
  return body_normals_of(run, prepare::fitted_body(*run.body_model, fit), posed_to_view);
}

CarReconstruction reconstruct_car(CarRun& run, const Image<float>& image, const prepare::BodyFit& fit,
                                  const Mat4<float>& posed_to_view, const ReconstructOptions& options,
                                  const GivenNormals* normals, bool avatar_weights) {
  check_input_image(image, "image");
  if (fit.model != run.body_file.stem().string()) {
    throw Error("body fit", "made with the body model '" + fit.model + "', the run's is " + run.body_file.string());
  }
  CarReconstruction r;
  const auto t0 = std::chrono::steady_clock::now();
  torch::NoGradGuard no_grad;
  const int size = run.config.car->image_size;
  const torch::Tensor input = input_tensor(image, size, true, run.device);
  const prepare::FittedBody body = prepare::fitted_body(*run.body_model, fit);
  torch::Tensor front, back;
  if (normals != nullptr) {
    check_input_image(normals->front, "front normal map");
    check_input_image(normals->back, "back normal map");
    front = input_tensor(normals->front, size, false, run.device);
    back = input_tensor(normals->back, size, false, run.device);
  } else if (run.model->has_normal_nets()) {
    const torch::Tensor in = normal_net_input(run.config.normal_net, input, body_normals_of(run, body, posed_to_view));
    front = run.model->normal_front->forward(in);
    back = run.model->normal_back->forward(in);
  } else {
    throw Error("normal maps", "this CAR model has no normal nets (normal_net.type: none): give the normal maps");
  }
  r.canonical.normal_front = normal_image(front);
  r.canonical.normal_back = normal_image(back);

  auto skinner = std::make_shared<const CanonicalSkinner>(body);
  const CarField field(run.model, input, front, back, skinner, posed_to_view, options.chunk_points);
  r.canonical.seconds_inputs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const AABBf box = canonical_box(body.rest);
  extract_surface(field, box, FieldValues::sdf, options, r.canonical);
  if (r.canonical.mesh.empty()) throw Error("image", "no surface found (the canonical SDF is nowhere below 0)");

  const RowMatrix3<float> relative = r.canonical.mesh.vertices.rowwise() - body.rest_root.transpose();
  if (avatar_weights) r.weights = skinner->diffused_weights(relative, box, avatar_weight_grid);
  const CanonicalSkinning skin = skinner->skin(relative, posed_to_view);
  r.posed = r.canonical.mesh;
  r.posed.normals.resize(0, 3);
  for (Eigen::Index i = 0; i < relative.rows(); ++i) {
    const Eigen::Map<const Eigen::Matrix<float, 3, 4, Eigen::RowMajor>> blend(skin.blend.row(i).data());
    r.posed.vertices.row(i) = (blend.leftCols<3>() * relative.row(i).transpose() + blend.col(3)).transpose();
  }
  return r;
}

void write_avatar(const fs::path& dir, const TriMeshf& canonical, const RowMatrixX<float>& weights) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir.string(), "cannot create the output folder: " + ec.message());
  write_obj(dir / "canonical.obj", canonical);
  const auto rows = std::size_t(weights.rows()), cols = std::size_t(weights.cols());
  write_npy(dir / "weights.npy", make_npy<float>(std::span<const float>(weights.data(), rows * cols), {rows, cols}));
}

void write_posed_avatar(const fs::path& dir, const TriMeshf& canonical, const RowMatrixX<float>& weights, const TriMeshf& posed,
                        const fs::path& fit_file) {
  write_avatar(dir, canonical, weights);
  write_obj(dir / "posed.obj", posed);
  std::ifstream in(fit_file, std::ios::binary);
  if (!in) throw Error(fit_file.string(), "cannot read the body fit");
  write_file_atomically(dir / "body.json", [&](std::ostream& os) { os << in.rdbuf(); });
}

namespace {

void write_normal_maps(const fs::path& dir, const CarReconstruction& r) {
  write_png(dir / "normal_front.png", r.canonical.normal_front);
  write_png(dir / "normal_back.png", r.canonical.normal_back);
}

}  // namespace

void write_car_reconstruction(const fs::path& dir, const CarReconstruction& r, const fs::path& fit_file) {
  write_posed_avatar(dir, r.canonical.mesh, r.weights, r.posed, fit_file);
  write_normal_maps(dir, r);
}

void write_car_reconstruction(const fs::path& dir, const CarReconstruction& r, const prepare::Json& fit) {
  write_avatar(dir, r.canonical.mesh, r.weights);
  write_obj(dir / "posed.obj", r.posed);
  prepare::write_json(dir / "body.json", fit);
  write_normal_maps(dir, r);
}

}  // namespace hifa::trainer
