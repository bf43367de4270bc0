// hifa::trainer training loop: each stage's step, checkpoints, exact resume, the loss log.
#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "config/factory.hpp"
#include "hifa/core/error.hpp"
#include "hifa/render/image_io.hpp"
#include "inference/reconstruct.hpp"
#include "inference/run_model.hpp"
#include "test_device.hpp"
#include "synthetic_batch.hpp"
#include "train/checkpoint.hpp"
#include "train/loss_log.hpp"
#include "train/pifuhd_trainer.hpp"
#include "train/train_loop.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

using namespace hifa::trainer;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("hifa_test_train_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// tiny.yaml with few points and one epoch per stage: seconds per run on one thread.
Config small_config() {
  Config c = load_config(HIFA_SOURCE_DIR "/configs/tiny.yaml");
  for (OptimizerConfig* o : {&c.train.normal, &c.train.coarse, &c.train.fine}) {
    o->batch = 2;
    o->epochs = 1;
  }
  c.train.checkpoint_every = 2;
  c.train.log_every = 1;
  return c;
}

BatchSource synthetic_source(const Config& c, std::int64_t items) {
  BatchSource s;
  s.batches_per_epoch = [items](int batch) { return items / batch; };
  s.open = [c, items](std::int64_t epoch, std::int64_t first, int batch) {
    auto next = std::make_shared<std::int64_t>(first);
    return std::function<std::optional<ViewBatch>()>([c, items, epoch, batch, next]() -> std::optional<ViewBatch> {
      if (*next >= items / batch) return std::nullopt;
      return synthetic_batch(c, epoch, (*next)++, batch);
    });
  };
  return s;
}

std::vector<torch::Tensor> parameters(PifuhdTrainer& t) {
  std::vector<torch::Tensor> p;
  for (const auto& x : t.model()->parameters()) p.push_back(x.detach().clone());
  return p;
}

bool same(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// losses.csv without the seconds column (wall time differs between runs).
std::vector<std::string> csv_without_seconds(const fs::path& p) {
  std::vector<std::string> rows;
  std::istringstream in(read(p));
  for (std::string line; std::getline(in, line);) rows.push_back(line.substr(0, line.rfind(',')));
  return rows;
}

struct OneThread {
  int before = torch::get_num_threads();
  OneThread() { torch::set_num_threads(1); }
  ~OneThread() { torch::set_num_threads(before); }
};

}  // namespace

// A few steps, not one: the alternate fine step moves the coarse level first, so its Omega -- the
// fine MLP's input -- changes under the fine step and one step's fine loss may rise.
TEST_CASE("steps of each stage lower that stage's loss on a repeated batch", "[train][device]") {
  const torch::Device device = hifa::test::test_device();
  for (const std::string schedule : {"alternate", "frozen_coarse"}) {
    Config c = small_config();
    c.train.fine_schedule = schedule;
    c.train.gt_normal_probability = 0.5;  // both inputs: predicted and ground-truth normal maps
    PifuhdTrainer t(c, device);
    const ViewBatch b = synthetic_batch(c, 0, 0, 2);
    for (const std::string s : {"normal", "coarse", "fine"}) {
      if (s == "normal" && schedule != "alternate") continue;
      t.set_epoch(s, 0);
      const std::size_t term = s == "fine" ? 1 : 0;  // the stage's own loss among its terms
      const std::vector<double> before = t.step(s, b, 7);  // the same iteration: the same normal-map coins
      std::vector<double> after;
      for (int k = 0; k < 3; ++k) after = t.step(s, b, 7);
      REQUIRE(before.size() == find_stage(t.stages(), s, "test").losses.size());
      INFO(s << " " << schedule << ": " << before[term] << " -> " << after[term]);
      CHECK(std::isfinite(before[term]));
      CHECK(after[term] < before[term]);
      // The alternate fine step also logs its coarse step's loss.
      if (s == "fine") CHECK(std::isfinite(before[0]) == (schedule == "alternate"));
    }
  }
}

TEST_CASE("the fine level's input built by training equals the one inference builds, on the same image and crop",
          "[train]") {
  const Config c = small_config();  // coarse 64, fine 128, crop 64
  PifuhdTrainer t(c, torch::kCPU);
  hifa::Image<float> image(160, 160, 3);
  auto g = at::make_generator<at::CPUGeneratorImpl>(7);
  const torch::Tensor noise = torch::rand({160 * 160 * 3}, g);
  std::copy_n(noise.data_ptr<float>(), noise.numel(), image.data());
  RunModel run{c, t.model(), torch::kCPU};
  run.model->eval();
  const ConditionedInputs inference = condition_inputs(run, image, nullptr, FieldLevel::fine);

  // Item 0 takes predicted normals, item 1 the ground truth; both see the same image and crop.
  const int64_t crop = c.train.fine_crop, x = 40, y = 24;
  using torch::indexing::Slice;
  const auto window = [&](const torch::Tensor& t) { return t.index({Slice(), Slice(), Slice(y, y + crop), Slice(x, x + crop)}); };
  ViewBatch b;
  b.image = inference.coarse.index({Slice(), Slice(0, 3)}).repeat({2, 1, 1, 1});
  b.normal_front = torch::rand(b.image.sizes(), g) * 2 - 1;
  b.normal_back = torch::rand(b.image.sizes(), g) * 2 - 1;
  b.fine_image = window(inference.fine.index({Slice(), Slice(0, 3)})).repeat({2, 1, 1, 1});
  b.fine_normal_front = torch::rand(b.fine_image.sizes(), g) * 2 - 1;
  b.fine_normal_back = torch::rand(b.fine_image.sizes(), g) * 2 - 1;
  b.fine_crop_origin = torch::tensor(std::vector<int64_t>{x, y, x, y}, torch::kInt64).view({2, 2});
  const LevelInputs trained = t.level_inputs(b, torch::tensor({0.0f, 1.0f}).view({2, 1, 1, 1}), true);

  // (Batches of 2 and 1 may take different convolution kernels: equal up to float rounding.)
  CHECK((trained.coarse[0] - inference.coarse[0]).abs().max().item<float>() < 1e-5f);
  CHECK((trained.fine[0] - window(inference.fine)[0]).abs().max().item<float>() < 1e-5f);
  // The ground-truth item keeps the batch's own maps.
  CHECK(torch::equal(trained.fine[1].narrow(0, 3, 3), b.fine_normal_front[1]));
  CHECK(torch::equal(trained.coarse[1].narrow(0, 6, 3), b.normal_back[1]));
}

TEST_CASE("the frozen_coarse fine stage leaves the coarse level and the normal nets unchanged", "[train]") {
  Config c = small_config();
  c.train.fine_schedule = "frozen_coarse";
  PifuhdTrainer t(c, torch::kCPU);
  auto snapshot = [](torch::nn::Module& m) {
    std::vector<torch::Tensor> p;
    for (const auto& x : m.parameters()) p.push_back(x.detach().clone());
    return p;
  };
  const auto coarse = snapshot(*t.model()->coarse), normal = snapshot(*t.model()->normal_front),
             fine = snapshot(*t.model()->fine);
  t.step("fine", synthetic_batch(c, 0, 0, 2), 0);
  CHECK(same(snapshot(*t.model()->coarse), coarse));
  CHECK(same(snapshot(*t.model()->normal_front), normal));
  CHECK_FALSE(same(snapshot(*t.model()->fine), fine));
}

TEST_CASE("a checkpoint round trip restores parameters, optimizer state and the run's position", "[train]") {
  const fs::path run = temp_dir("roundtrip");
  Config c = small_config();
  PifuhdTrainer a(c, torch::kCPU);
  const ViewBatch b = synthetic_batch(c, 0, 0, 2);
  for (const char* s : {"normal", "coarse", "fine"}) a.step(s, b, 0);
  TrainState state{"coarse", 3, 1, 7, 5, {0.5, NAN, NAN, 0.25, NAN}, 2, 12.5};
  write_run_config(run, c);
  write_checkpoint(run, c, *a.model(), a.optimizers(), state, torch::kCPU);
  const std::vector<torch::Tensor> saved = parameters(a);

  PifuhdTrainer r(c, torch::kCPU);  // no optimizer state, and weights made different
  {
    torch::NoGradGuard no_grad;
    for (auto& p : r.model()->parameters()) p.add_(0.5);
  }
  CHECK_FALSE(same(parameters(r), parameters(a)));
  const TrainState got = read_checkpoint(run, c, *r.model(), r.optimizers(), torch::kCPU);
  CHECK(same(parameters(r), parameters(a)));
  CHECK(got.stage == "coarse");
  CHECK(got.epoch == 3);
  CHECK(got.index == 1);
  CHECK(got.iteration == 7);
  CHECK(got.csv_rows == 5);
  REQUIRE(got.window_sums.size() == 5);
  CHECK(got.window_sums[3] == 0.25);
  CHECK(std::isnan(got.window_sums[1]));
  CHECK(got.window_count == 2);
  CHECK(got.seconds == 12.5);
  // The optimizers' moments came back too: the next step is the same step.
  for (const char* s : {"normal", "coarse", "fine"}) {
    const std::vector<double> la = a.step(s, b, 1), lr = r.step(s, b, 1);
    for (std::size_t k = 0; k < la.size(); ++k) CHECK((la[k] == lr[k] || (std::isnan(la[k]) && std::isnan(lr[k]))));
  }
  CHECK(same(parameters(r), parameters(a)));
  // Inference's contract: config.yaml is the text as read; "model" alone loads a fresh model.
  CHECK(read(config_file(run)) == c.text);
  torch::serialize::InputArchive archive, model_archive;
  archive.load_from(checkpoint_file(run).string());
  archive.read("model", model_archive);
  Config other_seed = c;
  other_seed.train.seed = 99;
  torch::manual_seed(99);
  PIFuHD fresh = make_model(other_seed);
  fresh->load(model_archive);
  std::vector<torch::Tensor> loaded;
  for (const auto& x : fresh->parameters()) loaded.push_back(x.detach());
  CHECK(same(loaded, saved));
  fs::remove_all(run);
}

TEST_CASE("a damaged checkpoint or another config is refused with the file named", "[train]") {
  const fs::path run = temp_dir("refuse");
  Config c = small_config();
  PifuhdTrainer t(c, torch::kCPU);
  write_run_config(run, c);
  write_checkpoint(run, c, *t.model(), t.optimizers(), TrainState{"normal"}, torch::kCPU);
  const std::string file = checkpoint_file(run).string();

  Config changed = load_config(HIFA_SOURCE_DIR "/configs/tiny.yaml");
  changed.text += "# edited\n";
  CHECK_THROWS_WITH(check_run_config(run, changed), Catch::Contains(config_file(run).string()) &&
                                                        Catch::Contains("another config") && Catch::Contains("# edited"));
  CHECK_THROWS_WITH(read_checkpoint(run, changed, *t.model(), t.optimizers(), torch::kCPU),
                    Catch::Contains(file) && Catch::Contains("another config"));

  fs::resize_file(checkpoint_file(run), fs::file_size(checkpoint_file(run)) / 2);
  CHECK_THROWS_WITH(read_checkpoint(run, c, *t.model(), t.optimizers(), torch::kCPU),
                    Catch::Contains(file) && Catch::Contains("not a readable checkpoint"));
  { std::ofstream(checkpoint_file(run)) << "not a checkpoint"; }
  CHECK_THROWS_WITH(read_checkpoint(run, c, *t.model(), t.optimizers(), torch::kCPU), Catch::Contains(file));
  fs::remove_all(run);
}

TEST_CASE("a run interrupted after a checkpoint and resumed computes the losses of an uninterrupted run", "[train]") {
  const OneThread one_thread;
  const Config c = small_config();
  const BatchSource source = synthetic_source(c, 6);  // 3 batches of 2 per epoch
  TrainOptions whole;
  whole.run = temp_dir("whole");
  train(c, source, whole);

  TrainOptions cut = whole;
  cut.run = temp_dir("cut");
  TrainEvents crash;
  // Dies in the middle of the coarse stage's epoch, one step after its checkpoint at step 2: the
  // row of step 3 is in the CSV, the checkpoint is not.
  crash.step = [](const StageSpec& s, std::int64_t iteration, const std::vector<double>&, double) {
    if (s.name == "coarse" && iteration == 3) throw std::runtime_error("killed");
  };
  CHECK_THROWS_WITH(train(c, source, cut, crash), "killed");
  CHECK_THROWS_WITH(train(c, source, cut), Catch::Contains("--resume"));  // not over an existing run
  cut.resume = true;
  std::vector<std::string> lines;
  TrainEvents log;
  log.log = [&](const std::string& line) { lines.push_back(line); };
  train(c, source, cut, log);
  REQUIRE_FALSE(lines.empty());
  CHECK_THAT(lines.front(), Catch::Contains("resuming") && Catch::Contains("coarse") && Catch::Contains("step 2"));

  const auto rows = csv_without_seconds(whole.run / "losses.csv");
  CHECK(rows.size() == 1 + 3 * 3);  // header + one row per step (log_every 1) of 3 stages
  CHECK(csv_without_seconds(cut.run / "losses.csv") == rows);
  Config again = c;
  PifuhdTrainer a(again, torch::kCPU), b(again, torch::kCPU);
  read_checkpoint(whole.run, c, *a.model(), a.optimizers(), torch::kCPU);
  read_checkpoint(cut.run, c, *b.model(), b.optimizers(), torch::kCPU);
  CHECK(same(parameters(a), parameters(b)));
  CHECK(fs::exists(cut.run / "loss_curves.png"));
  fs::remove_all(whole.run);
  fs::remove_all(cut.run);
}

TEST_CASE("an epoch's point-draw fallbacks are reported in the log, for the stages whose losses use them", "[train]") {
  const OneThread one_thread;
  const Config c = small_config();
  BatchSource source = synthetic_source(c, 6);  // 3 batches of 2 per epoch
  // Every batch: one coarse draw with a class missing, both fine crops without samples.
  source.open = [open = source.open](std::int64_t epoch, std::int64_t first, int batch) {
    return std::function<std::optional<ViewBatch>()>([next = open(epoch, first, batch)]() {
      std::optional<ViewBatch> b = next();
      if (b) b->fallbacks = DrawFallbacks{1, 0, 2};
      return b;
    });
  };
  TrainOptions o;
  o.run = temp_dir("fallbacks");
  std::vector<std::string> lines;
  TrainEvents log;
  log.log = [&](const std::string& line) { lines.push_back(line); };
  train(c, source, o, log);
  const auto has = [&](const std::string& text) { return std::find(lines.begin(), lines.end(), text) != lines.end(); };
  std::string all;
  for (const std::string& line : lines) all += line + "\n";
  INFO(all);
  CHECK(has("coarse epoch 0, point-draw fallbacks among 6 items: 3 coarse draws with one class only (not balanced)"));
  CHECK(has("fine epoch 0, point-draw fallbacks among 6 items: 3 coarse draws with one class only (not balanced); "
            "6 fine crops without samples (points from the whole subject)"));
  CHECK(std::none_of(lines.begin(), lines.end(), [](const std::string& l) { return l.starts_with("normal epoch"); }));
  fs::remove_all(o.run);
}

TEST_CASE("an interrupt after step k checkpoints step k, and resuming computes the losses of an uninterrupted run", "[train]") {
  const OneThread one_thread;
  Config c = small_config();
  c.train.log_every = 2;           // the interrupt falls inside a log window: the checkpoint carries it
  c.train.checkpoint_every = 100;  // only the interrupt checkpoints mid-epoch
  const BatchSource source = synthetic_source(c, 6);  // 3 batches of 2 per epoch
  TrainOptions whole;
  whole.run = temp_dir("interrupt_whole");
  train(c, source, whole);

  std::atomic<bool> interrupt{false};
  TrainOptions cut = whole;
  cut.run = temp_dir("interrupted");
  cut.interrupt = &interrupt;
  TrainEvents ctrl_c;  // as the signal handler would, while the coarse stage's first step runs
  ctrl_c.step = [&](const StageSpec& s, std::int64_t iteration, const std::vector<double>&, double) {
    if (s.name == "coarse" && iteration == 1) interrupt.store(true);
  };
  CHECK_THROWS_WITH(train(c, source, cut, ctrl_c),
                    Catch::StartsWith(cut.run.string() + ": interrupted at coarse step 1 of 3; checkpoint written") &&
                        Catch::Contains("--resume"));
  PifuhdTrainer t(c, torch::kCPU);
  const TrainState at = read_checkpoint(cut.run, c, *t.model(), t.optimizers(), torch::kCPU);
  CHECK(at.stage == "coarse");
  CHECK(at.iteration == 1);
  CHECK(at.window_count == 1);
  CHECK(csv_without_seconds(cut.run / "losses.csv").size() == 1 + 2);  // the normal stage's rows (steps 2, 3)
  CHECK(fs::exists(cut.run / "loss_curves.png"));

  interrupt.store(false);
  cut.resume = true;
  train(c, source, cut);
  CHECK(csv_without_seconds(cut.run / "losses.csv") == csv_without_seconds(whole.run / "losses.csv"));
  fs::remove_all(whole.run);
  fs::remove_all(cut.run);
}

TEST_CASE("the loss log drops rows a checkpoint does not account for, and plots one panel per stage", "[train]") {
  const fs::path run = temp_dir("log");
  const std::vector<std::string> columns = {"normal", "normal_l1", "normal_perceptual", "coarse", "fine"};
  LossLog log(run / "losses.csv", columns);
  log.start();
  for (int i = 1; i <= 4; ++i) {
    LossRow r{i <= 2 ? "coarse" : "fine", 0, i, {NAN, NAN, NAN, 1.0 / i, i > 2 ? 0.5 / i : NAN}, 1e-3, 0.1 * i};
    log.append(r);
  }
  { std::ofstream(run / "losses.csv", std::ios::app) << "fine,0,5,,,"; }  // a row cut by a kill
  LossLog resumed(run / "losses.csv", columns);
  resumed.resume(3);
  REQUIRE(resumed.rows().size() == 3);
  CHECK(resumed.rows()[2].stage == "fine");
  CHECK(resumed.rows()[2].terms[4] == Approx(0.5 / 3));
  CHECK(std::isnan(resumed.rows()[0].terms[4]));
  CHECK(csv_without_seconds(run / "losses.csv").size() == 4);
  CHECK_THROWS_WITH(LossLog(run / "losses.csv", columns).resume(5), Catch::Contains("losses.csv") && Catch::Contains("has 3 rows"));
  // Another model type's columns: the log is not this run's.
  CHECK_THROWS_WITH(LossLog(run / "losses.csv", {"normal", "body"}).resume(1),
                    Catch::Contains("losses.csv") && Catch::Contains("not this model's loss log"));
  CHECK_THROWS_WITH(log.append(LossRow{"coarse", 0, 9, {1.0}, 1e-3, 1.0}), Catch::Contains("1 terms for 5 columns"));

  plot_loss_curves(log.rows(), columns, run / "loss_curves.png");
  const hifa::Image<float> png = hifa::read_image(run / "loss_curves.png", 3);
  CHECK(png.width() == 720);
  CHECK(png.height() == 2 * 220);  // coarse and fine panels
  // The fine panel draws the fine term in its green.
  int green = 0;
  for (int y = 220; y < 440; ++y) {
    for (int x = 0; x < png.width(); ++x) green += png(x, y, 1) > 0.5f && png(x, y, 0) < 0.3f;
  }
  CHECK(green > 50);
  fs::remove_all(run);
}

TEST_CASE("a stage the model does not have is refused with the model's stages named", "[train]") {
  Config c = small_config();
  c.model_type = "pifu";
  c.fine.reset();
  TrainOptions o;
  o.run = temp_dir("no_stage");
  o.stages = {"fine"};
  CHECK_THROWS_WITH(train(c, synthetic_source(c, 6), o),
                    Catch::Contains("no 'fine' stage") && Catch::Contains("normal, coarse"));
  CHECK_FALSE(fs::exists(checkpoint_file(o.run)));
  fs::remove_all(o.run);
}

TEST_CASE("a PIFu run without normal nets logs PIFuHD's five columns and resumes", "[train]") {
  const OneThread one_thread;
  Config c = small_config();
  c.model_type = "pifu";
  c.fine.reset();
  c.normal_net.type = "none";
  TrainOptions o;
  o.run = temp_dir("pifu_resume");
  o.max_iterations = 1;
  train(c, synthetic_source(c, 6), o);
  o.resume = true;
  o.max_iterations = 3;
  train(c, synthetic_source(c, 6), o);
  const auto rows = csv_without_seconds(o.run / "losses.csv");
  REQUIRE(rows.size() == 1 + 3);
  CHECK(rows[0] == "stage,epoch,iteration,normal,normal_l1,normal_perceptual,coarse,fine,lr");
  CHECK(rows[3].starts_with("coarse,0,3,,,,"));
  fs::remove_all(o.run);
}

TEST_CASE("a PIFuHD run's snapshot after its coarse stage is the PIFu run of the same config and seed", "[train]") {
  const OneThread one_thread;
  const Config pifuhd = small_config();
  Config pifu = load_config(HIFA_SOURCE_DIR "/configs/tiny_pifu.yaml");
  pifu.train.normal = pifuhd.train.normal;
  pifu.train.coarse = pifuhd.train.coarse;
  pifu.train.checkpoint_every = pifuhd.train.checkpoint_every;
  pifu.train.log_every = pifuhd.train.log_every;
  TrainOptions single;
  single.run = temp_dir("pifu_alone");
  train(pifu, synthetic_source(pifu, 6), single);
  TrainOptions two = single;
  two.run = temp_dir("pifuhd_snapshot");
  two.snapshot_after = {"coarse"};
  train(pifuhd, synthetic_source(pifuhd, 6), two);

  const RunModel alone = load_run_model(single.run);
  const RunModel snapshot = load_run_model(snapshot_folder(two.run, "coarse"));
  const RunModel last = load_run_model(two.run);
  CHECK(snapshot.config.text == pifuhd.text);
  const auto snapshot_parameters = snapshot.model->named_parameters();
  const auto last_parameters = last.model->named_parameters();
  int compared = 0, moved = 0;
  for (const auto& p : alone.model->named_parameters()) {
    CAPTURE(p.key());
    REQUIRE(snapshot_parameters.contains(p.key()));
    CHECK(torch::equal(p.value(), snapshot_parameters[p.key()]));
    moved += p.key().starts_with("coarse.") && !torch::equal(p.value(), last_parameters[p.key()]);
    ++compared;
  }
  CHECK(compared > 20);
  CHECK(moved > 0);  // the fine stage retrained the coarse level: without the snapshot PIFu would be lost

  TrainOptions unknown = two;
  unknown.run = temp_dir("snapshot_unknown");
  unknown.snapshot_after = {"middle"};
  CHECK_THROWS_WITH(train(pifuhd, synthetic_source(pifuhd, 6), unknown), Catch::Contains("no 'middle' stage"));
  for (const auto& run : {single.run, two.run, unknown.run}) fs::remove_all(run);
}
