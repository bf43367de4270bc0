// hifa::trainer losses: extended BCE by hand, stacks, the VGG19 weights file, the gradient fallback.
#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "losses/normal_loss.hpp"
#include "losses/occupancy_loss.hpp"
#include "losses/tensor_file.hpp"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace hifa::trainer;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("hifa_test_trainer_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// VGG19's features.{i} conv shapes through conv5_1, as torchvision names them.
NamedTensors random_vgg19(uint64_t seed) {
  torch::manual_seed(seed);
  const std::vector<std::pair<int, std::pair<int, int>>> convs = {
      {0, {3, 64}},     {2, {64, 64}},    {5, {64, 128}},   {7, {128, 128}},  {10, {128, 256}},
      {12, {256, 256}}, {14, {256, 256}}, {16, {256, 256}}, {19, {256, 512}}, {21, {512, 512}},
      {23, {512, 512}}, {25, {512, 512}}, {28, {512, 512}}};
  NamedTensors t;
  for (auto [i, io] : convs) {
    t.emplace_back("features." + std::to_string(i) + ".weight", torch::randn({io.second, io.first, 3, 3}) * 0.05);
    t.emplace_back("features." + std::to_string(i) + ".bias", torch::randn({io.second}) * 0.01);
  }
  t.emplace_back("classifier.6.bias", torch::randn({10}));  // extra tensors are ignored
  return t;
}

double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }
}  // namespace

TEST_CASE("extended BCE on 4 points equals the hand computation with lambda = outside fraction") {
  const std::vector<double> z = {2.0, -1.0, 0.5, -3.0}, y = {1, 0, 0, 0};
  const double lambda = 3.0 / 4.0;  // three of the four points are outside
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    const double f = sigmoid(z[std::size_t(i)]);
    sum += lambda * y[std::size_t(i)] * std::log(f) + (1 - lambda) * (1 - y[std::size_t(i)]) * std::log(1 - f);
  }
  const double expected = -sum / 4;
  torch::Tensor logits = torch::tensor({2.0f, -1.0f, 0.5f, -3.0f}).view({1, 1, 4});
  torch::Tensor labels = torch::tensor({1.0f, 0.0f, 0.0f, 0.0f}).view({1, 1, 4});
  CHECK(extended_bce(logits, labels).item<double>() == Approx(expected).epsilon(1e-6));
  // Plain BCE is the unweighted mean.
  double plain = 0;
  for (int i = 0; i < 4; ++i) {
    const double f = sigmoid(z[std::size_t(i)]);
    plain -= y[std::size_t(i)] * std::log(f) + (1 - y[std::size_t(i)]) * std::log(1 - f);
  }
  CHECK(plain_bce(logits, labels).item<double>() == Approx(plain / 4).epsilon(1e-6));
}

TEST_CASE("extended BCE stays finite for saturated logits and rejects mismatched shapes") {
  torch::Tensor logits = torch::tensor({80.0f, -80.0f}).view({1, 1, 2});
  torch::Tensor labels = torch::tensor({0.0f, 1.0f}).view({1, 1, 2});
  const double l = extended_bce(logits, labels).item<double>();
  CHECK(std::isfinite(l));
  CHECK(l == Approx(0.5 * 80 * 0.5 + 0.5 * 80 * 0.5).epsilon(1e-4));  // lambda = 1/2, both wrong by 80
  CHECK_THROWS_WITH(extended_bce(logits, torch::zeros({1, 1, 3})), Catch::Contains("same shape"));
}

TEST_CASE("intermediate supervision averages the loss over every stack") {
  torch::Tensor labels = torch::tensor({1.0f, 0.0f, 1.0f}).view({1, 1, 3});
  torch::Tensor a = torch::tensor({0.3f, -0.2f, 1.0f}).view({1, 1, 3});
  torch::Tensor b = torch::tensor({-2.0f, 0.7f, 0.1f}).view({1, 1, 3});
  OccupancyLoss loss(LossConfig{"extended_bce"});
  const double expected = (extended_bce(a, labels).item<double>() + extended_bce(b, labels).item<double>()) / 2;
  CHECK(loss({a, b}, labels).item<double>() == Approx(expected));
  CHECK_THROWS_WITH(OccupancyLoss(LossConfig{"focal"}), Catch::Contains("focal"));
}

TEST_CASE("a tensor file round-trips names, shapes and values, and a truncated one is an error") {
  const fs::path d = temp_dir("htf");
  NamedTensors t = {{"scalar", torch::tensor(3.5f)}, {"empty", torch::zeros({0, 5})}, {"a.b", torch::randn({2, 3, 4})}};
  write_tensor_file(d / "t.htf", t);
  NamedTensors r = read_tensor_file(d / "t.htf");
  REQUIRE(r.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(r[i].first == t[i].first);
    CHECK(torch::equal(r[i].second, t[i].second));
  }
  const auto size = fs::file_size(d / "t.htf");
  fs::resize_file(d / "t.htf", size - 10);
  CHECK_THROWS_WITH(read_tensor_file(d / "t.htf"), Catch::Contains("truncated") && Catch::Contains("'a.b'"));
  fs::resize_file(d / "t.htf", 16 + 4 + 6 + 4 + 4 + 2);  // ends inside the first tensor's data
  CHECK_THROWS_WITH(read_tensor_file(d / "t.htf"), Catch::Contains("truncated") && Catch::Contains("'scalar'"));
  std::ofstream(d / "bad.htf") << "NOTATENSORFILE";
  CHECK_THROWS_WITH(read_tensor_file(d / "bad.htf"), Catch::Contains("HIFATNSR"));
  fs::remove_all(d);
}

