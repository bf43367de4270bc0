#include "train/model_trainer.hpp"

#include "hifa/core/error.hpp"
#include "train/body_trainer.hpp"
#include "train/car_trainer.hpp"
#include "train/hyper_trainer.hpp"
#include "train/pifuhd_trainer.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace hifa::trainer {

std::unique_ptr<ModelTrainer> make_trainer(const Config& config, torch::Device device) {
  if (config.model_type == "body") return std::make_unique<BodyTrainer>(config, device);
  if (config.model_type == "car") return std::make_unique<CarTrainer>(config, device);
  if (config.model_type == "hyper") return std::make_unique<HyperTrainer>(config, device);
  return std::make_unique<PifuhdTrainer>(config, device);
}

std::vector<std::string> ModelTrainer::log_columns() const { return loss_columns(stages()); }

const StageSpec& find_stage(const std::vector<StageSpec>& stages, const std::string& name, const std::string& what) {
  std::string names;
  for (const StageSpec& s : stages) {
    if (s.name == name) return s;
    names += (names.empty() ? "" : ", ") + s.name;
  }
  throw Error(what, "the model has no '" + name + "' stage; its stages are: " + names);
}

ViewBatch to_device(const ViewBatch& b, torch::Device d) {
  ViewBatch o = b;
  for (torch::Tensor* t : {&o.image, &o.mask, &o.normal_front, &o.normal_back, &o.body_normals, &o.points, &o.labels,
                           &o.fine_image, &o.fine_mask, &o.fine_normal_front, &o.fine_normal_back, &o.fine_points,
                           &o.fine_points_crop, &o.fine_labels, &o.fine_crop_origin, &o.body_rotations,
                           &o.body_betas, &o.body_scale, &o.body_translation, &o.canonical_points,
                           &o.canonical_sdf, &o.canonical_normals, &o.canonical_blend, &o.canonical_front,
                           &o.task_body, &o.task_surface, &o.task_normals, &o.task_space}) {
    if (t->defined()) *t = t->to(d);
  }
  return o;
}

std::string losses_text(const StageSpec& stage, const std::vector<double>& losses) {
  std::ostringstream os;
  os.precision(4);
  for (std::size_t i = 0; i < losses.size() && i < stage.losses.size(); ++i) {
    if (std::isfinite(losses[i])) os << (os.tellp() > 0 ? " " : "") << stage.losses[i] << " " << losses[i];
  }
  return os.str();
}

std::vector<std::string> loss_columns(const std::vector<StageSpec>& stages) {
  std::vector<std::string> columns;
  for (const StageSpec& s : stages) {
    for (const std::string& l : s.losses) {
      if (std::find(columns.begin(), columns.end(), l) == columns.end()) columns.push_back(l);
    }
  }
  return columns;
}

}  // namespace hifa::trainer
