// hifa::trainer networks: output shapes, Omega, pixel-aligned sampling against camera.hpp,
// gradients through both levels, determinism.
#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "config/factory.hpp"
#include "hifa/render/camera.hpp"
#include "models/hourglass.hpp"
#include "models/normal_net.hpp"
#include "models/pifuhd.hpp"
#include "models/projection.hpp"
#include "models/separable_resize.hpp"
#include "models/surface_mlp.hpp"
#include "test_device.hpp"

#include <torch/torch.h>

using namespace hifa::trainer;

namespace {
Config tiny() { return load_config(HIFA_SOURCE_DIR "/configs/tiny.yaml"); }

int64_t count(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}
}  // namespace

TEST_CASE("separable_resize equals F::interpolate in value and gradient for nearest, bilinear and bicubic") {
  namespace F = torch::nn::functional;
  torch::manual_seed(3);
  const std::vector<std::pair<const char*, F::InterpolateFuncOptions>> modes = {
      {"nearest", F::InterpolateFuncOptions().mode(torch::kNearest)},
      {"bilinear", F::InterpolateFuncOptions().mode(torch::kBilinear).align_corners(true)},
      {"bilinear, half-pixel", F::InterpolateFuncOptions().mode(torch::kBilinear).align_corners(false)},
      {"bicubic", F::InterpolateFuncOptions().mode(torch::kBicubic).align_corners(true)},
      {"bicubic, half-pixel", F::InterpolateFuncOptions().mode(torch::kBicubic).align_corners(false)}};
  // the hourglass's 2x, a non-square odd resize, a shrink (border clamping differs in each) and
  // axes of size 1
  const std::vector<std::pair<std::array<int64_t, 2>, std::array<int64_t, 2>>> sizes = {
      {{8, 8}, {16, 16}}, {{5, 7}, {12, 9}}, {{9, 6}, {4, 3}}, {{1, 6}, {3, 1}}};
  for (const auto& [name, mode] : modes) {
    for (const auto& [in, out] : sizes) {
      CAPTURE(name, in[0], in[1], out[0], out[1]);
      const torch::Tensor x = torch::randn({2, 3, in[0], in[1]}, torch::requires_grad());
      const torch::Tensor g = torch::randn({2, 3, out[0], out[1]});
      F::InterpolateFuncOptions with_size = mode;
      const torch::Tensor want = F::interpolate(x, with_size.size(std::vector<int64_t>{out[0], out[1]}));
      const torch::Tensor want_grad = torch::autograd::grad({want}, {x}, {g})[0];
      const torch::Tensor got = separable_resize(x, out, mode);
      REQUIRE(got.sizes() == want.sizes());
      const torch::Tensor got_grad = torch::autograd::grad({got}, {x}, {g})[0];
      CHECK((got - want).abs().max().item<float>() < 1e-5f);
      CHECK((got_grad - want_grad).abs().max().item<float>() < 1e-5f);
    }
  }
}

TEST_CASE("a 4-stack hourglass maps 64^2 to 16^2 (the coarse 512^2 -> 128^2) for every stack") {
  torch::NoGradGuard no_grad;
  HourglassOptions o;  // the coarse structure: 4 stacks, depth 2, 2 downsamplings
  o.stem_channels = 16;
  o.channels = 32;
  o.out_channels = 24;
  o.groups = 8;
  StackedHourglass enc(o);
  auto out = enc->forward(torch::randn({2, 9, 64, 64}));
  REQUIRE(out.size() == 4);
  for (const auto& f : out) CHECK(f.sizes() == torch::IntArrayRef{2, 24, 16, 16});
}

TEST_CASE("the paper-size coarse and fine encoders reduce by 4 and 2 with 256 and 16 channels") {
  torch::NoGradGuard no_grad;
  // pifuhd.yaml's widths at an input 4x (coarse) and 16x (fine) smaller per side than the paper's,
  // so that the test takes about a second: 128^2 -> 32^2 x 256 is 512^2 -> 128^2 x 256 scaled.
  StackedHourglass coarse(default_coarse_level().encoder);
  auto c = coarse->forward(torch::randn({1, 9, 128, 128}));
  REQUIRE(c.size() == 4);
  CHECK(c.back().sizes() == torch::IntArrayRef{1, 256, 32, 32});
  StackedHourglass fine(default_fine_level().encoder);
  auto f = fine->forward(torch::randn({1, 9, 64, 64}));  // 1024^2 -> 512^2 x 16, scaled
  REQUIRE(f.size() == 1);
  CHECK(f.back().sizes() == torch::IntArrayRef{1, 16, 32, 32});
}

