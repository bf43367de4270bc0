// Runs one reduction on Kokkos' CUDA space and checks its sum (scripts/gpu-check): proves a CUDA
// Kokkos build reaches this GPU, whose architecture may be newer than any Kokkos 3.4 compiles for.
#include <Kokkos_Core.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  Kokkos::ScopeGuard guard(argc, argv);
  constexpr long n = 1 << 24;
  long sum = 0;
  Kokkos::parallel_reduce(
      "sum", Kokkos::RangePolicy<Kokkos::Cuda>(0, n), KOKKOS_LAMBDA(long i, long& s) { s += i % 7; }, sum);
  Kokkos::fence();
  long want = 0;
  for (long i = 0; i < n; ++i) want += i % 7;
  std::printf("kokkos cuda smoke: %s (sum %ld, expected %ld) on %s\n", sum == want ? "ok" : "WRONG", sum, want,
              Kokkos::Cuda::name());
  return sum == want ? 0 : 1;
}
