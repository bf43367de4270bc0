// The trainer's data loader (trainer/data/) over a tiny dataset that hifa prepare writes on the fly:
// shapes and ranges, reproducibility, points consistent with the images under augmentation, the
// fine crop's frame, and clear errors.
#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "data/augment.hpp"
#include "data/prepared_dataset.hpp"
#include "data/view_loader.hpp"
#include "prepare/prepare.hpp"
#include "support/box_mesh.hpp"
#include "support/temp_dir.hpp"

#include "hifa/core/error.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/render/image_io.hpp"

#include <torch/torch.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

using namespace hifa::trainer;
namespace fs = std::filesystem;

namespace {

const std::string configs = HIFA_SOURCE_DIR "/configs/";

// The scans under dir/scans prepared unlit at the tiny config's sizes (64 coarse, 128 fine) into
// dir/data, `views` views each.
fs::path prepare_scans(const fs::path& dir, int views, double test_fraction) {
  hifa::prepare::PrepareOptions o;
  o.scans = {dir / "scans"};
  o.out = dir / "data";
  o.views = views;
  o.resolution = 64;
  o.fine_resolution = 128;
  o.samples = 2000;
  o.test_fraction = test_fraction;
  o.lighting = false;
  o.jobs = 1;
  hifa::prepare::run_prepare(o);
  return o.out;
}

// Three box "people" prepared at the tiny config's sizes (64 coarse, 128 fine), 4 views each,
// unlit: two train subjects and one test subject. Made once per test process.
const fs::path& tiny_dataset() {
  static const hifa::test::TempDir dir;
  static const fs::path data = [] {
    fs::create_directories(dir / "scans");
    hifa::write_obj(dir / "scans" / "alpha.obj", hifa::test::box_person(0.5f, 1.7f, 0.3f, 0.1f));
    hifa::write_obj(dir / "scans" / "beta.obj", hifa::test::box_person(0.35f, 1.6f, 0.25f, -0.2f));
    hifa::write_obj(dir / "scans" / "gamma.obj", hifa::test::box_person(0.6f, 1.8f, 0.4f, 0));
    return prepare_scans(dir.path(), 4, 0.34);
  }();
  return data;
}

Config tiny_config() { return load_config(configs + "tiny.yaml"); }

// A copy of the tiny dataset to damage.
fs::path copy_of_dataset(const hifa::test::TempDir& dir) {
  const fs::path to = dir / "copy";
  fs::copy(tiny_dataset(), to, fs::copy_options::recursive);
  return to;
}

// Fraction of the inside points (label 1) of item b, among those whose pixel (docs/dataset.md's
// mapping) is in the image, that land on the mask: a pixel of its 3 x 3 neighbourhood has mask
// > 0.5 (an inside point near the silhouette may fall in an edge pixel whose centre is outside).
double inside_on_mask(const torch::Tensor& points, const torch::Tensor& labels, const torch::Tensor& mask, int64_t b) {
  const int64_t w = mask.size(3);
  const torch::Tensor pb = points[b].contiguous(), lb = labels[b].contiguous(), mb = mask[b][0].contiguous();
  const auto p = pb.accessor<float, 2>();
  const auto l = lb.accessor<float, 2>();
  const auto m = mb.accessor<float, 2>();
  int inside = 0, on = 0;
  for (int64_t i = 0; i < p.size(1); ++i) {
    const auto px = int64_t(std::floor((p[0][i] + 1) / 2 * float(w)));
    const auto py = int64_t(std::floor((1 - p[1][i]) / 2 * float(w)));
    if (l[0][i] < 0.5f || px < 0 || py < 0 || px >= w || py >= w) continue;
    ++inside;
    bool hit = false;
    for (int64_t y = std::max<int64_t>(0, py - 1); y <= std::min(w - 1, py + 1); ++y) {
      for (int64_t x = std::max<int64_t>(0, px - 1); x <= std::min(w - 1, px + 1); ++x) hit = hit || m[y][x] > 0.5f;
    }
    on += hit;
  }
  REQUIRE(inside > 100);
  return double(on) / double(inside);
}

// Pixel distance between the centroid of item b's inside points' projections and
// the mask's centroid, per axis: a box's perturbed-surface samples are symmetric about its centre,
// so a wrong pixel mapping (a flipped axis, a half-pixel shift, a missed scale) shows here.
std::pair<double, double> centroid_offset(const torch::Tensor& points, const torch::Tensor& labels,
                                          const torch::Tensor& mask, int64_t b) {
  const int64_t w = mask.size(3);
  const torch::Tensor pb = points[b].contiguous(), lb = labels[b].contiguous(), mb = mask[b][0].contiguous();
  const auto p = pb.accessor<float, 2>();
  const auto l = lb.accessor<float, 2>();
  const auto m = mb.accessor<float, 2>();
  double sx = 0, sy = 0, n = 0, mx = 0, my = 0, mn = 0;
  for (int64_t i = 0; i < p.size(1); ++i) {
    if (l[0][i] < 0.5f) continue;
    sx += (p[0][i] + 1) / 2 * float(w), sy += (1 - p[1][i]) / 2 * float(w), n += 1;
  }
  for (int64_t y = 0; y < w; ++y) {
    for (int64_t x = 0; x < w; ++x) mx += m[y][x] * (double(x) + 0.5), my += m[y][x] * (double(y) + 0.5), mn += m[y][x];
  }
  REQUIRE(n > 100);
  REQUIRE(mn > 10);
  return {sx / n - mx / mn, sy / n - my / mn};
}

void require_equal(const ViewBatch& a, const ViewBatch& b) {
  for (auto [x, y] : {std::pair{a.image, b.image}, {a.mask, b.mask}, {a.normal_front, b.normal_front},
                      {a.normal_back, b.normal_back}, {a.points, b.points}, {a.labels, b.labels},
                      {a.fine_image, b.fine_image}, {a.fine_points, b.fine_points},
                      {a.fine_points_crop, b.fine_points_crop}, {a.fine_labels, b.fine_labels}}) {
    REQUIRE(torch::equal(x, y));
  }
  REQUIRE(a.subjects == b.subjects);
  REQUIRE(a.views == b.views);
}

}  // namespace

