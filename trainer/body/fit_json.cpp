#include "body/fit_json.hpp"

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

prepare::BodyFit body_fit_of(const ScanFit& fit, const std::string& model, const std::string& units) {
  return {model, units, fit.betas, fit.pose, fit.translation, fit.scale};
}

}  // namespace hifa::trainer
