// The one Google Benchmark main of hifa: Kokkos is initialized once around all benchmarks.
// Threads: --threads=N is not a Google Benchmark flag; use OMP_NUM_THREADS=N.
// The context names the CPU and the OpenBLAS kernels the run used (LibTorch's matrix products run
// at a fraction of the machine's speed on OpenBLAS's fallback core: runtime/blas_core.hpp).
#include "hifa/core/runtime.hpp"
#include "runtime/blas_core.hpp"

#include <benchmark/benchmark.h>

int main(int argc, char** argv) {
  hifa::trainer::use_fast_blas_kernels(argv);  // first: may re-execute the benchmark
  hifa::KokkosRuntime runtime;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("hifa.threads", std::to_string(hifa::KokkosRuntime::concurrency()));
  benchmark::AddCustomContext("cpu_model", hifa::trainer::cpu_model());
  benchmark::AddCustomContext("blas_core", hifa::trainer::blas_summary());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