TEST_CASE("a prepared dataset lists its split's views and reads them decoded", "[data]") {
  const PreparedDataset d(tiny_dataset());
  CHECK(d.views() == 4);
  CHECK(d.subjects("train").size() == 2);
  CHECK(d.subjects("test").size() == 1);
  CHECK(d.items("all").size() == 12);
  const ViewMaps m = d.read_view(d.items("train")[1], true);
  CHECK(m.image.width() == 128);
  CHECK(m.mask.channels() == 1);
  for (int y = 0; y < 128; ++y) {
    for (int x = 0; x < 128; ++x) {
      const float n = std::hypot(m.normal_front(x, y, 0), m.normal_front(x, y, 1), m.normal_front(x, y, 2));
      if (m.mask(x, y) == 0) REQUIRE(n == 0);
      if (m.mask(x, y) == 1) REQUIRE(n == Approx(1).margin(0.02));
    }
  }
  const auto s = d.samples(d.subjects("train")[0], "samples_coarse.bin");
  CHECK(s->count() == 2000);
  CHECK(s->ordered);
  CHECK(s->surface == 1882);  // 16 : 1 of 2000 by largest remainder
  CHECK(s->uniform == 118);
  CHECK(d.samples(d.subjects("train")[0], "samples_coarse.bin") == s);  // cached
}

