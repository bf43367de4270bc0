// YAML -> Config with strict keys: every mapping is read through a Section that remembers which keys
// were asked for, and finish() rejects whatever is left (a misspelled key is an error, never a
// silently ignored setting).
#include "config/config.hpp"

#include "hifa/core/error.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace hifa::trainer {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string line_of(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.line >= 0 ? " (line " + std::to_string(m.line + 1) + ")" : "";
}

class Section {
 public:
  Section(YAML::Node node, std::string path, const std::string& file) : node_(node), path_(std::move(path)), file_(file) {
    if (node_ && !node_.IsNull() && !node_.IsMap()) fail(path_, "must be a mapping of keys to values" + line_of(node_));
  }

  template <class T>
  void read(const std::string& key, T& value) {
    known_.push_back(key);
    if (!node_ || node_.IsNull()) return;
    const YAML::Node& cnode = node_;  // const access: never inserts the key
    const YAML::Node v = cnode[key];
    if (!v) return;
    value = convert<T>(v, key);
  }

  Section child(const std::string& key) {
    known_.push_back(key);
    const YAML::Node& cnode = node_;
    YAML::Node v = (cnode && cnode.IsMap()) ? cnode[key] : YAML::Node();
    return Section(v, full(key), file_);
  }

  bool has(const std::string& key) const {
    const YAML::Node& cnode = node_;
    return cnode && cnode.IsMap() && cnode[key];
  }

  // Unknown keys are errors naming the key, the file and the line.
  void finish() const {
    if (!node_ || !node_.IsMap()) return;
    for (const auto& kv : node_) {
      const std::string k = kv.first.as<std::string>();
      if (std::find(known_.begin(), known_.end(), k) == known_.end()) {
        throw Error(file_, "unknown key '" + full(k) + "'" + line_of(kv.first) + "; known keys here: " + join(known_));
      }
    }
  }

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw Error(file_, "'" + key + "' " + problem);
  }
  std::string full(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

 private:
  template <class T>
  T convert(const YAML::Node& v, const std::string& key) const {
    const char* what = std::is_same_v<T, bool>          ? "true or false"
                       : std::is_integral_v<T>          ? "an integer"
                       : std::is_floating_point_v<T>    ? "a number"
                       : std::is_same_v<T, std::string> ? "a string"
                                                        : "a list of integers";
    try {
      if constexpr (std::is_same_v<T, std::vector<int>>) {
        if (!v.IsSequence()) throw YAML::Exception(v.Mark(), "not a sequence");
      } else {
        if (!v.IsScalar()) throw YAML::Exception(v.Mark(), "not a scalar");
      }
      return v.as<T>();
    } catch (const YAML::Exception&) {
      std::string shown = v.IsScalar() ? " '" + v.Scalar() + "'" : "";
      fail(full(key), "must be " + std::string(what) + ", got" + (shown.empty() ? " a non-scalar" : shown) + line_of(v));
    }
  }

  YAML::Node node_;
  std::string path_;
  const std::string& file_;
  std::vector<std::string> known_;
};

void check_type(const Section& s, const std::string& key, const std::string& value,
                const std::vector<std::string>& known) {
  if (std::find(known.begin(), known.end(), value) == known.end()) {
    s.fail(s.full(key), "is '" + value + "', which is not one of: " + join(known));
  }
}

void check_min(const Section& s, const std::string& key, double value, double min) {
  if (!(value >= min)) {
    std::ostringstream os;
    os << "must be >= " << min << ", got " << value;
    s.fail(s.full(key), os.str());
  }
}

void check_body_model(const Section& s, const std::string& value) {
  if (value.empty()) s.fail(s.full("body_model"), "is empty: say open or the path of an SMPL-layout .npz");
}

void read_encoder(Section s, EncoderConfig& e) {
  s.read("type", e.type);
  check_type(s, "type", e.type, {"hourglass"});
  s.read("in_channels", e.in_channels);
  s.read("stem_channels", e.stem_channels);
  s.read("channels", e.channels);
  s.read("out_channels", e.out_channels);
  s.read("stacks", e.stacks);
  s.read("depth", e.depth);
  s.read("downsamplings", e.downsamplings);
  s.read("norm", e.norm);
  s.read("groups", e.groups);
  s.read("upsample", e.upsample);
  s.read("output_activation", e.output_activation);
  s.finish();
  for (auto [k, v, m] : {std::tuple{"in_channels", e.in_channels, 1}, {"stem_channels", e.stem_channels, 1},
                         {"channels", e.channels, 4}, {"out_channels", e.out_channels, 1}, {"stacks", e.stacks, 1},
                         {"depth", e.depth, 1}, {"downsamplings", e.downsamplings, 0}, {"groups", e.groups, 1}}) {
    check_min(s, k, v, m);
  }
  if (e.channels % 4 != 0) s.fail(s.full("channels"), "must be a multiple of 4 (the residual block splits it 1/2, 1/4, 1/4)");
  check_type(s, "norm", e.norm, {"group", "batch", "none"});
  check_type(s, "upsample", e.upsample, {"bicubic", "bilinear", "nearest"});
  check_type(s, "output_activation", e.output_activation, {"none", "tanh"});
}