TEST_CASE("the coarse surface MLP is 257-1024-512-256-128-1 with the input re-fed to layers 1-3 and a 256-d Omega") {
  torch::NoGradGuard no_grad;
  SurfaceMLP mlp(default_coarse_level().mlp);
  SurfaceMLPOutput o = mlp->forward(torch::randn({2, 257, 100}));
  CHECK(o.logits.sizes() == torch::IntArrayRef{2, 1, 100});
  CHECK(o.omega.sizes() == torch::IntArrayRef{2, 256, 100});
  const auto occ = o.occupancy();
  CHECK(occ.min().item<float>() >= 0.0f);
  CHECK(occ.max().item<float>() <= 1.0f);
  // Parameters by hand: conv weights+biases with skip inputs (no norm).
  const int64_t expected = (257 * 1024 + 1024) + ((1024 + 257) * 512 + 512) + ((512 + 257) * 256 + 256) +
                           ((256 + 257) * 128 + 128) + (128 * 1 + 1);
  CHECK(count(*mlp) == expected);
}

TEST_CASE("the surface MLP's GEMMs over points equal its Conv1d layers in value and gradient") {
  namespace F = torch::nn::functional;
  for (const int64_t batch : {1, 3}) {
    CAPTURE(batch);
    torch::manual_seed(4);
    MlpConfig c;
    c.widths = {7, 16, 12, 8, 1};
    c.skips = {1, 2};
    c.omega_layer = 1;
    SurfaceMLP mlp(c);
    const torch::Tensor x = torch::randn({batch, 7, 50}, torch::requires_grad());
    // The reference: the layers as PIFuHD's MLP.py runs them, Conv1d over B x C x N.
    auto params = mlp->named_parameters();
    torch::Tensor y = x, omega;
    for (int l = 0; l < 4; ++l) {
      const std::string k = std::to_string(l);
      const torch::Tensor in = l == 1 || l == 2 ? torch::cat({y, x}, 1) : y;
      y = F::conv1d(in, params["filters." + k + ".weight"], F::Conv1dFuncOptions().bias(params["filters." + k + ".bias"]));
      if (l == 3) break;
      y = F::leaky_relu(y, F::LeakyReLUFuncOptions().negative_slope(c.leaky_slope));
      if (l == 1) omega = y;
    }
    const SurfaceMLPOutput got = mlp->forward(x);
    REQUIRE(got.logits.sizes() == y.sizes());
    REQUIRE(got.omega.sizes() == omega.sizes());
    CHECK((got.logits - y).abs().max().item<float>() < 1e-5f);
    CHECK((got.omega - omega).abs().max().item<float>() < 1e-5f);
    const torch::Tensor g = torch::randn_like(y), h = torch::randn_like(omega);
    const auto weight = params["filters.0.weight"];
    const auto want = torch::autograd::grad({y, omega}, {x, weight}, {g, h});
    const auto have = torch::autograd::grad({got.logits, got.omega}, {x, weight}, {g, h});
    CHECK((have[0] - want[0]).abs().max().item<float>() < 1e-5f);
    CHECK((have[1] - want[1]).abs().max().item<float>() < 1e-4f);
  }
}

TEST_CASE("a norm over points is refused: it would make a point's value depend on its neighbours") {
  MlpConfig c;
  c.widths = {4, 8, 1};
  c.skips = {};
  c.norm = "group";
  CHECK_THROWS_WITH(SurfaceMLP(c), Catch::Contains("norm must be none"));
}

TEST_CASE("a negative LeakyReLU slope is refused (the MLP applies it in place)") {
  MlpConfig c;
  c.widths = {4, 8, 1};
  c.skips = {};
  c.leaky_slope = -0.1;
  CHECK_THROWS_WITH(SurfaceMLP(c), Catch::Contains("leaky_slope must be >= 0"));
}

TEST_CASE("the fine surface MLP takes 16 image features + Omega: 272-512-256-128-1") {
  torch::NoGradGuard no_grad;
  SurfaceMLP mlp(default_fine_level().mlp);
  SurfaceMLPOutput o = mlp->forward(torch::randn({3, 272, 10}));
  CHECK(o.logits.sizes() == torch::IntArrayRef{3, 1, 10});
  CHECK_FALSE(o.omega.defined());
  CHECK_THROWS_WITH(mlp->forward(torch::randn({3, 257, 10})), Catch::Contains("272"));
}

TEST_CASE("the normal net (pix2pixHD global generator) keeps the image size and outputs in [-1, 1]") {
  torch::NoGradGuard no_grad;
  NormalNetOptions o;
  o.base_channels = 8;  // 4 downsamplings and 9 blocks as the paper, narrow
  NormalNet net(o);
  torch::Tensor n = net->forward(torch::randn({1, 3, 32, 32}));
  CHECK(n.sizes() == torch::IntArrayRef{1, 3, 32, 32});
  CHECK(n.abs().max().item<float>() <= 1.0f);
  CHECK_THROWS_WITH(net->forward(torch::randn({1, 3, 20, 20})), Catch::Contains("divisible by 16"));
}

