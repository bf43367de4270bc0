#include "inference/car_refine.hpp"

#include "body/body_render.hpp"
#include "body/canonical_skinning.hpp"
#include "config/factory.hpp"
#include "data/image_tensor.hpp"
#include "data/surface_samples.hpp"
#include "inference/car_reconstruct.hpp"
#include "inference/reconstruct.hpp"
#include "inference/run_model.hpp"
#include "prepare/body_fit_file.hpp"
#include "prepare/canonical_scan.hpp"
#include "refine/posed_sdf_field.hpp"

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/render/image_io.hpp"

#include <system_error>

namespace hifa::trainer {
namespace fs = std::filesystem;
namespace {

fs::path existing(const fs::path& file, const std::string& what) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw Error(file.string(), "no such file (" + what + ")");
  return file;
}

// A normal map PNG ((n + 1) / 2) as 1 x 3 x S x S in [-1, 1].
torch::Tensor normal_map(const fs::path& file) {
  const Image<float> image = read_image(existing(file, "the reconstruction's predicted normal map"), 3);
  if (image.width() != image.height()) throw Error(file.string(), "is not square");
  return image_tensor(image).unsqueeze(0) * 2 - 1;
}

// The posed body in the view frame, `count` surface samples with normals: 1 x count x 6.
torch::Tensor body_samples(const prepare::FittedBody& body, const Mat4<float>& to_view, int count, std::uint64_t seed) {
  TriMeshf posed = body.posed;
  for (Eigen::Index v = 0; v < posed.vertex_count(); ++v) {
    posed.vertices.row(v) = (to_view * posed.vertex(v).homogeneous()).head<3>().transpose();
  }
  return surface_samples(posed, count, seed).unsqueeze(0);
}

}  // namespace

HyperRun load_hyper_run(const fs::path& run, torch::Device device) {
  HyperRun out;
  out.config = read_run_config(run);
  if (!out.config.hyper) {
    throw Error(run.string(), "holds a " + out.config.model_type + " model, not a hypernetwork (model.type hyper: hifa train "
                                                                  "--config configs/hyper_tiny.yaml)");
  }
  out.body_model = std::make_shared<const SmplModel<float>>(SmplModel<float>::load(body_model_file(out.config)));
  out.model = RefineNet(out.config);
  read_run_module(run, *out.model);
  out.model->eval();
  out.model->to(device);
  out.device = device;
  return out;
}

RefineInit refine_init_named(const std::string& name) {
  if (name == "hyper") return RefineInit::hyper;
  if (name == "random") return RefineInit::random;
  throw Error("refine", "unknown start '" + name + "' (hyper or random)");
}

RefinedAvatar refine_reconstruction(HyperRun& run, const fs::path& recon, const RefineRequest& request,
                                    const std::function<void(const RefineStep&)>& step) {
  const fs::path posed_file = existing(recon / "posed.obj", "the posed CAR mesh hifa reconstruct --body writes");
  const fs::path fit_file = existing(recon / "body.json", "the body fit hifa reconstruct --body writes beside the meshes");
  RefineInputs inputs{read_obj(posed_file), normal_map(recon / "normal_front.png"), normal_map(recon / "normal_back.png")};
  if (!inputs.normal_back.sizes().equals(inputs.normal_front.sizes())) {
    throw Error((recon / "normal_back.png").string(), "is not the size of normal_front.png");
  }
  if (inputs.posed.face_count() == 0) throw Error(posed_file.string(), "has no faces");
  const prepare::BodyFit fit = prepare::read_body_fit(fit_file);
  const std::string model_name = body_model_file(run.config).stem().string();
  if (fit.model != model_name) {
    throw Error(fit_file.string(), "is a fit of the body model '" + fit.model + "', the run's is '" + model_name + "'");
  }
  try {
    return refine_avatar(run, std::move(inputs), fit, fit_to_view(fit), request, step);
  } catch (const Error& e) {
    throw Error(recon.string(), e.what());
  }
}

RefinedAvatar refine_avatar(HyperRun& run, RefineInputs inputs, const prepare::BodyFit& fit, const Mat4<float>& to_view,
                            const RefineRequest& request, const std::function<void(const RefineStep&)>& step) {
  // The mesh and the maps are checked where they are used: refine_posed and its MapLookup.
  const prepare::FittedBody body = prepare::fitted_body(*run.body_model, fit);

  RefineConfig config = *run.config.refine;
  if (request.iterations >= 0) config.iterations = request.iterations;
  SdfMlpParameters start;
  if (request.init == RefineInit::hyper) {
    torch::NoGradGuard no_grad;
    start = run.model->hyper->forward(body_samples(body, to_view, run.config.hyper->body_points, request.seed).to(run.device))[0];
  } else {
    start = run.model->mlp->parameters_copy();
  }
  RefinedAvatar out;
  out.refinement = refine_posed(config, *run.model->mlp, std::move(start), inputs, request.seed, run.device, step);

  // The refined surface lies between the body its start was made from and the posed mesh the anchor
  // pulls it to: a cube around both, grown by 10% (a poor CAR mesh may be a small piece of the person).
  const RowMatrix3<float> posed_body = transformed(body.posed, to_view).vertices;
  const Vec3f lo = inputs.posed.vertices.colwise().minCoeff().transpose().cwiseMin(posed_body.colwise().minCoeff().transpose());
  const Vec3f hi = inputs.posed.vertices.colwise().maxCoeff().transpose().cwiseMax(posed_body.colwise().maxCoeff().transpose());
  const float half = 0.55f * (hi - lo).maxCoeff();
  const Vec3f centre = 0.5f * (lo + hi);
  Reconstruction r;
  ReconstructOptions options;
  options.resolution = request.resolution;
  extract_surface(PosedSdfField(run.model->mlp, out.refinement.parameters, 1 << 14),
                  AABBf(centre - Vec3f::Constant(half), centre + Vec3f::Constant(half)), FieldValues::sdf, options, r);
  if (r.mesh.empty()) throw Error("refine", "the refined SDF has no surface (nowhere below 0)");
  out.posed = r.mesh;

  const CanonicalSkinner skinner(body);
  const RowMatrix3<float> relative = skinner.unpose(out.posed.vertices, to_view);
  out.canonical = out.posed;
  out.canonical.normals.resize(0, 3);
  out.canonical.vertices = relative.rowwise() + body.rest_root.transpose();
  out.weights = skinner.diffused_weights(relative, canonical_box(body.rest), avatar_weight_grid);
  return out;
}

void write_refined_avatar(const fs::path& dir, const RefinedAvatar& avatar, const fs::path& recon) {
  write_posed_avatar(dir, avatar.canonical, avatar.weights, avatar.posed, recon / "body.json");
  write_refine_log(dir / "refine_log.csv", avatar.refinement.log);
}

void write_refine_log(const fs::path& csv, const std::vector<RefineStep>& log) {
  write_file_atomically(csv, [&](std::ostream& os) {
    os << "iteration,total,normal,anchor,eikonal,seen,seconds\n";
    for (const RefineStep& s : log) {
      os << s.iteration << ',' << s.total << ',' << s.normal << ',' << s.anchor << ',' << s.eikonal << ',' << s.seen << ','
         << s.seconds << '\n';
    }
  });
}

}  // namespace hifa::trainer
