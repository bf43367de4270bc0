// The hypernetwork's run (model.type hyper): the body tasks it poses itself and its meta-learning
// stage through the training loop, on the mannequin body of the synth tests.
#include <catch2/catch.hpp>

#include "data/body_tasks.hpp"
#include "data/image_tensor.hpp"
#include "inference/car_reconstruct.hpp"
#include "inference/car_refine.hpp"
#include "support/implicit_meshes.hpp"
#include "support/edited_config.hpp"
#include "support/synth_subject.hpp"
#include "support/temp_dir.hpp"
#include "test_device.hpp"
#include "train/checkpoint.hpp"
#include "train/hyper_trainer.hpp"
#include "train/loss_log.hpp"
#include "train/train_loop.hpp"

#include "hifa/mesh/obj_io.hpp"
#include "hifa/render/image_io.hpp"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace hifa;
using namespace hifa::trainer;
namespace fs = std::filesystem;

namespace {

// configs/hyper_tiny.yaml on the mannequin, small: a few tasks of few points, a narrow MLP.
Config tiny_hyper_config() {
  return test::edited_config(HIFA_SOURCE_DIR "/configs/hyper_tiny.yaml",
                             {{"body_model: open", "body_model: " + test::synth_subject().body.string()},
                              {"body_points: 1024", "body_points: 256"},
                              {"tasks_per_epoch: 128", "tasks_per_epoch: 8"},
                              {"task_surface: 2048", "task_surface: 256"},
                              {"task_space: 2048", "task_space: 256"},
                              {"widths: [128, 128, 128, 128]", "widths: [32, 32, 32]"},
                              {"skip: 2", "skip: 1"},
                              {"lr: 1.0e-4, lr_decay: 0.1, lr_step_epochs: 15, batch: 4, epochs: 20",
                               "lr: 1.0e-3, lr_decay: 0.1, lr_step_epochs: 100, batch: 2, epochs: 30"}},
                             true);
}

// A hyper run as made (tiny_hyper_config, seed 0), written to RUN and loaded as refine loads it.
HyperRun untrained_run(const fs::path& run) {
  const Config c = tiny_hyper_config();
  torch::manual_seed(0);
  RefineNet net(c);
  write_model_only(run, c, *net);
  return load_hyper_run(run);
}

}  // namespace

TEST_CASE("body tasks are posed bodies in a view frame, the same for the same index", "[hyper]") {
  const Config c = tiny_hyper_config();
  const BodyTasks tasks(c);
  const ViewBatch a = tasks.batch(3, 2), again = tasks.batch(3, 2), other = tasks.batch(5, 2);
  REQUIRE(a.task_body.sizes() == torch::IntArrayRef({2, 256, 6}));
  REQUIRE(a.task_surface.sizes() == torch::IntArrayRef({2, 256, 3}));
  REQUIRE(a.task_space.sizes() == torch::IntArrayRef({2, 256, 3}));
  CHECK(a.size() == 2);
  CHECK(a.subjects == std::vector<std::string>{"task_3", "task_4"});
  // The same to the last bit, the process's first batch too (it once ran the body's joint
  // regression on two OpenMP threads and later ones on LibTorch's one: hifa::SmplModel::rest_joints).
  for (const auto& [x, y] : {std::pair{a.task_body, again.task_body}, {a.task_surface, again.task_surface},
                             {a.task_normals, again.task_normals}, {a.task_space, again.task_space}}) {
    INFO("max difference " << (x - y).abs().max().item<float>());
    CHECK(torch::equal(x, y));
  }
  CHECK_FALSE(torch::equal(a.task_surface[0], other.task_surface[0]));
  // Normalized as a prepared view: inside the box, the height filling it but for the margin.
  CHECK(a.task_surface.abs().max().item<float>() <= 1.0f);
  const torch::Tensor y = a.task_surface[0].select(1, 1);
  CHECK((y.max() - y.min()).item<float>() > 1.5f);
  CHECK((a.task_normals.norm(2, 2) - 1).abs().max().item<float>() < 1e-4f);
  CHECK(torch::equal(a.task_body.slice(2, 3, 6).norm(2, 2) > 0.99, torch::ones({2, 256}, torch::kBool)));
}

TEST_CASE("the hypernetwork meta-learns through the loop: the adapted loss falls, and a run resumes", "[hyper][device]") {
  const torch::Device device = hifa::test::test_device();
  const Config c = tiny_hyper_config();
  const BodyTasks tasks(c);
  const BatchSource source = task_source(tasks);
  const test::TempDir dir;
  TrainOptions whole;
  whole.run = dir / "whole";
  whole.device = device;
  std::vector<double> starts, metas;
  TrainEvents events;
  events.step = [&](const StageSpec& s, std::int64_t, const std::vector<double>& l, double) {
    CHECK(s.name == "hyper");
    starts.push_back(l.at(1));
    metas.push_back(l.at(0));
  };
  train(c, source, whole, events);
  REQUIRE(starts.size() == 120);  // 30 epochs of 4 batches
  double first = 0, last = 0;
  for (int i = 0; i < 8; ++i) {
    first += starts[std::size_t(i)];
    last += starts[starts.size() - 1 - std::size_t(i)];
  }
  double mfirst = 0, mlast = 0;
  for (int i = 0; i < 8; ++i) {
    mfirst += metas[std::size_t(i)];
    mlast += metas[metas.size() - 1 - std::size_t(i)];
  }
  INFO("mean task loss at the hypernetwork's start: first 8 steps " << first / 8 << ", last 8 " << last / 8 << "; after adapting "
       << mfirst / 8 << ", " << mlast / 8);
  // The outer loss (after adapting, plus the loss at the start: HyperConfig::start_weight) falls,
  // measured 4.76 -> 3.23, and the start's own with it, 2.32 -> 1.40 (1.27 -> 1.25 without the
  // start term, with the anchor weight 1 of then).
  CHECK(mlast < 0.9 * mfirst);
  CHECK(last < 0.8 * first);

  TrainOptions cut = whole;
  cut.run = dir / "cut";
  cut.max_iterations = 53;
  train(c, source, cut);
  cut.resume = true;
  cut.max_iterations = -1;
  train(c, source, cut);
  HyperTrainer a(c, device), b(c, device);
  read_checkpoint(whole.run, c, a.module(), a.optimizers(), device);
  read_checkpoint(cut.run, c, b.module(), b.optimizers(), device);
  const auto pa = a.module().parameters(), pb = b.module().parameters();
  REQUIRE(pa.size() == pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i) CHECK(torch::equal(pa[i], pb[i]));
}

