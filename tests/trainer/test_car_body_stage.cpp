// A CAR run that carries its own body estimator (body_net in a car config): its stages in order, the
// body stage moving the estimator alone, the run's estimator at inference (load_body_run,
// body_run_of), the body found in an image posing the reconstruction, and the config's refusals.
#include <catch2/catch.hpp>

#include "body/fit_json.hpp"
#include "config/config.hpp"
#include "data/image_tensor.hpp"
#include "data/view_loader.hpp"
#include "inference/body_run.hpp"
#include "inference/car_image_body.hpp"
#include "inference/car_reconstruct.hpp"
#include "prepare/body_fit_file.hpp"
#include "support/edited_config.hpp"
#include "support/synth_subject.hpp"
#include "support/temp_dir.hpp"
#include "train/car_trainer.hpp"
#include "train/train_loop.hpp"

#include "hifa/core/error.hpp"

#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace hifa;
using namespace hifa::trainer;
namespace fs = std::filesystem;

namespace {

// configs/car_tiny.yaml (whose body stage is configs/body_net_tiny.yaml's estimator) at the test
// dataset's 32^2, the estimator at body_size^2 and narrower (the mannequin has one shape coefficient).
Config car_with_body_config(const fs::path& body, int body_size = 32) {
  return test::edited_config(HIFA_SOURCE_DIR "/configs/car_tiny.yaml",
                             {{"body_model: open", "body_model: " + body.string()},
                              {"image_size: 64", "image_size: 32"},
                              {"body_model: open", "body_model: " + body.string()},
                              {"image_size: 64", "image_size: " + std::to_string(body_size)},
                              {"channels: [16, 32, 64, 128]", "channels: [16, 32, 64]"},
                              {"regressor_widths: [256, 256]", "regressor_widths: [64]"},
                              {"betas: 10", "betas: 1"},
                              {"workers: 2", "workers: 1"},
                              {"lr_step_epochs: 60, batch: 8, epochs: 90", "lr_step_epochs: 60, batch: 2, epochs: 1000"}},
                             false);
}

std::vector<torch::Tensor> weights_of(torch::nn::Module& m) {
  std::vector<torch::Tensor> out;
  for (const torch::Tensor& p : m.parameters()) out.push_back(p.detach().clone());
  return out;
}

bool same(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a CAR config with body_net trains normal, body and canonical stages; the body stage moves the estimator alone",
          "[car][body]") {
  const test::SynthFixture& synth = test::synth_subject();
  Config c = car_with_body_config(synth.body, 16);  // the estimator reads the 32^2 images shrunk
  CarTrainer t(c, torch::kCPU);
  std::vector<std::string> stages, optimizers;
  for (const StageSpec& s : t.stages()) stages.push_back(s.name);
  for (const auto& [name, optimizer] : t.optimizers()) optimizers.push_back(name);
  CHECK(stages == std::vector<std::string>{"normal", "body", "canonical"});
  CHECK(optimizers == std::vector<std::string>{"optim_normal", "optim_body", "optim_car"});
  CHECK(t.stages()[1].losses.front() == "body");

  c.train.car_sampler = {64, 128, 64};
  const ViewLoader loader(test::prepared_synth_dataset(), c, "all");
  const ViewBatch b = loader.batch(0, 0, 2, false);
  REQUIRE(b.body_rotations.defined());
  REQUIRE(b.canonical_points.defined());
  CarNet& m = t.model();
  const auto body = weights_of(*m->body), encoder = weights_of(*m->encoder), sdf = weights_of(*m->sdf),
             nets = weights_of(*m->normal_front);
  std::vector<double> first, last;
  for (int i = 0; i < 40; ++i) {
    last = t.step("body", b, i);
    if (i == 0) first = last;
  }
  REQUIRE(last.size() == 6);
  INFO("body loss " << first[0] << " -> " << last[0]);
  CHECK(last[0] < 0.5 * first[0]);
  CHECK_FALSE(same(body, weights_of(*m->body)));
  CHECK(same(encoder, weights_of(*m->encoder)));
  CHECK(same(sdf, weights_of(*m->sdf)));
  CHECK(same(nets, weights_of(*m->normal_front)));
  CHECK(t.lr("body") == Approx(1e-3));
  CHECK(t.stages()[1].optimizer.batch == 2);
}

TEST_CASE("a CAR run's own estimator serves inference: it finds the body in an image, which poses the reconstruction",
          "[car][body]") {
  const test::SynthFixture& synth = test::synth_subject();
  Config c = car_with_body_config(synth.body);
  c.train.normal.batch = c.train.car.batch = 2;
  c.train.car_sampler = {64, 128, 64};
  const ViewLoader loader(test::prepared_synth_dataset(), c, "all");
  const test::TempDir dir;
  TrainOptions o;
  o.run = dir / "run";
  o.max_iterations = 2;
  train(c, loader_source(loader, 1), o);

  CarRun run = load_car_run(o.run);
  REQUIRE(run.model->has_body_net());
  BodyRun own = body_run_of(run);
  BodyRun loaded = load_body_run(o.run);  // the same estimator, read from the CAR run's checkpoint
  CHECK(loaded.body_model == "mannequin");
  const ViewBatch b = loader.batch(0, 0, 1, false);
  const ViewBodyParameters e = estimate_body(own, b.image), f = estimate_body(loaded, b.image);
  CHECK(torch::allclose(e.rotations, f.rotations));
  CHECK(torch::allclose(e.translation, f.translation));

  const PreparedDataset& d = loader.dataset();
  const ViewMaps maps = d.read_view({d.subjects("all")[0], 0}, false);
  ImageFitOptions fit_options;
  fit_options.iterations = 5;
  const CarImageBody found = car_image_body(run, own, maps.image, image_tensor(maps.mask)[0], nullptr, fit_options);
  CHECK(found.fit.model == "mannequin");
  CHECK(found.fit.units == "normalized");
  REQUIRE(found.predicted);  // nets that do not read the body: their maps serve CAR too
  CHECK(found.predicted->front.width() == 32);
  ReconstructOptions ro;
  ro.resolution = 32;
  ro.dense = true;
  const CarReconstruction r = reconstruct_car(run, maps.image, found.fit, fit_to_view(found.fit), ro, &*found.predicted);
  write_car_reconstruction(dir / "recon", r, view_fit_json(*own.body, found.found.fit.body, own.body_model, prepare::Json::object()));
  const prepare::BodyFit written = prepare::read_body_fit(dir / "recon" / "body.json");
  CHECK(written.model == "mannequin");
  CHECK(written.scale == Approx(found.fit.scale).epsilon(1e-5));
  CHECK(fs::exists(dir / "recon" / "canonical.obj"));
  // Without a mask the nets' front map says where the person is.
  CHECK_NOTHROW(car_image_body(run, own, maps.image, torch::Tensor(), nullptr, fit_options));
}

TEST_CASE("body_net in a CAR config must match its body and images, and a CAR run without one has no estimator",
          "[car][body]") {
  CHECK_THROWS_WITH(parse_config("model: {type: car}\nbody_net: {body_model: other.npz, image_size: 512}\n", "a.yaml"),
                    Catch::Contains("a.yaml") && Catch::Contains("body_net.body_model") && Catch::Contains("car.body_model"));
  CHECK_THROWS_WITH(parse_config("model: {type: car}\ncar: {image_size: 64}\nbody_net: {image_size: 128}\n", "b.yaml"),
                    Catch::Contains("b.yaml") && Catch::Contains("body_net.image_size") &&
                        Catch::Contains("larger than car.image_size 64"));
  CHECK_THROWS_WITH(parse_config("model: {type: car}\nbody_net: {image_size: 512, inputs: image_normals}\n"
                                 "normal_net: {body_normals: true}\n",
                                 "c.yaml"),
                    Catch::Contains("normal_net.body_normals") && Catch::Contains("image_normals"));
  CHECK_THROWS_WITH(parse_config("model: {type: pifu}\nbody_net: {image_size: 512}\n", "d.yaml"),
                    Catch::Contains("'body_net' is given but model.type is 'pifu'"));
  CHECK(parse_config("model: {type: car}\nbody_net: {image_size: 512}\n", "e.yaml").body_net.has_value());
  CHECK_FALSE(parse_config("model: {type: car}\n", "f.yaml").body_net.has_value());

  const test::SynthFixture& synth = test::synth_subject();
  CarRun plain;
  plain.config = parse_config("model: {type: car}\ncar: {body_model: " + synth.body.string() + "}\n", "plain.yaml");
  plain.body_file = synth.body;
  plain.model = CarNet(plain.config);
  CHECK_FALSE(plain.model->has_body_net());
  CHECK_THROWS_WITH(body_run_of(plain), Catch::Contains("plain.yaml") && Catch::Contains("without a body estimator"));
}
