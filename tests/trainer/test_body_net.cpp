// The body estimator (model.type body): its targets in the view frame, the loader that makes them
// from a prepared dataset's fits, an overfit through the training loop, and its errors.
#include <catch2/catch.hpp>

#include "body/body_layer.hpp"
#include "body/image_fit.hpp"
#include "body/rotations.hpp"
#include "config/config.hpp"
#include "data/view_body.hpp"
#include "config/factory.hpp"
#include "data/view_loader.hpp"
#include "inference/body_run.hpp"
#include "inference/run_model.hpp"
#include "losses/body_loss.hpp"
#include "prepare/dataset_writer.hpp"
#include "support/edited_config.hpp"
#include "support/synth_subject.hpp"
#include "support/temp_dir.hpp"
#include "test_device.hpp"
#include "support/walking_stance.hpp"
#include "train/train_loop.hpp"

#include "hifa/core/error.hpp"

#include <Eigen/Geometry>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace hifa;
using namespace hifa::trainer;
namespace fs = std::filesystem;

namespace {

// configs/body_net_tiny.yaml on the mannequin body, at the test dataset's image size.
Config tiny_body_config(const fs::path& body, bool augment, int size = 32) {
  return test::edited_config(HIFA_SOURCE_DIR "/configs/body_net_tiny.yaml",
                             {{"body_model: open", "body_model: " + body.string()},
                              {"image_size: 64", "image_size: " + std::to_string(size)},
                              {"channels: [16, 32, 64, 128]", "channels: [16, 32, 64]"},
                              {"workers: 2", "workers: 1"},
                              {"betas: 10", "betas: 1"}},  // the mannequin's one shape coefficient
                             augment);
}

torch::Tensor vec(const Vec3f& v) { return torch::tensor({v.x(), v.y(), v.z()}); }


}  // namespace

TEST_CASE("a fit moved into a view frame poses where the subject frame, the view and the augmentation put it", "[body]") {
  const BodyModelData<float> model = test::mannequin_model();
  const SmplModel<float> smpl(model);
  const BodyLayer layer(model);
  SubjectBodyFit f;
  f.fit.model = "mannequin";
  f.fit.pose = test::walking_stance();
  f.fit.betas = {};
  f.fit.translation = Vec3f(0.1f, -0.2f, 0.3f);
  // A subject frame that scales by 1.3, turns (an up axis that was z) and shifts.
  const Mat3<float> A = Eigen::AngleAxisf(-1.5707963f, Vec3f::UnitX()).toRotationMatrix();
  f.posed_to_normalized.topLeftCorner<3, 3>() = 1.3f * A;
  f.posed_to_normalized.topRightCorner<3, 1>() = Vec3f(0.05f, -0.4f, 0.2f);
  const Mat3<float> R = (Eigen::AngleAxisf(0.7f, Vec3f::UnitY()) * Eigen::AngleAxisf(0.1f, Vec3f::UnitX())).toRotationMatrix();
  const ViewAffine affine{1.08f, 0.03f, -0.02f};
  const Vec3f root = smpl.rest_joints(smpl.rest_vertices({})).row(0).transpose();

  const ViewBody b = body_in_view(f, root, R, affine, layer.shape_count());
  const ViewFrameBody got = pose_in_view(layer, torch::tensor(b.rotations).view({1, -1, 3, 3}),
                                         torch::tensor(b.betas).view({1, -1}), torch::tensor({b.scale}),
                                         vec(b.translation).view({1, 3}));
  // The same by the definitions: pose in body metres, then M, R and the affine.
  const torch::Tensor theta = torch::tensor(f.fit.pose).view({1, -1, 3});
  const BodyPose p = layer.pose(torch::zeros({1, layer.shape_count()}), axis_angle_to_matrix(theta), vec(f.fit.translation).view({1, 3}));
  Mat4<float> to_view = Mat4<float>::Identity();
  to_view.topLeftCorner<3, 3>() = R;
  Mat4<float> warp = Mat4<float>::Identity();
  warp.topLeftCorner<3, 3>() *= affine.scale;
  warp.topRightCorner<3, 1>() = Vec3f(affine.tx, affine.ty, 0);
  const Mat4<float> all = warp * to_view * f.posed_to_normalized;
  const torch::Tensor m = torch::from_blob(const_cast<float*>(Mat4<float>(all.transpose()).data()), {4, 4}).clone();
  const torch::Tensor want = p.vertices[0].matmul(m.narrow(0, 0, 3).narrow(1, 0, 3).t()) + m.narrow(0, 0, 3).select(1, 3);
  CHECK((got.vertices[0] - want).abs().max().item<float>() < 2e-5f);
  CHECK(b.scale == Approx(1.3 * 1.08));
}

