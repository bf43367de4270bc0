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
#include "support/box_mesh.hpp"

#include "hifa/mesh/obj_io.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>
#include <string>

using namespace hifa::trainer;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  fs::path root;
  Config config;
  Fixture() {
    std::random_device rd;
    root = fs::temp_directory_path() / ("hifa-bench-data-" + std::to_string(rd()));
    fs::create_directories(root / "scans");
    hifa::write_obj(root / "scans" / "a.obj", hifa::test::box_person(0.5f, 1.7f, 0.3f));
    hifa::write_obj(root / "scans" / "b.obj", hifa::test::box_person(0.4f, 1.6f, 0.25f));
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
