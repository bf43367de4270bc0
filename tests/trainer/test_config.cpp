// hifa::trainer configuration: the shipped configs parse and build; bad keys, types and values are
// errors naming the key and the file.
#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "config/factory.hpp"
#include "models/car_net.hpp"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace hifa::trainer;
namespace fs = std::filesystem;

namespace {
const std::string configs = HIFA_SOURCE_DIR "/configs/";

int64_t count(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

// pix2pixHD global generator parameters by hand (instance norm has none).
int64_t global_generator_parameters(int64_t g, int downs, int blocks) {
  int64_t n = 3 * g * 49 + g;
  for (int i = 0; i < downs; ++i) n += (g << i) * (g << (i + 1)) * 9 + (g << (i + 1));
  const int64_t b = g << downs;
  n += blocks * 2 * (b * b * 9 + b);
  for (int i = 0; i < downs; ++i) {
    const int64_t c = g << (downs - i);
    n += c * (c / 2) * 9 + c / 2;
  }
  return n + g * 3 * 49 + 3;
}

fs::path write_temp(const std::string& name, const std::string& text) {
  fs::path d = fs::temp_directory_path() / ("hifa_test_config_" + std::to_string(::getpid()));
  fs::create_directories(d);
  std::ofstream(d / name) << text;
  return d / name;
}

std::string tiny_text() {
  std::ifstream in(configs + "tiny.yaml");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

// The lines of a config file's `body_net:` section, comments and trailing blanks dropped.
std::vector<std::string> body_net_section(const std::string& file) {
  std::ifstream in(configs + file);
  std::vector<std::string> lines;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    line.erase(line.find_last_not_of(' ') + 1);
    if (!line.empty() && line[0] != ' ') inside = line == "body_net:";
    else if (inside && !line.empty()) lines.push_back(line);
  }
  return lines;
}
}  // namespace

TEST_CASE("configs/pifuhd.yaml parses to the paper's settings and builds the paper-size model") {
  const Config c = load_config(configs + "pifuhd.yaml");
  CHECK(c.model_type == "pifuhd");
  CHECK(c.coarse.encoder.stacks == 4);
  CHECK(c.coarse.mlp.widths == std::vector<int>{257, 1024, 512, 256, 128, 1});
  CHECK(c.coarse.mlp.skips == std::vector<int>{1, 2, 3});  // the paper's "layers 3, 4 and 5"
  CHECK(c.coarse.mlp.omega_layer == 2);                      // Omega: the 256-d 4th-layer output
  CHECK(c.coarse.mlp.norm == "none");
  REQUIRE(c.fine.has_value());
  CHECK(c.fine->mlp.widths == std::vector<int>{272, 512, 256, 128, 1});
  CHECK(c.fine->mlp.skips == std::vector<int>{1, 2});
  CHECK(c.fine->mlp.norm == "none");
  CHECK_FALSE(c.fine->depth_feature);  // the fine level takes Omega instead of z
  CHECK(c.fine->image_size == 1024);
  CHECK(c.train.fine_crop == 512);     // 512^2 random crops of the 1024^2 image
  CHECK(c.train.coarse.type == "rmsprop");
  CHECK(c.train.normal.lr == Approx(2e-4));
  CHECK(c.train.fine_sampler.sigma_cm == Approx(3.0));
  torch::manual_seed(0);
  PIFuHD m = make_model(c);
  REQUIRE(m->has_fine());
  REQUIRE(m->has_normal_nets());
  CHECK(count(*m->normal_front) == global_generator_parameters(64, 4, 9));
  CHECK(count(*m->normal_back) == global_generator_parameters(64, 4, 9));
}

TEST_CASE("configs/pifu.yaml is the single-level model: no fine level") {
  const Config c = load_config(configs + "pifu.yaml");
  CHECK(c.model_type == "pifu");
  CHECK_FALSE(c.fine.has_value());
  PIFuHD m = make_model(c);
  CHECK_FALSE(m->has_fine());
  torch::NoGradGuard no_grad;
  m->eval();
  PIFuHDOutput o = m->forward(torch::randn({1, 9, 64, 64}), {}, torch::zeros({1, 3, 5}));
  CHECK(o.coarse.occupancy.sizes() == torch::IntArrayRef{1, 1, 5});
  CHECK_FALSE(o.fine.has_value());
}

TEST_CASE("configs/tiny.yaml builds a small two-level model") {
  const Config c = load_config(configs + "tiny.yaml");
  PIFuHD m = make_model(c);
  CHECK(count(*m) < 2'000'000);
  CHECK(m->options().coarse.encoder.stacks == 2);
  CHECK(c.text.find("CPU-sized PIFuHD") != std::string::npos);  // the text is kept for checkpoints
}

TEST_CASE("configs/small.yaml and small_pifu.yaml differ only by the fine level, with equal coarse updates") {
  const Config hd = load_config(configs + "small.yaml");
  const Config single = load_config(configs + "small_pifu.yaml");
  REQUIRE(hd.fine.has_value());
  CHECK_FALSE(single.fine.has_value());
  CHECK(hd.coarse.image_size == 128);
  CHECK(hd.fine->image_size == 256);
  CHECK(hd.coarse.mlp.widths == single.coarse.mlp.widths);
  CHECK(hd.coarse.encoder.channels == single.coarse.encoder.channels);
  CHECK(hd.coarse.encoder.stacks == single.coarse.encoder.stacks);
  CHECK(hd.normal_net.base_channels == single.normal_net.base_channels);
  // alternate: every fine step is also a coarse step, so PIFu's coarse epochs match both stages'.
  CHECK(hd.train.fine_schedule == "alternate");
  CHECK(hd.train.coarse.epochs + hd.train.fine.epochs == single.train.coarse.epochs);
  CHECK(hd.train.normal.epochs == single.train.normal.epochs);
  torch::manual_seed(0);
  CHECK(make_model(hd)->has_fine());
  CHECK_FALSE(make_model(single)->has_fine());
}

TEST_CASE("a misspelled key is an error naming the key, its line and the file") {
  const fs::path p = write_temp("typo.yaml", replace(tiny_text(), "      stacks: 2", "      stakcs: 2"));
  CHECK_THROWS_WITH(load_config(p), Catch::Contains(p.string()) && Catch::Contains("unknown key 'model.coarse.encoder.stakcs'") &&
                                        Catch::Contains("line 15") && Catch::Contains("stacks"));
  const fs::path q = write_temp("top.yaml", tiny_text() + "trian:\n  seed: 1\n");
  CHECK_THROWS_WITH(load_config(q), Catch::Contains("unknown key 'trian'"));
}

TEST_CASE("a value of the wrong type or out of range names the key") {
  const fs::path p = write_temp("type.yaml", replace(tiny_text(), "lr: 1.0e-3, lr_decay: 0.1, lr_step_epochs: 20, batch: 4, epochs: 30}\n  fine",
                                                     "lr: fast, lr_decay: 0.1, lr_step_epochs: 20, batch: 4, epochs: 30}\n  fine"));
  CHECK_THROWS_WITH(load_config(p), Catch::Contains("'train.coarse.lr' must be a number, got 'fast'"));
  const fs::path q = write_temp("skip.yaml", replace(tiny_text(), "skips: [1, 2, 3]", "skips: [1, 2, 7]"));
  CHECK_THROWS_WITH(load_config(q), Catch::Contains("model.coarse.mlp.skips") && Catch::Contains("7"));
  CHECK_THROWS_WITH(parse_config("model: [1, 2]\n", "inline.yaml"), Catch::Contains("inline.yaml") && Catch::Contains("'model' must be a mapping"));
  CHECK_THROWS_WITH(parse_config("model: {type: pifu\n", "broken.yaml"), Catch::Contains("broken.yaml") && Catch::Contains("not valid YAML"));
}

TEST_CASE("a norm over the MLP's points is refused at load time, naming the key") {
  const fs::path p = write_temp("norm.yaml", replace(tiny_text(), "omega_layer: 2", "omega_layer: 2\n      norm: group"));
  CHECK_THROWS_WITH(load_config(p), Catch::Contains(p.string()) && Catch::Contains("model.coarse.mlp.norm") &&
                                        Catch::Contains("only none"));
}

TEST_CASE("an unknown type: is an error listing the known ones") {
  const fs::path p = write_temp("kind.yaml", replace(tiny_text(), "type: extended_bce", "type: focal"));
  CHECK_THROWS_WITH(load_config(p), Catch::Contains("'loss.type' is 'focal'") && Catch::Contains("extended_bce, bce"));
  const fs::path q = write_temp("enc.yaml", replace(tiny_text(), "type: hourglass", "type: resnet"));
  CHECK_THROWS_WITH(load_config(q), Catch::Contains("model.coarse.encoder.type") && Catch::Contains("hourglass"));
  Config c = load_config(configs + "tiny.yaml");
  c.model_type = "nerf";  // built in code, not read: the factory still refuses it
  CHECK_THROWS_WITH(make_model(c), Catch::Contains("model.type") && Catch::Contains("nerf"));
}

TEST_CASE("widths that do not add up are an error naming the config and the width") {
  const fs::path p = write_temp("widths.yaml", replace(tiny_text(), "widths: [40, 32, 16, 8, 1]", "widths: [41, 32, 16, 8, 1]"));
  const Config c = load_config(p);
  CHECK_THROWS_WITH(make_model(c), Catch::Contains(p.string()) && Catch::Contains("mlp.widths[0]") && Catch::Contains("= 40, got 41"));
}

TEST_CASE("a relative vgg_weights path is relative to the config file") {
  const fs::path p = write_temp("vggrel.yaml", replace(tiny_text(), "vgg_weights: \"\"", "vgg_weights: weights/vgg19.htf"));
  const Config c = load_config(p);
  CHECK(c.normal_net.vgg_weights == (p.parent_path() / "weights/vgg19.htf").string());
  CHECK_THROWS_WITH(make_normal_loss(c), Catch::Contains("vgg19.htf") && Catch::Contains("cannot open"));
}

TEST_CASE("configs/body_net.yaml and body_net_tiny.yaml are body estimators, and body keys belong to model.type body") {
  const Config big = load_config(configs + "body_net.yaml");
  REQUIRE(big.body_net);
  CHECK(big.model_type == "body");
  CHECK(big.body_net->inputs == "image_normals");
  CHECK(big.body_net->image_size == 256);
  CHECK(input_image_size(big) == 256);
  CHECK(big.train.body.beta1 == 0.9);
  CHECK(big.train.normal.beta1 == 0.5);  // pix2pixHD's, as every normal stage
  const Config tiny = load_config(configs + "body_net_tiny.yaml");
  REQUIRE(tiny.body_net);
  CHECK(tiny.body_net->inputs == "image");
  CHECK(tiny.normal_net.type == "none");
  CHECK(input_image_size(tiny) == 64);
  CHECK(input_image_size(load_config(configs + "tiny.yaml")) == 64);

  std::ifstream in(configs + "body_net_tiny.yaml");
  const std::string text(std::istreambuf_iterator<char>(in), {});
  CHECK_THROWS_WITH(parse_config(replace(text, "inputs: image", "inputs: image_normals"), "b.yaml"),
                    Catch::Contains("b.yaml") && Catch::Contains("normal_net.type") && Catch::Contains("image_normals"));
  CHECK_THROWS_WITH(parse_config(replace(text, "type: body", "type: body\n  coarse: {image_size: 64}"), "b.yaml"),
                    Catch::Contains("'model.coarse' is given but model.type is 'body'"));
  CHECK_THROWS_WITH(parse_config(replace(text, "iterations: 3", "iterations: 0"), "b.yaml"),
                    Catch::Contains("'body_net.iterations' must be >= 1"));
  CHECK_THROWS_WITH(parse_config(replace(text, "batch: 8,", "batch: 8, beta1: 1.0,"), "b.yaml"),
                    Catch::Contains("'train.body.beta1' must be in [0, 1)"));
  CHECK_THROWS_WITH(parse_config(tiny_text() + "body_net:\n  type: hmr\n", "t.yaml"),
                    Catch::Contains("'body_net' is given but model.type is 'pifuhd'"));
}

TEST_CASE("configs/car.yaml is the public CAR code's canonical model and car_tiny.yaml its small twin") {
  const Config big = load_config(configs + "car.yaml");
  REQUIRE(big.car);
  CHECK(big.model_type == "car");
  CHECK(big.car->sdf.widths == std::vector<int>(8, 512));
  CHECK(big.car->sdf.skip == 4);
  CHECK(big.car->sdf.softplus_beta == 100);
  CHECK(big.car->off_surface_weight == 0.1);
  CHECK(big.car->eikonal_weight == 0.1);
  CHECK(input_image_size(big) == 512);
  CHECK(big.train.car.beta1 == 0.9);
  // Its body stage: configs/body_net.yaml's estimator, reading the images shrunk to 256^2.
  REQUIRE(big.body_net);
  CHECK(big.body_net->inputs == "image_normals");
  CHECK(big.body_net->image_size == 256);
  CHECK(big.train.body.batch == 16);
  const CarNet model(big, 24);
  CHECK(model->has_body_net());
  // The MLP's input: xyz, the canonical normal and the hourglass's 256 channels.
  CHECK(model->sdf->in_channels() == 3 + 3 + 256);
  CHECK_THROWS_WITH(CarNet(big), Catch::Contains("joint count"));
  // The CAR configs' body stages are the estimators' configs, key for key.
  CHECK(body_net_section("car.yaml") == body_net_section("body_net.yaml"));
  CHECK(body_net_section("car_tiny.yaml") == body_net_section("body_net_tiny.yaml"));
  CHECK(body_net_section("car_tiny.yaml").size() == 16);
  const Config tiny = load_config(configs + "car_tiny.yaml");
  REQUIRE(tiny.car);
  CHECK(input_image_size(tiny) == 64);
  CHECK(tiny.train.car_sampler.total() == 512 + 1024 + 256);
  std::ifstream in(configs + "car_tiny.yaml");
  const std::string text(std::istreambuf_iterator<char>(in), {});
  CHECK_THROWS_WITH(parse_config(replace(text, "softplus_beta: 100", "softplus_beta: 0"), "c.yaml"),
                    Catch::Contains("c.yaml") && Catch::Contains("'car.sdf.softplus_beta' must be > 0"));
  CHECK_THROWS_WITH(parse_config(replace(text, "frequencies: 0", "frequencies: 0\n    depth: 3"), "c.yaml"),
                    Catch::Contains("unknown key 'car.sdf.depth'"));
  CHECK_THROWS_WITH(CarNet(parse_config(replace(text, "in_channels: 9", "in_channels: 3"), "c.yaml")),
                    Catch::Contains("car.encoder.in_channels must be 9"));
}

TEST_CASE("configs/hyper.yaml and hyper_tiny.yaml are hypernetwork runs holding the refinement's settings") {
  const Config big = load_config(configs + "hyper.yaml");
  REQUIRE(big.hyper);
  REQUIRE(big.refine);
  CHECK(big.model_type == "hyper");
  CHECK(big.hyper->inner_steps == 2);  // the public CAR code's first-order inner loop
  CHECK(big.hyper->inner_lr == 0.01);
  CHECK(big.hyper->last_layer_scale == 0.1);
  CHECK(big.refine->sdf.widths == std::vector<int>(4, 256));
  CHECK(big.normal_net.type == "none");
  const Config tiny = load_config(configs + "hyper_tiny.yaml");
  REQUIRE(tiny.refine);
  CHECK(tiny.refine->sdf.widths == std::vector<int>(4, 128));
  std::ifstream in(configs + "hyper_tiny.yaml");
  const std::string text(std::istreambuf_iterator<char>(in), {});
  CHECK_THROWS_WITH(parse_config(replace(text, "band: 0.05", "band: 0"), "h.yaml"),
                    Catch::Contains("h.yaml") && Catch::Contains("'refine.band' must be > 0"));
  CHECK(tiny.hyper->start_weight == 1.0);
  CHECK_THROWS_WITH(parse_config(replace(text, "start_weight: 1.0", "start_weight: -1"), "h.yaml"),
                    Catch::Contains("'hyper.start_weight' must be >= 0"));
  CHECK_THROWS_WITH(parse_config(replace(text, "inner_lr: 0.01", "inner_lr: 0.01\n  outer_lr: 1"), "h.yaml"),
                    Catch::Contains("unknown key 'hyper.outer_lr'"));
  CHECK_THROWS_WITH(parse_config(replace(text, "type: none", "type: pix2pixhd_global"), "h.yaml"),
                    Catch::Contains("normal_net.type") && Catch::Contains("none for model.type hyper"));
  std::ifstream car_in(configs + "car_tiny.yaml");
  const std::string car(std::istreambuf_iterator<char>(car_in), {});
  CHECK_THROWS_WITH(parse_config(car + "refine:\n  iterations: 3\n", "c.yaml"),
                    Catch::Contains("'refine' is given but model.type is 'car'"));
}