TEST_CASE("loader batches have the documented shapes and ranges", "[data]") {
  const Config c = tiny_config();
  const ViewLoader loader(tiny_dataset(), c);
  REQUIRE(loader.items() == 8);
  CHECK(loader.batches_per_epoch(3) == 2);
  const ViewBatch b = loader.batch(0, 1, 3);
  CHECK(b.image.sizes() == torch::IntArrayRef({3, 3, 64, 64}));
  CHECK(b.mask.sizes() == torch::IntArrayRef({3, 1, 64, 64}));
  CHECK(b.normal_front.sizes() == torch::IntArrayRef({3, 3, 64, 64}));
  CHECK(b.normal_back.sizes() == torch::IntArrayRef({3, 3, 64, 64}));
  CHECK(b.points.sizes() == torch::IntArrayRef({3, 3, 2000}));
  CHECK(b.labels.sizes() == torch::IntArrayRef({3, 1, 2000}));
  CHECK(b.fine_image.sizes() == torch::IntArrayRef({3, 3, 64, 64}));  // fine_crop 64 of 128
  CHECK(b.fine_mask.sizes() == torch::IntArrayRef({3, 1, 64, 64}));
  CHECK(b.fine_points.sizes() == torch::IntArrayRef({3, 3, 2000}));
  CHECK(b.fine_points_crop.sizes() == torch::IntArrayRef({3, 3, 2000}));
  CHECK(b.fine_labels.sizes() == torch::IntArrayRef({3, 1, 2000}));
  CHECK(b.subjects.size() == 3);
  CHECK(b.views.size() == 3);
  CHECK(b.image.min().item<float>() >= -1 - 1e-5f);
  CHECK(b.image.max().item<float>() <= 1 + 1e-5f);
  CHECK(b.mask.min().item<float>() >= 0);
  CHECK(b.mask.max().item<float>() > 0.99f);
  CHECK(b.normal_front.abs().max().item<float>() <= 1 + 1e-5f);
  // Balanced draw: half inside, half outside.
  CHECK(b.labels.sum().item<float>() == 3 * 1000);
  CHECK(((b.labels == 0) | (b.labels == 1)).all().item<bool>());
  // Without augmentation the normals are 0 exactly where the mask is 0.
  const ViewBatch plain = loader.batch(0, 1, 3, false);
  const torch::Tensor off = (plain.mask == 0).expand_as(plain.normal_front);
  CHECK(plain.normal_front.masked_select(off).abs().max().item<float>() == 0);

  SECTION("a coarse size other than the dataset's --res resizes the maps") {
    Config small = c;
    small.coarse.image_size = 32;
    const ViewBatch s = ViewLoader(tiny_dataset(), small).batch(0, 0, 2, false);
    CHECK(s.image.sizes() == torch::IntArrayRef({2, 3, 32, 32}));
    CHECK(inside_on_mask(s.points, s.labels, s.mask, 0) > 0.98);
  }
}

TEST_CASE("the same seed, epoch and index give the same bytes, with 1 and 3 workers", "[data]") {
  const Config c = tiny_config();
  const ViewLoader loader(tiny_dataset(), c);
  const int batch = 2;
  std::vector<ViewBatch> direct;
  for (int64_t i = 0; i < loader.batches_per_epoch(batch); ++i) direct.push_back(loader.batch(3, i, batch));
  require_equal(loader.batch(3, 2, batch), direct[2]);
  for (const int workers : {1, 3}) {
    BatchPrefetcher ahead(loader, 3, 1, batch, workers, 2);
    for (std::size_t i = 1; i < direct.size(); ++i) {
      const auto b = ahead.next();
      REQUIRE(b);
      require_equal(*b, direct[i]);
    }
    CHECK_FALSE(ahead.next());
  }
  // Another epoch shuffles and augments anew; another seed too.
  CHECK_FALSE(torch::equal(loader.batch(4, 0, batch).image, direct[0].image));
  Config other = c;
  other.train.seed = 1;
  CHECK_FALSE(torch::equal(ViewLoader(tiny_dataset(), other).batch(3, 0, batch).points, direct[0].points));
  CHECK(loader.epoch_order(3) != loader.epoch_order(4));
}

TEST_CASE("inside points project onto the mask, with and without scale and translation jitter", "[data]") {
  Config c = tiny_config();
  // A strong enlargement and shift, so points carried wrongly would leave the mask.
  c.train.augment.scale_min = 1.25;
  c.train.augment.scale_max = 1.3;
  c.train.augment.translate = 0.1;
  const ViewLoader loader(tiny_dataset(), c);
  const ViewBatch plain = loader.batch(0, 0, 4, false);
  const ViewBatch jittered = loader.batch(0, 0, 4, true);
  REQUIRE(plain.subjects == jittered.subjects);
  REQUIRE(plain.views == jittered.views);
  for (int64_t b = 0; b < 4; ++b) {
    CHECK(inside_on_mask(plain.points, plain.labels, plain.mask, b) > 0.98);
    CHECK(inside_on_mask(jittered.points, jittered.labels, jittered.mask, b) > 0.98);
    CHECK(inside_on_mask(jittered.fine_points_crop, jittered.fine_labels, jittered.fine_mask, b) > 0.98);
    // (Unjittered only: the enlarged subject leaves the image, which cuts its mask's centroid.
    // Sampling noise of the centroid: ~0.1 px across, ~0.5 px along the tall box.)
    const auto [dx, dy] = centroid_offset(plain.points, plain.labels, plain.mask, b);
    CHECK(std::abs(dx) < 0.5);
    CHECK(std::abs(dy) < 2);
    // The jitter did change the view: its points no longer fit the unjittered mask.
    CHECK(inside_on_mask(jittered.points, jittered.labels, plain.mask, b) < 0.9);
  }
}

