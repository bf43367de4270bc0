// The one Google Benchmark main of hifa: Kokkos is initialized once around all benchmarks.
// Threads: --threads=N is not a Google Benchmark flag; use OMP_NUM_THREADS=N.
#include "hifa/core/runtime.hpp"

#include <benchmark/benchmark.h>

int main(int argc, char** argv) {
  hifa::KokkosRuntime runtime;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("hifa.threads", std::to_string(hifa::KokkosRuntime::concurrency()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