TEST_CASE("pixel-aligned sampling picks the pixel that camera.hpp projects a point to") {
  hifa::Calibration calib;
  calib.scale = 0.8f;
  calib.centre = hifa::Vec3f(0.1f, 0.2f, 0.3f);
  calib.yaw = 0.4f;
  calib.pitch = -0.1f;
  const int W = 16, H = 12;
  // Feature map: channel 0 holds the column, channel 1 the row of each pixel.
  torch::Tensor fmap = torch::zeros({1, 2, H, W});
  for (int j = 0; j < H; ++j)
    for (int i = 0; i < W; ++i) {
      fmap[0][0][j][i] = float(i);
      fmap[0][1][j][i] = float(j);
    }
  const std::vector<std::pair<int, int>> pixels = {{0, 0}, {15, 0}, {0, 11}, {7, 5}, {12, 9}};
  torch::Tensor pts = torch::zeros({1, 3, int64_t(pixels.size())});
  for (std::size_t k = 0; k < pixels.size(); ++k) {
    // A world point whose projection is the centre of pixel (i, j), at some depth.
    const hifa::Vec3f n = hifa::pixel_to_normalized(hifa::pixel_centre(pixels[k].first, pixels[k].second), 0.3f - 0.1f * float(k), W, H);
    const hifa::Vec3f w = hifa::normalized_to_world(calib, n);
    for (int a = 0; a < 3; ++a) pts[0][a][int64_t(k)] = w[a];
  }
  torch::Tensor xyz = project_points(pts, calibration_matrix(calib));
  for (std::size_t k = 0; k < pixels.size(); ++k) {
    hifa::Vec3f w(pts[0][0][int64_t(k)].item<float>(), pts[0][1][int64_t(k)].item<float>(), pts[0][2][int64_t(k)].item<float>());
    const hifa::Vec3f n = hifa::world_to_normalized(calib, w);
    for (int a = 0; a < 3; ++a) CHECK(xyz[0][a][int64_t(k)].item<float>() == Approx(n[a]).margin(1e-5));
  }
  torch::Tensor s = sample_features(fmap, xyz);  // 1 x 2 x K
  REQUIRE(s.sizes() == torch::IntArrayRef{1, 2, int64_t(pixels.size())});
  for (std::size_t k = 0; k < pixels.size(); ++k) {
    CHECK(s[0][0][int64_t(k)].item<float>() == Approx(float(pixels[k].first)).margin(1e-3));
    CHECK(s[0][1][int64_t(k)].item<float>() == Approx(float(pixels[k].second)).margin(1e-3));
  }
  // Halfway between two pixel centres along x: bilinear mean of the two columns.
  torch::Tensor mid = torch::tensor({(2.0f * 7 + 2) / W - 1, 1 - (2.0f * 5 + 1) / H, 0.0f}).view({1, 3, 1});
  CHECK(sample_features(fmap, mid)[0][0][0].item<float>() == Approx(7.5f).margin(1e-4));
}

TEST_CASE("PIFuHD (tiny.yaml) gives per-stack logits, Omega, and zero occupancy outside the cube") {
  torch::manual_seed(0);
  PIFuHD model = make_model(tiny());
  model->train();
  torch::Tensor xyz = torch::rand({2, 3, 50}) * 1.8 - 0.9;
  xyz[0][0][0] = 1.5;  // outside the cube
  PIFuHDOutput o = model->forward(torch::randn({2, 9, 64, 64}), torch::randn({2, 9, 128, 128}), xyz);
  REQUIRE(o.coarse.logits.size() == 2);  // 2 stacks, both supervised
  for (const auto& l : o.coarse.logits) CHECK(l.sizes() == torch::IntArrayRef{2, 1, 50});
  CHECK(o.coarse.omega.sizes() == torch::IntArrayRef{2, 32, 50});
  REQUIRE(o.fine.has_value());
  CHECK(o.fine->logits.size() == 1);
  CHECK(o.fine->occupancy.sizes() == torch::IntArrayRef{2, 1, 50});
  CHECK(o.coarse.occupancy[0][0][0].item<float>() == 0.0f);
  CHECK(o.fine->occupancy[0][0][0].item<float>() == 0.0f);
  CHECK(o.coarse.occupancy[1][0][0].item<float>() > 0.0f);
  model->eval();
  torch::NoGradGuard no_grad;
  PIFuHDOutput e = model->forward(torch::randn({2, 9, 64, 64}), torch::randn({2, 9, 128, 128}), xyz);
  CHECK(e.coarse.logits.size() == 1);  // inference: the last stack only
  auto [front, back] = model->predict_normals(torch::randn({1, 3, 64, 64}));
  CHECK(PIFuHDImpl::condition(torch::randn({1, 3, 128, 128}), front, back).sizes() == torch::IntArrayRef{1, 9, 128, 128});
}