TEST_CASE("the image fit recovers a known pose from the naked body's silhouette and normal maps", "[body]") {
  const BodyLayer layer(test::mannequin_model());
  ViewBodyParameters truth;
  std::vector<float> theta = test::walking_stance();
  theta[1] = 0.6f;  // turned 0.6 rad from facing the camera: both arms and legs in view
  truth.rotations = axis_angle_to_matrix(torch::tensor(theta).view({-1, 3}));
  truth.betas = torch::zeros({1});
  truth.scale = torch::tensor(0.95f);
  truth.translation = torch::tensor({0.02f, 0.05f, 0.0f});
  const BodyRender image = render_body(layer, truth, 128);

  // The start an estimator might give: every joint off by up to 0.35 rad, 5% too large, shifted.
  ViewBodyParameters start = truth;
  torch::manual_seed(3);
  start.rotations = truth.rotations.matmul(axis_angle_to_matrix((torch::rand({24, 3}) - 0.5) * 0.4));
  start.scale = torch::tensor(1.0f);
  start.translation = torch::tensor({0.06f, 0.0f, 0.03f});
  const torch::Tensor want = view_joints(layer, truth);
  // Root-aligned (the MPJPE of HMR and SPIN): an orthographic image says nothing of the body's depth.
  const auto mpjpe = [&](const ViewBodyParameters& b) {
    const torch::Tensor j = view_joints(layer, b);
    return ((j - j[0]) - (want - want[0])).norm(2, 1).mean().item<double>();
  };

  const ImageFit fit = fit_body_to_image(layer, start, image_fit_target(image.mask, image.front, image.back));
  const double before = mpjpe(start), after = mpjpe(fit.body);
  INFO("MPJPE " << before << " -> " << after << " normalized units; outside " << fit.outside << ", cover " << fit.cover
                << ", normal " << fit.normal);
  // A pixel is 0.016 units here; the mannequin (0.95 x 1.75 m) is about 1.8 units tall, so 0.03
  // is about 3 cm: two pixels' worth of the joints' placement inside limbs the maps show.
  CHECK(after < 0.5 * before);
  CHECK(after < 0.03);
  CHECK(mask_iou(render_body(layer, fit.body, 128).mask, image.mask) > 0.9);
  // The depth no term sees: the body's extent centred on the frame's origin, or the start's kept.
  const torch::Tensor z = view_vertices(layer, fit.body).select(1, 2);
  CHECK((z.max() + z.min()).item<float>() == Approx(0).margin(1e-5));
  ImageFitOptions keep;
  keep.iterations = 2;
  keep.centre_depth = false;
  CHECK(fit_body_to_image(layer, start, image_fit_target(image.mask, image.front, image.back), keep).body.translation[2]
            .item<float>() == Approx(0.03f));
}

TEST_CASE("the image fit with turned starts turns round a body the estimator put facing sideways", "[body]") {
  const BodyLayer layer(test::mannequin_model());
  ViewBodyParameters truth;
  std::vector<float> theta = test::walking_stance();
  theta[1] = 0.3f;
  truth.rotations = axis_angle_to_matrix(torch::tensor(theta).view({-1, 3}));
  truth.betas = torch::zeros({1});
  truth.scale = torch::tensor(0.95f);
  truth.translation = torch::tensor({0.0f, 0.05f, 0.0f});
  const BodyRender image = render_body(layer, truth, 96);
  const ImageFitTarget target = image_fit_target(image.mask, image.front, image.back);
  // The start facing 90° away from the person: the same pose turned about the vertical axis.
  ViewBodyParameters start = truth;
  start.rotations = truth.rotations.clone();
  start.rotations[0] = axis_angle_to_matrix(torch::tensor({0.f, 1.5708f, 0.f}).view({1, 3}))[0].matmul(truth.rotations[0]);
  const auto root_error = [&](const ViewBodyParameters& b) { return angle_between(b.rotations[0], truth.rotations[0]); };
  ImageFitOptions local;
  local.iterations = 100;
  ImageFitOptions turning = local;
  turning.turns = 4;
  const ImageFit stuck = fit_body_to_image(layer, start, target, local);
  const ImageFit turned = fit_body_to_image(layer, start, target, turning);
  INFO("root error " << root_error(start) << " -> " << root_error(stuck.body) << " (local) / " << root_error(turned.body)
                     << " (turned starts, won: " << turned.turn << "°)");
  CHECK(root_error(stuck.body) > 45);  // a local fit does not turn the body round
  CHECK(turned.turn == 270);           // the start turned back by 90°
  CHECK(root_error(turned.body) < 15);
  CHECK(turned.energy < stuck.energy);
}

