#include "body/fit_json.hpp"

#include <Eigen/Geometry>

namespace hifa::trainer {
namespace {

prepare::Json rows(const RowMatrix3<float>& m) {
  prepare::Json out = prepare::Json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) out.push_back(prepare::json_vec3(m.row(r).transpose()));
  return out;
}

}  // namespace

prepare::Json fit_json(const ScanFit& fit, const std::string& model, const std::string& units, const std::string& scan) {
  using prepare::Json;
  Json pose = Json::array();
  for (std::size_t k = 0; k < fit.pose.size() / 3; ++k) {
    pose.push_back(prepare::json_vec3(Vec3f(fit.pose[3 * k], fit.pose[3 * k + 1], fit.pose[3 * k + 2])));
  }
  Json betas = Json::array();
  for (const float b : fit.betas) betas.push_back(prepare::json_float(b));
  const FitEnergies& e = fit.energies;
  return Json{{"format", "hifa-body-fit"},
              {"version", 1},
              {"model", model},
              {"units", units},
              {"betas", betas},
              {"pose", pose},
              {"global_orient", pose[0]},
              {"translation", prepare::json_vec3(fit.translation)},
              {"scale", fit.scale},
              {"rest_joints", rows(fit.rest_joints)},
              {"posed_joints", rows(fit.posed_joints)},
              {"fitted_from", scan},
              {"body_scale", fit.body_scale},
              {"up", fit.up},
              {"start_yaw_degrees", fit.start_yaw_degrees},
              {"start_pose", fit.start_pose},
              {"energies",
               {{"pull", e.pull},
                {"outside", e.outside},
                {"joint_limits", e.joint_limits},
                {"pose_prior", e.pose_prior},
                {"shape_prior", e.shape_prior},
                {"total", e.total}}},
              {"inside_fraction", fit.inside_fraction},
              {"doubtful", !fit.doubts.empty()},
              {"doubts", fit.doubts}};
}

prepare::BodyFit view_body_fit(const ViewBodyParameters& body, const std::string& model) {
  prepare::BodyFit fit{model, "normalized", {}, {}, Vec3f::Zero(), 1};
  const torch::Tensor r = body.rotations.to(torch::kCPU, torch::kFloat32).contiguous();
  for (int64_t k = 0; k < r.size(0); ++k) {
    const Mat3<float> m = Eigen::Map<const Eigen::Matrix<float, 3, 3, Eigen::RowMajor>>(r[k].data_ptr<float>());
    const Eigen::AngleAxisf a(m);
    const Vec3f v = a.axis() * a.angle();
    fit.pose.insert(fit.pose.end(), {v.x(), v.y(), v.z()});
  }
  const torch::Tensor b = body.betas.to(torch::kCPU, torch::kFloat32).contiguous();
  fit.betas.assign(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
  fit.scale = body.scale.item<float>();
  const torch::Tensor t = (body.translation.to(torch::kCPU, torch::kFloat32) / float(fit.scale)).contiguous();
  fit.translation = Vec3f(t[0].item<float>(), t[1].item<float>(), t[2].item<float>());
  return fit;
}

prepare::Json view_fit_json(const BodyLayer& layer, const ViewBodyParameters& body, const std::string& model,
                            const prepare::Json& extra) {
  using prepare::Json;
  const prepare::BodyFit fit = view_body_fit(body, model);
  Json pose = Json::array();
  for (std::size_t k = 0; k + 2 < fit.pose.size(); k += 3) {
    pose.push_back(prepare::json_vec3(Vec3f(fit.pose[k], fit.pose[k + 1], fit.pose[k + 2])));
  }
  Json betas = Json::array();
  for (const float v : fit.betas) betas.push_back(prepare::json_float(v));
  const torch::Tensor joints = view_joints(layer, body).to(torch::kCPU, torch::kFloat32).contiguous();
  Json posed = Json::array();
  for (int64_t k = 0; k < joints.size(0); ++k) {
    posed.push_back(prepare::json_vec3(Vec3f(joints[k][0].item<float>(), joints[k][1].item<float>(), joints[k][2].item<float>())));
  }
  Json out{{"format", "hifa-body-fit"},
           {"version", 1},
           {"model", model},
           {"units", fit.units},
           {"frame", "the view's normalized frame (docs/dataset.md)"},
           {"betas", betas},
           {"pose", pose},
           {"global_orient", pose[0]},
           {"translation", prepare::json_vec3(fit.translation)},
           {"scale", prepare::json_float(float(fit.scale))},
           {"posed_joints", posed}};
  for (const auto& [key, value] : extra.items()) out[key] = value;
  return out;
}

prepare::BodyFit body_fit_of(const ScanFit& fit, const std::string& model, const std::string& units) {
  return {model, units, fit.betas, fit.pose, fit.translation, fit.scale};
}

}  // namespace hifa::trainer