TEST_CASE("PIFuHD (tiny.yaml) computes on the test device what it computes on the CPU, forward and backward", "[device]") {
  const torch::Device device = hifa::test::test_device();
  torch::manual_seed(3);
  PIFuHD host = make_model(tiny()), on_device = make_model(tiny());
  {
    torch::NoGradGuard no_grad;
    const auto from = host->named_parameters(), to = on_device->named_parameters();
    for (const auto& p : from) to[p.key()].copy_(p.value());
    const auto buffers = host->named_buffers(), their = on_device->named_buffers();
    for (const auto& b : buffers) their[b.key()].copy_(b.value());
  }
  on_device->to(device);
  const torch::Tensor image = torch::randn({2, 3, 128, 128}), xyz = torch::rand({2, 3, 200}) * 1.8 - 0.9;
  const auto run = [&](PIFuHD& model, torch::Device d) {
    model->train();
    model->zero_grad();
    auto [front, back] = model->predict_normals(image.to(d));
    const torch::Tensor fine_in = PIFuHDImpl::condition(image.to(d), front, back);
    const torch::Tensor coarse_in = torch::nn::functional::interpolate(
        fine_in, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{64, 64}).mode(torch::kBilinear).align_corners(false));
    PIFuHDOutput o = model->forward(coarse_in, fine_in, xyz.to(d));
    torch::Tensor loss = front.square().mean() + back.square().mean();
    for (const auto& l : o.coarse.logits) loss = loss + l.sigmoid().mean();
    for (const auto& l : o.fine->logits) loss = loss + l.sigmoid().mean();
    loss.backward();
    std::vector<torch::Tensor> values{front.cpu(), o.coarse.logits.back().cpu(), o.fine->logits.back().cpu()};
    for (const auto& p : model->parameters()) values.push_back(p.grad().cpu());
    return values;
  };
  const std::vector<torch::Tensor> want = run(host, torch::kCPU), got = run(on_device, device);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    // Other kernels sum in other orders: equal up to float32 rounding over a deep network.
    CHECK((got[i] - want[i]).norm().item<double>() <= 1e-3 * want[i].norm().item<double>() + 1e-6);
  }
}

TEST_CASE("the fine loss reaches the coarse MLP and encoder through Omega unless Omega is detached") {
  torch::manual_seed(1);
  PIFuHD model = make_model(tiny());
  model->train();
  torch::Tensor ci = torch::randn({1, 9, 64, 64}), fi = torch::randn({1, 9, 128, 128});
  torch::Tensor xyz = torch::rand({1, 3, 40}) * 1.6 - 0.8;
  torch::Tensor labels = (torch::rand({1, 1, 40}) > 0.5).to(torch::kFloat32);
  OccupancyLoss loss(LossConfig{});
  auto grad_norm = [](const torch::nn::Module& m) {
    double s = 0;
    for (const auto& p : m.parameters())
      if (p.grad().defined()) s += p.grad().abs().sum().item<double>();
    return s;
  };
  for (bool detach : {false, true}) {
    model->zero_grad();
    PIFuHDOutput o = model->forward(ci, fi, xyz, detach);
    loss(o.fine->logits, labels).backward();
    CHECK(grad_norm(*model->fine->encoder) > 0);
    CHECK(grad_norm(*model->fine->mlp) > 0);
    if (detach) {
      CHECK(grad_norm(*model->coarse) == 0);
    } else {
      CHECK(grad_norm(*model->coarse->mlp) > 0);
      CHECK(grad_norm(*model->coarse->encoder) > 0);
    }
  }
  // And the coarse loss over every stack trains the coarse level.
  model->zero_grad();
  PIFuHDOutput o = model->forward(ci, fi, xyz);
  loss(o.coarse.logits, labels).backward();
  CHECK(grad_norm(*model->coarse->encoder) > 0);
}

TEST_CASE("the same seed gives the same initial weights, another seed others") {
  auto weights = [](uint64_t seed) {
    torch::manual_seed(seed);
    PIFuHD m = make_model(tiny());
    std::vector<torch::Tensor> w;
    for (const auto& p : m->parameters()) w.push_back(p.detach().clone());
    return w;
  };
  const auto a = weights(42), b = weights(42), c = weights(43);
  REQUIRE(a.size() == b.size());
  bool same = true, differ = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    same = same && torch::equal(a[i], b[i]);
    differ = differ || !torch::equal(a[i], c[i]);
  }
  CHECK(same);
  CHECK(differ);
}