TEST_CASE("the loader's body targets of a prepared synth subject lie in its views' silhouettes, augmented or not", "[body]") {
  const test::SynthFixture& synth = test::synth_subject();
  const BodyLayer layer(SmplModel<float>::load(synth.body).data());
  // At 128^2, where a forearm is several pixels wide.
  const test::TempDir dir;
  prepare::PrepareOptions o = test::small_prepare(synth.subject.parent_path(), dir / "data", synth.body);
  o.resolution = 128;
  prepare::run_prepare(o);
  for (const bool augment : {false, true}) {
    const Config c = tiny_body_config(synth.body, augment, 128);
    const ViewLoader loader(dir / "data", c, "all");
    REQUIRE(loader.items() == 2);
    const ViewBatch b = loader.batch(0, 0, 2, augment);
    CHECK_FALSE(b.points.defined());  // the estimator draws no points
    REQUIRE(b.body_rotations.sizes() == torch::IntArrayRef({2, 24, 3, 3}));
    const ViewFrameBody body = pose_in_view(layer, b.body_rotations, b.body_betas, b.body_scale, b.body_translation);
    // Each vertex's pixel (docs/dataset.md: px = (x + 1) / 2 W, py = (1 - y) / 2 W) in the mask, or
    // within a pixel of it: bare skin (head, arms) lies on the silhouette's edge.
    const int64_t w = b.mask.size(3);
    const torch::Tensor near_mask = torch::max_pool2d(b.mask, {3, 3}, {1, 1}, {1, 1});
    for (int64_t item = 0; item < 2; ++item) {
      const torch::Tensor v = body.vertices[item];
      const torch::Tensor px = ((v.select(1, 0) + 1) / 2 * w).floor().clamp(0, w - 1).to(torch::kLong);
      const torch::Tensor py = ((1 - v.select(1, 1)) / 2 * w).floor().clamp(0, w - 1).to(torch::kLong);
      const torch::Tensor inside = b.mask[item][0].index({py, px}) > 0.5f;
      const torch::Tensor near = near_mask[item][0].index({py, px}) > 0.5f;
      INFO("augment " << augment << ", item " << item);
      CHECK(inside.to(torch::kFloat).mean().item<float>() > 0.93f);
      CHECK(near.to(torch::kFloat).mean().item<float>() > 0.999f);
    }
  }
}

TEST_CASE("the body estimator trains through the loop: its losses fall on two views, and the run resumes", "[body][device]") {
  const test::SynthFixture& synth = test::synth_subject();
  Config c = tiny_body_config(synth.body, false);
  c.train.body.batch = 2;
  c.train.body.epochs = 200;
  c.train.body.lr_decay = 1.0;  // one batch per epoch here: keep the rate
  c.train.checkpoint_every = 25;
  c.train.log_every = 10;
  const ViewLoader loader(test::prepared_synth_dataset(), c, "all");
  const BatchSource source = loader_source(loader, 1);
  const test::TempDir dir;
  TrainOptions o;
  o.run = dir / "run";
  o.max_iterations = 30;
  o.device = hifa::test::test_device();
  std::vector<double> first, last;
  TrainEvents events;
  events.step = [&](const StageSpec& s, std::int64_t, const std::vector<double>& l, double) {
    CHECK(s.name == "body");
    if (first.empty()) first = l;
    last = l;
  };
  train(c, source, o, events);
  o.resume = true;
  o.max_iterations = 150;
  train(c, source, o, events);
  REQUIRE(last.size() == 6);
  INFO("vertices " << first[3] << " -> " << last[3] << ", root-relative joints " << first[1] << " -> " << last[1]);
  CHECK(last[0] < 0.3 * first[0]);
  // Root-relative joints within about 2.5 cm on the views it saw (the subject is about 2 normalized
  // units tall for its 1.75 m: a unit is about 0.9 m). The value depends on which vector ISA
  // LibTorch's convolutions run: 0.0213 with SSE4.1, 0.0248 with AVX2 (AMD EPYC without AVX-512),
  // below 0.02 with AVX and AVX-512.
  CHECK(last[1] < 0.03);
  std::ifstream csv(o.run / "losses.csv");
  std::string header;
  std::getline(csv, header);
  CHECK(header == "stage,epoch,iteration,body,body_joints_3d,body_joints_2d,body_vertices,body_pose,body_betas,lr,seconds");
}