void read_mlp(Section s, MlpConfig& m) {
  s.read("type", m.type);
  check_type(s, "type", m.type, {"surface_mlp"});
  s.read("widths", m.widths);
  s.read("skips", m.skips);
  s.read("norm", m.norm);
  s.read("leaky_slope", m.leaky_slope);
  s.read("omega_layer", m.omega_layer);
  s.finish();
  if (m.widths.size() < 2) s.fail(s.full("widths"), "needs at least an input and an output width");
  for (int w : m.widths) check_min(s, "widths", w, 1);
  const int layers = int(m.widths.size()) - 1;
  for (int k : m.skips) {
    if (k < 1 || k >= layers) s.fail(s.full("skips"), "holds " + std::to_string(k) + "; skips are 0-based layer indices in [1, " + std::to_string(layers - 1) + "]");
  }
  if (m.omega_layer < -1 || m.omega_layer >= layers - 1) {
    s.fail(s.full("omega_layer"), "must be -1 or a hidden layer index in [0, " + std::to_string(layers - 2) + "], got " + std::to_string(m.omega_layer));
  }
  if (m.norm != "none") {
    // A norm over the points (the public PIFuHD code's GroupNorm on B x C x N) makes a point's value
    // depend on the other points evaluated with it: training batches and inference chunks differ.
    s.fail(s.full("norm"), "is '" + m.norm + "'; only none is allowed: a norm over points makes a point's value "
                           "depend on the points queried with it");
  }
  check_min(s, "leaky_slope", m.leaky_slope, 0);  // the MLP applies LeakyReLU in place: its backward needs slope >= 0
}

void read_level(Section s, LevelConfig& l) {
  s.read("image_size", l.image_size);
  s.read("depth_feature", l.depth_feature);
  s.read("depth_scale", l.depth_scale);
  read_encoder(s.child("encoder"), l.encoder);
  read_mlp(s.child("mlp"), l.mlp);
  s.finish();
  check_min(s, "image_size", l.image_size, 1);
}

void read_optimizer(Section s, OptimizerConfig& o) {
  s.read("optimizer", o.type);
  check_type(s, "optimizer", o.type, {"rmsprop", "adam", "sgd"});
  s.read("lr", o.lr);
  s.read("lr_decay", o.lr_decay);
  s.read("lr_step_epochs", o.lr_step_epochs);
  s.read("batch", o.batch);
  s.read("epochs", o.epochs);
  s.read("beta1", o.beta1);
  s.finish();
  if (!(o.beta1 >= 0 && o.beta1 < 1)) s.fail(s.full("beta1"), "must be in [0, 1)");
  if (!(o.lr > 0)) s.fail(s.full("lr"), "must be > 0");
  check_min(s, "lr_decay", o.lr_decay, 0);
  check_min(s, "lr_step_epochs", o.lr_step_epochs, 1);
  check_min(s, "batch", o.batch, 1);
  check_min(s, "epochs", o.epochs, 0);
}

void read_sampler(Section s, SamplerConfig& c) {
  s.read("points", c.points);
  s.read("surface_weight", c.surface_weight);
  s.read("uniform_weight", c.uniform_weight);
  s.read("balance", c.balance);
  s.read("sigma_cm", c.sigma_cm);
  s.finish();
  check_min(s, "points", c.points, 1);
  check_min(s, "surface_weight", c.surface_weight, 0);
  check_min(s, "uniform_weight", c.uniform_weight, 0);
  if (c.surface_weight + c.uniform_weight == 0) s.fail(s.full("surface_weight"), "and uniform_weight are both 0");
  if (!(c.sigma_cm > 0)) s.fail(s.full("sigma_cm"), "must be > 0");
}

