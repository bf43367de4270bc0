// The trainer's data loader (trainer/data/view_loader.hpp) at the paper's sizes: how long one
// batch of configs/pifuhd.yaml (512^2 coarse maps, a 512^2 crop of the 1024^2 fine maps, 8000 + 8000
// points, augmentation on) takes to read and build, and what BatchPrefetcher's workers give.
//
//   build-data/bench/bench_data_loader
//
// The dataset: two box scans prepared once into a temporary folder (hifa prepare at --res 512
// --fine-res 1024, 4 views, 8000 samples, unlit), removed at exit.
// BM_batch/<b>: ViewLoader::batch on this thread, batch size b: items/s.
// BM_prefetch/<w>: an epoch of batches of 2 through a BatchPrefetcher with w workers: items/s.
#include "config/config.hpp"
#include "data/view_loader.hpp"
#include "prepare/prepare.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

using namespace hifa::trainer;
namespace fs = std::filesystem;

namespace {

void write_box(const fs::path& file, float w, float h, float d) {
  std::ofstream os(file);
  const float p[8][3] = {{-w / 2, 0, -d / 2}, {w / 2, 0, -d / 2}, {w / 2, h, -d / 2}, {-w / 2, h, -d / 2},
                         {-w / 2, 0, d / 2},  {w / 2, 0, d / 2},  {w / 2, h, d / 2},  {-w / 2, h, d / 2}};
  const int f[12][3] = {{0, 2, 1}, {0, 3, 2}, {4, 5, 6}, {4, 6, 7}, {0, 1, 5}, {0, 5, 4},
                        {2, 3, 7}, {2, 7, 6}, {1, 2, 6}, {1, 6, 5}, {0, 4, 7}, {0, 7, 3}};
  for (const auto& v : p) os << "v " << v[0] << " " << v[1] << " " << v[2] << "\n";
  for (const auto& t : f) os << "f " << t[0] + 1 << " " << t[1] + 1 << " " << t[2] + 1 << "\n";
}

struct Fixture {
  fs::path root;
  Config config;
  Fixture() {
    std::random_device rd;
    root = fs::temp_directory_path() / ("hifa-bench-data-" + std::to_string(rd()));
    fs::create_directories(root / "scans");
    write_box(root / "scans" / "a.obj", 0.5f, 1.7f, 0.3f);
    write_box(root / "scans" / "b.obj", 0.4f, 1.6f, 0.25f);
    hifa::prepare::PrepareOptions o;
    o.scans = {root / "scans"};
    o.out = root / "data";
    o.views = 4;
    o.resolution = 512;
    o.fine_resolution = 1024;
    o.samples = 8000;
    o.test_fraction = 0;
    o.lighting = false;
    hifa::prepare::run_prepare(o);
    config = load_config(HIFA_SOURCE_DIR "/configs/pifuhd.yaml");
  }
  ~Fixture() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

void BM_batch(benchmark::State& state) {
  const ViewLoader loader(fixture().root / "data", fixture().config);
  const int b = int(state.range(0));
  int64_t epoch = 0;
  for (auto _ : state) benchmark::DoNotOptimize(loader.batch(epoch++, 0, b));
  state.SetItemsProcessed(state.iterations() * b);
}
BENCHMARK(BM_batch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_prefetch(benchmark::State& state) {
  const ViewLoader loader(fixture().root / "data", fixture().config);
  const int workers = int(state.range(0));
  int64_t epoch = 0, items = 0;
  for (auto _ : state) {
    BatchPrefetcher ahead(loader, epoch++, 0, 2, workers);
    while (auto b = ahead.next()) items += int64_t(b->views.size());
  }
  state.SetItemsProcessed(items);
}
BENCHMARK(BM_prefetch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