TEST_CASE("a body config refuses a dataset without fits and a fit of another body model", "[body]") {
  const test::SynthFixture& synth = test::synth_subject();
  const test::TempDir dir;
  const fs::path other = dir / "other_body.npz";
  fs::copy_file(synth.body, other);
  CHECK_THROWS_WITH(ViewLoader(test::prepared_synth_dataset(), tiny_body_config(other, false), "all"),
                    Catch::Contains("subject.json") && Catch::Contains("'mannequin'") && Catch::Contains("other_body.npz"));
  CHECK_THROWS_WITH(ViewLoader(test::prepared_synth_dataset(), tiny_body_config(dir / "missing.npz", false), "all"),
                    Catch::Contains("missing.npz") && Catch::Contains("body_net.body_model"));

  // The same subject prepared with its fit hidden: no canonical data, no targets.
  const fs::path scans = dir / "scans";
  fs::create_directories(scans / "bob");
  fs::copy_file(synth.subject / "posed.obj", scans / "bob" / "bob.obj");
  prepare::run_prepare(test::small_prepare(scans, dir / "plain", synth.body));
  CHECK_THROWS_WITH(ViewLoader(dir / "plain", tiny_body_config(synth.body, false), "all"),
                    Catch::Contains((dir / "plain").string()) && Catch::Contains("no subject of the split has a body fit"));
}

TEST_CASE("a body run loads for inference and estimates, and other runs and bad inputs are refused by name", "[body]") {
  const test::SynthFixture& synth = test::synth_subject();
  const test::TempDir dir;
  Config c = tiny_body_config(synth.body, false);
  c.train.body.batch = 2;
  const ViewLoader loader(test::prepared_synth_dataset(), c, "all");
  TrainOptions o;
  o.run = dir / "body_run";
  o.max_iterations = 2;
  train(c, loader_source(loader, 1), o);
  BodyRun run = load_body_run(o.run);
  CHECK(run.body_model == "mannequin");
  const ViewBatch b = loader.batch(0, 0, 1, false);
  const ViewBodyParameters e = estimate_body(run, b.image);
  CHECK(e.rotations.sizes() == torch::IntArrayRef({24, 3, 3}));
  CHECK(e.scale.item<float>() > 0);
  CHECK_THROWS_WITH(estimate_body(run, torch::zeros({1, 3, 16, 16})), Catch::Contains("expected 1 x 3 x 32 x 32"));
  CHECK_THROWS_WITH(load_run_model(o.run), Catch::Contains(o.run.string()) && Catch::Contains("body estimator"));

  Config pifu = load_config(HIFA_SOURCE_DIR "/configs/tiny.yaml");
  torch::manual_seed(0);
  PIFuHD model = make_model(pifu);
  save_run_model(dir / "pifu_run", pifu, model);
  CHECK_THROWS_WITH(load_body_run(dir / "pifu_run"),
                    Catch::Contains((dir / "pifu_run").string()) && Catch::Contains("without a body estimator"));
  CHECK_THROWS_WITH(image_fit_target(torch::ones({32, 32}), torch::zeros({3, 16, 16}), torch::zeros({3, 16, 16})),
                    Catch::Contains("image fit") && Catch::Contains("32^2 mask"));
  CHECK_THROWS_WITH(image_fit_target(torch::zeros({8, 8}), {}, {}), Catch::Contains("the mask is empty"));
}