void read_augment(Section s, AugmentConfig& a) {
  s.read("color_jitter", a.color_jitter);
  s.read("brightness", a.brightness);
  s.read("contrast", a.contrast);
  s.read("saturation", a.saturation);
  s.read("hue", a.hue);
  s.read("grayscale_probability", a.grayscale_probability);
  s.read("scale_jitter", a.scale_jitter);
  s.read("scale_min", a.scale_min);
  s.read("scale_max", a.scale_max);
  s.read("translate_jitter", a.translate_jitter);
  s.read("translate", a.translate);
  s.read("background_swap", a.background_swap);
  s.read("background_probability", a.background_probability);
  s.read("background_source", a.background_source);
  s.finish();
  for (auto [k, v] : {std::pair{"brightness", a.brightness}, {"contrast", a.contrast}, {"saturation", a.saturation},
                      {"hue", a.hue}, {"translate", a.translate}}) {
    check_min(s, k, v, 0);
  }
  if (a.hue > 0.5) s.fail(s.full("hue"), "must be <= 0.5 (half a turn of the colour wheel)");
  for (auto [k, v] : {std::pair{"grayscale_probability", a.grayscale_probability},
                      {"background_probability", a.background_probability}}) {
    if (!(v >= 0 && v <= 1)) s.fail(s.full(k), "must be in [0, 1]");
  }
  if (!(a.scale_min > 0 && a.scale_min <= a.scale_max)) {
    s.fail(s.full("scale_min"), "must be > 0 and <= scale_max");
  }
  check_type(s, "background_source", a.background_source, {"procedural", "other_view"});
}

void read_body_net(Section s, BodyNetConfig& b) {
  s.read("type", b.type);
  check_type(s, "type", b.type, {"hmr"});
  s.read("body_model", b.body_model);
  s.read("inputs", b.inputs);
  check_type(s, "inputs", b.inputs, {"image", "image_normals"});
  s.read("image_size", b.image_size);
  s.read("channels", b.channels);
  s.read("blocks", b.blocks);
  s.read("norm", b.norm);
  check_type(s, "norm", b.norm, {"group", "none"});
  s.read("groups", b.groups);
  s.read("regressor_widths", b.regressor_widths);
  s.read("iterations", b.iterations);
  s.read("betas", b.betas);
  s.read("joints_3d_weight", b.joints_3d_weight);
  s.read("joints_2d_weight", b.joints_2d_weight);
  s.read("vertices_weight", b.vertices_weight);
  s.read("pose_weight", b.pose_weight);
  s.read("betas_weight", b.betas_weight);
  s.finish();
  check_body_model(s, b.body_model);
  for (auto [k, v, m] : {std::tuple{"image_size", b.image_size, 16}, {"blocks", b.blocks, 1}, {"groups", b.groups, 1},
                         {"iterations", b.iterations, 1}, {"betas", b.betas, 0}}) {
    check_min(s, k, v, m);
  }
  if (b.channels.empty()) s.fail(s.full("channels"), "needs at least one stage");
  for (int c : b.channels) check_min(s, "channels", c, 1);
  for (int w : b.regressor_widths) check_min(s, "regressor_widths", w, 1);
  for (auto [k, v] : {std::pair{"joints_3d_weight", b.joints_3d_weight}, {"joints_2d_weight", b.joints_2d_weight},
                      {"vertices_weight", b.vertices_weight}, {"pose_weight", b.pose_weight},
                      {"betas_weight", b.betas_weight}}) {
    check_min(s, k, v, 0);
  }
}

void read_sdf_mlp(Section sdf, SdfMlpConfig& c) {
  sdf.read("widths", c.widths);
  sdf.read("skip", c.skip);
  sdf.read("softplus_beta", c.softplus_beta);
  sdf.read("init_radius", c.init_radius);
  sdf.read("frequencies", c.frequencies);
  sdf.finish();
  if (c.widths.size() < 2) sdf.fail(sdf.full("widths"), "needs at least two hidden layers");
  for (int w : c.widths) check_min(sdf, "widths", w, 1);
  const int hidden = int(c.widths.size());
  if (c.skip < 1 || c.skip >= hidden) {
    sdf.fail(sdf.full("skip"),
             "must be a hidden layer index in [1, " + std::to_string(hidden - 1) + "], got " + std::to_string(c.skip));
  }
  if (!(c.softplus_beta > 0)) sdf.fail(sdf.full("softplus_beta"), "must be > 0");
  if (!(c.init_radius > 0)) sdf.fail(sdf.full("init_radius"), "must be > 0");
  check_min(sdf, "frequencies", c.frequencies, 0);
}

