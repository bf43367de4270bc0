#include "runtime/blas_core.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace hifa::trainer {
namespace {

constexpr const char* coretype_variable = "OPENBLAS_CORETYPE";  // read by OpenBLAS when it loads
constexpr const char* switch_variable = "HIFA_BLAS_REEXEC";       // "0": never re-execute
constexpr const char* marker_variable = "HIFA_BLAS_REEXEC_FROM";  // set by the re-execution

bool same_name(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// How far a core's kernels go: 0 SSE, 1 AVX, 2 AVX2 + FMA, 3 AVX-512. OpenBLAS 0.3.21's x86-64
// cores (driver/others/dynamic.c) that stop short of AVX2 on Intel-like CPUs: Prescott is its
// fallback for a CPU it does not know, Nehalem and Sandybridge those of some unknown Intel models.
// -1 for every other core: one OpenBLAS chose knowingly (AVX2 and up, the Bulldozer family with its
// own kernels, other architectures), left alone.
int kernel_level(std::string_view core) {
  static constexpr std::array<std::string_view, 17> sse = {
      "Unknown", "Katmai", "Coppermine", "Northwood", "Prescott", "Banias", "Atom", "Core2", "Penryn",
      "Dunnington", "Nehalem", "Athlon", "Opteron", "Opteron_SSE3", "Barcelona", "Nano", "Bobcat"};
  if (std::ranges::any_of(sse, [&](std::string_view s) { return same_name(s, core); })) return 0;
  if (same_name(core, "Sandybridge")) return 1;
  return -1;
}

int cpu_level(const CpuFeatures& cpu) {
  if (cpu.avx512f && cpu.avx512bw && cpu.avx512dq && cpu.avx512vl) return 3;
  if (cpu.avx2 && cpu.fma) return 2;
  return cpu.avx ? 1 : 0;
}

const char* env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// "0.3.21" from "OpenBLAS 0.3.21 DYNAMIC_ARCH ...", else "".
std::string openblas_version(const std::string& config) {
  std::istringstream words(config);
  std::string name, version;
  words >> name >> version;
  return same_name(name, "OpenBLAS") ? version : "";
}

}  // namespace

CpuFeatures cpu_features() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  f.amd = __builtin_cpu_is("amd");
  f.avx = __builtin_cpu_supports("avx");
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  f.avx512f = __builtin_cpu_supports("avx512f");
  f.avx512bw = __builtin_cpu_supports("avx512bw");
  f.avx512dq = __builtin_cpu_supports("avx512dq");
  f.avx512vl = __builtin_cpu_supports("avx512vl");
#endif
  return f;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (!line.starts_with("model name")) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto first = line.find_first_not_of(" \t", colon + 1);
    const auto last = line.find_last_not_of(" \t\r");
    if (first != std::string::npos) return line.substr(first, last - first + 1);
  }
  return "unknown CPU";
}

OpenBlasInfo loaded_openblas() {
  using Text = const char* (*)();
  // RTLD_DEFAULT: the executable's dependencies, LibTorch's libblas.so.3 -> libopenblas.so.0 among them.
  const auto corename = reinterpret_cast<Text>(::dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const auto config = reinterpret_cast<Text>(::dlsym(RTLD_DEFAULT, "openblas_get_config"));
  OpenBlasInfo info;
  if (corename != nullptr && corename() != nullptr) info.core = corename();
  if (config != nullptr && config() != nullptr) info.config = config();
  return info;
}

std::string faster_blas_core(std::string_view core, std::string_view config, const CpuFeatures& cpu) {
  // Without DYNAMIC_ARCH the kernels are compiled in and OPENBLAS_CORETYPE is ignored.
  if (config.find("DYNAMIC_ARCH") == std::string_view::npos) return "";
  const int have = kernel_level(core);
  const int can = cpu_level(cpu);
  if (have < 0 || can <= have) return "";
  switch (can) {
    case 3: return "SkylakeX";
    case 2: return cpu.amd ? "Zen" : "Haswell";  // Zen: Haswell's kernels with AMD's cache blocking
    default: return "Sandybridge";
  }
}

std::string blas_core_to_set(std::string_view core, std::string_view config, const CpuFeatures& cpu,
                             const Getenv& getenv) {
  const char* user_choice = getenv(coretype_variable);
  const char* enabled = getenv(switch_variable);
  const char* marker = getenv(marker_variable);
  if (user_choice != nullptr || marker != nullptr) return "";
  if (enabled != nullptr && std::string_view(enabled) == "0") return "";
  return faster_blas_core(core, config, cpu);
}

bool choose_fast_blas_kernels() {
  const OpenBlasInfo blas = loaded_openblas();
  const std::string core = blas_core_to_set(blas.core, blas.config, cpu_features(), std::getenv);
  if (core.empty()) return false;
  ::setenv(marker_variable, blas.core.c_str(), 1);
  ::setenv(coretype_variable, core.c_str(), 1);
  return true;
}

void use_fast_blas_kernels(char** argv) {
  if (!choose_fast_blas_kernels()) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv(coretype_variable);  // exec failed: run on as we are, and say so truthfully
  ::unsetenv(marker_variable);
}

std::string blas_summary() {
  const OpenBlasInfo blas = loaded_openblas();
  if (blas.core.empty()) return "no OpenBLAS in this process";
  const std::string version = openblas_version(blas.config);
  std::string s = blas.core + " (openblas " + (version.empty() ? "of unknown version" : version);
  const std::string coretype = env_or_empty(coretype_variable), from = env_or_empty(marker_variable);
  if (!coretype.empty() && !from.empty()) {
    s += ", OPENBLAS_CORETYPE=" + coretype + " set by hifa: OpenBLAS chose " + from;
  } else if (!coretype.empty()) {
    s += ", OPENBLAS_CORETYPE=" + coretype + " from the environment";
  }
  const std::string faster = faster_blas_core(blas.core, blas.config, cpu_features());
  if (!faster.empty()) s += "; this CPU has faster " + faster + " kernels";
  return s + ")";
}

std::string machine_line() { return "cpu: " + cpu_model() + "; blas: " + blas_summary(); }

}  // namespace hifa::trainer
