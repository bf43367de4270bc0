// hifa's side of bench/peers/lbs_vs_numpy_torch.py: makes a random 24-joint pose, points and
// skinning weights, writes them for the peers, and times hifa's forward and inverse LBS on them.
//
//   lbs_peer <out-folder> [points = 100000] [runs = 5] [sparse|dense = sparse]
//
// Pose: tests/support/random_pose.hpp at seed 5, joints turned by up to 0.8 rad.
// Weights (N x 24, rows summing to 1): sparse = 1 to 4 non-zero joints per point, as in SMPL's
// per-vertex weights; dense = all 24 non-zero (the worst case of the sparse layout).
// Writes <out-folder>/points.raw (N x 3), weights.raw (N x 24), transforms.raw (24 x 4 x 4, the
// skinning transforms A_k), forward.raw (hifa's posed points, N x 3) and inverse.raw (hifa's
// inverse LBS of forward.raw, N x 3): float32, little-endian, C order. Prints one JSON line:
// threads, points, joints, forward_seconds, inverse_seconds (LbsWarper, dense N x 24 weights),
// sparse_width (M), sparsify_seconds, sparse_forward_seconds, sparse_inverse_seconds
// (SparseLbsWarper over sparsify_weights of the same weights; the conversion is timed apart, as
// it is done once per body), best of `runs` each.
#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/core/runtime.hpp"
#include "hifa/skinning/lbs.hpp"

#include "peer_tools.hpp"
#include "support/random_pose.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;
using Host = Kokkos::HostSpace;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 5) {
    std::fprintf(stderr, "usage: lbs_peer <out-folder> [points = 100000] [runs = 5] [sparse|dense]\n");
    return 2;
  }
  hifa::KokkosRuntime runtime;
  try {
    const std::filesystem::path out = argv[1];
    const int n = argc > 2 ? std::stoi(argv[2]) : 100000;
    const int runs = argc > 3 ? std::max(1, std::stoi(argv[3])) : 5;
    const std::string kind = argc > 4 ? argv[4] : "sparse";
    if (kind != "sparse" && kind != "dense") throw hifa::Error("weights", "expected sparse or dense, got " + kind);
    constexpr int k_count = 24;

    const hifa::CounterRng rng{11};
    const Kokkos::View<float* [3], Kokkos::LayoutRight, Host> points("lbs_peer::points", n);
    const hifa::SkinningWeights<Host> weights("lbs_peer::weights", n, k_count);
    const bool dense = kind == "dense";
    Kokkos::parallel_for(
        "lbs_peer::inputs", Kokkos::RangePolicy<Space>(0, n), KOKKOS_LAMBDA(int i) {
          for (int d = 0; d < 3; ++d) points(i, d) = 2 * rng.uniform(d, i) - 1;
          float sum = 0;
          if (dense) {
            for (int k = 0; k < k_count; ++k) sum += (weights(i, k) = 0.01f + rng.uniform(3 + k, i));
          } else {
            const int nonzero = 1 + int(rng.below(4, 3, i));
            for (int j = 0; j < nonzero; ++j) {
              const float v = 0.05f + rng.uniform(10 + j, i);
              weights(i, int(rng.below(k_count, 4 + j, i))) += v;
              sum += v;
            }
          }
          for (int k = 0; k < k_count; ++k) weights(i, k) /= sum;
        });
    Kokkos::fence();
    const auto transforms = hifa::test::random_smpl_pose(5, 0.8f).skinning;
    Kokkos::View<float* [4][4], Kokkos::LayoutRight, Host> host_a("lbs_peer::transforms", k_count);
    for (int k = 0; k < k_count; ++k)
      for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c) host_a(k, r, c) = transforms[k](r, c);

    const Space space;
    const hifa::LbsWarper<Host> warp{hifa::upload_transforms<Host>(space, transforms), weights};
    const Kokkos::View<float* [3], Kokkos::LayoutRight, Host> posed("lbs_peer::posed", n), back("lbs_peer::back", n);
    const double forward = hifa::bench::best_seconds(runs, [&] {
      warp.forward_points(space, points, posed);
      space.fence();
    });
    const double inverse = hifa::bench::best_seconds(runs, [&] {
      warp.inverse_points(space, posed, back);
      space.fence();
    });
    // The sparse layout on the same weights; its results are written too and checked against the
    // peers' by lbs_vs_numpy_torch.py, as the dense ones are.
    hifa::SparseWeights<Host> pairs;
    const double sparsify = hifa::bench::best_seconds(runs, [&] {
      pairs = hifa::sparsify_weights(space, weights);
      space.fence();
    });
    const hifa::SparseLbsWarper<Host> sparse_warp{warp.transforms, pairs};
    const Kokkos::View<float* [3], Kokkos::LayoutRight, Host> sparse_posed("lbs_peer::sparse_posed", n),
        sparse_back("lbs_peer::sparse_back", n);
    const double sparse_forward = hifa::bench::best_seconds(runs, [&] {
      sparse_warp.forward_points(space, points, sparse_posed);
      space.fence();
    });
    const double sparse_inverse = hifa::bench::best_seconds(runs, [&] {
      sparse_warp.inverse_points(space, posed, sparse_back);
      space.fence();
    });
    hifa::bench::write_raw(out / "points.raw", points);
    hifa::bench::write_raw(out / "weights.raw", weights);
    hifa::bench::write_raw(out / "transforms.raw", host_a);
    hifa::bench::write_raw(out / "forward.raw", posed);
    hifa::bench::write_raw(out / "inverse.raw", back);
    hifa::bench::write_raw(out / "sparse_forward.raw", sparse_posed);
    hifa::bench::write_raw(out / "sparse_inverse.raw", sparse_back);
    std::printf("{\"threads\": %d, \"points\": %d, \"joints\": %d, \"weights\": \"%s\", \"forward_seconds\": %.6f, "
                "\"inverse_seconds\": %.6f, \"sparse_width\": %d, \"sparsify_seconds\": %.6f, "
                "\"sparse_forward_seconds\": %.6f, \"sparse_inverse_seconds\": %.6f}\n",
                hifa::KokkosRuntime::concurrency(), n, k_count, kind.c_str(), forward, inverse, int(pairs.pairs.extent(1)),
                sparsify, sparse_forward, sparse_inverse);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lbs_peer: %s\n", e.what());
    return 1;
  }
  return 0;
}
