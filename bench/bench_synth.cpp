// Synthetic subjects (hifa/synth/subject.hpp) on the default host execution space (threads:
// OMP_NUM_THREADS): a whole subject (dressed field, coarse-to-fine + marching cubes at the given
// resolution along the subject's height, labels, colours, weights, LBS) per iteration, outfits and
// poses drawn from the iteration's seed. The counter subjects_per_min is the goal figure
// (>= 20 at 256 on 2 cores). The body is the test mannequin (tests/synth/test_body.hpp).
#include "synth/test_body.hpp"

#include "hifa/synth/subject.hpp"

#include <benchmark/benchmark.h>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;

const hifa::test::RiggedBody& body() {
  static const hifa::test::RiggedBody b = hifa::test::mannequin_body(160);
  return b;
}

void BM_subject(benchmark::State& state) {
  hifa::synth::SubjectOptions options;
  options.resolution = int(state.range(0));
  std::uint64_t seed = 0;
  std::int64_t faces = 0;
  for (auto _ : state) {
    const auto outfit = hifa::synth::draw_outfit(seed, hifa::synth::Preset::default_mix);
    const auto s = hifa::synth::make_subject(Space{}, body().mesh, body().weights, body().joints, outfit,
                                             hifa::synth::random_pose(seed), options);
    faces += s.canonical.face_count();
    ++seed;
  }
  state.counters["subjects_per_min"] = benchmark::Counter(60.0 * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["faces"] = double(faces) / double(state.iterations());
}
BENCHMARK(BM_subject)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);

}  // namespace