TEST_CASE("VGG19 weights load from a user file and drive the perceptual loss") {
  const fs::path d = temp_dir("vgg");
  const NamedTensors w = random_vgg19(3);
  write_tensor_file(d / "vgg19.htf", w);
  NormalNetConfig c;
  c.vgg_weights = (d / "vgg19.htf").string();
  NormalLoss loss(c);
  REQUIRE(loss->uses_vgg());
  CHECK_THAT(loss->describe(), Catch::Contains("VGG19") && Catch::Contains("vgg19.htf"));
  CHECK(torch::equal(loss->vgg->convs[3]->weight, w[6].second));  // features.7.weight
  CHECK(torch::equal(loss->vgg->convs[12]->bias, w[25].second));  // features.28.bias
  for (const auto& p : loss->vgg->parameters()) CHECK_FALSE(p.requires_grad());

  torch::Tensor x = torch::rand({1, 3, 32, 32}) * 2 - 1, y = torch::rand({1, 3, 32, 32}) * 2 - 1;
  // relu1_1 is relu(conv(x, features.0)) -- the loaded layer, computed independently.
  torch::Tensor f0 = torch::relu(torch::conv2d(x, w[0].second, w[1].second, 1, 1));
  CHECK(torch::allclose(loss->vgg->forward(x)[0], f0, 1e-4, 1e-5));
  CHECK(loss->vgg->forward(x).back().sizes() == torch::IntArrayRef{1, 512, 2, 2});  // relu5_1 at 1/16
  torch::Tensor xr = x.clone().requires_grad_(true);
  torch::Tensor l = loss->forward(xr, y);
  const double l1 = 5.0 * torch::nn::functional::l1_loss(x, y).item<double>();
  CHECK(l.item<double>() > l1);  // the perceptual term adds to 5 x L1
  l.backward();
  CHECK(xr.grad().abs().sum().item<double>() > 0);
  CHECK(loss->forward(x, x).item<double>() == Approx(0.0).margin(1e-7));
  fs::remove_all(d);
}

TEST_CASE("a missing or mismatched VGG19 weights file is an error naming the file and tensor") {
  const fs::path d = temp_dir("vggbad");
  NormalNetConfig c;
  c.vgg_weights = (d / "absent.htf").string();
  CHECK_THROWS_WITH(NormalLoss(c), Catch::Contains("absent.htf") && Catch::Contains("cannot open"));

  NamedTensors w = random_vgg19(4);
  w[4].second = torch::randn({128, 32, 3, 3});  // features.5.weight with the wrong input width
  write_tensor_file(d / "shape.htf", w);
  c.vgg_weights = (d / "shape.htf").string();
  CHECK_THROWS_WITH(NormalLoss(c), Catch::Contains("shape.htf") && Catch::Contains("features.5.weight") &&
                                       Catch::Contains("[128, 64, 3, 3]"));

  w = random_vgg19(4);
  w.erase(w.begin() + 25);  // features.28.bias
  write_tensor_file(d / "missing.htf", w);
  c.vgg_weights = (d / "missing.htf").string();
  CHECK_THROWS_WITH(NormalLoss(c), Catch::Contains("features.28.bias") && Catch::Contains("missing"));
  fs::remove_all(d);
}

TEST_CASE("without VGG weights the normal loss is 5 x L1 + a multi-scale gradient loss, and says so") {
  NormalLoss loss(NormalNetConfig{});
  CHECK_FALSE(loss->uses_vgg());
  CHECK_THAT(loss->describe(), Catch::Contains("gradient") && Catch::Contains("no normal_net.vgg_weights"));
  torch::Tensor t = torch::rand({2, 3, 16, 16});
  // A constant offset has the same image gradients: only the L1 term remains.
  CHECK(loss->forward(t + 0.1, t).item<double>() == Approx(0.5).epsilon(1e-5));
  // A horizontal ramp against a flat image: dx differs by 1/15 everywhere, dy not at all; at
  // scale 1/2 the ramp's step is 2/15, at 1/4 it is 4/15, each term averaged over its pixels.
  torch::Tensor ramp = torch::linspace(0, 1, 16).view({1, 1, 1, 16}).expand({1, 3, 16, 16}).contiguous();
  torch::Tensor flat = torch::zeros({1, 3, 16, 16});
  const double grad = (1.0 / 15 + 2.0 / 15 + 4.0 / 15) / 3;
  CHECK(gradient_loss(ramp, flat, 3).item<double>() == Approx(grad).epsilon(1e-5));
}
