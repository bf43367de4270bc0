// Reconstruction with PIFuHD networks as hifa::BatchFields (trainer/inference/).
//
//   OMP_NUM_THREADS=2 build/bench/bench_reconstruct --benchmark_filter=dense_vs_c2f
//   OMP_NUM_THREADS=2 build/bench/bench_reconstruct --benchmark_filter=paper   # its own process: peak RSS
//
// BM_dense_vs_c2f_256: configs/tiny.yaml fitted for 120 steps to a sphere of radius 0.5
//   (tests/trainer/sphere_model.hpp cached_sphere_run: fitted on the first run after each build),
//   reconstructed at 256^3 cells (257^3 points) densely and coarse to fine (64^3 start, PIFuHD's
//   0.05 band): field queries of each, their ratio, the seconds of each, and how far apart the
//   meshes are: the largest distance from a vertex of one to the surface of the other (both ways),
//   in voxels (goal: <= 0.5).
// BM_paper_1024_512: the user's number: one 1024^2 image at 512^3 with configs/pifuhd.yaml (the
//   paper-size networks, untrained weights): normal nets, both encoders, the coarse-to-fine field,
//   marching cubes, largest component; seconds and the process's peak RSS (getrusage, so run it
//   alone). Untrained weights have no surface to refine around, so the queries would be either
//   the coarse lattice alone or nearly every point; to make the networks do the work a trained one
//   does, the field is a PacedField: every queried point goes through the paper-size networks
//   (their values are computed and kept) while the refinement follows hifa::mannequin()'s
//   occupancy, a body of a person's proportions. Reported: queries, their seconds, total seconds.
// Device: HIFA_BENCH_DEVICE=cuda runs the paper case's networks on the GPU (support/bench_device.hpp);
//   scripts/gpu-check reads the GPU's memory from nvidia-smi around that run.
// Threads: OMP_NUM_THREADS sets both Kokkos' and LibTorch's (Debian's LibTorch defaults to 1).
// Measured (2026-12-01, this 2-core machine at load 0.6-1.9, /usr/bin/time -v around the paper run):
//   50.7 s, peak RSS 3.48 GiB, 773k queries (networks 27 s, normal nets + encoders 20 s), with
//   NetworkField's 2^13-point chunks; 61.7 s and 3.72 GiB with 2^16-point chunks.
#include "sphere_model.hpp"
#include "support/bench_device.hpp"

#include "config/factory.hpp"
#include "hifa/field/mannequin.hpp"
#include "hifa/spatial/mesh_bvh.hpp"
#include "inference/network_field.hpp"
#include "inference/reconstruct.hpp"

#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

using namespace hifa;
using namespace hifa::trainer;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Largest distance from a vertex of `from` to the surface of `to`.
double max_distance(const TriMeshf& from, const TriMeshf& to) {
  const Kokkos::DefaultHostExecutionSpace space;
  const MeshBvh<Kokkos::HostSpace> bvh(space, to);
  Kokkos::View<float* [3], Kokkos::HostSpace> points("bench::points", std::size_t(from.vertex_count()));
  std::copy_n(from.vertices.data(), from.vertices.size(), points.data());
  auto out = ClosestPoints<Kokkos::HostSpace>::allocate(space, points.extent(0));
  bvh.closest_points(space, points, out);
  space.fence();
  double worst = 0;
  for (std::size_t q = 0; q < points.extent(0); ++q) worst = std::max(worst, double(out.distance(q)));
  return worst;
}

void BM_dense_vs_c2f_256(benchmark::State& state) {
  set_torch_threads();
  const Image<float> image = test::radial_image(128);
  RunModel run = test::cached_sphere_run(load_config(HIFA_SOURCE_DIR "/configs/tiny.yaml"));
  ReconstructOptions dense{256, FieldLevel::fine, true}, c2f{256, FieldLevel::fine, false};
  for (auto _ : state) {
    const Reconstruction a = reconstruct(run, image, nullptr, dense);
    const Reconstruction b = reconstruct(run, image, nullptr, c2f);
    const double voxel = 2.0 / 256;
    state.counters["dense_queries"] = double(a.queries);
    state.counters["c2f_queries"] = double(b.queries);
    state.counters["fewer_x"] = double(a.queries) / double(b.queries);
    state.counters["dense_field_s"] = a.seconds_field;
    state.counters["c2f_field_s"] = b.seconds_field;
    state.counters["c2f_total_s"] = b.seconds_inputs + b.seconds_field + b.seconds_mesh;
    state.counters["faces"] = double(b.mesh.face_count());
    state.counters["dense_to_c2f_voxels"] = max_distance(a.mesh, b.mesh) / voxel;
    state.counters["c2f_to_dense_voxels"] = max_distance(b.mesh, a.mesh) / voxel;
  }
}
BENCHMARK(BM_dense_vs_c2f_256)->Unit(benchmark::kSecond)->Iterations(1);

// Network work of a trained model, refinement of a body (see the top of the file).
struct PacedField {
  using scalar = float;
  using execution_space = NetworkField::execution_space;
  NetworkField network;
  decltype(mannequin<float>()) body = mannequin<float>();
  double* network_seconds;

  void evaluate(Kokkos::View<const float* [3], Kokkos::HostSpace> points, Kokkos::View<float*, Kokkos::HostSpace> values) const {
    const auto t0 = std::chrono::steady_clock::now();
    network.evaluate(points, values);
    *network_seconds += seconds_since(t0);
    benchmark::DoNotOptimize(values.data());
    for (std::size_t q = 0; q < points.extent(0); ++q) {
      values(q) = body.value(Vec3f(points(q, 0), points(q, 1), points(q, 2))) < 0 ? 1.0f : 0.0f;
    }
  }
};
static_assert(BatchField<PacedField>);

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

void BM_paper_1024_512(benchmark::State& state) {
  set_torch_threads();
  torch::manual_seed(0);
  const Config config = load_config(HIFA_SOURCE_DIR "/configs/pifuhd.yaml");
  const torch::Device device = bench_device();
  RunModel run{config, make_model(config), device};
  run.model->to(device);
  run.model->eval();
  const Image<float> image = test::radial_image(1024);
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    Reconstruction r;
    const ConditionedInputs in = condition_inputs(run, image, nullptr, FieldLevel::fine);
    double network_seconds = 0;
    const PacedField field{NetworkField(run.model, in.coarse, in.fine, in.mask), mannequin<float>(), &network_seconds};
    r.seconds_inputs = seconds_since(t0);
    extract_surface(field, AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), FieldValues::occupancy,
                    ReconstructOptions{512, FieldLevel::fine}, r);
    state.counters["total_s"] = seconds_since(t0);
    state.counters["normals_encoders_s"] = r.seconds_inputs;
    state.counters["field_s"] = r.seconds_field;
    state.counters["network_s"] = network_seconds;
    state.counters["mesh_s"] = r.seconds_mesh;
    state.counters["queries"] = double(r.queries);
    state.counters["grid_points"] = double(r.grid_points);
    state.counters["faces"] = double(r.mesh.face_count());
  }
  state.counters["peak_rss_GiB"] = double(peak_rss_kib()) / (1024.0 * 1024.0);
}
BENCHMARK(BM_paper_1024_512)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