void read_car(Section s, CarConfig& c) {
  s.read("body_model", c.body_model);
  s.read("image_size", c.image_size);
  read_encoder(s.child("encoder"), c.encoder);
  read_sdf_mlp(s.child("sdf"), c.sdf);
  s.read("surface_weight", c.surface_weight);
  s.read("off_surface_weight", c.off_surface_weight);
  s.read("normal_weight", c.normal_weight);
  s.read("eikonal_weight", c.eikonal_weight);
  s.read("sdf_weight", c.sdf_weight);
  s.finish();
  check_body_model(s, c.body_model);
  check_min(s, "image_size", c.image_size, 16);
  for (auto [k, v] : {std::pair{"surface_weight", c.surface_weight}, {"off_surface_weight", c.off_surface_weight},
                      {"normal_weight", c.normal_weight}, {"eikonal_weight", c.eikonal_weight},
                      {"sdf_weight", c.sdf_weight}}) {
    check_min(s, k, v, 0);
  }
}

void read_hyper(Section s, HyperConfig& c) {
  s.read("body_model", c.body_model);
  s.read("encoder_widths", c.encoder_widths);
  s.read("head_width", c.head_width);
  s.read("last_layer_scale", c.last_layer_scale);
  s.read("body_points", c.body_points);
  s.read("inner_steps", c.inner_steps);
  s.read("inner_lr", c.inner_lr);
  s.read("start_weight", c.start_weight);
  s.read("tasks_per_epoch", c.tasks_per_epoch);
  s.read("task_surface", c.task_surface);
  s.read("task_space", c.task_space);
  s.finish();
  check_body_model(s, c.body_model);
  if (c.encoder_widths.empty()) s.fail(s.full("encoder_widths"), "needs at least one layer");
  for (int w : c.encoder_widths) check_min(s, "encoder_widths", w, 1);
  for (auto [k, v] : {std::pair{"head_width", c.head_width}, {"body_points", c.body_points},
                      {"tasks_per_epoch", c.tasks_per_epoch}, {"task_surface", c.task_surface}, {"task_space", c.task_space}}) {
    check_min(s, k, v, 1);
  }
  check_min(s, "inner_steps", c.inner_steps, 0);
  check_min(s, "last_layer_scale", c.last_layer_scale, 0);
  check_min(s, "inner_lr", c.inner_lr, 0);
  check_min(s, "start_weight", c.start_weight, 0);
}

void read_refine(Section s, RefineConfig& c) {
  read_sdf_mlp(s.child("sdf"), c.sdf);
  s.read("iterations", c.iterations);
  s.read("lr", c.lr);
  s.read("surface_points", c.surface_points);
  s.read("anchor_points", c.anchor_points);
  s.read("space_points", c.space_points);
  s.read("reproject_every", c.reproject_every);
  s.read("normal_weight", c.normal_weight);
  s.read("anchor_weight", c.anchor_weight);
  s.read("seen_anchor_weight", c.seen_anchor_weight);
  s.read("eikonal_weight", c.eikonal_weight);
  s.read("visibility_tolerance", c.visibility_tolerance);
  s.read("band", c.band);
  s.finish();
  check_min(s, "iterations", c.iterations, 0);
  for (auto [k, v] : {std::pair{"surface_points", c.surface_points}, {"anchor_points", c.anchor_points},
                      {"space_points", c.space_points}, {"reproject_every", c.reproject_every}}) {
    check_min(s, k, v, 1);
  }
  for (auto [k, v] : {std::pair{"normal_weight", c.normal_weight}, {"anchor_weight", c.anchor_weight},
                      {"seen_anchor_weight", c.seen_anchor_weight}, {"eikonal_weight", c.eikonal_weight}}) {
    check_min(s, k, v, 0);
  }
  for (auto [k, v] : {std::pair{"lr", c.lr}, {"visibility_tolerance", c.visibility_tolerance}, {"band", c.band}}) {
    if (!(v > 0)) s.fail(s.full(k), "must be > 0");
  }
}

void read_car_sampler(Section s, CanonicalSamplerConfig& c) {
  s.read("surface", c.surface);
  s.read("near", c.near);
  s.read("uniform", c.uniform);
  s.finish();
  for (auto [k, v] : {std::pair{"surface", c.surface}, {"near", c.near}, {"uniform", c.uniform}}) check_min(s, k, v, 0);
  if (c.total() == 0) s.fail(s.full("surface"), "near and uniform are all 0");
}