TEST_CASE("at every yaw of an asymmetric subject, inside points project onto its mask at both levels", "[data]") {
  // A wrong yaw sign or a mirrored axis between the renderer and the samples leaves a symmetric box
  // consistent, but moves this subject's arm to the other side of the image at 90 and 270 degrees.
  const hifa::test::TempDir dir;
  fs::create_directories(dir / "scans");
  hifa::write_obj(dir / "scans" / "armed.obj", hifa::test::box_person_with_arm());
  Config c = tiny_config();
  c.train.fine_crop = 128;  // the whole fine image
  const ViewLoader loader(prepare_scans(dir.path(), 8, 0), c, "all");
  REQUIRE(loader.items() == 8);
  const ViewBatch b = loader.batch(0, 0, 8, false);
  for (int64_t k = 0; k < 8; ++k) {
    CAPTURE(b.views[std::size_t(k)]);
    CHECK(inside_on_mask(b.points, b.labels, b.mask, k) > 0.98);
    CHECK(inside_on_mask(b.fine_points_crop, b.fine_labels, b.fine_mask, k) > 0.98);
  }
}

TEST_CASE("fine crop points lie in the crop and map to the full-frame points by one scale and shift", "[data]") {
  const ViewLoader loader(tiny_dataset(), tiny_config());
  const ViewBatch b = loader.batch(1, 0, 4);
  CHECK(b.fine_points_crop.narrow(1, 0, 2).abs().max().item<float>() <= 1);
  for (int64_t i = 0; i < 4; ++i) {
    const torch::Tensor full = b.fine_points[i], crop = b.fine_points_crop[i];
    // crop = (full - centre) k, k = fine image_size / fine_crop = 2, the same centre for every point.
    CHECK(torch::allclose(crop[2], full[2] * 2));
    const torch::Tensor centre = full.narrow(0, 0, 2) - crop.narrow(0, 0, 2) / 2;
    CHECK((centre - centre.mean(1, true)).abs().max().item<float>() < 1e-5);
    // The window is where the crop's mask shows the subject: inside points land on it.
    CHECK(inside_on_mask(b.fine_points_crop, b.fine_labels, b.fine_mask, i) > 0.98);
  }
}

TEST_CASE("background swap replaces the background and keeps the subject", "[data]") {
  Config c = tiny_config();
  c.train.augment = AugmentConfig{};
  c.train.augment.color_jitter = c.train.augment.scale_jitter = c.train.augment.translate_jitter = false;
  c.train.augment.background_probability = 1;
  for (const std::string source : {"procedural", "other_view"}) {
    c.train.augment.background_source = source;
    const ViewLoader loader(tiny_dataset(), c);
    const ViewBatch plain = loader.batch(0, 0, 2, false), swapped = loader.batch(0, 0, 2, true);
    const torch::Tensor subject = (plain.mask == 1).expand_as(plain.image);
    const torch::Tensor background = (plain.mask == 0).expand_as(plain.image);
    CHECK(torch::equal(plain.image.masked_select(subject), swapped.image.masked_select(subject)));
    const double changed = (plain.image.masked_select(background) != swapped.image.masked_select(background))
                               .to(torch::kFloat32).mean().item<double>();
    CHECK(changed > 0.5);
  }
}

TEST_CASE("colour jitter follows torchvision's definitions", "[data]") {
  hifa::Image<float> im(2, 1, 3);
  im(0, 0, 0) = 1, im(0, 0, 1) = 0, im(0, 0, 2) = 0;        // red
  im(1, 0, 0) = 0.5f, im(1, 0, 1) = 0.5f, im(1, 0, 2) = 0.5f;  // grey
  ColorJitter hue;
  hue.hue = 1.0f / 3;  // a third of a turn: red -> green; grey has no hue
  hifa::Image<float> a = im;
  color_jitter({&a}, hue);
  CHECK(a(0, 0, 0) == Approx(0).margin(1e-6));
  CHECK(a(0, 0, 1) == Approx(1));
  CHECK(a(1, 0, 2) == Approx(0.5f));
  ColorJitter bright;
  bright.brightness = 1.5f;  // clamps at 1
  hifa::Image<float> b = im;
  color_jitter({&b}, bright);
  CHECK(b(0, 0, 0) == 1);
  CHECK(b(1, 0, 0) == Approx(0.75f));
  ColorJitter flat;
  flat.contrast = 0;  // every pixel becomes the mean grey
  hifa::Image<float> f = im;
  color_jitter({&f}, flat);
  CHECK(f(0, 0, 1) == Approx((0.2989f + 0.5f * (0.2989f + 0.587f + 0.114f)) / 2));
}