TEST_CASE("refining a reconstruction folder names what is missing or wrong in it", "[hyper]") {
  const test::TempDir dir;
  HyperRun run = untrained_run(dir / "run");
  const fs::path recon = dir / "recon";
  fs::create_directories(recon);
  CHECK_THROWS_WITH(refine_reconstruction(run, recon, {}), Catch::Contains("posed.obj: no such file"));
  write_obj(recon / "posed.obj", test::marching_cubes_of(Sphere<float>{Vec3f(0, 0, 0), 0.5f}, 16));
  CHECK_THROWS_WITH(refine_reconstruction(run, recon, {}), Catch::Contains("body.json: no such file"));
  fs::copy_file(test::synth_subject().subject / "body.json", recon / "body.json");
  CHECK_THROWS_WITH(refine_reconstruction(run, recon, {}), Catch::Contains("normal_front.png: no such file"));
  write_png(recon / "normal_front.png", Image<float>(16, 16, 3, 0.5f));
  write_png(recon / "normal_back.png", Image<float>(8, 8, 3, 0.5f));
  CHECK_THROWS_WITH(refine_reconstruction(run, recon, {}), Catch::Contains("normal_back.png: is not the size of normal_front.png"));
  const prepare::BodyFit fit = prepare::read_body_fit(recon / "body.json");
  RefineInputs odd{read_obj(recon / "posed.obj"), torch::zeros({1, 3, 16, 16}), torch::zeros({1, 3, 8, 8})};
  CHECK_THROWS_WITH(refine_avatar(run, odd, fit, fit_to_view(fit), {}), Catch::Contains("normal maps must be 1 x 3 x S x S"));
  // A run of another model type.
  const Config car = test::edited_config(HIFA_SOURCE_DIR "/configs/car_tiny.yaml", {}, true);
  std::ofstream(dir / "config.yaml") << car.text;
  fs::create_directories(dir / "car");
  fs::copy_file(dir / "config.yaml", dir / "car" / "config.yaml");
  CHECK_THROWS_WITH(load_hyper_run(dir / "car"), Catch::Contains("not a hypernetwork (model.type hyper"));
}

TEST_CASE("a reconstruction folder refines as the same inputs in memory do, and its outputs are written", "[hyper]") {
  const test::TempDir dir;
  HyperRun run = untrained_run(dir / "run");
  const fs::path recon = dir / "recon";
  fs::create_directories(recon);
  const TriMeshf sphere = test::marching_cubes_of(Sphere<float>{Vec3f(0, 0, 0), 0.4f}, 16);
  write_obj(recon / "posed.obj", sphere);
  fs::copy_file(test::synth_subject().subject / "body.json", recon / "body.json");
  Image<float> front(16, 16, 3, 0.5f), back(16, 16, 3, 0.5f);
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      front(x, y, 2) = 1.0f;  // n = (0, 0, 1): facing the camera
      back(x, y, 2) = 0.0f;
    }
  }
  write_png(recon / "normal_front.png", front);
  write_png(recon / "normal_back.png", back);
  RefineRequest request;
  request.init = RefineInit::random;
  request.iterations = 3;
  request.resolution = 16;
  const RefinedAvatar from_folder = refine_reconstruction(run, recon, request);
  const prepare::BodyFit fit = prepare::read_body_fit(recon / "body.json");
  const auto map = [](const fs::path& f) { return image_tensor(read_image(f, 3)).unsqueeze(0) * 2 - 1; };
  const RefinedAvatar in_memory = refine_avatar(run, {read_obj(recon / "posed.obj"), map(recon / "normal_front.png"),
                                                      map(recon / "normal_back.png")}, fit, fit_to_view(fit), request);
  REQUIRE(from_folder.refinement.log.size() == 3);
  REQUIRE(from_folder.posed.vertex_count() > 0);
  CHECK(from_folder.posed.vertices.isApprox(in_memory.posed.vertices));
  CHECK(from_folder.weights.rows() == from_folder.canonical.vertex_count());
  write_refined_avatar(dir / "refined", from_folder, recon);
  for (const char* f : {"posed.obj", "canonical.obj", "weights.npy", "body.json", "refine_log.csv"}) {
    CHECK(fs::file_size(dir / "refined" / f) > 0);
  }
  std::ifstream log(dir / "refined" / "refine_log.csv");
  std::string header;
  std::getline(log, header);
  CHECK(header == "iteration,total,normal,anchor,eikonal,seen,seconds");
}