Config parse_root(const YAML::Node& root, const std::string& source) {
  Config c;
  c.source = source;
  c.coarse = default_coarse_level();
  Section top(root, "", c.source);

  Section model = top.child("model");
  model.read("type", c.model_type);
  check_type(model, "type", c.model_type, {"pifuhd", "pifu", "body", "car", "hyper"});
  if (c.model_type == "body" || c.model_type == "car" || c.model_type == "hyper") {
    for (const char* level : {"coarse", "fine"}) {
      if (model.has(level)) {
        model.fail(std::string("model.") + level, "is given but model.type is '" + c.model_type + "', which has no PIFu levels");
      }
    }
  } else {
    read_level(model.child("coarse"), c.coarse);
  }
  if (c.model_type == "pifuhd") {
    c.fine = default_fine_level();
    read_level(model.child("fine"), *c.fine);
  } else if (c.model_type == "pifu" && model.has("fine")) {
    model.fail("model.fine", "is given but model.type is 'pifu' (single level); remove it or use type: pifuhd");
  }
  model.finish();

  Section nn = top.child("normal_net");
  NormalNetConfig& n = c.normal_net;
  nn.read("type", n.type);
  check_type(nn, "type", n.type, {"pix2pixhd_global", "none"});
  nn.read("in_channels", n.in_channels);
  nn.read("body_normals", n.body_normals);
  nn.read("out_channels", n.out_channels);
  nn.read("base_channels", n.base_channels);
  nn.read("downsamplings", n.downsamplings);
  nn.read("residual_blocks", n.residual_blocks);
  nn.read("norm", n.norm);
  nn.read("loss", n.loss);
  nn.read("vgg_weights", n.vgg_weights);
  nn.read("l1_weight", n.l1_weight);
  nn.read("perceptual_weight", n.perceptual_weight);
  nn.read("gradient_scales", n.gradient_scales);
  nn.finish();
  check_type(nn, "norm", n.norm, {"instance", "batch", "none"});
  check_type(nn, "loss", n.loss, {"l1_perceptual"});
  for (auto [k, v, m] : {std::tuple{"in_channels", n.in_channels, 1}, {"out_channels", n.out_channels, 1},
                         {"base_channels", n.base_channels, 1}, {"downsamplings", n.downsamplings, 0},
                         {"residual_blocks", n.residual_blocks, 0}, {"gradient_scales", n.gradient_scales, 1}}) {
    check_min(nn, k, v, m);
  }
  check_min(nn, "l1_weight", n.l1_weight, 0);
  check_min(nn, "perceptual_weight", n.perceptual_weight, 0);
  // A relative weights path is relative to the config file's folder (so configs travel with them).
  if (!n.vgg_weights.empty()) {
    std::filesystem::path p(n.vgg_weights);
    if (p.is_relative() && !source.empty()) p = std::filesystem::path(source).parent_path() / p;
    n.vgg_weights = p.lexically_normal().string();
  }

  // A CAR run may carry its own body estimator (a stage between the normal nets and the canonical SDF).
  if (c.model_type == "body" || (c.model_type == "car" && top.has("body_net"))) {
    c.body_net.emplace();
    read_body_net(top.child("body_net"), *c.body_net);
    if (c.body_net->inputs == "image_normals" && n.type == "none") {
      nn.fail("normal_net.type", "is none, but body_net.inputs image_normals needs the normal nets' maps");
    }
  } else if (top.has("body_net")) {
    top.fail("body_net", "is given but model.type is '" + c.model_type + "' (it belongs to model.type body or car)");
  }
  if (n.body_normals && (c.model_type != "car" || n.type == "none")) {
    nn.fail("normal_net.body_normals", "needs normal nets of a CAR model (model.type car, a body fit for every view); "
                                       "model.type is '" + c.model_type + "', normal_net.type '" + n.type + "'");
  }
  if (c.model_type == "car") {
    c.car.emplace();
    read_car(top.child("car"), *c.car);
    if (c.body_net && c.body_net->body_model != c.car->body_model) {
      top.fail("body_net.body_model", "is '" + c.body_net->body_model + "', car.body_model is '" +
                                                   c.car->body_model + "': the estimator poses the body CAR reads");
    }
    if (c.body_net && c.body_net->inputs == "image_normals" && n.body_normals) {
      nn.fail("normal_net.body_normals", "is true, but body_net.inputs image_normals would feed the estimator maps "
                                         "drawn from the body it is to find");
    }
    if (c.body_net && c.body_net->image_size > c.car->image_size) {
      top.fail("body_net.image_size", "is " + std::to_string(c.body_net->image_size) + ", larger than car.image_size " +
                                          std::to_string(c.car->image_size) + " (the estimator reads the run's images "
                                          "shrunk to its size)");
    }
  } else if (top.has("car")) {
    top.fail("car", "is given but model.type is '" + c.model_type + "' (it belongs to model.type car)");
  }

  if (c.model_type == "hyper") {
    c.hyper.emplace();
    c.refine.emplace();
    read_hyper(top.child("hyper"), *c.hyper);
    read_refine(top.child("refine"), *c.refine);
    if (n.type != "none") nn.fail("normal_net.type", "must be none for model.type hyper (the refinement reads a CAR run's maps)");
  } else {
    for (const char* key : {"hyper", "refine"}) {
      if (top.has(key)) top.fail(key, "is given but model.type is '" + c.model_type + "' (it belongs to model.type hyper)");
    }
  }

  Section loss = top.child("loss");
  loss.read("type", c.loss.type);
  loss.finish();
  check_type(loss, "type", c.loss.type, {"extended_bce", "bce"});

  Section train = top.child("train");
  TrainConfig& t = c.train;
  train.read("seed", t.seed);
  train.read("gt_normal_probability", t.gt_normal_probability);
  train.read("fine_schedule", t.fine_schedule);
  train.read("fine_crop", t.fine_crop);
  train.read("checkpoint_every", t.checkpoint_every);
  train.read("log_every", t.log_every);
  read_optimizer(train.child("normal"), t.normal);
  read_optimizer(train.child("coarse"), t.coarse);
  read_optimizer(train.child("fine"), t.fine);
  read_optimizer(train.child("body"), t.body);
  read_optimizer(train.child("car"), t.car);
  read_optimizer(train.child("hyper"), t.hyper);
  read_sampler(train.child("coarse_sampler"), t.coarse_sampler);
  read_sampler(train.child("fine_sampler"), t.fine_sampler);
  read_car_sampler(train.child("car_sampler"), t.car_sampler);
  read_augment(train.child("augment"), t.augment);
  train.read("workers", t.workers);
  train.finish();
  if (!(t.gt_normal_probability >= 0 && t.gt_normal_probability <= 1)) {
    train.fail("train.gt_normal_probability", "must be in [0, 1]");
  }
  check_min(train, "checkpoint_every", t.checkpoint_every, 1);
  check_min(train, "log_every", t.log_every, 1);
  check_type(train, "fine_schedule", t.fine_schedule, {"alternate", "frozen_coarse"});
  check_min(train, "fine_crop", t.fine_crop, 1);
  check_min(train, "workers", t.workers, 1);

  top.finish();
  return c;
}

}  // namespace