TEST_CASE("the loader's errors name the file", "[data]") {
  const Config c = tiny_config();
  const auto fails_with = [](const auto& f, const std::string& part) {
    try {
      f();
    } catch (const hifa::Error& e) {
      CHECK_THAT(e.what(), Catch::Contains(part));
      return;
    }
    FAIL("no hifa::Error mentioning " << part);
  };
  fails_with([&] { ViewLoader("/nonexistent/dataset", c); }, "/nonexistent/dataset");

  const hifa::test::TempDir dir;
  const fs::path copy = copy_of_dataset(dir);
  const std::string subject = PreparedDataset(copy).subjects("train")[0];
  SECTION("a truncated samples file") {
    const fs::path samples = copy / "subjects" / subject / "samples_coarse.bin";
    fs::resize_file(samples, fs::file_size(samples) - 4);
    const ViewLoader loader(copy, c, "all");
    fails_with([&] { loader.batch(0, 0, int(loader.items())); }, samples.string());
  }
  SECTION("an image of the wrong size") {
    const fs::path image = copy / "subjects" / subject / "image" / "002.png";
    hifa::write_png(image, hifa::Image<float>(10, 10, 3));
    const ViewLoader loader(copy, c, "all");
    fails_with([&] { loader.batch(0, 0, int(loader.items())); }, image.string() + ": is 10 x 10");
  }
  SECTION("a subject of split.json without its folder") {
    fs::remove_all(copy / "subjects" / subject);
    fails_with([&] { ViewLoader(copy, c); }, "lists subject '" + subject + "'");
  }
  SECTION("a manifest of another version") {
    std::ofstream(copy / "manifest.json") << R"({"format": "hifa-pifu-dataset", "version": 7, "options": {}})";
    fails_with([&] { ViewLoader(copy, c); }, "dataset version 7");
  }
  SECTION("a sampler sigma the dataset does not have") {
    Config odd = c;
    odd.train.coarse_sampler.sigma_cm = 4;
    fails_with([&] { ViewLoader(copy, odd); }, "train.coarse_sampler.sigma_cm");
  }
}

TEST_CASE("draws that fall back (a class missing, a crop without samples) are counted in the batch", "[data]") {
  Config c = tiny_config();
  c.train.fine_sampler.sigma_cm = 3.0;  // each level its own file: samples_coarse.bin, samples_fine.bin
  const hifa::test::TempDir dir;
  const fs::path copy = copy_of_dataset(dir);
  {
    const ViewLoader loader(copy, c, "all");
    CHECK_FALSE(loader.batch(0, 0, int(loader.items())).fallbacks.any());
  }
  // Every coarse sample labelled outside; every fine sample moved far above the image (y = 5, at
  // every yaw).
  const PreparedDataset dataset(copy);
  for (const std::string& subject : dataset.subjects("all")) {
    for (const auto& [file, column, value] : {std::tuple{"samples_coarse.bin", 3, 0.0f}, std::tuple{"samples_fine.bin", 1, 5.0f}}) {
      const fs::path path = copy / "subjects" / subject / file;
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      const std::size_t records = (fs::file_size(path) - 32) / 16;
      for (std::size_t r = 0; r < records; ++r) {
        f.seekp(std::streamoff(32 + 16 * r + 4 * column));
        f.write(reinterpret_cast<const char*>(&value), sizeof value);
      }
    }
  }
  const ViewLoader loader(copy, c, "all");
  const int items = int(loader.items());
  const DrawFallbacks f = loader.batch(0, 0, items).fallbacks;
  CHECK(f.coarse_unbalanced == items);
  CHECK(f.fine_outside_crop == items);
  CHECK(f.fine_unbalanced == 0);
}

