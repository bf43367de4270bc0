#pragma once
// Which OpenBLAS kernels the process runs with, and a start-up fix for CPUs OpenBLAS does not
// know (no LibTorch here).
//
//   int main(int argc, char** argv) {
//     hifa::trainer::use_fast_blas_kernels(argv);  // first: may re-execute the process
//     std::printf("%s\n", hifa::trainer::machine_line().c_str());  // cpu: AMD EPYC; blas: Cooperlake (openblas 0.3.21)
//
// Why: LibTorch on CPU runs its matrix products (at::mm, addmm: the trainer's point MLP, the
// separable resizes) through libblas.so.3, which Debian points at OpenBLAS built with DYNAMIC_ARCH:
// the library picks its kernels ("core") from the CPU model when it loads. OpenBLAS 0.3.21 does
// not know recent Intel Xeons and falls back to its SSE3 "Prescott" kernels: measured on a 2-core
// AVX-512 Xeon, the coarse PIFu training step of bench/peers/pifu_train_step_vs_torch.sh took 2.00x
// PyTorch's time (0.86x on an AMD EPYC, where OpenBLAS picks its AVX-512 kernels), because PyTorch's
// Conv1d runs in oneDNN, which does not use OpenBLAS. OPENBLAS_CORETYPE names the kernels
// instead, but OpenBLAS reads it only when it loads, before main: so the process sets it and
// re-executes itself (/proc/self/exe, the same arguments and environment), once.
//
// It does so only when all hold: OpenBLAS is loaded and built with DYNAMIC_ARCH; its core stops
// short of AVX2 (the SSE cores, Prescott among them, or AVX-only Sandybridge) while this CPU has
// more (AVX-512 F/BW/DQ/VL: SkylakeX; AVX2 and FMA: Zen on AMD, Haswell elsewhere; AVX:
// Sandybridge); the user has not set OPENBLAS_CORETYPE (their choice wins); HIFA_BLAS_REEXEC is
// not "0" (the switch to turn this off); and HIFA_BLAS_REEXEC_FROM is unset: the re-execution sets
// it to the core OpenBLAS chose on its own, so the new process never re-executes again (also when
// OpenBLAS ignores the variable) and blas_summary() can say what happened. OpenBLAS's choice is
// trusted on every core it knows (AVX2 and up, AMD's Bulldozer family, other architectures).

#include <functional>
#include <string>
#include <string_view>

namespace hifa::trainer {

// The x86 features OpenBLAS's kernels need (all false off x86).
struct CpuFeatures {
  bool amd = false;
  bool avx = false;
  bool avx2 = false;
  bool fma = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512dq = false;
  bool avx512vl = false;
};

// This CPU's features (__builtin_cpu_supports: what the CPU and the OS's saved state allow).
CpuFeatures cpu_features();

// The CPU's name: /proc/cpuinfo's first "model name" ("AMD EPYC"), else "unknown CPU".
std::string cpu_model();

// The OpenBLAS in this process: openblas_get_corename() ("Prescott") and openblas_get_config()
// ("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64"), found with dlsym since
// LibTorch links it through libblas.so.3. Both empty when no OpenBLAS is loaded.
struct OpenBlasInfo {
  std::string core;
  std::string config;
};
OpenBlasInfo loaded_openblas();

// The environment as a lookup, std::getenv's signature (tests pass their own).
using Getenv = std::function<const char*(const char*)>;

// The OPENBLAS_CORETYPE value whose kernels are faster on `cpu` than `core`, OpenBLAS's own choice
// under `config`: "SkylakeX", "Zen", "Haswell" or "Sandybridge" by the rules above (the environment
// aside), else "" (a core OpenBLAS knows, no DYNAMIC_ARCH in config, or nothing better on this CPU).
// Core names compare without case.
std::string faster_blas_core(std::string_view core, std::string_view config, const CpuFeatures& cpu);

// What to re-execute with: faster_blas_core(core, config, cpu), or "" when the environment says no
// (OPENBLAS_CORETYPE set, HIFA_BLAS_REEXEC=0, HIFA_BLAS_REEXEC_FROM set).
std::string blas_core_to_set(std::string_view core, std::string_view config, const CpuFeatures& cpu,
                             const Getenv& getenv);

// Sets OPENBLAS_CORETYPE and HIFA_BLAS_REEXEC_FROM in this process's environment when
// blas_core_to_set() names a core for the loaded OpenBLAS and this CPU; true when it did: the
// process must then re-execute itself for the kernels to change (for a caller that has more to set
// before one re-execution).
bool choose_fast_blas_kernels();

// choose_fast_blas_kernels() and, when it set the core, execv("/proc/self/exe", argv). Call it
// first in main. Returns when there was nothing to do, or when exec failed (the variables are then
// unset again and the process runs on with OpenBLAS's own choice).
void use_fast_blas_kernels(char** argv);

// The kernels this process runs with, for logs: "Zen (openblas 0.3.21)";
// "SkylakeX (openblas 0.3.21, OPENBLAS_CORETYPE=SkylakeX set by hifa: OpenBLAS chose Prescott)";
// "Prescott (openblas 0.3.21, OPENBLAS_CORETYPE=Prescott from the environment; this CPU has
// faster SkylakeX kernels)"; "no OpenBLAS in this process".
std::string blas_summary();

// "cpu: <cpu_model()>; blas: <blas_summary()>", the line benchmarks and training runs print.
std::string machine_line();

}  // namespace hifa::trainer