// PIFuHD coarse level: 4 stacks, 512 -> 128^2 x 256, MLP 257-1024-512-256-128-1 exposing Omega, the
// 256-d output of its 4th layer counting the input as the 1st (0-based Conv1d layer 2).
LevelConfig default_coarse_level() {
  LevelConfig l;
  l.mlp.omega_layer = 2;
  return l;
}

// PIFuHD fine level: 1 stack, one downsampling fewer (1024 -> 512), 16 output channels, no depth
// feature, MLP 272-512-256-128-1 fed with 16 image features + Omega (256).
LevelConfig default_fine_level() {
  LevelConfig l;
  l.image_size = 1024;
  l.depth_feature = false;
  l.encoder.stacks = 1;
  l.encoder.downsamplings = 1;
  l.encoder.out_channels = 16;
  // The paper does not give the fine hourglass depth; 4 levels at 512^2 bottom out at 32^2, the
  // same bottom resolution as the coarse depth-2 hourglass at 128^2.
  l.encoder.depth = 4;
  l.mlp.widths = {272, 512, 256, 128, 1};
  l.mlp.skips = {1, 2};
  return l;
}

int input_image_size(const Config& c) {
  if (c.car) return c.car->image_size;
  return c.body_net ? c.body_net->image_size : c.coarse.image_size;
}

Config parse_config(const std::string& yaml_text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw Error(source, "not valid YAML: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")");
  }
  if (root && !root.IsNull() && !root.IsMap()) throw Error(source, "the top level must be a mapping (model:, train:, ...)");
  Config c = parse_root(root, source);
  c.text = yaml_text;
  return c;
}

Config load_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "cannot open the config file");
  std::ostringstream os;
  os << in.rdbuf();
  return parse_config(os.str(), file.string());
}

}  // namespace hifa::trainer