TEST_CASE("train.augment takes PIFu's defaults and its keys are strict", "[data]") {
  const Config c = tiny_config();
  CHECK(c.train.augment.scale_min == 0.9);
  CHECK(c.train.augment.scale_max == 1.1);
  CHECK(c.train.augment.brightness == 0.2);
  CHECK(c.train.augment.hue == 0.08);
  CHECK(c.train.workers == 2);
  const auto fails_with = [](const std::string& yaml, const std::string& part) {
    try {
      parse_config(yaml, "x.yaml");
    } catch (const hifa::Error& e) {
      CHECK_THAT(e.what(), Catch::Contains(part));
      return;
    }
    FAIL("no hifa::Error mentioning " << part);
  };
  fails_with("train:\n  augment:\n    scael_min: 0.8\n", "unknown key 'train.augment.scael_min' (line 3)");
  fails_with("train:\n  augment:\n    scale_min: 1.2\n", "'train.augment.scale_min' must be > 0 and <= scale_max");
  fails_with("train:\n  augment:\n    background_source: coco\n", "'train.augment.background_source' is 'coco'");
  fails_with("train:\n  augment:\n    hue: 0.6\n", "'train.augment.hue' must be <= 0.5");
  fails_with("train:\n  workers: 0\n", "'train.workers' must be >= 1");
}

TEST_CASE("the point draw follows the sampler's surface:uniform weights", "[data]") {
  Config c = tiny_config();
  c.train.coarse_sampler.balance = false;
  const auto uniform_drawn = [&](const Config& config, std::set<int64_t>* distinct) {
    const ViewLoader loader(tiny_dataset(), config);
    // View 0 has yaw 0: without augmentation its points are the records themselves.
    for (int64_t i = 0; i < loader.batches_per_epoch(1); ++i) {
      const ViewBatch b = loader.batch(0, i, 1, false);
      if (b.views[0] != 0) continue;
      const auto s = loader.dataset().samples(b.subjects[0], "samples_coarse.bin");
      std::map<std::array<float, 3>, int64_t> index;
      for (std::size_t r = 0; r < s->count(); ++r) {
        index[{s->records[4 * r], s->records[4 * r + 1], s->records[4 * r + 2]}] = int64_t(r);
      }
      const torch::Tensor p = b.points[0].t().contiguous();
      const auto a = p.accessor<float, 2>();
      int uniform = 0;
      for (int64_t k = 0; k < p.size(0); ++k) {
        const auto found = index.find({a[k][0], a[k][1], a[k][2]});
        REQUIRE(found != index.end());
        uniform += found->second >= int64_t(s->surface);
        if (distinct) distinct->insert(found->second);
      }
      return uniform;
    }
    FAIL("no view 0 in the split");
    return 0;
  };
  // The file's own 16:1 at its own count: every record exactly once.
  std::set<int64_t> distinct;
  CHECK(uniform_drawn(c, &distinct) == 118);
  CHECK(distinct.size() == 2000);
  // 1:1 draws half from the 118 uniform records (cycling through them).
  c.train.coarse_sampler.surface_weight = 1;
  CHECK(uniform_drawn(c, nullptr) == 1000);
  c.train.coarse_sampler.uniform_weight = 0;
  CHECK(uniform_drawn(c, nullptr) == 0);
}

TEST_CASE("the shards of a batch, put together, are the batch (data-parallel ranks)", "[data][dist]") {
  const ViewLoader loader(tiny_dataset(), tiny_config());
  const int batch = 4;
  const ViewBatch whole = loader.batch(2, 1, batch);
  CHECK(whole.first_item == 0);
  CHECK(whole.global_size == batch);
  std::vector<ViewBatch> parts;
  for (int rank = 0; rank < 2; ++rank) {
    BatchPrefetcher ahead(loader, 2, 1, batch, 2, 2, Shard{rank, 2});
    const auto b = ahead.next();
    REQUIRE(b);
    CHECK(b->size() == 2);
    CHECK(b->first_item == 2 * rank);
    CHECK(b->global_size == batch);
    parts.push_back(*b);
  }
  const auto joined = [&](torch::Tensor ViewBatch::*field) { return torch::cat({parts[0].*field, parts[1].*field}); };
  for (torch::Tensor ViewBatch::*field : {&ViewBatch::image, &ViewBatch::normal_back, &ViewBatch::points, &ViewBatch::labels,
                                          &ViewBatch::fine_image, &ViewBatch::fine_points_crop, &ViewBatch::fine_crop_origin}) {
    CHECK(torch::equal(joined(field), whole.*field));
  }
  std::vector<std::string> subjects = parts[0].subjects;
  subjects.insert(subjects.end(), parts[1].subjects.begin(), parts[1].subjects.end());
  CHECK(subjects == whole.subjects);
}
