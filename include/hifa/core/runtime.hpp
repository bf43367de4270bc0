#pragma once
// Process-wide Kokkos set-up for executables (apps, tests, benchmarks) — not for library code.
//
//   int main(int argc, char** argv) {
//     hifa::KokkosRuntime runtime(threads);   // 0: OMP_NUM_THREADS if set, else all cores
//     ...
//   }
//
// Kokkos' OpenMP backend warns at start-up unless OMP_PROC_BIND is set; we set the usual
// defaults (spread over cores) when the user has not chosen, so the command's output stays clean.

#include <Kokkos_Core.hpp>

#include <cstdlib>
#include <string>
#include <thread>

namespace hifa {

class KokkosRuntime {
 public:
  explicit KokkosRuntime(int threads = 0) : guard_(arguments(threads)) {}

  // The number of threads the default host execution space runs with.
  static int concurrency() { return Kokkos::DefaultHostExecutionSpace().concurrency(); }

 private:
  static Kokkos::InitArguments arguments(int threads) {
    ::setenv("OMP_PROC_BIND", "spread", /*overwrite=*/0);
    ::setenv("OMP_PLACES", "threads", /*overwrite=*/0);
    if (threads <= 0) {
      const char* env = std::getenv("OMP_NUM_THREADS");
      threads = env ? std::atoi(env) : 0;
    }
    if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
    Kokkos::InitArguments args;
    args.num_threads = threads > 0 ? threads : 1;
    args.disable_warnings = true;
    return args;
  }

  Kokkos::ScopeGuard guard_;
};

}  // namespace hifa
